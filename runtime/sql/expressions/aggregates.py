"""Aggregate functions: Spark's result types, computed by Arrow's hash aggregations.

An aggregate binds to an ``AggCall`` whose ``spec.agg`` is an ``AggSpec``:
* ``parts(call)``: the Arrow aggregations it needs, as ``(input index, arrow function,
  options)`` over the call's (pre-projected) inputs; ``avg`` of a decimal needs a sum and a
  count, ``count(*)`` needs ``count_all`` and no input;
* ``finish(call, arrays)``: Spark's result from those arrays (casts to Spark's result type,
  NULLs dropped from collect_list, decimal averages rounded HALF_UP).

Result types as Spark's: count -> bigint (never NULL), sum(integral) -> bigint,
sum(float/double) -> double, sum(decimal(p,s)) -> decimal(p+10,s), avg -> double or
decimal(p+4,s+4), min/max/first/last -> the input type, collect_list/set -> array, stddev and
variance -> double (NULL for a single row). An all-NULL group sums to NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to
from runtime.sql.expressions.coercion import bounded_decimal
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.arrow_types import to_arrow

__all__ = ["AggSpec", "MERGE", "decomposable"]


@dataclass
class AggSpec:
    parts: Callable[[AggCall], list[tuple[int | None, str, Any]]]
    finish: Callable[[AggCall, list], Any]


# How the partial results of an Arrow aggregation merge in the final aggregation; an
# aggregate whose parts are all here (and that is not DISTINCT) is computed partially
# before the shuffle and finally after it.
MERGE = {"sum": "sum", "count": "sum", "count_all": "sum", "min": "min", "max": "max",
         "first": "first", "last": "last", "all": "all", "any": "any"}


def decomposable(call: AggCall) -> bool:
    return not call.distinct and all(fn in MERGE for _, fn, _ in call.spec.agg.parts(call))


def _pretty(call: Any) -> str:
    name = call.spec.extra.get("pretty_name", call.spec.name)
    inner = ", ".join(c.sql() for c in call.children)
    return f"{name}({'DISTINCT ' if call.distinct else ''}{inner})"


def _register(name: str, bind: Callable, agg: AggSpec, *aliases: str, **extra: Any) -> None:
    register(FunctionSpec(name, bind, None, _pretty, agg=agg, extra=extra), *aliases)


def _cast_result(call: AggCall, arr: Any) -> Any:
    if dict(call.options).get("boxed"):  # first(x) FILTER (...): struct(x) (agg_filter.py)
        import pyarrow.compute as pc

        arr = pc.struct_field(arr, [0])
    target = to_arrow(call.dtype)
    return arr if arr.type == target else arr.cast(target)


def _single(fn: str, options: Callable[[AggCall], Any] | None = None) -> AggSpec:
    return AggSpec(lambda c: [(0, fn, options(c) if options else None)],
                   lambda c, arrs: _cast_result(c, arrs[0]))


def _numeric_arg(name: str, args: list[Expression]) -> Expression:
    arity(name, args, 1)
    a = args[0]
    if isinstance(a.dtype, T.StringType):
        return cast_to(a, T.DoubleType())
    if not isinstance(a.dtype, (T.NumericType, T.NullType)):
        raise type_mismatch(f"{name}({a.sql()})", 1, "\"NUMERIC\" or \"ANSI INTERVAL\"",
                            a.sql(), a.dtype)
    return a


# -- count ---------------------------------------------------------------------------------------
def _bind_count(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    if not args:
        args = [Literal(1, T.IntegerType())]
    return AggCall(lookup("count"), tuple(args), T.LongType(), False, distinct)


def _count_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    if call.distinct:
        return [(0, "count_distinct", pc.CountOptions(mode="only_valid"))]
    if len(call.children) == 1 and isinstance(call.children[0], Literal) and \
            call.children[0].value is not None:
        return [(None, "count_all", None)]
    return [(0, "count", pc.CountOptions(mode="only_valid"))]


_register("count", _bind_count, AggSpec(_count_parts, lambda c, a: _cast_result(c, a[0])))


# -- sum / avg -----------------------------------------------------------------------------------
def _sum_type(t: T.DataType) -> T.DataType:
    if isinstance(t, T.DecimalType):
        return bounded_decimal(t.precision + 10, t.scale)
    if isinstance(t, T.IntegralType):
        return T.LongType()
    return T.DoubleType()


def _bind_sum(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    a = _numeric_arg("sum", args)
    dtype = _sum_type(a.dtype)
    if isinstance(a.dtype, T.IntegralType):
        a = cast_to(a, T.LongType())
    elif isinstance(a.dtype, (T.FloatType, T.NullType)):
        a = cast_to(a, T.DoubleType())
    return AggCall(lookup("sum"), (a,), dtype, True, distinct)


def _sum_finish(call: AggCall, arrs: list) -> Any:
    import pyarrow.compute as pc

    out = arrs[0]
    if isinstance(call.dtype, T.DecimalType):
        return pc.cast(out, to_arrow(call.dtype))
    return _cast_result(call, out)


_register("sum", _bind_sum, AggSpec(
    lambda c: [(0, "sum", _min_count())] if not c.distinct else [(0, "distinct", None)],
    lambda c, a: _sum_finish(c, a) if not c.distinct else _distinct_sum(c, a[0])))


def _min_count() -> Any:
    import pyarrow.compute as pc

    return pc.ScalarAggregateOptions(skip_nulls=True, min_count=1)


def _distinct_sum(call: AggCall, lists: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc


    out = [None if not v else sum(x for x in v if x is not None) for v in lists.to_pylist()]
    del pc
    return pa.array(out, to_arrow(call.dtype))


def _bind_avg(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    a = _numeric_arg("avg", args)
    if isinstance(a.dtype, T.DecimalType):
        dtype: T.DataType = bounded_decimal(a.dtype.precision + 4, a.dtype.scale + 4)
    else:
        dtype = T.DoubleType()
        a = cast_to(a, T.DoubleType())
    return AggCall(lookup("avg"), (a,), dtype, True, distinct)


def _avg_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    return [(0, "sum", _min_count()), (0, "count", pc.CountOptions(mode="only_valid"))]


def _avg_finish(call: AggCall, arrs: list) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    total, count = arrs
    if not isinstance(call.dtype, T.DecimalType):
        zero = pc.equal(count, 0)
        safe = pc.if_else(zero, pa.scalar(None, pa.int64()), count)
        return pc.divide(pc.cast(total, pa.float64()), pc.cast(safe, pa.float64()))
    s = call.dtype.scale
    # decimal256: Arrow's quotient scale is s1 + p2 + 1, beyond decimal128's 38 digits
    wide = pc.cast(total, pa.decimal256(40, min(38, s + 1)))
    q = pc.divide(wide, pc.cast(count, pa.decimal256(19, 0)))
    q = pc.round(q, s, round_mode="half_towards_infinity")
    return pc.cast(q, to_arrow(call.dtype))


_register("avg", _bind_avg, AggSpec(_avg_parts, _avg_finish), "mean")


# -- min / max / first / last / any_value ----------------------------------------------------------
def _bind_same(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1, 2)
        options = ()
        if len(args) == 2:
            flag = args[1]
            options = (("ignorenulls", bool(getattr(flag, "value", False))),)
        return AggCall(lookup(name), (args[0],), args[0].dtype, True, False, options)
    return bind


def _ignore_nulls(call: AggCall) -> Any:
    import pyarrow.compute as pc

    return pc.ScalarAggregateOptions(skip_nulls=dict(call.options).get("ignorenulls", False))


_register("min", _bind_same("min"), _single("min"))
_register("max", _bind_same("max"), _single("max"))
_register("first", _bind_same("first"), _single("first", _ignore_nulls), "first_value")
_register("last", _bind_same("last"), _single("last", _ignore_nulls), "last_value")
_register("any_value", _bind_same("any_value"), _single("first", _ignore_nulls))


# -- collect_list / collect_set -------------------------------------------------------------------
def _bind_collect(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        return AggCall(lookup(name), (args[0],), T.ArrayType(args[0].dtype, False), False)
    return bind


def drop_list_nulls(lists: Any) -> Any:
    """Lists with their NULL elements removed, without a Python loop."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    flat = lists.values.slice(lists.offsets[0].as_py(),
                              lists.offsets[-1].as_py() - lists.offsets[0].as_py())
    valid = pc.cast(pc.is_valid(flat), pa.int64())
    cum = pc.cumulative_sum(valid)
    cum = pa.concat_arrays([pa.array([0], pa.int64()), cum])
    rel = pc.subtract(lists.offsets, lists.offsets[0])
    new_offsets = pc.cast(pc.take(cum, rel), pa.int32())
    values = pc.filter(flat, pc.is_valid(flat))
    return pa.ListArray.from_arrays(new_offsets, values)


