"""Spark 4 semantics (ANSI on) for every row of the table in sql-semantics.md, and the
type rules; expected values and types are PySpark 4.3's."""

from __future__ import annotations

import decimal
import math

import pytest

from sparkcli.errors import AnalysisException, ArithmeticException, NumberFormatException
from sparkcli.sql import functions as F


def one(df):
    (row,) = df.collect()
    return tuple(row)


def test_integer_division_and_remainder_truncate(spark):
    df = spark.createDataFrame([(-7, 2)], ["a", "b"])
    assert one(df.select(F.expr("a div b"), F.col("a") % F.col("b"))) == (-3, -1)
    assert df.select(F.expr("a div b"), F.col("a") % F.col("b")).columns == \
        ["(a div b)", "(a % b)"]


def test_round_is_half_up(spark):
    df = spark.createDataFrame([(2.5,), (-2.5,), (1.5,), (None,)], ["v"])
    assert [r[0] for r in df.select(F.round("v")).collect()] == [3.0, -3.0, 2.0, None]
    assert [r[0] for r in df.select(F.bround("v")).collect()] == [2.0, -2.0, 2.0, None]


def test_overflow_and_division_by_zero_raise_under_ansi(spark):
    df = spark.range(1)
    with pytest.raises(ArithmeticException, match=r"^\[ARITHMETIC_OVERFLOW\] overflow\. "
                       r"Use 'try_add' to tolerate overflow"):
        df.select(F.lit(2**63 - 1).cast("bigint") + F.col("id") + 1).collect()
    with pytest.raises(ArithmeticException, match=r"^\[DIVIDE_BY_ZERO\] Division by zero"):
        df.select(F.col("id") / 0).collect()
    with pytest.raises(ArithmeticException, match=r"^\[REMAINDER_BY_ZERO\]"):
        df.select(F.lit(5) % F.col("id")).collect()


