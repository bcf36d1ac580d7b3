"""INTERVAL literals and interval/date/timestamp arithmetic in spark.sql: Spark 4.3's types,
values and printed form (checked against PySpark 4.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from runtime.sql.errors import ParseException

D, TS = dt.date, dt.datetime

# (query, schema simpleString, show() cells of the single row)
SHOWN = [
    ("SELECT INTERVAL '3' DAY AS a, INTERVAL 1 HOUR 30 MINUTES AS b, "
     "interval 1 year 2 months AS c",
     "struct<a:interval day,b:interval hour to minute,c:interval year to month>",
     ["INTERVAL '3' DAY", "INTERVAL '01:30' HOUR TO MINUTE", "INTERVAL '1-2' YEAR TO MONTH"]),
    ("SELECT INTERVAL '3' DAY", "struct<INTERVAL '3' DAY:interval day>", ["INTERVAL '3' DAY"]),
    ("SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND, INTERVAL '1-2' YEAR TO MONTH, "
     "interval '10:20' hour to minute, interval 3 days, interval '-3' month",
     "struct<INTERVAL '1 02:03:04.5' DAY TO SECOND:interval day to second,"
     "INTERVAL '1-2' YEAR TO MONTH:interval year to month,"
     "INTERVAL '10:20' HOUR TO MINUTE:interval hour to minute,"
     "INTERVAL '3' DAY:interval day,INTERVAL '-3' MONTH:interval month>",
     ["INTERVAL '1 02:03:04.5' DAY TO SECOND", "INTERVAL '1-2' YEAR TO MONTH",
      "INTERVAL '10:20' HOUR TO MINUTE", "INTERVAL '3' DAY", "INTERVAL '-3' MONTH"]),
    ("SELECT interval 2 weeks, interval 1500 milliseconds, interval 1 microsecond, "
     "interval 90 minutes, interval '1.5' second",
     "struct<INTERVAL '14' DAY:interval day,INTERVAL '01.5' SECOND:interval second,"
     "INTERVAL '00.000001' SECOND:interval second,INTERVAL '90' MINUTE:interval minute,"
     "INTERVAL '01.5' SECOND:interval second>",
     ["INTERVAL '14' DAY", "INTERVAL '01.5' SECOND", "INTERVAL '00.000001' SECOND",
      "INTERVAL '90' MINUTE", "INTERVAL '01.5' SECOND"]),
    ("SELECT date'2024-03-01' - date'2024-01-01' AS a, "
     "timestamp'2024-01-02 00:00:00' - timestamp'2024-01-01 10:00:01.5' AS b",
     "struct<a:interval day,b:interval day to second>",
     ["INTERVAL '60' DAY", "INTERVAL '0 13:59:58.5' DAY TO SECOND"]),
    ("SELECT interval 3 days * 2 AS a, interval 3 days / 2 AS b, "
     "interval 1 year + interval 2 months AS c, -interval 1 day AS d, "
     "interval 1 day - interval 1 hour AS e, 2 * interval 1 month AS f",
     "struct<a:interval day to second,b:interval day to second,c:interval year to month,"
     "d:interval day,e:interval day to hour,f:interval year to month>",
     ["INTERVAL '6 00:00:00' DAY TO SECOND", "INTERVAL '1 12:00:00' DAY TO SECOND",
      "INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '-1' DAY", "INTERVAL '0 23' DAY TO HOUR",
      "INTERVAL '0-2' YEAR TO MONTH"]),
    ("SELECT interval 1 day + interval 1 hour",
     "struct<(INTERVAL '1' DAY + INTERVAL '01' HOUR):interval day to hour>",
     ["INTERVAL '1 01' DAY TO HOUR"]),
    ("SELECT interval 1 day > interval 20 hours AS a, interval 1 month = interval '1' month "
     "AS b, cast(interval 3 day AS string) AS c, typeof(interval 3 hours) AS d",
     "struct<a:boolean,b:boolean,c:string,d:string>",
     ["true", "true", "INTERVAL '3' DAY", "interval hour"]),
]


@pytest.mark.parametrize("query,schema,cells", SHOWN, ids=[c[0][:50] for c in SHOWN])
def test_interval_values_print_as_spark(spark, query, schema, cells):
    df = spark.sql(query)
    assert df.schema.simpleString() == schema
    row = df._show_string(1, truncate=False).splitlines()[3]
    assert [c.strip() for c in row.strip("|").split("|")] == cells


def test_date_and_timestamp_arithmetic(spark):
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = spark.sql(
        "SELECT date'2024-01-31' + interval 1 month AS a, date'2024-01-01' + interval '3' day "
        "AS b, date'2024-01-01' + interval 3 hours AS c, date'2024-01-01' - interval 1 year "
        "AS d, timestamp'2024-01-01 00:00:00' + interval '1 02:00:00' day to second AS e, "
        "timestamp'2024-01-31 10:00:00' + interval 1 month AS f, "
        "timestamp'2024-01-01 00:00:00' - interval 30 minutes AS g")
    assert df.schema.simpleString() == ("struct<a:date,b:date,c:timestamp,d:date,e:timestamp,"
                                        "f:timestamp,g:timestamp>")
    assert tuple(df.first()) == (
        D(2024, 2, 29), D(2024, 1, 4), TS(2024, 1, 1, 3), D(2023, 1, 1), TS(2024, 1, 2, 2),
        TS(2024, 2, 29, 10), TS(2023, 12, 31, 23, 30))


def test_interval_python_values_and_columns(spark, views):
    row = spark.sql("SELECT interval 1 month AS m, interval '1 02:00:00' day to second AS d, "
                    "interval 1 year * 1.5 AS y, interval 1 day / 0.5 AS h").first()
    assert tuple(row) == (1, dt.timedelta(days=1, hours=2), 18, dt.timedelta(days=2))
    rows = spark.sql("SELECT id, date'2024-01-01' + id * interval 1 day AS d FROM t "
                     "ORDER BY id").collect()
    # id * interval day is an interval day to second: the date becomes a timestamp
    assert [tuple(r) for r in rows] == [(1, TS(2024, 1, 2)), (2, TS(2024, 1, 3)),
                                        (3, TS(2024, 1, 4))]
    assert spark.sql("SELECT -id FROM t").columns == ["(- id)"]
    assert spark.sql("SELECT interval 1 day AS x UNION ALL SELECT interval 2 hours") \
        .schema.simpleString() == "struct<x:interval day to hour>"
    assert [r.x for r in spark.sql("SELECT interval 1 day AS x UNION ALL "
                                   "SELECT interval 2 hours").collect()] == \
        [dt.timedelta(days=1), dt.timedelta(hours=2)]


def test_interval_errors(spark):
    with pytest.raises(ParseException, match="Cannot mix year-month and day-time fields"):
        spark.sql("SELECT interval 1 year 2 days")
    with pytest.raises(Exception, match="INTERVAL_DIVIDED_BY_ZERO"):
        spark.sql("SELECT interval 3 day / 0").collect()
