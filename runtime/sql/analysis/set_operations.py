"""Spark's checks and column types for set operations (UNION, INTERSECT, EXCEPT, DISTINCT).

* A MAP column (also inside an array or struct) cannot be compared for equality, so
  ``UNION`` (distinct), ``INTERSECT``, ``EXCEPT`` and ``SELECT DISTINCT`` over one are
  Spark's ``UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE`` (:func:`check_no_map`);
  ``UNION ALL`` keeps them.
* Under ANSI mode a column that is a STRING on one side and a number on the other takes
  the number's wide type (Spark's AnsiTypeCoercion.findWiderTypeForString): BIGINT next to
  integers, DOUBLE next to fractional numbers, so ``SELECT 1 UNION ALL SELECT 'a'`` casts
  'a' to BIGINT and fails with ``CAST_INVALID_INPUT`` as Spark (:func:`set_column_type`).
  Without ANSI, and for every other mix, the common type is coercion.common_type's.
"""

from __future__ import annotations

from runtime.sql import types as T
from runtime.sql.ddl import type_ddl
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.coercion import common_type

__all__ = ["check_no_map", "set_column_type"]


def _has_map(t: T.DataType) -> bool:
    if isinstance(t, T.MapType):
        return True
    if isinstance(t, T.ArrayType):
        return _has_map(t.elementType)
    if isinstance(t, T.StructType):
        return any(_has_map(f.dataType) for f in t.fields)
    return False


def check_no_map(output: list) -> None:
    for a in output:
        if _has_map(a.dtype):
            raise AnalysisException(
                "[UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE] The feature is not supported: "
                "Cannot have MAP type columns in a set operation (INTERSECT, EXCEPT, etc.), but "
                f"the type of column `{a.name}` is \"{type_ddl(a.dtype)}\". SQLSTATE: 0A000",
                errorClass="UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE",
                messageParameters={"colName": f"`{a.name}`",
                                   "dataType": f'"{type_ddl(a.dtype)}"'})


def set_column_type(types: list, ansi: bool) -> T.DataType | None:
    kinds = [t for t in types if not isinstance(t, T.NullType)]
    strings = [t for t in kinds if isinstance(t, T.StringType)]
    numbers = [t for t in kinds if isinstance(t, T.NumericType)]
    if ansi and strings and numbers and len(strings) + len(numbers) == len(kinds):
        if all(isinstance(t, T.IntegralType) for t in numbers):
            return T.LongType()
        return T.DoubleType()
    return common_type(types)
