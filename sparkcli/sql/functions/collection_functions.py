"""``pyspark.sql.functions``, arrays, maps, structs and the higher-order functions (transform,
filter, aggregate...).

A higher-order function takes a Python function as PySpark does: it is called once with
placeholder Columns (one per parameter it declares) and the Column it returns becomes the
lambda's body, so ``F.transform("xs", lambda x: x + 1)`` and the SQL text
``transform(xs, x -> x + 1)`` build the same expression.

>>> from pyspark.sql import functions as F
>>> F.array_distinct("xs")
Column<'array_distinct(xs)'>
"""

from __future__ import annotations

import inspect
import itertools
from typing import Any, Callable

from runtime.sql.errors import PySparkTypeError, PySparkValueError
from runtime.sql.expressions.base import UnresolvedAttribute
from runtime.sql.expressions.lambdas import LambdaFunction
from sparkcli.sql.column import Column, lit_expr
from sparkcli.sql.functions.arguments import by_kinds, call, col_arg, value_arg

__all__ = [
    "aggregate", "array_append", "array_compact", "array_distinct", "array_except",
    "array_insert", "array_intersect", "array_join", "array_max", "array_min",
    "array_position", "array_prepend", "array_remove", "array_repeat", "array_size",
    "array_sort", "array_union", "arrays_overlap", "arrays_zip", "cardinality", "element_at",
    "exists", "filter", "flatten", "forall", "get", "map_concat", "map_contains_key",
    "map_entries", "map_filter", "map_from_arrays", "map_from_entries", "map_keys",
    "map_values", "map_zip_with", "named_struct", "reduce", "sequence", "shuffle", "slice",
    "sort_array", "str_to_map", "transform", "transform_keys", "transform_values",
    "try_element_at", "zip_with",
]

_counter = itertools.count()


_e, _v, _call = col_arg, value_arg, call


