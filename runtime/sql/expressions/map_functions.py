"""Map functions: map_keys, map_values, map_entries, map_from_arrays, map_from_entries,
map_concat, map_contains_key, str_to_map.

Maps are Arrow map arrays (a list of ``struct<key, value>``); keys and values come out with
Arrow's list kernels. Building a map checks Spark's rules: a NULL key is ``[NULL_MAP_KEY]``,
a repeated key ``[DUPLICATED_MAP_KEY]`` (``spark.sql.mapKeyDedupPolicy`` EXCEPTION, the
default); the duplicate check runs on the flat keys with an Arrow group-by.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.array_columns import flat, map_flat, rebuild, rebuild_map, width
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch)
from runtime.sql.arrow_types import to_arrow


def _map(name: str, arg: Expression, index: int = 1) -> T.MapType:
    if not isinstance(arg.dtype, T.MapType):
        raise type_mismatch(f"{name}({arg.sql()})", index, '"MAP"', arg.sql(), arg.dtype)
    return arg.dtype


def check_keys(keys: Any, parents: Any) -> None:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa

    if keys.null_count:
        raise SparkRuntimeException("[NULL_MAP_KEY] Cannot use null as map key. SQLSTATE: 2200E",
                                    errorClass="NULL_MAP_KEY")
    if not len(keys):
        return
    t = pa.table({"p": pa.array(parents), "k": keys})
    try:
        g = t.group_by(["p", "k"], use_threads=False).aggregate([("p", "count")])
    except pa.ArrowNotImplementedError:
        return  # complex keys: not checked
    counts = g.column("p_count").to_numpy()
    if (counts > 1).any():
        i = int((counts > 1).argmax())
        raise SparkRuntimeException(
            f"[DUPLICATED_MAP_KEY] Duplicate map key {g.column('k')[i].as_py()} was found, "
            "please check the input data. If you want to remove the duplicated keys, you can "
            'set "spark.sql.mapKeyDedupPolicy" to "LAST_WIN" so that the key inserted at last '
            "takes precedence. SQLSTATE: 23505", errorClass="DUPLICATED_MAP_KEY")


def _part(which: int):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        name = ("map_keys", "map_values", "map_entries")[which]
        arity(name, args, 1)
        mt = _map(name, args[0])
        if which == 0:
            dtype: T.DataType = T.ArrayType(mt.keyType, False)
        elif which == 1:
            dtype = T.ArrayType(mt.valueType, mt.valueContainsNull)
        else:
            dtype = T.ArrayType(T.StructType([T.StructField("key", mt.keyType, False),
                                              T.StructField("value", mt.valueType,
                                                            mt.valueContainsNull)]), False)
        return make_call(lookup(name), args, dtype)

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        n = width(args)
        f = map_flat(args[0], n)
        vals = f.values if which == 2 else pc.struct_field(f.values, [which])
        return rebuild(vals, f.parents, n, f.valid, to_arrow(call.dtype))
    return bind, kernel


for _i, _name in enumerate(("map_keys", "map_values", "map_entries")):
    _b, _k = _part(_i)
    register(FunctionSpec(_name, _b, _k))


def _bind_from_arrays(args: list[Expression], ctx: Any) -> Expression:
    arity("map_from_arrays", args, 2)
    for i, a in enumerate(args):
        if not isinstance(a.dtype, T.ArrayType):
            raise type_mismatch(f"map_from_arrays({args[0].sql()}, {args[1].sql()})", i + 1,
                                '"ARRAY"', a.sql(), a.dtype)
    kt, vt = args[0].dtype.elementType, args[1].dtype
    return make_call(lookup("map_from_arrays"), args, T.MapType(kt, vt.elementType,
                                                                vt.containsNull))


def _from_arrays(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    fk, fv = flat(args[0], n), flat(args[1], n)
    valid = fk.valid & fv.valid
    if (valid & (fk.lens != fv.lens)).any():
        raise SparkRuntimeException(
            "[INVALID_PARAMETER_VALUE] The key array and value array of MapData must have the "
            "same length. SQLSTATE: 22023", errorClass="INVALID_PARAMETER_VALUE")
    check_keys(fk.values, fk.parents)
    return rebuild_map(fk.values, fv.values, fk.parents, n, valid, to_arrow(call.dtype))


register(FunctionSpec("map_from_arrays", _bind_from_arrays, _from_arrays))


def _bind_from_entries(args: list[Expression], ctx: Any) -> Expression:
    arity("map_from_entries", args, 1)
    t = args[0].dtype
    if not (isinstance(t, T.ArrayType) and isinstance(t.elementType, T.StructType) and
            len(t.elementType.fields) == 2):
        raise type_mismatch(f"map_from_entries({args[0].sql()})", 1,
                            '"ARRAY" of pair "STRUCT"', args[0].sql(), t)
    k, v = t.elementType.fields
    return make_call(lookup("map_from_entries"), args, T.MapType(k.dataType, v.dataType,
                                                                 v.nullable))


def _from_entries(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    keys, vals = pc.struct_field(f.values, [0]), pc.struct_field(f.values, [1])
    check_keys(keys, f.parents)
    return rebuild_map(keys, vals, f.parents, n, f.valid, to_arrow(call.dtype))


register(FunctionSpec("map_from_entries", _bind_from_entries, _from_entries))


def _bind_concat(args: list[Expression], ctx: Any) -> Expression:
    for i, a in enumerate(args):
        _map("map_concat", a, i + 1)
    if not args:
        return make_call(lookup("map_concat"), [], T.MapType(T.StringType(), T.StringType()))
    kt = common_type([a.dtype.keyType for a in args])
    vt = common_type([a.dtype.valueType for a in args])
    if kt is None or vt is None:
        raise AnalysisException(
            '[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve "map_concat(...)" due to data '
            "type mismatch: Input to `map_concat` should all be the same type. "
            "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.DATA_DIFF_TYPES")
    mt = T.MapType(kt, vt, any(a.dtype.valueContainsNull for a in args))
    return make_call(lookup("map_concat"), [cast_to(a, mt) for a in args], mt)


def _map_concat(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    fs = [map_flat(a, n) for a in args]
    entries = pa.concat_arrays([f.values for f in fs])
    rows = np.concatenate([f.parents for f in fs])
    which = np.concatenate([np.full(len(f.parents), i) for i, f in enumerate(fs)])
    pos = np.concatenate([f.pos for f in fs])
    order = np.lexsort((pos, which, rows))
    entries, rows = entries.take(pa.array(order)), rows[order]
    keys = pc.struct_field(entries, [0])
    check_keys(keys, rows)
    valid = np.logical_and.reduce([f.valid for f in fs])
    keep = valid[rows]
    return rebuild_map(keys.filter(pa.array(keep)), pc.struct_field(entries, [1]).filter(
        pa.array(keep)), rows[keep], n, valid, to_arrow(call.dtype))


register(FunctionSpec("map_concat", _bind_concat, _map_concat))


def _bind_contains_key(args: list[Expression], ctx: Any) -> Expression:
    arity("map_contains_key", args, 2)
    mt = _map("map_contains_key", args[0])
    return make_call(lookup("map_contains_key"), [args[0], cast_to(args[1], mt.keyType)],
                     T.BooleanType())


def _contains_key(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    f = map_flat(args[0], n)
    k = materialize(args[1], n)
    keys = pc.struct_field(f.values, [0])
    hit = pc.fill_null(pc.equal(keys, k.take(pa.array(f.parents))), False) \
        .to_numpy(zero_copy_only=False) if len(keys) else np.zeros(0, bool)
    found = np.bincount(f.parents, weights=hit, minlength=n)[:n] > 0
    return pa.array(found, pa.bool_(), mask=~(f.valid & k.is_valid().to_numpy(
        zero_copy_only=False)))


register(FunctionSpec("map_contains_key", _bind_contains_key, _contains_key))


def _bind_str_to_map(args: list[Expression], ctx: Any) -> Expression:
    arity("str_to_map", args, 1, 3)
    kids = [cast_to(a, T.StringType()) for a in args]
    kids += [Literal(",", T.StringType()), Literal(":", T.StringType())][len(args) - 1:]
    return make_call(lookup("str_to_map"), kids, T.MapType(T.StringType(), T.StringType()))


def _str_to_map(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    text = materialize(args[0], n)
    pair_sep = materialize(args[1], n)[0].as_py()
    kv_sep = materialize(args[2], n)[0].as_py()
    pairs = pc.split_pattern(text, pattern=pair_sep)
    f = flat(pairs, n)
    kv = pc.split_pattern(f.values, pattern=kv_sep, max_splits=1)
    keys = pc.list_element(kv, 0)
    has_value = pc.greater(pc.list_value_length(kv), 1)
    vals = pc.if_else(has_value, pc.list_element(pc.if_else(has_value, kv, pa.scalar(
        ["", ""], kv.type)), 1), pa.scalar(None, pa.string()))
    check_keys(keys, f.parents)
    return rebuild_map(keys, vals, f.parents, n, f.valid, to_arrow(call.dtype))


register(FunctionSpec("str_to_map", _bind_str_to_map, _str_to_map))
