"""Arrays, maps and structs: array, struct, create_map, size, element_at, getItem/getField,
array_contains, and the generators explode/explode_outer/posexplode (which the analyzer
turns into a Generate operator: a generator changes the number of rows)."""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.array_functions import array_get
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.registry import EvalContext, FunctionSpec, lookup, register
from runtime.sql.arrow_types import to_arrow
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.expressions.base import Alias, AttributeReference


def _bind_array(args: list[Expression], ctx: Any) -> Expression:
    t = common_type([a.dtype for a in args]) if args else T.NullType()
    if t is None:
        raise AnalysisException("[DATATYPE_MISMATCH.DATA_DIFF_TYPES] array() arguments must "
                                "have the same type", errorClass="DATATYPE_MISMATCH")
    return make_call(lookup("array"), [cast_to(a, t) for a in args],
                     T.ArrayType(t, any(a.nullable for a in args)), False)


def _array(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    scalar = all(isinstance(a, pa.Scalar) for a in args)
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [materialize(a, n) for a in args]
    target = to_arrow(call.dtype)
    if not cols:
        return pa.scalar([], target)
    else:
        flat = pa.concat_arrays([c.cast(target.value_type) for c in cols])  # column-major
        k = len(cols)
        idx = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()  # row-major
        offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
        out = pa.ListArray.from_arrays(offsets, flat.take(pa.array(idx))).cast(target)
    return out[0] if scalar else out


simple("array", _bind_array, _array)


def _bind_struct(args: list[Expression], ctx: Any) -> Expression:
    fields = []
    for i, a in enumerate(args):
        name = a.name if isinstance(a, (Alias, AttributeReference)) else f"col{i + 1}"
        fields.append(T.StructField(name, a.dtype, a.nullable))
    return make_call(lookup("struct"), list(args), T.StructType(fields), False)


def _struct(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc


    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [materialize(a, n) for a in args]
    out = pc.make_struct(*cols, field_names=call.dtype.names)
    return out.cast(to_arrow(call.dtype))


simple("struct", _bind_struct, _struct, lambda c: "struct(" + ", ".join(
    x.sql() for x in c.children) + ")", "named_struct_positional")


def _bind_create_map(args: list[Expression], ctx: Any) -> Expression:
    if len(args) % 2:
        raise AnalysisException("[WRONG_NUM_ARGS] map expects a positive even number of "
                                "arguments", errorClass="WRONG_NUM_ARGS")
    kt = common_type([a.dtype for a in args[0::2]]) or T.StringType()
    vt = common_type([a.dtype for a in args[1::2]]) or T.StringType()
    cast = []
    for i, a in enumerate(args):
        cast.append(cast_to(a, kt if i % 2 == 0 else vt))
    return make_call(lookup("map"), cast, T.MapType(kt, vt, True), False)


def _create_map(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa


    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [materialize(a, n).to_pylist() for a in args]
    rows = [[(cols[j][i], cols[j + 1][i]) for j in range(0, len(cols), 2)] for i in range(n)]
    return pa.array(rows, to_arrow(call.dtype))


simple("map", _bind_create_map, _create_map, None, "create_map")


def _bind_size(args: list[Expression], ctx: Any) -> Expression:
    arity("size", args, 1)
    return make_call(lookup("size"), args, T.IntegerType(), False)


def _size(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = pc.list_value_length(args[0]) if not isinstance(call.children[0].dtype, T.MapType) \
        else pc.list_value_length(args[0].cast(pa.list_(args[0].type.key_type))) \
        if False else pc.list_value_length(args[0])
    return pc.cast(pc.fill_null(n, -1), pa.int32())


simple("size", _bind_size, _size, None)
simple("cardinality", lambda args, ctx: (arity("cardinality", args, 1), make_call(
    lookup("cardinality"), args, T.IntegerType(), False))[1], _size)


def _bind_extract(args: list[Expression], ctx: Any) -> Expression:
    child, key = args
    t = child.dtype
    if isinstance(t, T.ArrayType):
        return make_call(lookup("extract"), [child, cast_to(key, T.IntegerType())],
                         t.elementType, True)
    if isinstance(t, T.MapType):
        return make_call(lookup("extract"), [child, cast_to(key, t.keyType)], t.valueType, True)
    if isinstance(t, T.StructType) and isinstance(key, Literal):
        names = [n.lower() for n in t.names]
        name = str(key.value)
        if name.lower() not in names:
            raise AnalysisException(
                f"[FIELD_NOT_FOUND] No such struct field `{name}` in "
                f"{', '.join('`' + n + '`' for n in t.names)}. SQLSTATE: 42704",
                errorClass="FIELD_NOT_FOUND")
        f = t.fields[names.index(name.lower())]
        return make_call(lookup("getfield"), [child, Literal(f.name, T.StringType())],
                         f.dataType, True)
    raise AnalysisException(
        f"[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"{child.sql()}\". "
        f"Need a complex type [STRUCT, ARRAY, MAP] but got \"{t.simpleString().upper()}\". "
        "SQLSTATE: 42000", errorClass="INVALID_EXTRACT_BASE_FIELD_TYPE")


def _extract(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    if isinstance(call.children[0].dtype, T.ArrayType):
        return array_get(args, "subscript", ectx, to_arrow(call.dtype))
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    maps, keys = (materialize(a, n).to_pylist() for a in args)
    out = [None if m is None or k is None else dict(m).get(k) for m, k in zip(maps, keys)]
    return pa.array(out, to_arrow(call.dtype))


simple("extract", _bind_extract, _extract,
       lambda c: f"{c.children[0].sql()}[{c.children[1].sql()}]")


def _getfield(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    arr, name = args
    idx = call.children[0].dtype.names.index(name.as_py())
    return pc.struct_field(arr, [idx])


simple("getfield", _bind_extract, _getfield,
       lambda c: f"{c.children[0].sql()}.{c.children[1].value}")


def _bind_array_contains(args: list[Expression], ctx: Any) -> Expression:
    arity("array_contains", args, 2)
    arr, v = args
    elem = arr.dtype.elementType if isinstance(arr.dtype, T.ArrayType) else T.NullType()
    return make_call(lookup("array_contains"), [arr, cast_to(v, elem)], T.BooleanType())


def _array_contains(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    arr, v = args
    val = v.as_py()
    out = []
    for x in arr.to_pylist():
        if x is None or val is None:
            out.append(None)
        elif val in x:
            out.append(True)
        else:
            out.append(None if None in x else False)
    return pa.array(out, pa.bool_())


simple("array_contains", _bind_array_contains, _array_contains)


# -- generators -----------------------------------------------------------------------------------
def _bind_generator(name: str, outer: bool, pos: bool):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        t = args[0].dtype
        if not isinstance(t, (T.ArrayType, T.MapType)):
            raise AnalysisException(
                f"[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{name}"
                f"({args[0].sql()})\" due to data type mismatch: The first parameter requires "
                f"the (\"ARRAY\" or \"MAP\") type, however \"{args[0].sql()}\" has the type "
                f"\"{t.simpleString().upper()}\". SQLSTATE: 42K09",
                errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
        fields = [T.StructField("pos", T.IntegerType(), False)] if pos else []
        if isinstance(t, T.ArrayType):
            fields.append(T.StructField("col", t.elementType, True))
        else:
            fields += [T.StructField("key", t.keyType, False),
                       T.StructField("value", t.valueType, True)]
        return make_call(lookup(name), args, T.StructType(fields), True,
                         (("outer", outer), ("pos", pos)))
    return bind


for _n, _o, _p in (("explode", False, False), ("explode_outer", True, False),
                   ("posexplode", False, True), ("posexplode_outer", True, True)):
    register(FunctionSpec(_n, _bind_generator(_n, _o, _p), None, generator=True))
