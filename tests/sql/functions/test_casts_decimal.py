"""CAST of decimals to integers (the fraction truncated) and to a smaller scale (HALF_UP,
ties away from zero), literal and column alike; expected values and messages are
PySpark 4.3's."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from runtime.sql.errors import ArithmeticException


def test_decimal_casts(spark):
    df = spark.sql("select cast(1.5 as int), cast(-1.5 as int), cast(7.123456789 as "
                   "decimal(18,6)), cast(1.5 as decimal(3,0)), cast(-2.5 as decimal(3,0)), "
                   "cast(1.25 as decimal(3,1))")
    assert df.columns[0] == "CAST(1.5 AS INT)"
    assert tuple(df.collect()[0]) == (1, -1, Decimal("7.123457"), Decimal("2"), Decimal("-3"),
                                      Decimal("1.3"))
    rows = spark.sql("select cast(c as int), cast(c as decimal(3,0)) from values (1.5), (-2.5), "
                     "(99.9) t(c)").collect()
    assert [tuple(r) for r in rows] == [(1, Decimal("2")), (-2, Decimal("-3")),
                                        (99, Decimal("100"))]
    rows = spark.sql("select try_cast(c as decimal(2,0)) from values (1.5), (-2.5), (99.9) t(c)"
                     ).collect()
    assert [r[0] for r in rows] == [Decimal("2"), Decimal("-3"), None]


def test_decimal_cast_overflow(spark):
    with pytest.raises(ArithmeticException, match=re.escape(
            "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  12345.5 cannot be represented as "
            'Decimal(4, 0). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this '
            "error, and return NULL instead. SQLSTATE: 22003")):
        spark.sql("select cast(12345.5 as decimal(4,0))").collect()
    with pytest.raises(ArithmeticException, match=re.escape(
            "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  99.9 cannot be represented as "
            "Decimal(2, 0).")):
        spark.sql("select cast(c as decimal(2,0)) from values (99.9) t(c)").collect()
    with pytest.raises(ArithmeticException, match=re.escape(
            '[CAST_OVERFLOW] The value 2147483648.5BD of the type "DECIMAL(11,1)" cannot be cast '
            'to "INT" due to an overflow.')):
        spark.sql("select cast(2147483648.5 as int)").collect()


def test_decimal_casts_without_ansi(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        rows = spark.sql("select cast(c as int), cast(c as decimal(2,0)) from values (1.5), "
                         "(-2.5), (99.9) t(c)").collect()
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")
    assert [tuple(r) for r in rows] == [(1, Decimal("2")), (-2, Decimal("-3")), (99, None)]
