"""Schema inference from Python values, as PySpark's ``createDataFrame`` does it.

``int`` -> bigint, ``float`` -> double, ``str`` -> string, ``bool`` -> boolean, ``bytes`` ->
binary, ``Decimal`` -> decimal(38,18), ``datetime`` -> timestamp, ``date`` -> date, list ->
array (element type merged over the elements), dict -> map, Row/namedtuple/object -> struct.
Top-level dicts become rows whose fields are the sorted keys (PySpark's rule); tuples and lists
get ``_1, _2, ...``. Types of all rows are merged: NULL gives way to any type, structs merge
field by field, anything else must agree (PySpark's CANNOT_MERGE_TYPE).
"""

from __future__ import annotations

import datetime as _dt
import decimal
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import PySparkTypeError, PySparkValueError
from runtime.sql.row import Row

__all__ = ["infer_schema", "infer_type", "merge_types"]


def infer_type(obj: Any) -> T.DataType:
    if obj is None:
        return T.NullType()
    if isinstance(obj, bool):
        return T.BooleanType()
    if isinstance(obj, int):
        return T.LongType()
    if isinstance(obj, float):
        return T.DoubleType()
    if isinstance(obj, str):
        return T.StringType()
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return T.BinaryType()
    if isinstance(obj, decimal.Decimal):
        return T.DecimalType(38, 18)
    if isinstance(obj, _dt.datetime):
        return T.TimestampType()
    if isinstance(obj, _dt.date):
        return T.DateType()
    if isinstance(obj, _dt.timedelta):
        return T.DayTimeIntervalType()
    if isinstance(obj, dict):
        key_t: T.DataType = T.NullType()
        val_t: T.DataType = T.NullType()
        for k, v in obj.items():
            key_t = merge_types(key_t, infer_type(k))
            val_t = merge_types(val_t, infer_type(v))
        return T.MapType(key_t, val_t, True)
    if isinstance(obj, (list, tuple)) and not _is_struct_like(obj):
        elem: T.DataType = T.NullType()
        for v in obj:
            elem = merge_types(elem, infer_type(v))
        return T.ArrayType(elem, True)
    if _is_struct_like(obj) or hasattr(obj, "__dict__"):
        return infer_row_schema(obj)
    raise PySparkTypeError(
        f"[UNSUPPORTED_DATA_TYPE_FOR_ARROW_CONVERSION] not supported type: {type(obj)}",
        errorClass="UNSUPPORTED_DATA_TYPE")


def _is_struct_like(obj: Any) -> bool:
    return (isinstance(obj, Row) and obj.__fields__ is not None) or \
        (isinstance(obj, tuple) and hasattr(obj, "_fields"))


def infer_row_schema(row: Any, names: list[str] | None = None) -> T.StructType:
    if isinstance(row, dict):
        items = sorted(row.items())
    elif isinstance(row, Row) and row.__fields__ is not None:
        items = list(zip(row.__fields__, tuple(row)))
    elif isinstance(row, tuple) and hasattr(row, "_fields"):
        items = list(zip(row._fields, tuple(row)))
    elif isinstance(row, (tuple, list)):
        names = list(names or [])
        names += [f"_{i}" for i in range(len(names) + 1, len(row) + 1)]
        items = list(zip(names, row))
    elif hasattr(row, "__dict__"):
        items = sorted(row.__dict__.items())
    else:
        raise PySparkTypeError(
            f"[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: "
            f"`{type(row).__name__}`.", errorClass="CANNOT_INFER_SCHEMA_FOR_TYPE")
    return T.StructType([T.StructField(k, infer_type(v), True) for k, v in items])


def merge_types(a: T.DataType, b: T.DataType, name: str | None = None) -> T.DataType:
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType):
        return a
    if type(a) is not type(b):
        if isinstance(a, T.DecimalType) and isinstance(b, T.DecimalType):
            return a
        raise PySparkTypeError(
            f"[CANNOT_MERGE_TYPE] Can not merge type `{type(a).__name__}` and "
            f"`{type(b).__name__}`.", errorClass="CANNOT_MERGE_TYPE",
            messageParameters={"data_type1": type(a).__name__, "data_type2": type(b).__name__})
    if isinstance(a, T.StructType):
        fields = {f.name: f for f in a.fields}
        out = []
        for f in a.fields:
            other = next((g for g in b.fields if g.name == f.name), None)
            dt = merge_types(f.dataType, other.dataType) if other else f.dataType
            out.append(T.StructField(f.name, dt, True))
        out += [T.StructField(g.name, g.dataType, True) for g in b.fields if g.name not in fields]
        return T.StructType(out)
    if isinstance(a, T.ArrayType):
        return T.ArrayType(merge_types(a.elementType, b.elementType), True)
    if isinstance(a, T.MapType):
        return T.MapType(merge_types(a.keyType, b.keyType),
                         merge_types(a.valueType, b.valueType), True)
    return a


def infer_schema(data: list, names: list[str] | None = None) -> T.StructType:
    """The StructType of local rows (all rows merged), columns renamed to ``names`` if given."""
    if not data:
        raise PySparkValueError("[CANNOT_INFER_EMPTY_SCHEMA] Can not infer schema from an "
                                "empty dataset.", errorClass="CANNOT_INFER_EMPTY_SCHEMA")
    schema: T.DataType = T.NullType()
    for row in data:
        schema = merge_types(schema, infer_row_schema(row, names))
    assert isinstance(schema, T.StructType)
    if any(_has_null(f.dataType) for f in schema.fields):
        raise PySparkValueError(
            "[CANNOT_DETERMINE_TYPE] Some of types cannot be determined after inferring.",
            errorClass="CANNOT_DETERMINE_TYPE")
    if names:
        schema = T.StructType([T.StructField(n, f.dataType, f.nullable)
                               for n, f in zip(names, schema.fields)] + schema.fields[len(names):])
    return schema


def _has_null(dt: T.DataType) -> bool:
    return isinstance(dt, T.NullType)
