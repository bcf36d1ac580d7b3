"""make_interval / try_make_interval and the calendar interval type; expected values and
names are PySpark 4.3's."""

from __future__ import annotations

import datetime as dt
import io
import re
from contextlib import redirect_stdout

import pytest

from runtime.sql.errors import ArithmeticException
from sparkcli.sql import functions as F


def test_make_interval_text_and_names(spark):
    df = spark.sql("select make_interval(1,2,3,4,5,6,7.5) i, make_interval(0,0,0,0,0,0,-1.5) j, "
                   "make_interval() k")
    assert df.schema.simpleString() == "struct<i:interval,j:interval,k:interval>"
    buf = io.StringIO()
    with redirect_stdout(buf):
        df.show(truncate=False)
    assert "|1 years 2 months 25 days 5 hours 6 minutes 7.5 seconds|-1.5 seconds|0 seconds|" \
        in buf.getvalue()
    (row,) = spark.sql(
        "select cast(make_interval(1,2,3,4,5,6,7.5) as string), cast(make_interval(-1,-2,0,-3,"
        "-4,-5,-6.5) as string), cast(make_interval(0,0,0,0,0,0,0.000001) as string), "
        "cast(make_interval(0,0,0,0,0,0,60) as string), cast(make_interval(0,0,0,0,48) as "
        "string), cast(make_interval(0,13) as string)").collect()
    assert tuple(row) == ("1 years 2 months 25 days 5 hours 6 minutes 7.5 seconds",
                          "-1 years -2 months -3 days -4 hours -5 minutes -6.5 seconds",
                          "0.000001 seconds", "1 minutes", "48 hours", "1 years 1 months")
    assert spark.sql("select typeof(make_interval(1)), typeof(try_make_interval(1))").columns \
        == ["typeof(make_interval(1, 0, 0, 0, 0, 0, 0.000000))",
            "typeof(try_make_interval(1, 0, 0, 0, 0, 0, 0.000000))"]
    assert tuple(spark.sql("select typeof(make_interval(1))").collect()[0]) == ("interval",)
    r = spark.range(1)
    assert r.select(F.make_interval(F.lit(1))).columns == ["make_interval(1, 0, 0, 0, 0, 0, 0)"]
    assert r.select(F.make_interval()).columns == ["make_interval(0, 0, 0, 0, 0, 0, 0)"]
    assert r.select(F.try_make_interval(F.lit(1))).columns == \
        ["try_make_interval(1, 0, 0, 0, 0, 0, 0)"]


def test_datetime_plus_interval(spark):
    (row,) = spark.sql("select date'2020-01-01' + make_interval(0,1,0,1), "
                       "timestamp'2020-01-01 00:00:00' + make_interval(0,1,0,1,2), "
                       "date'2020-01-31' + make_interval(0,1)").collect()
    assert tuple(row) == (dt.date(2020, 2, 2), dt.datetime(2020, 2, 2, 2, 0), dt.date(2020, 2, 29))


def test_overflow(spark):
    (row,) = spark.sql("select try_make_interval(2147483647, 1) is null, try_make_interval(0,0,"
                       "1000000000,0,0,0,0) is null, make_interval(1,1,1,1,1,1,1) is null"
                       ).collect()
    assert tuple(row) == (True, True, False)
    with pytest.raises(ArithmeticException, match=re.escape(
            '[ARITHMETIC_OVERFLOW] overflow. If necessary set "spark.sql.ansi.enabled" to '
            '"false" to bypass this error. SQLSTATE: 22003')):
        spark.sql("select make_interval(2147483647, 1)").collect()