def _collect_list_finish(call: AggCall, arrs: list) -> Any:
    return drop_list_nulls(arrs[0]).cast(to_arrow(call.dtype))


def _collect_set_finish(call: AggCall, arrs: list) -> Any:
    return drop_list_nulls(arrs[0]).cast(to_arrow(call.dtype))


_register("collect_list", _bind_collect("collect_list"),
          AggSpec(lambda c: [(0, "list", None)], _collect_list_finish), "array_agg")
_register("collect_set", _bind_collect("collect_set"),
          AggSpec(lambda c: [(0, "distinct", None)], _collect_set_finish))


# -- statistics ----------------------------------------------------------------------------------
def _bind_stat(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        a = cast_to(_numeric_arg(name, args), T.DoubleType())
        return AggCall(lookup(name), (a,), T.DoubleType(), True)
    return bind


def _variance(fn: str, ddof: int) -> AggSpec:
    def options(call: AggCall) -> Any:
        import pyarrow.compute as pc

        return pc.VarianceOptions(ddof=ddof, min_count=1)
    return _single(fn, options)


for _name, _fn, _ddof, _aliases in (
        ("stddev", "stddev", 1, ("std",)), ("stddev_samp", "stddev", 1, ()),
        ("stddev_pop", "stddev", 0, ()), ("variance", "variance", 1, ()),
        ("var_samp", "variance", 1, ()), ("var_pop", "variance", 0, ())):
    _register(_name, _bind_stat(_name), _variance(_fn, _ddof), *_aliases)


def _bind_count_if(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("count_if", args, 1)
    return AggCall(lookup("count_if"), (cast_to(args[0], T.BooleanType()),), T.LongType(), False)


def _count_if_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    return [(0, "sum", pc.ScalarAggregateOptions(skip_nulls=True, min_count=0))]


def _count_if_finish(call: AggCall, arrs: list) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.fill_null(pc.cast(arrs[0], pa.int64()), 0)


_register("count_if", _bind_count_if, AggSpec(_count_if_parts, _count_if_finish))


def _bind_bool_agg(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        return AggCall(lookup(name), (cast_to(args[0], T.BooleanType()),), T.BooleanType(), True)
    return bind


for _name in ("bool_and", "every"):  # one spec per name: each is named as written
    _register(_name, _bind_bool_agg(_name), _single("all", lambda c: _min_count()))
for _name in ("bool_or", "some", "any"):
    _register(_name, _bind_bool_agg(_name), _single("any", lambda c: _min_count()))


def _bind_approx(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("approx_count_distinct", args, 1, 2)
    return AggCall(lookup("approx_count_distinct"), (args[0],), T.LongType(), False)


_register("approx_count_distinct", _bind_approx, AggSpec(
    lambda c: [(0, "count_distinct", _only_valid())], lambda c, a: _cast_result(c, a[0])))


def _only_valid() -> Any:
    import pyarrow.compute as pc

    return pc.CountOptions(mode="only_valid")
