"""Decimal results past DECIMAL(38): Spark's NUMERIC_VALUE_OUT_OF_RANGE under ANSI naming the
value, NULL for just the rows that overflow otherwise; integer literals past BIGINT are
DECIMAL; a constant decimal division folds (expected values are PySpark 4.3's)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from runtime.sql.errors import ArithmeticException

BIG = "CAST(99999999999999999999999999999999999999 AS DECIMAL(38, 0))"


def test_decimal_add_overflow_names_the_value(spark):
    with pytest.raises(ArithmeticException, match=re.escape(
            "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  100000000000000000000000000000000000000 "
            "cannot be represented as Decimal(38, 0). If necessary set \"spark.sql.ansi.enabled\" "
            "to \"false\" to bypass this error, and return NULL instead. SQLSTATE: 22003")):
        spark.sql(f"SELECT {BIG} + 1").collect()


def test_decimal_overflow_without_ansi_is_null_per_row(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        rows = spark.sql(f"SELECT c + 1 FROM VALUES ({BIG}), (CAST(1 AS DECIMAL(38, 0))) t(c)"
                         ).collect()
        assert [r[0] for r in rows] == [None, Decimal("2")]
        assert spark.sql(f"SELECT {BIG} + 1").collect()[0][0] is None
    finally:
        spark.conf.unset("spark.sql.ansi.enabled")


def test_big_integer_literals_are_decimals(spark):
    df = spark.sql("SELECT 99999999999999999999 a, 9223372036854775807 b")
    assert df.schema.simpleString() == "struct<a:decimal(20,0),b:bigint>"
    assert tuple(df.collect()[0]) == (Decimal("99999999999999999999"), 9223372036854775807)


def test_constant_decimal_division_folds(spark):
    df = spark.sql("SELECT CAST(1 AS DECIMAL(38, 10)) / CAST(3 AS DECIMAL(38, 10))")
    assert df.schema.fields[0].dataType.simpleString() == "decimal(38,6)"
    assert df.collect()[0][0] == Decimal("0.333333")
