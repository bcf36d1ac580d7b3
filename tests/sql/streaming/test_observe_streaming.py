"""``df.observe(name, ...)`` on a streaming query: each batch's progress carries the metrics
over that batch's rows (``lastProgress["observedMetrics"][name]``, a Row), computed in the
batch's own job, as Spark's StreamingQueryProgress.observedMetrics (expected values and JSON
recorded from PySpark 4.3 with a file source); an Observation on a stream is refused with
Spark's message."""

from __future__ import annotations

import json

import pytest

from sparkcli.errors import IllegalArgumentException
from sparkcli.sql import Observation, Row
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def _observed(df):
    return df.observe("metric", F.count(F.lit(1)).alias("cnt"), F.sum("a").alias("s"),
                      F.max("a").alias("mx"))


def test_each_batch_reports_its_own_metrics(spark):
    src, df = memory_stream(spark, "a long")
    q = _observed(df).writeStream.format("memory").queryName("observed_m").start()
    try:
        src.add_data([(1,), (2,)])
        q.processAllAvailable()
        p = q.lastProgress
        assert p["observedMetrics"] == {"metric": Row(cnt=2, s=3, mx=2)}
        assert p.observedMetrics["metric"].asDict() == {"cnt": 2, "s": 3, "mx": 2}
        assert json.dumps(p["observedMetrics"]) == '{"metric": [2, 3, 2]}'  # as PySpark's
        src.add_data([(10,)])
        q.processAllAvailable()
        assert [json.dumps(x["observedMetrics"]) for x in q.recentProgress] == \
            ['{"metric": [2, 3, 2]}', '{"metric": [1, 10, 10]}']
        assert json.loads(q.lastProgress.json)["observedMetrics"] == \
            {"metric": {"cnt": 1, "s": 10, "mx": 10}}
        assert '"observedMetrics": {\n        "metric": {\n            "cnt": 1,' in \
            str(q.lastProgress)
        assert sorted(r.a for r in spark.table("observed_m").collect()) == [1, 2, 10]
    finally:
        q.stop()


def test_without_observe_the_map_is_empty_and_left_out_of_the_json(spark):
    src, df = memory_stream(spark, "a long")
    q = df.writeStream.format("memory").queryName("unobserved_m").start()
    try:
        src.add_data([(1,)])
        q.processAllAvailable()
        assert q.lastProgress["observedMetrics"] == {}
        assert "observedMetrics" not in json.loads(q.lastProgress.json)
    finally:
        q.stop()


@pytest.mark.parametrize("sink", ["noop", "foreach"])
def test_sinks_that_run_per_partition_compute_them_too(spark, sink):
    src, df = memory_stream(spark, "a long")
    writer = _observed(df).writeStream.format(sink)
    if sink == "foreach":
        writer = _observed(df).writeStream.foreach(lambda row: None)
    q = writer.start()
    try:
        src.add_data([(4,), (5,), (6,)])
        q.processAllAvailable()
        assert q.lastProgress["observedMetrics"] == {"metric": Row(cnt=3, s=15, mx=6)}
    finally:
        q.stop()


def test_a_listener_sees_them_in_each_progress_event(spark):
    from sparkcli.sql.streaming import StreamingQueryListener

    seen = []

    class Recorder(StreamingQueryListener):
        def onQueryProgress(self, event):
            seen.append(event.progress.observedMetrics.get("metric"))

    rec = Recorder()
    spark.streams.addListener(rec)
    src, df = memory_stream(spark, "a long")
    q = _observed(df).writeStream.format("memory").queryName("observed_l").start()
    try:
        src.add_data([(7,)])
        q.processAllAvailable()
    finally:
        q.stop()
        spark.streams.removeListener(rec)
    assert Row(cnt=1, s=7, mx=7) in seen


def test_an_observation_on_a_stream_is_refused(spark):
    _, df = memory_stream(spark, "a long")
    with pytest.raises(IllegalArgumentException, match=r"^Observation does not support "
                       r"streaming Datasets.This is because there will be multiple observed"):
        df.observe(Observation("o"), F.count(F.lit(1)).alias("c"))
