"""Spark's data types: names, JSON, DDL, repr, Row semantics (checked against PySpark 4.3)."""

from __future__ import annotations

import pickle

import pytest

from sparkcli.errors import ParseException
from sparkcli.sql.types import (
    ArrayType, BinaryType, BooleanType, ByteType, DateType, DecimalType, DoubleType,
    FloatType, IntegerType, LongType, MapType, NullType, Row, ShortType, StringType,
    StructField, StructType, TimestampNTZType, TimestampType, _parse_datatype_string)

ATOMIC = [
    # type, typeName, simpleString, json
    (StringType(), "string", "string", '"string"'),
    (LongType(), "long", "bigint", '"long"'),
    (IntegerType(), "integer", "int", '"integer"'),
    (ShortType(), "short", "smallint", '"short"'),
    (ByteType(), "byte", "tinyint", '"byte"'),
    (DoubleType(), "double", "double", '"double"'),
    (FloatType(), "float", "float", '"float"'),
    (BooleanType(), "boolean", "boolean", '"boolean"'),
    (DateType(), "date", "date", '"date"'),
    (TimestampType(), "timestamp", "timestamp", '"timestamp"'),
    (TimestampNTZType(), "timestamp_ntz", "timestamp_ntz", '"timestamp_ntz"'),
    (BinaryType(), "binary", "binary", '"binary"'),
    (NullType(), "void", "void", '"void"'),
    (DecimalType(10, 2), "decimal", "decimal(10,2)", '"decimal(10,2)"'),
]


@pytest.mark.parametrize("dtype,type_name,simple,js", ATOMIC)
def test_atomic_type_names(dtype, type_name, simple, js):
    assert dtype.typeName() == type_name
    assert dtype.simpleString() == simple
    assert dtype.json() == js


def test_singletons_and_equality():
    assert LongType() is LongType()
    assert DecimalType(10, 2) == DecimalType(10, 2) != DecimalType(10, 3)
    assert ArrayType(LongType()) == ArrayType(LongType(), True)


def test_struct_json_repr_and_round_trip():
    schema = StructType([StructField("name", StringType(), True),
                         StructField("age", LongType(), True)])
    assert schema.json() == (
        '{"fields":[{"metadata":{},"name":"name","nullable":true,"type":"string"},'
        '{"metadata":{},"name":"age","nullable":true,"type":"long"}],"type":"struct"}')
    assert repr(schema) == ("StructType([StructField('name', StringType(), True), "
                            "StructField('age', LongType(), True)])")
    assert StructType.fromJson(schema.jsonValue()) == schema
    nested = StructType().add("a", ArrayType(MapType(StringType(), DecimalType(10, 2))))
    nested.add("s", "struct<x:int,y:string>", False)
    assert nested.simpleString() == \
        "struct<a:array<map<string,decimal(10,2)>>,s:struct<x:int,y:string>>"
    assert StructType.fromJson(nested.jsonValue()) == nested
    assert nested.fieldNames() == ["a", "s"] and nested["s"].nullable is False


@pytest.mark.parametrize("ddl,expected", [
    ("name STRING, age INT", "struct<name:string,age:int>"),
    ("a: bigint, b: double", "struct<a:bigint,b:double>"),
    ("`weird name` string", "struct<weird name:string>"),
    ("x DECIMAL(5,2) NOT NULL COMMENT 'price'", "struct<x:decimal(5,2)>"),
    ("arr ARRAY<STRUCT<x: INT, y: STRING>>", "struct<arr:array<struct<x:int,y:string>>>"),
    ("int", "int"),
    ("array<long>", "array<bigint>"),
    ("map<string, array<int>>", "map<string,array<int>>"),
])
def test_ddl_strings(ddl, expected):
    assert _parse_datatype_string(ddl).simpleString() == expected


def test_ddl_errors_and_to_ddl():
    with pytest.raises(ParseException, match=r"UNSUPPORTED_DATATYPE"):
        _parse_datatype_string("a FOO")
    schema = _parse_datatype_string("name STRING, tags ARRAY<STRING> NOT NULL")
    assert schema.toDDL() == "name STRING,tags ARRAY<STRING> NOT NULL"


def test_row_semantics():
    r = Row(name="Alice", age=11)
    assert repr(r) == "Row(name='Alice', age=11)"
    assert (r.name, r["age"], r[0]) == ("Alice", 11, "Alice")
    assert r == ("Alice", 11) and "name" in r and "x" not in r
    assert r.asDict() == {"name": "Alice", "age": 11}
    assert repr(Row(1, 2)) == "<Row(1, 2)>"
    Person = Row("name", "age")
    assert Person("Bob", 3) == Row(name="Bob", age=3) and Person("Bob", 3).age == 3
    assert pickle.loads(pickle.dumps(r)).asDict() == r.asDict()
    nested = Row(a=Row(b=1), c=[Row(d=2)])
    assert nested.asDict(True) == {"a": {"b": 1}, "c": [{"d": 2}]}
    with pytest.raises(AttributeError):
        r.missing  # noqa: B018
    with pytest.raises(ValueError):
        Row(1, a=2)
