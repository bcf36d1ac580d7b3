"""Functions that build arrays and structs: array_append/prepend/insert/compact, flatten,
sequence, arrays_zip, array_size, named_struct, and the array forms of ``reverse`` and
``concat`` (bound in place of the string forms when an argument is an array).

Whole-column work on flattened arrays (array_columns.py): an appended element is placed by
concatenating the flat values with the new ones and reordering by (row, position).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions import strings as _strings  # the string forms wrapped below
from runtime.sql.expressions.array_columns import flat, rebuild, width
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.expressions.registry import (
    FUNCTIONS, EvalContext, FunctionSpec, lookup, register, type_mismatch)
from runtime.sql.arrow_types import to_arrow

_INT = T.IntegerType()


def _array(name: str, arg: Expression, index: int = 1) -> T.ArrayType:
    if not isinstance(arg.dtype, T.ArrayType):
        raise type_mismatch(f"{name}({arg.sql()})", index, '"ARRAY"', arg.sql(), arg.dtype)
    return arg.dtype


def _place(f: Any, extra: Any, extra_rows: Any, extra_pos: Any, n: int, valid: Any,
           list_type: Any) -> Any:
    """The arrays of ``f`` with ``extra`` elements inserted at (row, position) keys; the
    existing elements keep positions ``f.pos * 2 + 1`` so an extra at ``2k`` goes before
    element k."""
    import numpy as np
    import pyarrow as pa

    values = pa.concat_arrays([f.values.cast(list_type.value_type),
                               extra.cast(list_type.value_type)])
    rows = np.concatenate([f.parents, extra_rows])
    keys = np.concatenate([f.pos * 2 + 1, extra_pos])
    order = np.lexsort((keys, rows))
    return rebuild(values.take(pa.array(order)), rows[order], n, valid, list_type)


def _bind_add(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        at = _array(name, args[0])
        et = common_type([at.elementType, args[1].dtype]) or at.elementType
        return make_call(lookup(name), [cast_to(args[0], T.ArrayType(et, at.containsNull)),
                                        cast_to(args[1], et)],
                         T.ArrayType(et, at.containsNull or args[1].nullable), args[0].nullable)
    return bind


def _add(front: bool):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np

        n = width(args)
        f = flat(args[0], n)
        v = materialize(args[1], n)
        rows = np.nonzero(f.valid)[0]
        pos = np.full(len(rows), -2 if front else np.iinfo(np.int64).max // 2)
        import pyarrow as pa

        return _place(f, v.take(pa.array(rows)), rows, pos, n, f.valid, to_arrow(call.dtype))
    return kernel


register(FunctionSpec("array_append", _bind_add("array_append"), _add(False)))
register(FunctionSpec("array_prepend", _bind_add("array_prepend"), _add(True)))


def _bind_insert(args: list[Expression], ctx: Any) -> Expression:
    arity("array_insert", args, 3)
    at = _array("array_insert", args[0])
    et = common_type([at.elementType, args[2].dtype]) or at.elementType
    return make_call(lookup("array_insert"), [cast_to(args[0], T.ArrayType(et, True)),
                                              cast_to(args[1], _INT), cast_to(args[2], et)],
                     T.ArrayType(et, True))


def _array_insert(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    f = flat(args[0], n)
    pos_a = materialize(args[1], n)
    v = materialize(args[2], n)
    p = pc.fill_null(pos_a, 1).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = f.valid & pos_a.is_valid().to_numpy(zero_copy_only=False)
    if (valid & (p == 0)).any():
        raise SparkRuntimeException(
            "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or "
            "> 0 (the first element has index 1). SQLSTATE: 22003",
            errorClass="INVALID_INDEX_OF_ZERO")
    # 0-based target index; a negative index counts from the end (-1: after the last)
    idx = np.where(p > 0, p - 1, f.lens + p + 1)
    pad_front = np.where(idx < 0, -idx, 0)  # Spark pads with NULLs before the array
    idx = np.maximum(idx, 0)
    pad_back = np.maximum(idx - f.lens, 0)
    rows = np.nonzero(valid)[0]
    extra_vals = [v.take(pa.array(rows))]
    extra_rows = [rows]
    extra_pos = [idx[rows] * 2]
    et = to_arrow(call.dtype).value_type
    if pad_back[rows].any():
        r = np.repeat(rows, pad_back[rows])
        k = np.concatenate([np.arange(c) for c in pad_back[rows]]) if len(r) else r
        extra_vals.append(pa.nulls(len(r), et))
        extra_rows.append(r)
        extra_pos.append((f.lens[r] + k) * 2)  # after the last element, before the new one
        extra_pos[0] = np.where(pad_back[rows] > 0, (f.lens[rows] + pad_back[rows]) * 2,
                                extra_pos[0])
    if pad_front[rows].any():
        r = np.repeat(rows, pad_front[rows])
        extra_vals.append(pa.nulls(len(r), et))
        extra_rows.append(r)
        extra_pos.append(np.full(len(r), -1))
        extra_pos[0] = np.where(pad_front[rows] > 0, -3, extra_pos[0])
    return _place(f, pa.concat_arrays([x.cast(et) for x in extra_vals]),
                  np.concatenate(extra_rows), np.concatenate(extra_pos), n, valid,
                  to_arrow(call.dtype))


register(FunctionSpec("array_insert", _bind_insert, _array_insert))


def _bind_compact(args: list[Expression], ctx: Any) -> Expression:
    arity("array_compact", args, 1)
    at = _array("array_compact", args[0])
    return make_call(lookup("array_compact"), args, T.ArrayType(at.elementType, False))


def _array_compact(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)

    n = width(args)
    f = flat(args[0], n)
    keep = f.values.is_valid()
    mask = keep.to_numpy(zero_copy_only=False).astype(bool)
    return rebuild(f.values.filter(keep), f.parents[mask], n, f.valid, to_arrow(call.dtype))


register(FunctionSpec("array_compact", _bind_compact, _array_compact))


def _bind_flatten(args: list[Expression], ctx: Any) -> Expression:
    arity("flatten", args, 1)
    at = _array("flatten", args[0])
    if not isinstance(at.elementType, T.ArrayType):
        raise type_mismatch(f"flatten({args[0].sql()})", 1, '"ARRAY" of "ARRAY"',
                            args[0].sql(), args[0].dtype)
    return make_call(lookup("flatten"), args, at.elementType)


def _flatten(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    outer = flat(args[0], n)
    inner = flat(outer.values, len(outer.values))
    # a NULL inner array makes the whole result NULL (Spark)
    has_null = np.bincount(outer.parents, weights=~inner.valid, minlength=n)[:n] > 0 \
        if len(outer.parents) else np.zeros(n, bool)
    rows = outer.parents[inner.parents]
    return rebuild(inner.values, rows, n, outer.valid & ~has_null, to_arrow(call.dtype))


register(FunctionSpec("flatten", _bind_flatten, _flatten))


def _bind_sequence(args: list[Expression], ctx: Any) -> Expression:
    arity("sequence", args, 2, 3)
    t = common_type([a.dtype for a in args[:2]])
    if t is None or not isinstance(t, (T.IntegralType, T.DateType, T.TimestampType)):
        raise type_mismatch(f"sequence({', '.join(a.sql() for a in args)})", 1,
                            '"INTEGRAL" or "DATE" or "TIMESTAMP"', args[0].sql(), args[0].dtype)
    kids = [cast_to(a, t) for a in args[:2]]
    if len(args) > 2:
        step = args[2]
        kids.append(cast_to(step, t) if isinstance(t, T.IntegralType) else step)
    return make_call(lookup("sequence"), kids, T.ArrayType(t, False))


def _sequence(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    t = call.dtype.elementType
    cols = [materialize(a, n) for a in args]
    valid = np.ones(n, bool)
    for c in cols:
        valid &= c.is_valid().to_numpy(zero_copy_only=False)
    if not isinstance(t, T.IntegralType):
        return _sequence_dates(call, cols, n, valid)
    lo = cols[0].fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    hi = cols[1].fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    step = cols[2].fill_null(1).to_numpy(zero_copy_only=False).astype(np.int64) \
        if len(cols) > 2 else np.where(hi >= lo, 1, -1)
    bad = valid & ((step == 0) | ((hi > lo) & (step < 0)) | ((hi < lo) & (step > 0)))
    if bad.any():
        i = int(np.argmax(bad))
        raise SparkRuntimeException(
            f"[ILLEGAL_SEQUENCE_BOUNDARIES] Illegal sequence boundaries: {lo[i]} to {hi[i]} "
            f"by {step[i]}. SQLSTATE: 2201F", errorClass="ILLEGAL_SEQUENCE_BOUNDARIES")
    counts = np.where(valid, (hi - lo) // np.where(step == 0, 1, step) + 1, 0)
    parents = np.repeat(np.arange(n, dtype=np.int64), counts)
    k = np.arange(len(parents)) - (np.cumsum(counts) - counts)[parents]
    values = pa.array(lo[parents] + k * step[parents])
    return rebuild(values, parents, n, valid, to_arrow(call.dtype))


def _sequence_dates(call: Any, cols: list, n: int, valid: Any) -> Any:
    """Dates/timestamps stepped by an interval: a Python loop per row (rare, short)."""
    import datetime as dt

    import pyarrow as pa

    starts, stops = cols[0].to_pylist(), cols[1].to_pylist()
    steps = cols[2].to_pylist() if len(cols) > 2 else [None] * n
    out = []
    for ok, a, b, s in zip(valid, starts, stops, steps):
        if not ok:
            out.append(None)
            continue
        months = s if isinstance(s, int) else 0
        delta = s if isinstance(s, dt.timedelta) else None
        if s is None:
            delta = dt.timedelta(days=1 if b >= a else -1)
        seq, cur, k = [], a, 0
        forward = b >= a
        while (cur <= b) if forward else (cur >= b):
            seq.append(cur)
            k += 1
            cur = _add_months(a, months * k) if months else a + delta * k
            if len(seq) > 10_000_000:
                break
        out.append(seq)
    return pa.array(out, to_arrow(call.dtype))


def _add_months(d: Any, months: int) -> Any:
    import calendar

    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    day = min(d.day, calendar.monthrange(y, m + 1)[1])
    return d.replace(year=y, month=m + 1, day=day)


register(FunctionSpec("sequence", _bind_sequence, _sequence))


def _bind_arrays_zip(args: list[Expression], ctx: Any) -> Expression:
    ats = [_array("arrays_zip", a, i + 1) for i, a in enumerate(args)]
    names = [a.name if hasattr(a, "name") and type(a).__name__ in (
        "AttributeReference", "Alias") else str(i) for i, a in enumerate(args)]
    fields = [T.StructField(nm, at.elementType, True) for nm, at in zip(names, ats)]
    return make_call(lookup("arrays_zip"), args, T.ArrayType(T.StructType(fields), False))


def _arrays_zip(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    fs = [flat(a, n) for a in args]
    valid = np.logical_and.reduce([f.valid for f in fs]) if fs else np.ones(n, bool)
    lens = np.where(valid, np.max([f.lens for f in fs], axis=0) if fs else 0, 0)
    parents = np.repeat(np.arange(n, dtype=np.int64), lens)
    pos = np.arange(len(parents)) - (np.cumsum(lens) - lens)[parents]
    target = to_arrow(call.dtype).value_type
    cols = []
    for f, fld in zip(fs, target):
        inside = pos < f.lens[parents]
        idx = np.where(inside, f.starts[parents] + pos, 0)
        col = f.values.take(pa.array(idx, mask=~inside)) if len(f.values) else \
            pa.nulls(len(parents), fld.type)
        cols.append(col.cast(fld.type))
    structs = pa.StructArray.from_arrays(cols, fields=list(target)) if cols else \
        pa.array([{}] * 0, target)
    return rebuild(structs, parents, n, valid, to_arrow(call.dtype))


register(FunctionSpec("arrays_zip", _bind_arrays_zip, _arrays_zip))


def _bind_named_struct(args: list[Expression], ctx: Any) -> Expression:
    if len(args) % 2 or not args:
        raise AnalysisException(
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `named_struct` requires 2n (n > 0) "
            f"parameters but the actual number is {len(args)}. SQLSTATE: 42605",
            errorClass="WRONG_NUM_ARGS.WITHOUT_SUGGESTION")
    fields = []
    for k, v in zip(args[0::2], args[1::2]):
        if not isinstance(k, Literal) or not isinstance(k.value, str):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING] Cannot '
                f'resolve "named_struct(...)" due to data type mismatch: Only foldable '
                f'"STRING" expressions are allowed to appear at odd position, but they are '
                f'["{k.sql()}"]. SQLSTATE: 42K09',
                errorClass="DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING")
        fields.append(T.StructField(k.value, v.dtype, v.nullable))
    return make_call(lookup("named_struct"), list(args), T.StructType(fields), False)


def _named_struct(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    n = width(args)
    cols = [materialize(a, n) for a in args[1::2]]
    target = to_arrow(call.dtype)
    return pa.StructArray.from_arrays([c.cast(f.type) for c, f in zip(cols, target)],
                                      fields=list(target))


register(FunctionSpec("named_struct", _bind_named_struct, _named_struct))


def _bind_array_size(args: list[Expression], ctx: Any) -> Expression:
    arity("array_size", args, 1)
    _array("array_size", args[0])
    return make_call(lookup("array_size"), args, _INT)


def _array_size(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.list_value_length(materialize(args[0], width(args))).cast(pa.int32())


register(FunctionSpec("array_size", _bind_array_size, _array_size))


# -- reverse / concat of arrays (the string forms otherwise) ------------------------------------
def _reverse(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    f = flat(args[0], n)
    order = np.lexsort((-f.pos, f.parents))
    return rebuild(f.values.take(pa.array(order)), f.parents[order], n, f.valid,
                   to_arrow(call.dtype))


def _concat(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    fs = [flat(a, n) for a in args]
    et = to_arrow(call.dtype).value_type
    values = pa.concat_arrays([f.values.cast(et) for f in fs])
    rows = np.concatenate([f.parents for f in fs])
    which = np.concatenate([np.full(len(f.parents), i) for i, f in enumerate(fs)])
    pos = np.concatenate([f.pos for f in fs])
    order = np.lexsort((pos, which, rows))
    valid = np.logical_and.reduce([f.valid for f in fs])
    return rebuild(values.take(pa.array(order)), rows[order], n, valid, to_arrow(call.dtype))


_ARRAY_REVERSE = FunctionSpec("reverse", None, _reverse)
_ARRAY_CONCAT = FunctionSpec("concat", None, _concat)


def _overload(name: str, array_spec: FunctionSpec) -> None:
    string_spec = FUNCTIONS[name]

    def bind(args: list[Expression], ctx: Any) -> Expression:
        if args and all(isinstance(a.dtype, (T.ArrayType, T.NullType)) for a in args) and \
                any(isinstance(a.dtype, T.ArrayType) for a in args):
            t = common_type([a.dtype for a in args])
            if t is None:
                raise type_mismatch(f"{name}(...)", 2, '"ARRAY"', args[1].sql(), args[1].dtype)
            return make_call(array_spec, [cast_to(a, t) for a in args], t)
        return string_spec.bind(args, ctx)

    array_spec.bind = bind
    register(FunctionSpec(name, bind, string_spec.kernel, string_spec.pretty,
                          string_spec.deterministic, extra=dict(string_spec.extra)))


_overload("reverse", _ARRAY_REVERSE)
_overload("concat", _ARRAY_CONCAT)
_unused = _strings
