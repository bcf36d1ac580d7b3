"""A value as Spark's ``Literal.sql`` writes it: SQL text that reads back as the same typed value.

This is not the column name of a literal (``literal_sql`` in values.py: ``SELECT 1L`` is named
``1``): it keeps the type in the text, as Spark prints a session variable's value inside
``variablereference(system.session.v=5L)``. The forms, by type: ``11`` (int), ``11L``,
``7S``, ``7Y``, ``1.5D`` (Java's ``Double.toString``; NaN and infinities as
``CAST('NaN' AS DOUBLE)``), ``CAST('1.5' AS FLOAT)``, ``1.50BD``, ``'it\\'s'`` (backslashes
and quotes escaped with a backslash), ``true``, ``DATE '2024-02-29'``,
``TIMESTAMP '2024-01-01 10:00:00.5'``, ``TIMESTAMP_NTZ '...'``, ``X'0AFF'``, intervals as their
ANSI literal, ``ARRAY(1, CAST(NULL AS INT))``, ``MAP('a', 1)``, ``NAMED_STRUCT('a', 1)``; a
NULL is ``CAST(NULL AS <type>)``, or ``NULL`` for the void, array, map and struct types.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from runtime.sql import types as T
from runtime.sql.ddl import type_ddl
from runtime.sql.formatting.values import _timestamp, java_double, java_float
from runtime.sql.intervals import interval_text, is_interval

__all__ = ["spark_sql_literal"]


def _fields(value: Any, dtype: T.StructType) -> list:
    if isinstance(value, dict):
        return [value.get(f.name) for f in dtype.fields]
    return list(value)


def spark_sql_literal(value: Any, dtype: T.DataType) -> str:
    if value is None:
        if isinstance(dtype, (T.NullType, T.ArrayType, T.MapType, T.StructType)):
            return "NULL"
        return f"CAST(NULL AS {type_ddl(dtype)})"
    if isinstance(dtype, (T.StringType, T.CharType, T.VarcharType)):
        return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(dtype, T.BooleanType):
        return "true" if value else "false"
    if isinstance(dtype, T.ByteType):
        return f"{int(value)}Y"
    if isinstance(dtype, T.ShortType):
        return f"{int(value)}S"
    if isinstance(dtype, T.LongType):
        return f"{int(value)}L"
    if isinstance(dtype, T.FloatType):
        return f"CAST('{java_float(float(value))}' AS FLOAT)"
    if isinstance(dtype, T.DoubleType):
        text = java_double(float(value))
        return f"CAST('{text}' AS DOUBLE)" if text in ("NaN", "Infinity", "-Infinity") \
            else text + "D"
    if isinstance(dtype, T.DecimalType):
        return format(value, "f") + "BD"
    if isinstance(dtype, T.DateType):
        return f"DATE '{value.isoformat()}'"
    if isinstance(dtype, T.TimestampNTZType):
        return f"TIMESTAMP_NTZ '{_timestamp(value)}'"
    if isinstance(dtype, T.TimestampType):
        if isinstance(value, _dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        return f"TIMESTAMP '{_timestamp(value)}'"
    if isinstance(dtype, T.BinaryType):
        return "X'" + bytes(value).hex().upper() + "'"
    if is_interval(dtype):
        return interval_text(value, dtype)
    if isinstance(dtype, T.ArrayType):
        return "ARRAY(" + ", ".join(spark_sql_literal(v, dtype.elementType)
                                    for v in value) + ")"
    if isinstance(dtype, T.MapType):
        items = value.items() if isinstance(value, dict) else value
        return "MAP(" + ", ".join(
            f"{spark_sql_literal(k, dtype.keyType)}, {spark_sql_literal(v, dtype.valueType)}"
            for k, v in items) + ")"
    if isinstance(dtype, T.StructType):
        return "NAMED_STRUCT(" + ", ".join(
            f"'{f.name}', {spark_sql_literal(v, f.dataType)}"
            for f, v in zip(dtype.fields, _fields(value, dtype))) + ")"
    return str(value)