def _lambda(f: Callable, allowed: tuple[int, ...]) -> LambdaFunction:
    """PySpark's way: call ``f`` with placeholder Columns and keep what it returns."""
    if not callable(f):
        raise PySparkTypeError(f"[NOT_CALLABLE] Argument `f` should be a callable, got "
                               f"{type(f).__name__}.", errorClass="NOT_CALLABLE")
    params = [p for p in inspect.signature(f).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(params) not in allowed:
        raise PySparkValueError(
            f"[WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION] Function `{f.__name__}` should take "
            f"between 1 and 3 arguments, but the provided function takes {len(params)}.",
            errorClass="WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION")
    names = [f"{p.name}_{next(_counter)}" for p in params]
    body = f(*(Column(UnresolvedAttribute((n,))) for n in names))
    if not isinstance(body, Column):
        raise PySparkValueError(
            "[HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN] Function `"
            f"{getattr(f, '__name__', 'f')}` should return Column, got "
            f"{type(body).__name__}.", errorClass="HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN")
    return LambdaFunction((body._expr,) + tuple(UnresolvedAttribute((n,)) for n in names))


# -- higher-order functions -------------------------------------------------------------------------
def transform(col: Any, f: Callable) -> Column:
    """Apply ``f(x)`` or ``f(x, i)`` to every element."""
    return _call("transform", _e(col), _lambda(f, (1, 2)))


def filter(col: Any, f: Callable) -> Column:  # noqa: A001 - PySpark's name
    return _call("filter", _e(col), _lambda(f, (1, 2)))


def exists(col: Any, f: Callable) -> Column:
    return _call("exists", _e(col), _lambda(f, (1,)))


def forall(col: Any, f: Callable) -> Column:
    return _call("forall", _e(col), _lambda(f, (1,)))


def aggregate(col: Any, initialValue: Any, merge: Callable,
              finish: Callable | None = None) -> Column:
    args = [_e(col), _v(initialValue), _lambda(merge, (2,))]
    if finish is not None:
        args.append(_lambda(finish, (1,)))
    return _call("aggregate", *args)


def reduce(col: Any, initialValue: Any, merge: Callable,
           finish: Callable | None = None) -> Column:
    args = [_e(col), _v(initialValue), _lambda(merge, (2,))]
    if finish is not None:
        args.append(_lambda(finish, (1,)))
    return _call("reduce", *args)


def zip_with(left: Any, right: Any, f: Callable) -> Column:
    return _call("zip_with", _e(left), _e(right), _lambda(f, (2,)))


def transform_keys(col: Any, f: Callable) -> Column:
    return _call("transform_keys", _e(col), _lambda(f, (2,)))


def transform_values(col: Any, f: Callable) -> Column:
    return _call("transform_values", _e(col), _lambda(f, (2,)))


def map_filter(col: Any, f: Callable) -> Column:
    return _call("map_filter", _e(col), _lambda(f, (2,)))


def map_zip_with(col1: Any, col2: Any, f: Callable) -> Column:
    return _call("map_zip_with", _e(col1), _e(col2), _lambda(f, (3,)))


def array_sort(col: Any, comparator: Callable | None = None) -> Column:
    if comparator is None:
        return _call("array_sort", _e(col))
    return _call("array_sort", _e(col), _lambda(comparator, (2,)))


# -- arrays -------------------------------------------------------------------------------------------
for _n in ("array_distinct", "array_max", "array_min", "array_compact", "array_size",
           "cardinality", "flatten", "map_keys", "map_values", "map_entries",
           "map_from_entries"):
    globals()[_n] = by_kinds(_n, "c")
for _n in ("array_except", "array_intersect", "array_union", "arrays_overlap",
           "map_from_arrays"):
    globals()[_n] = by_kinds(_n, "cc")
for _n in ("array_append", "array_prepend", "array_position", "array_remove", "element_at",
           "try_element_at", "get", "map_contains_key"):
    globals()[_n] = by_kinds(_n, "cv")


def array_insert(arr: Any, pos: Any, value: Any) -> Column:
    return _call("array_insert", _e(arr), _v(pos), _v(value))


def array_join(col: Any, delimiter: str, null_replacement: str | None = None) -> Column:
    args = [_e(col), lit_expr(delimiter)]
    if null_replacement is not None:
        args.append(lit_expr(null_replacement))
    return _call("array_join", *args)


def array_repeat(col: Any, count: Any) -> Column:
    return _call("array_repeat", _e(col), _v(count))


def arrays_zip(*cols: Any) -> Column:
    return _call("arrays_zip", *(_e(c) for c in cols))


def map_concat(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("map_concat", *(_e(c) for c in cols))


def sequence(start: Any, stop: Any, step: Any = None) -> Column:
    args = [_e(start), _e(stop)] + ([_e(step)] if step is not None else [])
    return _call("sequence", *args)


def shuffle(col: Any, seed: Any = None) -> Column:
    return _call("shuffle", _e(col), *([lit_expr(seed)] if seed is not None else []))


def slice(x: Any, start: Any, length: Any) -> Column:  # noqa: A001
    return _call("slice", _e(x), _v(start), _v(length))


def sort_array(col: Any, asc: bool = True) -> Column:
    return _call("sort_array", _e(col), lit_expr(asc))


def named_struct(*cols: Any) -> Column:
    """``named_struct(name1, col1, ...)``: every argument is a ``ColumnOrName`` as in
    PySpark (a name is a column; write the field names with ``lit``)."""
    return _call("named_struct", *(_e(c) for c in cols))


def str_to_map(text: Any, pairDelim: Any = None, keyValueDelim: Any = None) -> Column:
    args = [_e(text)]
    if pairDelim is not None or keyValueDelim is not None:
        args.append(_v(pairDelim if pairDelim is not None else ","))
    if keyValueDelim is not None:
        args.append(_v(keyValueDelim))
    return _call("str_to_map", *args)
