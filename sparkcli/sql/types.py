"""``pyspark.sql.types``: Spark's data types and Row (the engine's own classes, re-exported).

>>> from pyspark.sql.types import StructType, StructField, StringType, LongType, Row
>>> StructType([StructField("name", StringType()), StructField("age", LongType())]).simpleString()
'struct<name:string,age:bigint>'
>>> Row(name="Alice", age=11)
Row(name='Alice', age=11)
>>> Row("a", "b")(1, 2).asDict()
{'a': 1, 'b': 2}
"""

from __future__ import annotations

from runtime.sql.ddl import parse_schema as _parse_datatype_string
from runtime.sql.inference import infer_type as _infer_type
from runtime.sql.row import Row
from runtime.sql.variant import VariantVal
from runtime.sql.types import (
    ArrayType, AtomicType, BinaryType, BooleanType, ByteType, CharType, DataType, DateType,
    DayTimeIntervalType, DecimalType, DoubleType, FloatType, FractionalType, IntegerType,
    IntegralType, LongType, MapType, NullType, NumericType, ShortType, StringType,
    StructField, StructType, TimeType, TimestampNTZType, TimestampType, VarcharType, VariantType,
    YearMonthIntervalType, from_json_value as _parse_datatype_json_value,
    parse_json_schema as _parse_datatype_json_string)

__all__ = [
    "ArrayType", "AtomicType", "BinaryType", "BooleanType", "ByteType", "CharType", "DataType",
    "DateType", "DayTimeIntervalType", "DecimalType", "DoubleType", "FloatType",
    "FractionalType", "IntegerType", "IntegralType", "LongType", "MapType", "NullType",
    "NumericType", "Row", "ShortType", "StringType", "StructField", "StructType",
    "TimeType", "TimestampNTZType", "TimestampType", "VarcharType", "VariantType", "VariantVal",
    "YearMonthIntervalType",
    "_infer_type", "_parse_datatype_json_string", "_parse_datatype_json_value",
    "_parse_datatype_string",
]