def test_without_ansi_overflow_wraps_and_division_by_zero_is_null(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        df = spark.range(1)
        assert one(df.select(F.col("id") / 0, F.lit("x").cast("int"))) == (None, None)
        assert one(df.select(F.lit(2**63 - 1).cast("bigint") + F.col("id") + 1)) == (-2**63,)
    finally:
        spark.conf.unset("spark.sql.ansi.enabled")


def test_casts(spark):
    df = spark.range(1)
    assert one(df.select(F.lit(" 12 ").cast("int"), F.lit(3.9).cast("int"),
                         F.lit(-3.9).cast("int"), F.lit("true").cast("boolean"),
                         F.lit(2.5).cast("string"), F.lit(1e20).cast("string"),
                         F.lit(True).cast("string"))) == \
        (12, 3, -3, True, "2.5", "1.0E20", "true")
    with pytest.raises(NumberFormatException, match=(
            r"^\[CAST_INVALID_INPUT\] The value 'abc' of the type \"STRING\" cannot be cast "
            r"to \"INT\" because it is malformed")):
        df.select(F.lit("abc").cast("int")).collect()
    with pytest.raises(ArithmeticException, match=(
            r"^\[CAST_OVERFLOW\] The value 1.0E20D of the type \"DOUBLE\" cannot be cast to "
            r"\"INT\" due to an overflow")):
        df.select(F.lit(1e20).cast("int")).collect()
    assert one(df.select(F.lit("abc").try_cast("int"))) == (None,)


def test_three_valued_logic_and_null_aggregates(spark):
    df = spark.createDataFrame([(None, False, None)], "n boolean, f boolean, i int")
    assert one(df.select(F.col("n") & F.col("f"), F.col("n") | F.col("f"))) == (False, None)
    agg = df.agg(F.sum("i"), F.count("i"), F.avg("i"))
    assert one(agg) == (None, 0, None)
    assert agg.dtypes == [("sum(i)", "bigint"), ("count(i)", "bigint"), ("avg(i)", "double")]


def test_nan_equality_ordering_and_grouping(spark):
    nan = float("nan")
    df = spark.createDataFrame([(2.0,), (None,), (nan,), (1.0,)], ["v"])
    assert one(spark.range(1).select(F.lit(nan) == F.lit(nan))) == (True,)
    asc = [r[0] for r in df.orderBy("v").collect()]
    assert asc[0] is None and asc[1:3] == [1.0, 2.0] and math.isnan(asc[3])
    desc = [r[0] for r in df.orderBy(F.desc("v")).collect()]
    assert math.isnan(desc[0]) and desc[1:3] == [2.0, 1.0] and desc[3] is None
    g = spark.createDataFrame([(nan,), (nan,), (0.0,), (-0.0,)], ["v"]).groupBy("v").count()
    assert sorted((str(r[0]), r[1]) for r in g.collect()) == [("0.0", 2), ("nan", 2)]


def test_decimal_result_types(spark):
    df = spark.createDataFrame([(decimal.Decimal("1.00"),)], "d decimal(10,2)")
    assert df.select(F.col("d") * F.col("d"), F.col("d") / F.col("d")).dtypes == \
        [("(d * d)", "decimal(21,4)"), ("(d / d)", "decimal(23,13)")]
    assert df.select(F.sum("d"), F.avg("d")).dtypes == \
        [("sum(d)", "decimal(20,2)"), ("avg(d)", "decimal(14,6)")]
    assert one(df.select(F.col("d") / F.lit(3))) == (decimal.Decimal("0.333333"),)


def test_strings(spark):
    df = spark.createDataFrame([("hello",)], ["s"])
    row = one(df.select(F.substring("s", 0, 2), F.substring("s", -3, 2),
                        F.concat("s", F.lit(None)), F.concat_ws("-", "s", F.lit(None), "s"),
                        F.length("s"), F.upper("s"), F.lpad("s", 8, "*"),
                        F.regexp_replace("s", "l+", "L"), F.regexp_extract("s", "(h)(e)", 2),
                        F.trim(F.lit("  a "))))
    assert row == ("he", "ll", None, "hello-hello", 5, "HELLO", "***hello", "heLo", "e", "a")


def test_result_types_and_names(spark):
    df = spark.createDataFrame([(1,)], "a int")
    assert df.select((F.col("a") + 1).alias("p"), (F.col("a") * 2.5).alias("q"),
                     (F.col("a") / 2).alias("r"), (F.col("a").cast("short") + 1).alias("s"),
                     (F.col("a") + F.lit(1).cast("decimal(5,2)")).alias("t")).dtypes == \
        [("p", "int"), ("q", "double"), ("r", "double"), ("s", "int"), ("t", "decimal(13,2)")]
    assert df.agg(F.sum("a"), F.avg("a"), F.max("a"), F.count("a")).dtypes == \
        [("sum(a)", "bigint"), ("avg(a)", "double"), ("max(a)", "int"), ("count(a)", "bigint")]
    x = spark.range(5)
    names = x.select(x.id + 1, -x.id, x.id / 2, F.sqrt("id"), F.round("id"), x.id.cast("string"),
                     x.id != 1, x.id.isNull(), x.id.isin(1, 2), x.id.between(1, 2),
                     F.when(x.id > 1, 1).otherwise(0), F.lit("a"), F.lit(None),
                     F.coalesce("id", F.lit(1)), F.ceil("id"), F.pow("id", 2)).columns
    assert names == ["(id + 1)", "negative(id)", "(id / 2)", "SQRT(id)", "round(id, 0)", "id",
                     "(NOT (id = 1))", "(id IS NULL)", "(id IN (1, 2))",
                     "((id >= 1) AND (id <= 2))", "CASE WHEN (id > 1) THEN 1 ELSE 0 END", "a",
                     "NULL", "coalesce(id, 1)", "CEIL(id)", "POWER(id, 2)"]
    assert x.agg(F.count("*"), F.countDistinct("id"), F.sum_distinct("id"), F.mean("id"),
                 F.collect_list("id")).columns == \
        ["count(1)", "count(DISTINCT id)", "sum(DISTINCT id)", "avg(id)", "collect_list(id)"]


def test_analysis_errors_have_spark_text(spark):
    df = spark.createDataFrame([("Alice", 11)], ["name", "age"])
    with pytest.raises(AnalysisException) as e:
        df.select("agee")
    assert str(e.value).startswith(
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with "
        "name `agee` cannot be resolved. Did you mean one of the following? [`age`, `name`]. "
        "SQLSTATE: 42703;\n'Project ['agee]")
    assert e.value.getErrorClass() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    with pytest.raises(AnalysisException, match=r"^\[MISSING_GROUP_BY\]"):
        df.select(F.sum("age"), "name")
    with pytest.raises(AnalysisException, match=r"^\[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN\]"):
        df.filter(F.col("age") + 1)
    with pytest.raises(AnalysisException, match=r"^\[TABLE_OR_VIEW_NOT_FOUND\] The table or "
                       r"view `nope` cannot be found"):
        spark.table("nope")
    with pytest.raises(AnalysisException, match=r"^\[NUM_COLUMNS_MISMATCH\]"):
        df.union(df.select("name"))
    from sparkcli.sql.utils import AnalysisException as FromUtils

    assert FromUtils is AnalysisException
