"""session_window: each row's own session as an expression, and the merged sessions of a
groupBy (per other key and globally, with a dynamic gap); the expected rows are real PySpark
4.3's. Streaming session windows: test_session_window_streaming.py."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def t(s):
    return dt.datetime(2026, 1, 1) + dt.timedelta(seconds=s)


@pytest.fixture(scope="module")
def events(spark):
    return spark.createDataFrame(
        [("a", t(0)), ("a", t(300)), ("a", t(599)), ("a", t(1000)), ("b", t(10)), ("b", None),
         (None, t(5))], "k string, ts timestamp")


def _secs(w):
    return (int((w.start - t(0)).total_seconds()), int((w.end - t(0)).total_seconds()))


def test_session_window_of_each_row(events):
    df = events.select(F.session_window("ts", "5 minutes").alias("w"))
    assert df.schema.simpleString() == "struct<w:struct<start:timestamp,end:timestamp>>"
    got = [_secs(r.w) if r.w is not None else None for r in df.collect()]
    assert got == [(0, 300), (300, 600), (599, 899), (1000, 1300), (10, 310), None, (5, 305)]


def test_grouped_sessions_merge_per_key(events):
    df = events.groupBy(F.session_window("ts", "5 minutes"), "k").agg(
        F.count("*").alias("n"))
    assert df.columns == ["session_window", "k", "n"]
    assert df.schema["session_window"].dataType.simpleString() == \
        "struct<start:timestamp,end:timestamp>"
    got = sorted((r.k or "", _secs(r.session_window), r.n) for r in df.collect())
    # a session that starts at the current one's end joins it (0 and 300)
    assert got == [("", (5, 305), 1), ("a", (0, 899), 3), ("a", (1000, 1300), 1),
                   ("b", (10, 310), 1)]


def test_grouped_sessions_without_other_keys_and_dynamic_gap(spark, events):
    got = sorted((_secs(r.session_window), r["count"])
                 for r in events.groupBy(F.session_window("ts", "5 minutes")).count().collect())
    assert got == [((0, 899), 5), ((1000, 1300), 1)]
    d2 = spark.createDataFrame([("a", t(0), "5 minutes"), ("a", t(100), "1 minute")],
                               "k string, ts timestamp, g string")
    got = [(r.k, _secs(r.session_window), r["count"])
           for r in d2.groupBy(F.session_window("ts", F.col("g")), "k").count().collect()]
    assert got == [("a", (0, 300), 2)]


def test_session_window_errors(spark, events):
    with pytest.raises(AnalysisException, match="UNEXPECTED_INPUT_TYPE"):
        events.select(F.session_window("k", "5 minutes")).collect()
    _, df = memory_stream(spark, "k string, ts timestamp")
    q = df.withWatermark("ts", "1 minute").groupBy(F.session_window("ts", "5 minutes")).count()
    with pytest.raises(AnalysisException, match="^Global aggregation with session window in "
                       "streaming query is not supported.$"):
        q.writeStream.format("memory").queryName("sess").outputMode("append").start()


def test_streaming_distinct_aggregation_error(spark):
    _, df = memory_stream(spark, "k string, ts timestamp")
    with pytest.raises(AnalysisException, match=r"^Distinct aggregations are not supported on "
                       r"streaming DataFrames/Datasets. Consider using approx_count_distinct\(\) "
                       r"instead.;\nAggregate"):
        df.groupBy("k").agg(F.countDistinct("ts")).writeStream.format("memory") \
            .queryName("cd").outputMode("complete").start()
