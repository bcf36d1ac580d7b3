"""Date/time functions: values, result types, NULLs and ANSI errors as PySpark 4.3 gives
them (session time zone UTC; checked against real PySpark)."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.types import StructField, StructType, TimestampType
from tests.sql.functions.conftest import check

D, TS = dt.date, dt.datetime

CASES = [
    ("add_months(DATE'2016-08-31', 1)", D(2016, 9, 30), "date"),
    ("add_months(DATE'2016-01-31', -2)", D(2015, 11, 30), "date"),
    ("add_months(CAST(NULL AS DATE), 1)", None, "date"),
    ("last_day(DATE'2009-01-12')", D(2009, 1, 31), "date"),
    ("last_day(DATE'2024-02-01')", D(2024, 2, 29), "date"),
    ("next_day(DATE'2015-01-14', 'TU')", D(2015, 1, 20), "date"),
    ("next_day(DATE'2015-01-13', 'tuesday')", D(2015, 1, 20), "date"),
    ("months_between(TIMESTAMP'1997-02-28 10:30:00', TIMESTAMP'1996-10-30')", 3.94959677,
     "double"),
    ("months_between(TIMESTAMP'1997-02-28 10:30:00', TIMESTAMP'1996-10-30', false)",
     3.9495967741935485, "double"),
    ("months_between(DATE'2019-01-31', DATE'2019-02-28')", -1.0, "double"),
    ("trunc(DATE'2019-08-04', 'week')", D(2019, 7, 29), "date"),
    ("trunc(DATE'2019-08-04', 'MM')", D(2019, 8, 1), "date"),
    ("trunc(DATE'2019-08-04', 'quarter')", D(2019, 7, 1), "date"),
    ("trunc(DATE'2019-08-04', 'yy')", D(2019, 1, 1), "date"),
    ("trunc(DATE'2019-08-04', 'xx')", None, "date"),
    ("date_trunc('HOUR', TIMESTAMP'2015-03-05 09:32:05.359')", TS(2015, 3, 5, 9), "timestamp"),
    ("date_trunc('MILLISECOND', TIMESTAMP'2015-03-05 09:32:05.123456')",
     TS(2015, 3, 5, 9, 32, 5, 123000), "timestamp"),
    ("date_trunc('YEAR', TIMESTAMP'2015-03-05 09:32:05')", TS(2015, 1, 1), "timestamp"),
    ("from_unixtime(0)", "1970-01-01 00:00:00", "string"),
    ("from_unixtime(1, 'yyyy-MM-dd HH:mm:ss.SSS')", "1970-01-01 00:00:01.000", "string"),
    ("unix_timestamp('2016-04-08', 'yyyy-MM-dd')", 1460073600, "bigint"),
    ("unix_timestamp('2016-04-08 00:00:01')", 1460073601, "bigint"),
    ("to_unix_timestamp('2016-04-08', 'yyyy-MM-dd')", 1460073600, "bigint"),
    ("from_utc_timestamp(TIMESTAMP'2016-08-31 00:00:00', 'Asia/Seoul')", TS(2016, 8, 31, 9),
     "timestamp"),
    ("to_utc_timestamp(TIMESTAMP'2016-08-31 00:00:00', 'Asia/Seoul')", TS(2016, 8, 30, 15),
     "timestamp"),
    ("make_date(2013, 7, 15)", D(2013, 7, 15), "date"),
    ("make_date(2013, NULL, 15)", None, "date"),
    ("make_timestamp(2014, 12, 28, 6, 30, 45.887)", TS(2014, 12, 28, 6, 30, 45, 887000),
     "timestamp"),
    ("make_timestamp(2019, 6, 30, 23, 59, 60)", TS(2019, 7, 1), "timestamp"),
    ("try_make_timestamp(2019, 6, 30, 23, 59, 61)", None, "timestamp"),
    ("make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887)", TS(2014, 12, 28, 6, 30, 45, 887000),
     "timestamp_ntz"),
    ("make_dt_interval(1, 12, 30, 01.001001)",
     dt.timedelta(days=1, hours=12, minutes=30, seconds=1, microseconds=1001),
     "interval day to second"),
    ("weekofyear(DATE'2008-02-20')", 8, "int"),
    ("weekofyear(DATE'2021-01-01')", 53, "int"),
    ("dayofweek(DATE'2009-07-30')", 5, "int"),
    ("weekday(DATE'2009-07-30')", 3, "int"),
    ("dayname(DATE'2008-02-20')", "Wed", "string"),
    ("monthname(DATE'2008-02-20')", "Feb", "string"),
    ("date_part('YEAR', TIMESTAMP'2019-08-12 01:00:00.123456')", 2019, "int"),
    ("date_part('dow', DATE'2019-08-12')", 2, "int"),
    ("date_part('SECOND', TIMESTAMP'2019-08-12 01:00:10.123456')",
     decimal.Decimal("10.123456"), "decimal(8,6)"),
    ("extract(YEAR FROM DATE'2019-08-12')", 2019, "int"),
    ("timestamp_seconds(1230219000)", TS(2008, 12, 25, 15, 30), "timestamp"),
    ("timestamp_seconds(1.5)", TS(1970, 1, 1, 0, 0, 1, 500000), "timestamp"),
    ("timestamp_millis(1230219000123)", TS(2008, 12, 25, 15, 30, 0, 123000), "timestamp"),
    ("timestamp_micros(1230219000123123)", TS(2008, 12, 25, 15, 30, 0, 123123), "timestamp"),
    ("unix_seconds(TIMESTAMP'1970-01-01 00:00:01')", 1, "bigint"),
    ("unix_millis(TIMESTAMP'1970-01-01 00:00:01')", 1000, "bigint"),
    ("unix_micros(TIMESTAMP'1970-01-01 00:00:01')", 1000000, "bigint"),
    ("unix_date(DATE'1970-01-02')", 1, "int"),
    ("date_from_unix_date(1)", D(1970, 1, 2), "date"),
    ("current_timezone()", "UTC", "string"),
    ("date_format(TIMESTAMP'2016-04-08 13:05:09.123', 'EEE, d MMM yyyy hh:mm:ss.SSS a')",
     "Fri, 8 Apr 2016 01:05:09.123 PM", "string"),
    ("date_format(DATE'2016-04-08', 'yyyy-MM-dd QQQ D E EEEE LLLL')",
     "2016-04-08 Q2 99 Fri Friday April", "string"),
    ("date_format(TIMESTAMP'2016-04-08 13:05:09', 'yyyy-MM-dd XXX VV')", "2016-04-08 Z UTC",
     "string"),
    ("date_format(DATE'2016-04-08', \"yyyy-MM-dd'T'HH''\")", "2016-04-08T00'", "string"),
    ("to_timestamp('2016/12/31 12:05', 'yyyy/MM/dd HH:mm')", TS(2016, 12, 31, 12, 5),
     "timestamp"),
    ("to_timestamp('31 Dec 2016 01:05:09 PM', 'dd MMM yyyy hh:mm:ss a')",
     TS(2016, 12, 31, 13, 5, 9), "timestamp"),
    ("to_timestamp('2016-12-31 00:12:00.5', 'yyyy-MM-dd HH:mm:ss.S')",
     TS(2016, 12, 31, 0, 12, 0, 500000), "timestamp"),
    ("to_date('12/31/2016', 'MM/dd/yyyy')", D(2016, 12, 31), "date"),
    ("try_to_timestamp('foo', 'yyyy-MM-dd')", None, "timestamp"),
    ("try_to_date('2016-13-01', 'yyyy-MM-dd')", None, "date"),
    ("to_timestamp_ntz('2016-12-31 00:12:00')", TS(2016, 12, 31, 0, 12), "timestamp_ntz"),
    ("convert_timezone('Europe/Brussels', 'America/Los_Angeles', "
     "timestamp_ntz'2021-12-06 00:00:00')", TS(2021, 12, 5, 15), "timestamp_ntz"),
]


@pytest.mark.parametrize("text,value,dtype", CASES, ids=[c[0] for c in CASES])
def test_datetime_function(spark, text, value, dtype):
    check(spark, text, value, dtype)


ERRORS = [
    ("make_date(2019, 13, 1)", r"^\[DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION\] Invalid "
     r"value for MonthOfYear \(valid values 1 - 12\): 13\.  SQLSTATE: 22023$"),
    ("make_date(2019, 2, 30)", r"Invalid date 'FEBRUARY 30'\."),
    ("make_date(2019, 2, 29)", r"Invalid date 'February 29' as '2019' is not a leap year"),
    ("to_timestamp('abc', 'yyyy-MM-dd')", r"^\[CANNOT_PARSE_TIMESTAMP\] Text 'abc' could not "
     r"be parsed at index 0\. Use `try_to_timestamp` to tolerate invalid input string and "
     r"return NULL instead\. SQLSTATE: 22007$"),
    ("unix_timestamp('abc', 'yyyy-MM-dd')", r"^\[CANNOT_PARSE_TIMESTAMP\]"),
    ("next_day(DATE'2015-01-14', 'xx')",
     r"^\[ILLEGAL_DAY_OF_WEEK\] Illegal input for day of week: xx\. SQLSTATE: 22009$"),
    ("make_timestamp(2019, 6, 30, 23, 59, 61)", r"SecondOfMinute \(valid values 0 - 59\): 61"),
    ("date_format(TIMESTAMP'2016-04-08 13:05:09', 'yyyy-MM-dd bb')",
     r"^\[INVALID_DATETIME_PATTERN.WITH_SUGGESTION\] Unrecognized datetime pattern: "
     r"'yyyy-MM-dd bb'\."),
]


@pytest.mark.parametrize("text,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_datetime_ansi_errors(spark, text, message):
    with pytest.raises(Exception, match=message):
        spark.range(1).selectExpr(text).collect()


def test_column_names(spark):
    df = spark.createDataFrame([(D(2020, 1, 31), TS(2020, 1, 31, 10))], ["d", "ts"])
    out = df.select(F.add_months("d", 1), F.date_trunc("month", "ts"), F.from_unixtime(F.lit(0)),
                    F.months_between("ts", "d"), F.extract(F.lit("YEAR"), "d"),
                    F.unix_timestamp("ts"), F.current_timezone())
    assert out.columns == [
        "add_months(d, 1)", "date_trunc(month, ts)", "from_unixtime(0, yyyy-MM-dd HH:mm:ss)",
        "months_between(ts, d, true)", "extract(YEAR FROM d)",
        "unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)", "current_timezone()"]
    assert out.collect()[0][:2] == (D(2020, 2, 29), TS(2020, 1, 1))


def test_session_time_zone_decides_fields_and_formats(spark):
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        df = spark.range(1).select(F.timestamp_seconds(F.lit(0)).alias("ts"))
        row = df.select(F.date_format("ts", "yyyy-MM-dd HH:mm"), F.hour("ts"),
                        F.date_trunc("day", "ts").cast("long"),
                        F.from_unixtime(F.lit(0))).collect()[0]
        assert tuple(row) == ("1969-12-31 16:00", 16, -16 * 3600, "1969-12-31 16:00:00")
        # the DST gap: 02:30 on 2024-03-10 does not exist and moves forward by an hour
        gap = spark.range(1).select(F.to_timestamp(F.lit("2024-03-10 02:30"),
                                                   "yyyy-MM-dd HH:mm").cast("long"))
        assert gap.collect()[0][0] == 1710066600  # 2024-03-10 03:30 PDT = 10:30 UTC
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_window_tumbling_and_sliding(spark):
    df = spark.createDataFrame([(TS(2016, 8, 31, 0, 7), 1), (TS(2016, 8, 31, 0, 12), 2),
                                (None, 3)], ["ts", "v"])
    w = df.select(F.window("ts", "5 minutes"), "v")
    assert w.schema == StructType([
        StructField("window", StructType([StructField("start", TimestampType(), True),
                                          StructField("end", TimestampType(), True)]), True),
        StructField("v", w.schema["v"].dataType, True)])
    assert [(r.window and (r.window.start, r.window.end), r.v) for r in w.collect()] == [
        ((TS(2016, 8, 31, 0, 5), TS(2016, 8, 31, 0, 10)), 1),
        ((TS(2016, 8, 31, 0, 10), TS(2016, 8, 31, 0, 15)), 2), (None, 3)]
    counts = df.groupBy(F.window("ts", "10 minutes")).count().orderBy("window")
    assert counts.columns == ["window", "count"]
    assert [(r.window and r.window.start, r[1]) for r in counts.collect()] == [
        (None, 1), (TS(2016, 8, 31, 0, 0), 1), (TS(2016, 8, 31, 0, 10), 1)]
    sliding = df.select(F.window("ts", "10 minutes", "5 minutes"), "v")
    assert [(r.window.start, r.v) for r in sliding.collect()] == [
        (TS(2016, 8, 31, 0, 5), 1), (TS(2016, 8, 31, 0, 0), 1),
        (TS(2016, 8, 31, 0, 10), 2), (TS(2016, 8, 31, 0, 5), 2)]
    shifted = df.select(F.window("ts", "10 minutes", "10 minutes", "3 minutes").start)
    assert shifted.collect()[0][0] == TS(2016, 8, 31, 0, 3)
    wt = df.select(F.window_time(F.window("ts", "5 minutes")))
    assert wt.collect()[0][0] == TS(2016, 8, 31, 0, 9, 59, 999999)


def test_window_sliding_in_group_by(spark):
    df = spark.createDataFrame([(TS(2016, 8, 31, 0, 7), "a"), (TS(2016, 8, 31, 0, 12), "a")],
                               ["ts", "word"])
    out = df.groupBy(F.window("ts", "10 minutes", "5 minutes"), "word").count()
    assert out.columns == ["window", "word", "count"]
    got = sorted((r.window.start, r.word, r[2]) for r in out.collect())
    assert got == [(TS(2016, 8, 31, 0, 0), "a", 1), (TS(2016, 8, 31, 0, 5), "a", 2),
                   (TS(2016, 8, 31, 0, 10), "a", 1)]


def test_window_errors(spark):
    df = spark.createDataFrame([(1,)], ["x"])
    with pytest.raises(AnalysisException, match="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"):
        df.select(F.window("x", "5 minutes")).collect()
    with pytest.raises(AnalysisException, match="month"):
        spark.range(1).select(F.window(F.current_timestamp(), "1 month")).collect()
