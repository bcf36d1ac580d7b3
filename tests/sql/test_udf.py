"""Python UDFs: values, Spark's result types, the two result-conversion rules (pickled and
Arrow, as PySpark 4.3 applies them), errors with the user's traceback, ``@udf`` forms, and
``spark.udf.register`` from expr() and SQL. Expected values are PySpark 4.3's."""

from __future__ import annotations

import datetime
import decimal

import pytest

from sparkcli.errors import PythonException
from sparkcli.sql import Row
from sparkcli.sql import functions as F
from sparkcli.sql.functions import udf
from sparkcli.sql.types import (
    ArrayType, DateType, DecimalType, DoubleType, IntegerType, LongType, MapType, StringType)


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame([(1, "a", 1.5), (None, None, None), (3, "c", -2.0)],
                                 "x int, s string, d double")


def _one(df, column):
    out = df.select(column)
    f = out.schema.fields[0]
    return f.name, f.dataType.simpleString(), f.nullable, [tuple(r) for r in out.collect()]


ROW3 = [(1,), (1,), (1,)]
# (id, useArrow, function, return type, argument columns, expected (name, type, rows))
CASES = [
    ("default", lambda x: x, None, ["x"], ("string", [("1",), (None,), ("3",)])),
    ("plus", lambda x: x + 1 if x is not None else None, IntegerType(), ["x"],
     ("int", [(2,), (None,), (4,)])),
    ("intforlong", lambda x: 2**40, LongType(), ["x"], ("bigint", [(2**40,)] * 3)),
    ("list", lambda s: [s, s] if s else None, ArrayType(StringType()), ["s"],
     ("array<string>", [(["a", "a"],), (None,), (["c", "c"],)])),
    ("tuplelist", lambda s: (1, 2), ArrayType(IntegerType()), ["s"],
     ("array<int>", [([1, 2],)] * 3)),
    ("struct", lambda x: Row(a=x, b="z"), "a int, b string", ["x"],
     ("struct<a:int,b:string>", [(Row(a=1, b="z"),), (Row(a=None, b="z"),),
                                 (Row(a=3, b="z"),)])),
    ("structtuple", lambda x: (x, "z"), "a int, b string", ["x"],
     ("struct<a:int,b:string>", [(Row(a=1, b="z"),), (Row(a=None, b="z"),),
                                 (Row(a=3, b="z"),)])),
    ("map", lambda s: {s: 1} if s else {}, MapType(StringType(), IntegerType()), ["s"],
     ("map<string,int>", [({"a": 1},), ({},), ({"c": 1},)])),
    ("date", lambda x: datetime.date(2024, 1, x) if x else None, DateType(), ["x"],
     ("date", [(datetime.date(2024, 1, 1),), (None,), (datetime.date(2024, 1, 3),)])),
    ("dec", lambda x: decimal.Decimal("1.25"), DecimalType(10, 2), ["x"],
     ("decimal(10,2)", [(decimal.Decimal("1.25"),)] * 3)),
    ("two", lambda x, s: f"{x}-{s}", None, ["x", "s"],
     ("string", [("1-a",), ("None-None",), ("3-c",)])),
    ("input_types", lambda x, s, d: f"{type(x).__name__},{type(s).__name__},{type(d).__name__}",
     None, ["x", "s", "d"], ("string", [("int,str,float",), ("NoneType,NoneType,NoneType",),
                                        ("int,str,float",)])),
    ("intforstr", lambda x: 5, StringType(), ["x"], ("string", [("5",)] * 3)),
]
PICKLED_ONLY = [
    ("floatforint", lambda x: 1.5, IntegerType(), ["x"], ("int", [(None,)] * 3)),
    ("intforfloat", lambda x: 1, DoubleType(), ["x"], ("double", [(None,)] * 3)),
    ("strforint", lambda x: "5", IntegerType(), ["x"], ("int", [(None,)] * 3)),
    ("boolforint", lambda x: True, IntegerType(), ["x"], ("int", [(None,)] * 3)),
    ("overflowint", lambda x: 2**40, IntegerType(), ["x"], ("int", [(0,)] * 3)),
]
ARROW_ONLY = [
    ("floatforint", lambda x: 1.5, IntegerType(), ["x"], ("int", ROW3)),
    ("intforfloat", lambda x: 1, DoubleType(), ["x"], ("double", [(1.0,)] * 3)),
    ("strforint", lambda x: "5", IntegerType(), ["x"], ("int", [(5,)] * 3)),
]


@pytest.mark.parametrize("arrow, case", [(a, c) for a in (False, True) for c in CASES] +
                         [(False, c) for c in PICKLED_ONLY] + [(True, c) for c in ARROW_ONLY],
                         ids=lambda v: v[0] if isinstance(v, tuple) else
                         ("arrow" if v else "pickled"))
