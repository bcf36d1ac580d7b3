"""Every date/time function given a NULL argument answers NULL with Spark's result type and
name, never a raw Arrow error (expected names and types from PySpark 4.3)."""

from __future__ import annotations

import pytest

CASES = [
    ('year(NULL)', 'year(NULL)', 'int'),
    ('month(NULL)', 'month(NULL)', 'int'),
    ('day(NULL)', 'day(NULL)', 'int'),
    ('dayofmonth(NULL)', 'dayofmonth(NULL)', 'int'),
    ('dayofweek(NULL)', 'dayofweek(NULL)', 'int'),
    ('dayofyear(NULL)', 'dayofyear(NULL)', 'int'),
    ('weekday(NULL)', 'weekday(NULL)', 'int'),
    ('weekofyear(NULL)', 'weekofyear(NULL)', 'int'),
    ('quarter(NULL)', 'quarter(NULL)', 'int'),
    ('hour(NULL)', 'hour(NULL)', 'int'),
    ('minute(NULL)', 'minute(NULL)', 'int'),
    ('second(NULL)', 'second(NULL)', 'int'),
    ('to_date(NULL)', 'to_date(NULL)', 'date'),
    ("to_date(NULL, 'yyyy')", 'to_date(NULL, yyyy)', 'date'),
    ('to_timestamp(NULL)', 'to_timestamp(NULL)', 'timestamp'),
    ("to_timestamp(NULL, 'yyyy')", 'to_timestamp(NULL, yyyy)', 'timestamp'),
    ("date_format(NULL, 'yyyy')", 'date_format(NULL, yyyy)', 'string'),
    ("date_format(DATE '2024-01-01', NULL)", "date_format(DATE '2024-01-01', NULL)", 'string'),
    ("datediff(NULL, DATE '2024-01-01')", "datediff(NULL, DATE '2024-01-01')", 'int'),
    ("datediff(DATE '2024-01-01', NULL)", "datediff(DATE '2024-01-01', NULL)", 'int'),
    ("date_add(DATE '2024-01-01', NULL)", "date_add(DATE '2024-01-01', NULL)", 'date'),
    ('date_add(NULL, 1)', 'date_add(NULL, 1)', 'date'),
    ('date_sub(NULL, 1)', 'date_sub(NULL, 1)', 'date'),
    ("date_sub(DATE '2024-01-01', NULL)", "date_sub(DATE '2024-01-01', NULL)", 'date'),
    ('add_months(NULL, 1)', 'add_months(NULL, 1)', 'date'),
    ("add_months(DATE '2024-01-01', NULL)", "add_months(DATE '2024-01-01', NULL)", 'date'),
    ("months_between(NULL, DATE '2024-01-01')",
     "months_between(NULL, DATE '2024-01-01', true)", 'double'),
    ("months_between(DATE '2024-01-01', NULL)",
     "months_between(DATE '2024-01-01', NULL, true)", 'double'),
    ('last_day(NULL)', 'last_day(NULL)', 'date'),
    ("next_day(NULL, 'Mon')", 'next_day(NULL, Mon)', 'date'),
    ("next_day(DATE '2024-01-01', NULL)", "next_day(DATE '2024-01-01', NULL)", 'date'),
    ("trunc(NULL, 'MM')", 'trunc(NULL, MM)', 'date'),
    ("trunc(DATE '2024-01-01', NULL)", "trunc(DATE '2024-01-01', NULL)", 'date'),
    ("date_trunc('MM', NULL)", 'date_trunc(MM, NULL)', 'timestamp'),
    ("date_trunc(NULL, TIMESTAMP '2024-01-01 00:00:00')",
     "date_trunc(NULL, TIMESTAMP '2024-01-01 00:00:00')", 'timestamp'),
    ('from_unixtime(NULL)', 'from_unixtime(NULL, yyyy-MM-dd HH:mm:ss)', 'string'),
    ('unix_timestamp(NULL)', 'unix_timestamp(NULL, yyyy-MM-dd HH:mm:ss)', 'bigint'),
    ('to_unix_timestamp(NULL)', 'to_unix_timestamp(NULL, yyyy-MM-dd HH:mm:ss)', 'bigint'),
    ("from_utc_timestamp(NULL, 'UTC')", 'from_utc_timestamp(NULL, UTC)', 'timestamp'),
    ("to_utc_timestamp(NULL, 'UTC')", 'to_utc_timestamp(NULL, UTC)', 'timestamp'),
    ("from_utc_timestamp(TIMESTAMP '2024-01-01 00:00:00', NULL)",
     "from_utc_timestamp(TIMESTAMP '2024-01-01 00:00:00', NULL)", 'timestamp'),
    ('make_date(NULL, 1, 1)', 'make_date(NULL, 1, 1)', 'date'),
    ('make_date(2024, NULL, 1)', 'make_date(2024, NULL, 1)', 'date'),
    ('make_timestamp(NULL, 1, 1, 0, 0, 0)', 'make_timestamp(NULL, 1, 1, 0, 0, 0)', 'timestamp'),
    ('unix_date(NULL)', 'unix_date(NULL)', 'int'),
    ('unix_seconds(NULL)', 'unix_seconds(NULL)', 'bigint'),
    ('unix_millis(NULL)', 'unix_millis(NULL)', 'bigint'),
    ('unix_micros(NULL)', 'unix_micros(NULL)', 'bigint'),
    ('date_from_unix_date(NULL)', 'date_from_unix_date(NULL)', 'date'),
    ('timestamp_seconds(NULL)', 'timestamp_seconds(NULL)', 'timestamp'),
    ('timestamp_millis(NULL)', 'timestamp_millis(NULL)', 'timestamp'),
    ('timestamp_micros(NULL)', 'timestamp_micros(NULL)', 'timestamp'),
    ("date_part('YEAR', NULL)", 'date_part(YEAR, NULL)', 'int'),
    ('dateadd(NULL, 1)', 'date_add(NULL, 1)', 'date'),
    ("date_diff(NULL, DATE '2024-01-01')", "date_diff(NULL, DATE '2024-01-01')", 'int'),
    ('timestampadd(DAY, 1, NULL)', 'timestampadd(DAY, 1, NULL)', 'timestamp'),
    ("timestampdiff(DAY, NULL, TIMESTAMP '2024-01-01 00:00:00')",
     "timestampdiff(DAY, NULL, TIMESTAMP '2024-01-01 00:00:00')", 'bigint'),
    ('make_timestamp_ntz(NULL, 1, 1, 0, 0, 0)',
     'make_timestamp_ntz(NULL, 1, 1, 0, 0, 0)', 'timestamp_ntz'),
    ('make_timestamp_ltz(NULL, 1, 1, 0, 0, 0)',
     'make_timestamp_ltz(NULL, 1, 1, 0, 0, 0)', 'timestamp'),
    ('try_make_timestamp(NULL, 1, 1, 0, 0, 0)',
     'try_make_timestamp(NULL, 1, 1, 0, 0, 0)', 'timestamp'),
    ('weekofyear(NULL)', 'weekofyear(NULL)', 'int'),
    ('try_to_date(NULL)', 'try_to_date(NULL)', 'date'),
    ('monthname(NULL)', 'monthname(NULL)', 'string'),
    ('dayname(NULL)', 'dayname(NULL)', 'string'),
]


@pytest.mark.parametrize("call,name,dtype", CASES)
def test_date_function_of_null(views, call, name, dtype):
    df = views.sql(f"SELECT {call}")
    assert df.schema.simpleString() == f"struct<{name}:{dtype}>"
    assert [tuple(r) for r in df.collect()] == [(None,)]


def test_date_fields_of_a_null_column(views):
    from sparkcli.sql import functions as F

    df = views.range(1).select(*[getattr(F, f)(F.lit(None)).alias(f) for f in (
        "year", "month", "dayofmonth", "dayofyear", "quarter", "hour", "minute", "second")])
    assert df.schema.simpleString() == ("struct<year:int,month:int,dayofmonth:int,dayofyear:int,"
                                        "quarter:int,hour:int,minute:int,second:int>")
    assert [tuple(r) for r in df.collect()] == [(None,) * 8]
