"""Array functions: element_at/try_element_at/get, slice, array_position, array_remove,
array_repeat, array_distinct/union/intersect/except, arrays_overlap, array_join, array_max/
min, arrays_zip, array_append/prepend/insert/compact, flatten, sequence, sort_array,
shuffle, array_size, and ``reverse``/``concat`` of arrays (the string forms stay in
strings.py; the array forms take over when the argument is an array).

Kernels work on flattened arrays (array_columns.py). The set functions (distinct, union,
intersect, except, overlap) compare elements with Python sets per row: a Python loop per
row, kept because Spark's NULL/NaN equality rules inside sets make the Arrow join/group
formulation long; everything else is whole-column Arrow/numpy. Index errors are Spark's
(``[INVALID_ARRAY_INDEX_IN_ELEMENT_AT]``, ``[INVALID_INDEX_OF_ZERO]``) under ANSI; the
``try_`` forms and ``get`` give NULL.
"""

from __future__ import annotations

import random
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, ArrayIndexOutOfBoundsException, \
    SparkRuntimeException
from runtime.sql.expressions.array_columns import flat, rebuild, width
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.expressions.higher_order import sort_flat
from runtime.sql.expressions.registry import (
    FUNCTIONS, EvalContext, FunctionSpec, lookup, register, type_mismatch)
from runtime.sql.arrow_types import to_arrow

_INT, _LONG = T.IntegerType(), T.LongType()


def _simple(name: str, bind: Any, kernel: Any, *aliases: str, **extra: Any) -> FunctionSpec:
    return register(FunctionSpec(name, bind, kernel, extra=extra), *aliases)


def _array(name: str, arg: Expression, index: int = 1) -> T.ArrayType:
    if isinstance(arg.dtype, T.NullType):
        return T.ArrayType(T.NullType(), True)
    if not isinstance(arg.dtype, T.ArrayType):
        raise type_mismatch(f"{name}({arg.sql()})", index, '"ARRAY"', arg.sql(), arg.dtype)
    return arg.dtype


def _out_type(call: Any) -> Any:
    return to_arrow(call.dtype)


