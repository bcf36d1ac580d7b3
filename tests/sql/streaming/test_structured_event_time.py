"""Event time: window() aggregations with a watermark; append mode emits a window once the
watermark passes its end, late rows are dropped, update mode evicts without emitting.
Rows carry hand-written timestamps (a manual clock), fed through a MemoryStream."""

from __future__ import annotations

import datetime as dt

from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def t(s):
    return dt.datetime(2026, 1, 1, 0, 0, 0) + dt.timedelta(seconds=s)


def _windows(spark, name):
    return sorted((int((r.window.start - t(0)).total_seconds()),
                   int((r.window.end - t(0)).total_seconds()), r.w, r["count"])
                  for r in spark.table(name).collect())


def test_tumbling_window_append_with_watermark(spark):
    src, df = memory_stream(spark, "ts timestamp, w string")
    agg = df.withWatermark("ts", "10 seconds").groupBy(F.window("ts", "10 seconds"), "w") \
        .count()
    q = agg.writeStream.format("memory").outputMode("append").queryName("tumble").start()
    try:
        src.add_data([(t(1), "a"), (t(2), "a"), (t(12), "b")])
        q.processAllAvailable()
        assert _windows(spark, "tumble") == []  # watermark 2 s: nothing closed yet
        src.add_data([(t(25), "c"), (t(3), "a")])  # 3 s is not late yet (watermark 2 s)
        q.processAllAvailable()
        assert _windows(spark, "tumble") == [(0, 10, "a", 3)]  # watermark 15 s closes [0,10)
        src.add_data([(t(4), "late"), (t(31), "d")])  # 4 s is behind the watermark: dropped
        q.processAllAvailable()
        assert _windows(spark, "tumble") == [(0, 10, "a", 3), (10, 20, "b", 1)]
        p = q.lastProgress
        assert p["eventTime"]["watermark"] == "2026-01-01T00:00:21.000Z"
        assert q.recentProgress[0]["eventTime"] == {"max": "2026-01-01T00:00:12.000Z",
                                                   "watermark": "1970-01-01T00:00:00.000Z"}
    finally:
        q.stop()


def test_sliding_window_update_mode(spark):
    src, df = memory_stream(spark, "ts timestamp, w string")
    agg = df.withWatermark("ts", "1 hour") \
        .groupBy(F.window("ts", "10 seconds", "5 seconds"), "w").count()
    q = agg.writeStream.format("memory").outputMode("update").queryName("slide").start()
    try:
        src.add_data([(t(1), "a"), (t(7), "a")])
        q.processAllAvailable()
        assert _windows(spark, "slide") == [(-5, 5, "a", 1), (0, 10, "a", 2), (5, 15, "a", 1)]
        src.add_data([(t(8), "a")])
        q.processAllAvailable()
        got = _windows(spark, "slide")
        assert (0, 10, "a", 3) in got and (5, 15, "a", 2) in got and len(got) == 5
    finally:
        q.stop()


def test_watermark_schema_and_errors(spark):
    import pytest

    from sparkcli.errors import AnalysisException

    _, df = memory_stream(spark, "ts timestamp, v int")
    wm = df.withWatermark("ts", "10 seconds")
    assert wm.isStreaming and wm.columns == ["ts", "v"]
    with pytest.raises(AnalysisException, match="EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE"):
        df.withWatermark("v", "10 seconds")