def test_udf_values_and_types(df, arrow, case):
    _, fn, rtype, cols, (dtype, rows) = case
    f = udf(fn, rtype, useArrow=arrow) if rtype is not None else udf(fn, useArrow=arrow)
    name, got_type, nullable, got = _one(df, f(*cols))
    assert name == f"<lambda>({', '.join(cols)})"
    assert (got_type, nullable) == (dtype, True)
    assert got == rows


@pytest.mark.parametrize("arrow", [False, True])
def test_udf_error_keeps_the_user_traceback(df, arrow):
    def divide(x):
        return 1 // 0

    with pytest.raises(PythonException) as e:
        df.select(udf(divide, IntegerType(), useArrow=arrow)("x")).collect()
    text = str(e.value)
    assert text.startswith("An exception was thrown from the Python worker:\nTraceback")
    assert "in divide\n" in text and "return 1 // 0" in text
    assert "ZeroDivisionError: integer division or modulo by zero" in text
    assert "runtime/sql" not in text


def test_arrow_conversion_errors(df):
    with pytest.raises(PythonException, match="ArrowTypeError: Expected integer, got bool"):
        df.select(udf(lambda x: True, IntegerType(), useArrow=True)("x")).collect()
    with pytest.raises(PythonException, match="not in range"):
        df.select(udf(lambda x: 2**40, IntegerType(), useArrow=True)("x")).collect()


def test_decorator_forms_and_attributes(spark, df):
    @udf(returnType=IntegerType())
    def plus_one(x):
        return None if x is None else x + 1

    @udf
    def named(x):
        return str(x)

    @udf("double")
    def half(x):
        return None if x is None else x / 2

    assert _one(df, plus_one("x"))[::3] == ("plus_one(x)", [(2,), (None,), (4,)])
    assert _one(df, named("x"))[::3] == ("named(x)", [("1",), ("None",), ("3",)])
    assert _one(df, plus_one(F.col("x") * 2))[::3] == ("plus_one((x * 2))",
                                                       [(3,), (None,), (7,)])
    assert _one(df, half("x"))[3] == [(0.5,), (None,), (1.5,)]
    assert (plus_one.returnType, plus_one.evalType, plus_one.deterministic,
            plus_one.__name__) == (IntegerType(), 101, True, "plus_one")
    assert plus_one.asNondeterministic().deterministic is False
    assert udf(lambda x: x).returnType == StringType()
    assert udf(lambda x: x, useArrow=False).evalType == 100


def test_udf_in_many_rows_and_without_arguments(spark):
    df = spark.range(0, 20000, numPartitions=3)
    out = df.select(udf(lambda i: i * 2, LongType())("id").alias("d"),
                    udf(lambda: 7, IntegerType())().alias("c"))
    rows = out.collect()
    assert len(rows) == 20000 and sum(r.d for r in rows) == 2 * sum(range(20000))
    assert {r.c for r in rows} == {7}


def test_register_for_sql_and_expr(spark, df):
    r = spark.udf.register("winudf_plus1", lambda x: x + 1 if x is not None else None, "int")
    assert (r.returnType, r.evalType) == (IntegerType(), 100)
    assert _one(df, F.expr("winudf_plus1(x)")) == ("winudf_plus1(x)", "int", True,
                                                   [(2,), (None,), (4,)])
    df.createOrReplaceTempView("winudf_t")
    out = df.selectExpr("winudf_plus1(41) AS v", "winudf_plus1(x) AS w")
    assert [tuple(r) for r in out.collect()] == [(42, 2), (42, None), (42, 4)]

    @udf(returnType=IntegerType())
    def plus_one(x):
        return None if x is None else x + 1

    spark.udf.register("winudf_pone", plus_one)
    assert _one(df, F.expr("winudf_pone(x)"))[::3] == ("winudf_pone(x)",
                                                       [(2,), (None,), (4,)])
    from runtime.sql.errors import PySparkTypeError

    with pytest.raises(PySparkTypeError, match=r"^\[CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF\]"):
        spark.udf.register("winudf_bad", plus_one, IntegerType())


def test_udf_on_a_missing_column_is_unresolved(df):
    from runtime.sql.errors import AnalysisException

    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVED_COLUMN.WITH_SUGGESTION\]"):
        df.select(udf(lambda x: x)("nope"))


def test_udf_with_windows_and_filters(spark, df):
    from sparkcli.sql import Window

    f = udf(lambda x: None if x is None else x * 10, IntegerType())
    out = df.where(f("x") > 10).select(f("x").alias("y"),
                                       F.row_number().over(Window.orderBy(f("x"))).alias("r"))
    assert [tuple(r) for r in out.collect()] == [(30, 1)]
