"""``Column.withField`` and ``Column.dropFields``: a struct with fields replaced, added or
removed (Spark's ``UpdateFields``).

``update_fields(s, 'path', value)`` sets the field at a dotted path (``a.b`` reaches into the
nested struct ``a``; a missing field is appended at the end of its struct, an existing one
is replaced in place); ``drop_fields(s, 'p1', 'p2', ...)`` removes fields (dropping every
field of a struct is ``[DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS]``). Names match case-
insensitively. The result is NULL where the struct is NULL; the kernel rebuilds the struct
array from its child arrays, so no Python runs per row. Both are shown as Spark shows them:
``update_fields(s, WithField(1))`` and ``update_fields(s, dropfield())``.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup


def _struct_arg(name: str, e: Expression) -> T.StructType:
    if not isinstance(e.dtype, T.StructType):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "{name}" due to data '
            f'type mismatch: The first parameter requires the "STRUCT" type, however '
            f'"{e.sql()}" has the type "{e.dtype.simpleString().upper()}". SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    return e.dtype


def _index(t: T.StructType, name: str) -> int:
    names = [f.name.lower() for f in t.fields]
    return names.index(name.lower()) if name.lower() in names else -1


def _with_type(t: T.StructType, path: list[str], value: T.DataType,
                nullable: bool = True) -> T.StructType:
    i = _index(t, path[0])
    if len(path) == 1:
        f = T.StructField(path[0] if i < 0 else t.fields[i].name, value, nullable)
    else:
        inner = t.fields[i].dataType if i >= 0 else None
        if not isinstance(inner, T.StructType):
            inner = T.StructType([])
        f = T.StructField(path[0] if i < 0 else t.fields[i].name,
                          _with_type(inner, path[1:], value, nullable), True)
    fields = list(t.fields)
    if i < 0:
        fields.append(f)
    else:
        fields[i] = f
    return T.StructType(fields)


def _drop_type(t: T.StructType, path: list[str]) -> T.StructType:
    i = _index(t, path[0])
    if i < 0:
        return t
    fields = list(t.fields)
    if len(path) == 1:
        del fields[i]
    elif isinstance(fields[i].dataType, T.StructType):
        fields[i] = T.StructField(fields[i].name, _drop_type(fields[i].dataType, path[1:]),
                                  fields[i].nullable)
    return T.StructType(fields)


def _bind_update(args: list[Expression], ctx: Any) -> Expression:
    s, path, value = args
    t = _struct_arg(_update_pretty(s, path, value), s)
    return make_call(lookup("update_fields"), [s, path, value],
                     _with_type(t, str(path.value).split("."), value.dtype, value.nullable),
                     s.nullable)


def _update_pretty(s: Expression, path: Expression, value: Expression) -> str:
    """Spark's name: ``update_fields(s, WithField(v))``; a nested path nests the calls
    (``update_fields(s, WithField(update_fields(s.b, WithField(v))))``)."""
    parts = str(path.value).split(".")
    inner = value.sql()
    for k in range(len(parts) - 1, 0, -1):
        inner = f"update_fields({s.sql()}.{'.'.join(parts[:k])}, WithField({inner}))"
    return f"update_fields({s.sql()}, WithField({inner}))"


def _bind_drop(args: list[Expression], ctx: Any) -> Expression:
    s = args[0]
    t = _struct_arg(f"update_fields({s.sql()}, dropfield())", s)
    for p in args[1:]:
        t = _drop_type(t, str(p.value).split("."))
    if not t.fields:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS] Cannot resolve "update_fields('
            f'{s.sql()}, {", ".join("dropfield()" for _ in args[1:])})" due to data type '
            'mismatch: Cannot drop all fields in struct. SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS")
    return make_call(lookup("drop_fields"), list(args), t, s.nullable)


def _set(arr: Any, t_in: T.StructType, path: list[str], value: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    i = _index(t_in, path[0])
    if len(path) > 1:
        inner_t = t_in.fields[i].dataType if i >= 0 else T.StructType([])
        if i >= 0 and isinstance(inner_t, T.StructType):
            inner = pc.struct_field(arr, [i])
        else:
            inner_t = T.StructType([])
            inner = _empty_structs(len(arr))
        value = _set(inner, inner_t, path[1:], value)

    names = [f.name for f in t_in.fields]
    cols = [pc.struct_field(arr, [k]) for k in range(len(names))]
    if i < 0:
        names.append(path[0])
        cols.append(value)
    else:
        cols[i] = value
    mask = pc.is_null(arr) if arr.null_count else None
    return pa.StructArray.from_arrays(cols, names=names, mask=mask)


def _empty_structs(n: int) -> Any:
    import pyarrow as pa

    return pa.StructArray.from_arrays([], names=[], mask=None) if n == 0 else \
        pa.array([{}] * n, pa.struct([]))


def _drop(arr: Any, t: T.StructType, path: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    i = _index(t, path[0])
    if i < 0:
        return arr
    names = [f.name for f in t.fields]
    cols = [pc.struct_field(arr, [k]) for k in range(len(names))]
    if len(path) == 1:
        del names[i], cols[i]
    elif isinstance(t.fields[i].dataType, T.StructType):
        cols[i] = _drop(cols[i], t.fields[i].dataType, path[1:])
    mask = pc.is_null(arr) if arr.null_count else None
    return pa.StructArray.from_arrays(cols, names=names, mask=mask)


def _materialized(args: list) -> list:
    import pyarrow as pa

    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    out = []
    for a in args:
        if isinstance(a, pa.ChunkedArray):
            a = a.combine_chunks()
        elif isinstance(a, pa.Scalar):
            a = pa.repeat(a, n) if a.is_valid else pa.nulls(n, a.type)
        out.append(a)
    return out


def _update_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    s, _, value = _materialized([args[0], args[1], args[2]])
    t_in = call.children[0].dtype
    out = _set(s, t_in, str(call.children[1].value).split("."), value)
    return out.cast(to_arrow(call.dtype))


def _drop_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    s = _materialized([args[0]])[0]
    t = call.children[0].dtype
    for p in call.children[1:]:
        s = _drop(s, t, str(p.value).split("."))
        t = _drop_type(t, str(p.value).split("."))
    return s.cast(to_arrow(call.dtype))


simple("update_fields", _bind_update, _update_kernel,
       lambda c: _update_pretty(*c.children))
simple("drop_fields", _bind_drop, _drop_kernel,
       lambda c: f"update_fields({c.children[0].sql()}, "
                 f"{', '.join('dropfield()' for _ in c.children[1:])})")
