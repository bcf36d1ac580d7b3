"""CAST of numbers to TIMESTAMP (seconds since the epoch), TRY_CAST beside CAST in one
statement, and the casts Spark refuses; expected values and messages are PySpark 4.3's
(session time zone UTC: the fixture sets TZ=UTC)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from runtime.sql.errors import AnalysisException, ArithmeticException, DateTimeException, \
    NumberFormatException


def test_numbers_cast_to_timestamp_are_seconds(spark):
    df = spark.sql("SELECT CAST(1700000000 AS TIMESTAMP) t, CAST(1700000000.5D AS TIMESTAMP) u, "
                   "CAST(1700000000L AS TIMESTAMP) v, CAST(-1.25D AS TIMESTAMP) w, "
                   "CAST(CAST(1.5 AS DECIMAL(3,1)) AS TIMESTAMP) d")
    assert [f.dataType.simpleString() for f in df.schema.fields] == ["timestamp"] * 5
    assert tuple(df.collect()[0]) == (
        dt.datetime(2023, 11, 14, 22, 13, 20), dt.datetime(2023, 11, 14, 22, 13, 20, 500000),
        dt.datetime(2023, 11, 14, 22, 13, 20), dt.datetime(1969, 12, 31, 23, 59, 58, 750000),
        dt.datetime(1970, 1, 1, 0, 0, 1, 500000))
    rows = spark.sql("SELECT CAST(c AS TIMESTAMP) FROM VALUES (0), (86400), (NULL) t(c)").collect()
    assert [r[0] for r in rows] == [dt.datetime(1970, 1, 1), dt.datetime(1970, 1, 2), None]
    assert spark.sql("SELECT CAST(1 AS TIMESTAMP)").columns == ["CAST(1 AS TIMESTAMP)"]


def test_bad_doubles_to_timestamp(spark):
    with pytest.raises(DateTimeException, match=re.escape(
            '[CAST_INVALID_INPUT] The value NaN of the type "DOUBLE" cannot be cast to '
            '"TIMESTAMP" because it is malformed.')):
        spark.sql("SELECT CAST(CAST('NaN' AS DOUBLE) AS TIMESTAMP)").collect()
    with pytest.raises(ArithmeticException, match=re.escape(
            '[CAST_OVERFLOW] The value 1.0E36D of the type "DOUBLE" cannot be cast to "BIGINT" '
            "due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. "
            "SQLSTATE: 22003")):
        spark.sql("SELECT CAST(1e30D AS TIMESTAMP)").collect()
    assert spark.sql("SELECT try_cast(1e30D AS TIMESTAMP)").collect()[0][0] is None


def test_try_cast_does_not_turn_other_casts_into_try_casts(spark):
    df = spark.sql("SELECT TRY_CAST('b' AS INT), CAST('7' AS INT)")
    assert df.columns == ["TRY_CAST(b AS INT)", "CAST(7 AS INT)"]
    assert tuple(df.collect()[0]) == (None, 7)
    with pytest.raises(NumberFormatException, match=re.escape(
            "[CAST_INVALID_INPUT] The value 'a' of the type \"STRING\" cannot be cast to \"INT\"")):
        spark.sql("SELECT CAST('a' AS INT) x, TRY_CAST('b' AS INT) y").collect()


def test_number_to_timestamp_ntz_is_refused(spark):
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "CAST(1 AS TIMESTAMP_NTZ)" '
            'due to data type mismatch: cannot cast "INT" to "TIMESTAMP_NTZ". SQLSTATE: 42K09')):
        spark.sql("SELECT CAST(1 AS TIMESTAMP_NTZ)").collect()
