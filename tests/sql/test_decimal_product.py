"""A decimal product whose Arrow type would pass 38 digits runs in decimal128 when the
values allow (arithmetic._narrowed_product), with the same values as the decimal256 path."""

from __future__ import annotations

import decimal

import pytest

pytest.importorskip("pyarrow")

from sparkcli.sql import functions as F  # noqa: E402

D = decimal.Decimal


def test_wide_products_are_exact_both_ways(spark):
    rows = [(D("12345.6789"), D("1.05")), (None, D("2.00")), (D("-1.0001"), D("-3.33")),
            (D("1" * 27 + ".0000"), D("99999999999999.99"))]  # the last needs decimal256
    df = spark.createDataFrame(rows[:3], "a DECIMAL(32,4), b DECIMAL(16,2)")
    got = df.select((F.col("a") * F.col("b")).alias("p"))
    assert got.schema.fields[0].dataType.simpleString() == "decimal(38,6)"
    ctx = decimal.Context(prec=80)
    assert [r.p for r in got.collect()] == \
        [None if a is None else ctx.multiply(a, b) for a, b in rows[:3]]
    big = spark.createDataFrame(rows[3:], "a DECIMAL(32,4), b DECIMAL(16,2)")
    with pytest.raises(Exception, match="OVERFLOW|OUT_OF_RANGE"):
        big.select(F.col("a") * F.col("b")).collect()  # past decimal(38,6): ANSI error
    big = spark.createDataFrame([(D("1" * 18 + ".0000"), D("99999999999999.99"))],
                                "a DECIMAL(32,4), b DECIMAL(16,2)")
    assert big.select((F.col("a") * F.col("b")).alias("p")).first().p == \
        ctx.multiply(D("1" * 18), D("99999999999999.99"))  # too wide for the narrow cast
