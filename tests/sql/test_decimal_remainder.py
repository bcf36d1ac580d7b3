"""Decimal ``%``, ``mod`` and ``pmod`` (runtime/sql/expressions/decimal_scaled.py remainder):
the sign of the dividend, Spark's result type, NULLs, zero divisors, and operands too wide
for int64. It used to answer the quotient (5.0 % 2 gave 2.5). Expected values and types
from PySpark 4.3."""

from __future__ import annotations

import pytest
from decimal import Decimal as D

from tests.sql.conftest import rows

WIDE = ("VALUES (CAST(12345678901234567890.123 AS DECIMAL(25,3)), CAST(7.5 AS DECIMAL(3,1))), "
        "(CAST(-12345678901234567890.123 AS DECIMAL(25,3)), CAST(-7.5 AS DECIMAL(3,1))), "
        "(NULL, 1.5), (CAST(2 AS DECIMAL(25,3)), NULL) AS t(a, b)")


def test_literal_remainders(spark):
    got = rows(spark.sql("SELECT 5.0 % 2, -5 % 3.0, 7.5 % 2.25, pmod(-5.5, 2), mod(10.25, 3)"))
    assert got == [(D("1.0"), D("-2.0"), D("0.75"), D("0.5"), D("1.25"))]


def test_column_remainders_follow_the_dividends_sign(spark):
    got = rows(spark.sql("SELECT a % b FROM VALUES (5.0, 2.00), (-7.25, 1.5), (1.0, 0.3) "
                         "AS t(a, b)"))
    assert got == [(D("1.00"),), (D("-1.25"),), (D("0.10"),)]


def test_wide_operands_nulls_and_the_result_type(spark):
    got = rows(spark.sql(f"SELECT a % b, typeof(a % b), pmod(a, b) FROM {WIDE}"))
    assert got == [(D("0.123"), "decimal(5,3)", D("0.123")),
                   (D("-0.123"), "decimal(5,3)", D("-0.123")),
                   (None, "decimal(5,3)", None), (None, "decimal(5,3)", None)]


def test_a_zero_divisor(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        assert rows(spark.sql("SELECT 5.5 % 0, 5.5 % 0.0, -0.75 % 0.5, 7 % 2.5")) == \
            [(None, None, D("-0.25"), D("2.0"))]
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")
    with pytest.raises(Exception, match="REMAINDER_BY_ZERO"):
        rows(spark.sql("SELECT a % b FROM VALUES (5.5, 0.0) AS t(a, b)"))