# -- element access ---------------------------------------------------------------------------------
def _bind_element_at(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        t = args[0].dtype
        if isinstance(t, T.MapType):
            return make_call(lookup(name), [args[0], cast_to(args[1], t.keyType)], t.valueType,
                             True)
        at = _array(name, args[0])
        return make_call(lookup(name), [args[0], cast_to(args[1], _INT)], at.elementType, True)
    return bind


def _element_at(call: Any, args: list, ectx: EvalContext) -> Any:
    if isinstance(call.children[0].dtype, T.MapType):
        return _map_get(args, width(args), _out_type(call))
    return array_get(args, call.spec.extra["mode"], ectx, _out_type(call))


_OUT_OF_RANGE = {"subscript": ("INVALID_ARRAY_INDEX", "Use the SQL function `get()`"),
                 "element_at": ("INVALID_ARRAY_INDEX_IN_ELEMENT_AT", "Use `try_element_at`")}


def array_get(args: list, mode: str, ectx: EvalContext, target: Any) -> Any:
    """``args[0]``'s element at index ``args[1]``: ``mode`` "element_at" (1-based, ANSI
    errors), "try" (1-based, NULL), "get" (0-based, NULL) or "subscript" (``arr[i]``:
    0-based, ``[INVALID_ARRAY_INDEX]`` under ANSI)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    idx_arr = materialize(args[1], n)
    idx = pc.fill_null(idx_arr, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = f.valid & idx_arr.is_valid().to_numpy(zero_copy_only=False)
    if mode in ("get", "subscript"):
        pos = idx
    else:
        if mode == "element_at" and (ok & (idx == 0)).any():
            raise SparkRuntimeException(
                "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 "
                "or > 0 (the first element has index 1). SQLSTATE: 22003",
                errorClass="INVALID_INDEX_OF_ZERO")
        pos = np.where(idx > 0, idx - 1, f.lens + idx)
    inside = ok & (pos >= 0) & (pos < f.lens) & \
        (idx != 0 if mode not in ("get", "subscript") else True)
    if mode in _OUT_OF_RANGE and ectx.ansi and (ok & ~inside).any():
        i = int(np.argmax(ok & ~inside))
        cls, hint = _OUT_OF_RANGE[mode]
        raise ArrayIndexOutOfBoundsException(
            f"[{cls}] The index {idx[i]} is out of bounds. The array has {f.lens[i]} "
            f"elements. {hint} to tolerate accessing element at invalid index and return NULL "
            "instead. SQLSTATE: 22003", errorClass=cls,
            messageParameters={"indexValue": str(idx[i]), "arraySize": str(f.lens[i])})
    if len(f.values) == 0:
        return pa.nulls(n, target)
    take = np.where(inside, f.starts + pos, 0)
    return f.values.take(pa.array(take, mask=~inside)).cast(target)


def _map_get(args: list, n: int, target: Any) -> Any:
    import pyarrow as pa

    maps = materialize(args[0], n).to_pylist()
    keys = materialize(args[1], n).to_pylist()
    return pa.array([None if m is None or k is None else dict(m).get(k)
                     for m, k in zip(maps, keys)], target)


_simple("element_at", _bind_element_at("element_at"), _element_at, mode="element_at")
_simple("try_element_at", _bind_element_at("try_element_at"), _element_at, mode="try")
_simple("get", _bind_element_at("get"), _element_at, mode="get")


def _bind_slice(args: list[Expression], ctx: Any) -> Expression:
    arity("slice", args, 3)
    at = _array("slice", args[0])
    return make_call(lookup("slice"), [args[0], cast_to(args[1], _INT), cast_to(args[2], _INT)],
                     at)


def _slice(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    start_a, len_a = materialize(args[1], n), materialize(args[2], n)
    start = pc.fill_null(start_a, 1).to_numpy(zero_copy_only=False).astype(np.int64)
    length = pc.fill_null(len_a, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = f.valid & start_a.is_valid().to_numpy(zero_copy_only=False) & \
        len_a.is_valid().to_numpy(zero_copy_only=False)
    if ectx.ansi and (valid & (start == 0)).any():
        raise SparkRuntimeException(
            "[INVALID_PARAMETER_VALUE.START] The value of parameter(s) `start` in `slice` is "
            "invalid: Expects a positive or a negative value for `start`, but got 0. "
            "SQLSTATE: 22023", errorClass="INVALID_PARAMETER_VALUE.START")
    if (valid & (length < 0)).any():
        bad = int(length[np.argmax(valid & (length < 0))])
        raise SparkRuntimeException(
            "[INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) `length` in `slice` is "
            f"invalid: Expects `length` greater than or equal to 0, but got {bad}. "
            "SQLSTATE: 22023", errorClass="INVALID_PARAMETER_VALUE.LENGTH")
    first = np.where(start > 0, start - 1, f.lens + start)
    p = f.parents
    keep = (f.pos >= first[p]) & (f.pos < first[p] + length[p]) & (first[p] >= 0)
    return rebuild(f.values.filter(keep), p[keep], n, valid, _out_type(call))


_simple("slice", _bind_slice, _slice)


def _bind_position(args: list[Expression], ctx: Any) -> Expression:
    arity("array_position", args, 2)
    at = _array("array_position", args[0])
    return make_call(lookup("array_position"), [args[0], cast_to(args[1], at.elementType)],
                     _LONG)


def _array_position(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    v = materialize(args[1], n)
    if len(f.values):
        eq = pc.fill_null(pc.equal(f.values, v.take(pa.array(f.parents))), False)
        hit = eq.to_numpy(zero_copy_only=False).astype(bool)
    else:
        hit = np.zeros(0, bool)
    found = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(found, f.parents[hit], f.pos[hit])
    res = np.where(found == np.iinfo(np.int64).max, 0, found + 1)
    return pa.array(res, pa.int64(), mask=~(f.valid & v.is_valid().to_numpy(
        zero_copy_only=False)))


_simple("array_position", _bind_position, _array_position)


def _bind_remove(args: list[Expression], ctx: Any) -> Expression:
    arity("array_remove", args, 2)
    at = _array("array_remove", args[0])
    return make_call(lookup("array_remove"), [args[0], cast_to(args[1], at.elementType)], at)


def _array_remove(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    v = materialize(args[1], n)
    valid = f.valid & v.is_valid().to_numpy(zero_copy_only=False)
    if len(f.values):
        same = pc.fill_null(pc.equal(f.values, v.take(pa.array(f.parents))), False)
        keep = ~same.to_numpy(zero_copy_only=False).astype(bool)
    else:
        keep = np.zeros(0, bool)
    return rebuild(f.values.filter(pa.array(keep)), f.parents[keep], n, valid, _out_type(call))


_simple("array_remove", _bind_remove, _array_remove)


def _bind_repeat(args: list[Expression], ctx: Any) -> Expression:
    arity("array_repeat", args, 2)
    return make_call(lookup("array_repeat"), [args[0], cast_to(args[1], _INT)],
                     T.ArrayType(args[0].dtype, args[0].nullable), args[1].nullable)


def _array_repeat(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    v = materialize(args[0], n)
    cnt_a = materialize(args[1], n)
    cnt = np.maximum(pc.fill_null(cnt_a, 0).to_numpy(zero_copy_only=False).astype(np.int64), 0)
    parents = np.repeat(np.arange(n, dtype=np.int64), cnt)
    return rebuild(v.take(pa.array(parents)), parents, n,
                   cnt_a.is_valid().to_numpy(zero_copy_only=False), _out_type(call))


_simple("array_repeat", _bind_repeat, _array_repeat)


# -- set functions ----------------------------------------------------------------------------------
def _key(v: Any) -> Any:
    if isinstance(v, float) and v != v:
        return ("nan",)
    if isinstance(v, list):
        return ("list", tuple(_key(x) for x in v))
    if isinstance(v, dict):
        return ("struct", tuple((k, _key(x)) for k, x in v.items()))
    return v


def _bind_set(name: str, binary: bool, result_bool: bool = False):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2 if binary else 1)
        ats = [_array(name, a, i + 1) for i, a in enumerate(args)]
        et = common_type([a.elementType for a in ats])
        if et is None:
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES] Cannot resolve "{name}('
                f'{", ".join(a.sql() for a in args)})" due to data type mismatch: Input to '
                f'function `{name}` should have been two "ARRAY" with same element type, but '
                f'it\'s [{", ".join(a.dtype.simpleString().upper() for a in args)}]. '
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES")
        nulls = any(a.containsNull for a in ats)
        kids = [cast_to(a, T.ArrayType(et, at.containsNull)) for a, at in zip(args, ats)]
        dtype = T.BooleanType() if result_bool else T.ArrayType(et, nulls)
        return make_call(lookup(name), kids, dtype)
    return bind


def _set_kernel(op: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        n = width(args)
        cols = [materialize(a, n).to_pylist() for a in args]
        out = []
        for row in zip(*cols):
            if any(r is None for r in row):
                out.append(None)
                continue
            out.append(_SET_OPS[op](*row))
        return pa.array(out, _out_type(call))
    return kernel


def _distinct(xs: list, exclude: set | None = None) -> list:
    seen, out = set(exclude or ()), []
    for x in xs:
        k = _key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def _overlap(a: list, b: list) -> Any:
    keys_b = {_key(x) for x in b if x is not None}
    if any(x is not None and _key(x) in keys_b for x in a):
        return True
    return None if a and b and (None in a or None in b) else False


_SET_OPS = {
    "distinct": lambda a: _distinct(a),
    "union": lambda a, b: _distinct(a + b),
    "except": lambda a, b: _distinct(a, {_key(x) for x in b}),
    "intersect": lambda a, b: [x for x in _distinct(a) if _key(x) in {_key(y) for y in b}],
    "overlap": _overlap,
}
_simple("array_distinct", _bind_set("array_distinct", False), _set_kernel("distinct"))
_simple("array_union", _bind_set("array_union", True), _set_kernel("union"))
_simple("array_except", _bind_set("array_except", True), _set_kernel("except"))
_simple("array_intersect", _bind_set("array_intersect", True), _set_kernel("intersect"))
_simple("arrays_overlap", _bind_set("arrays_overlap", True, True), _set_kernel("overlap"))


# -- reductions -----------------------------------------------------------------------------------
def _bind_array_extreme(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        at = _array(name, args[0])
        return make_call(lookup(name), args, at.elementType, True)
    return bind


def _array_extreme(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        n = width(args)
        f = flat(args[0], n)
        table = pa.table({"p": pa.array(f.parents), "v": f.values})
        if not len(f.values):
            return pa.nulls(n, _out_type(call))
        g = table.group_by("p", use_threads=False).aggregate([("v", fn)])
        import numpy as np

        idx = np.full(n, -1, np.int64)
        idx[g.column("p").to_numpy()] = np.arange(g.num_rows)
        vals = g.column(f"v_{fn}").combine_chunks()
        got = vals.take(pa.array(np.where(idx >= 0, idx, 0), mask=idx < 0))
        return got.cast(_out_type(call))
    return kernel


_simple("array_max", _bind_array_extreme("array_max"), _array_extreme("max"))
_simple("array_min", _bind_array_extreme("array_min"), _array_extreme("min"))


def _bind_join(args: list[Expression], ctx: Any) -> Expression:
    arity("array_join", args, 2, 3)
    _array("array_join", args[0])
    kids = [cast_to(args[0], T.ArrayType(T.StringType(), True))] + \
        [cast_to(a, T.StringType()) for a in args[1:]]
    return make_call(lookup("array_join"), kids, T.StringType())


def _array_join(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    arr = materialize(args[0], n)
    sep = materialize(args[1], n)
    if len(args) > 2:
        repl = materialize(args[2], n)
        f = flat(arr, n)
        vals = pc.coalesce(f.values, repl.take(pa.array(f.parents)))
        arr = rebuild(vals, f.parents, n, f.valid, pa.list_(pa.string()))
    else:
        f = flat(arr, n)
        keep = f.values.is_valid()
        mask = keep.to_numpy(zero_copy_only=False)
        arr = rebuild(f.values.filter(keep), f.parents[mask], n, f.valid, pa.list_(pa.string()))
    return pc.binary_join(arr, sep)


_simple("array_join", _bind_join, _array_join)


def _bind_sort_array(args: list[Expression], ctx: Any) -> Expression:
    arity("sort_array", args, 1, 2)
    at = _array("sort_array", args[0])
    asc = args[1] if len(args) > 1 else Literal(True, T.BooleanType())
    if not isinstance(asc, Literal):
        raise AnalysisException("sort_array: the ascending order must be a literal boolean",
                                errorClass="DATATYPE_MISMATCH")
    return make_call(lookup("sort_array"), [args[0], asc], at)


def _sort_array(call: Any, args: list, ectx: EvalContext) -> Any:
    asc = bool(call.children[1].value)
    return sort_flat(flat(args[0], width(args)), asc, asc, _out_type(call))


_simple("sort_array", _bind_sort_array, _sort_array)


def _shuffle(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    f = flat(args[0], n)
    seed = dict(call.options).get("seed")
    rng = np.random.default_rng(None if seed is None else seed + ectx.partition_index)
    order = np.lexsort((rng.random(len(f.parents)), f.parents))
    return rebuild(f.values.take(pa.array(order)), f.parents[order], n, f.valid,
                   _out_type(call))


def _bind_shuffle(args: list[Expression], ctx: Any) -> Expression:
    arity("shuffle", args, 1, 2)
    at = _array("shuffle", args[0])
    seed = args[1].value if len(args) > 1 and isinstance(args[1], Literal) else \
        random.randrange(1 << 31)
    return make_call(FUNCTIONS["shuffle"], [args[0]], at, None, (("seed", seed),))


register(FunctionSpec("shuffle", _bind_shuffle, _shuffle, deterministic=False))
