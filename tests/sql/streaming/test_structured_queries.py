"""Structured Streaming: queries over a memory stream, output modes, sinks, errors.

Rows go in with the MemoryStream (``memory_stream``); ``processAllAvailable()`` waits until
the query has committed everything added so far; no sleeps.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from sparkcli.errors import AnalysisException, IllegalArgumentException, StreamingQueryException
from sparkcli.errors import PySparkValueError
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def _sorted(rows):
    return sorted(tuple(r) for r in rows)


def test_projection_filter_to_memory_sink(spark):
    src, df = memory_stream(spark, "k string, v int")
    assert df.isStreaming and not spark.range(1).isStreaming
    q = df.filter(F.col("v") > 1).select("k", (F.col("v") * 2).alias("v2")) \
        .writeStream.format("memory").queryName("proj").start()
    try:
        src.add_data([("a", 1), ("b", 2), ("a", 3)])
        q.processAllAvailable()
        assert _sorted(spark.table("proj").collect()) == [("a", 6), ("b", 4)]
        src.add_data([("c", 5)])
        q.processAllAvailable()
        assert _sorted(spark.table("proj").collect()) == [("a", 6), ("b", 4), ("c", 10)]
        assert spark.table("proj").dtypes == [("k", "string"), ("v2", "int")]
        p = q.lastProgress
        assert p["batchId"] == 1 and p.numInputRows == 1
        assert p["sources"][0]["startOffset"] == 2 and p["sources"][0]["endOffset"] == 3
        assert p["sink"] == {"description": "MemorySink", "numOutputRows": 1}
        assert [x["batchId"] for x in q.recentProgress] == [0, 1]
        assert q.isActive and q.name == "proj" and spark.streams.get(q.id) is q
    finally:
        q.stop()
    assert not q.isActive and q.exception() is None
    assert q.status == {"message": "Stopped", "isDataAvailable": False,
                        "isTriggerActive": False}
    assert q not in spark.streams.active


def test_batch_action_on_stream_is_refused(spark):
    _, df = memory_stream(spark, "v int")
    with pytest.raises(AnalysisException, match=r"^Queries with streaming sources must be "
                       r"executed with writeStream.start\(\), or from a streaming table"):
        df.count()
    with pytest.raises(AnalysisException, match="writeStream.start"):
        df.collect()


def test_aggregation_update_and_complete_modes(spark, capsys):
    src, df = memory_stream(spark, "k string, v int")
    agg = df.groupBy("k").agg(F.count("*").alias("n"), F.sum("v"), F.avg("v"))
    q = agg.writeStream.format("console").outputMode("update").start()
    try:
        src.add_data([("a", 10), ("z", 1)])
        q.processAllAvailable()
        src.add_data([("a", 20)])
        q.processAllAvailable()
    finally:
        q.stop()
    out = capsys.readouterr().out
    assert out.endswith(
        "-------------------------------------------\n"
        "Batch: 1\n"
        "-------------------------------------------\n"
        "+---+---+------+------+\n"
        "|  k|  n|sum(v)|avg(v)|\n"
        "+---+---+------+------+\n"
        "|  a|  2|    30|  15.0|\n"
        "+---+---+------+------+\n\n")
    assert "Batch: 0\n" in out and "|  z|  1|     1|   1.0|" in out
    got = {}
    q = agg.writeStream.outputMode("complete").format("memory").queryName("aggc").start()
    try:
        q.processAllAvailable()
        got = {r.k: (r.n, r["sum(v)"], r["avg(v)"]) for r in spark.table("aggc").collect()}
        assert spark.table("aggc").dtypes == [("k", "string"), ("n", "bigint"),
                                              ("sum(v)", "bigint"), ("avg(v)", "double")]
        ops = q.lastProgress["stateOperators"][0]
        assert ops["operatorName"] == "stateStoreSave" and ops["numRowsTotal"] == 2
    finally:
        q.stop()
    assert got == {"a": (2, 30, 15.0), "z": (1, 1, 1.0)}


def test_global_aggregation_complete(spark):
    src, df = memory_stream(spark, "v int")
    q = df.agg(F.max("v").alias("m"), F.count("v").alias("c")).writeStream \
        .outputMode("complete").format("memory").queryName("glob").start()
    try:
        src.add_data([(1,), (7,)])
        q.processAllAvailable()
        assert [tuple(r) for r in spark.table("glob").collect()] == [(7, 2)]
        src.add_data([(3,)])
        q.processAllAvailable()
        assert [tuple(r) for r in spark.table("glob").collect()] == [(7, 3)]
    finally:
        q.stop()


@pytest.mark.parametrize("build,mode,message", [
    (lambda df: df, "complete",
     "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: complete. "
     "This output mode is not supported for no streaming aggregations on streaming "
     "DataFrames/DataSets. SQLSTATE: 42KDE"),
    (lambda df: df.groupBy("v").count(), "append",
     "[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: append. "
     "This output mode is not supported for streaming aggregations without watermark on "
     "streaming DataFrames/DataSets. SQLSTATE: 42KDE"),
    (lambda df: df.orderBy("v"), "append",
     "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated "
     "DataFrame/Dataset in Complete output mode;"),
    (lambda df: df.groupBy("v").count().orderBy("count"), "update",
     "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated "
     "DataFrame/Dataset in Complete output mode;"),
    (lambda df: df.groupBy("v").count().groupBy("count").count(), "complete",
     "Multiple streaming aggregations are not supported with streaming DataFrames/Datasets;"),
])
def test_unsupported_operations_fail_at_start(spark, build, mode, message):
    _, df = memory_stream(spark, "v int")
    with pytest.raises(AnalysisException) as info:
        build(df).writeStream.format("console").outputMode(mode).start()
    assert str(info.value).startswith(message)
    assert not spark.streams.active


def test_sorted_aggregation_in_complete_mode(spark):
    src, df = memory_stream(spark, "v int")
    q = df.groupBy("v").count().orderBy(F.col("count").desc(), "v").writeStream \
        .outputMode("complete").format("memory").queryName("sorted_c").start()
    try:
        src.add_data([(1,), (2,), (2,), (3,), (3,), (3,)])
        q.processAllAvailable()
        assert [tuple(r) for r in spark.table("sorted_c").collect()] == [(3, 3), (2, 2), (1, 1)]
    finally:
        q.stop()


def test_writer_errors(spark, tmp_path):
    _, df = memory_stream(spark, "v int")
    w = df.writeStream
    with pytest.raises(IllegalArgumentException, match=r"^\[STREAMING_OUTPUT_MODE.INVALID\] "
                       r"Invalid streaming output mode: foo. Accepted output modes are "
                       r"'Append', 'Complete', 'Update'. SQLSTATE: 42KDE$"):
        w.outputMode("foo")
    with pytest.raises(PySparkValueError, match=r"^\[ONLY_ALLOW_SINGLE_TRIGGER\] Only a single "
                       r"trigger is allowed.$"):
        w.trigger(processingTime="1 second", once=True)
    with pytest.raises(IllegalArgumentException, match=r"^\[INVALID_INTERVAL_FORMAT."
                       r"UNRECOGNIZED_NUMBER\] Error parsing 'abc' to interval."):
        w.trigger(processingTime="abc")
    with pytest.raises(IllegalArgumentException, match="^requirement failed: the interval of "
                       "trigger should not be negative$"):
        df.writeStream.trigger(processingTime="-1 second").format("console").start()
    with pytest.raises(AnalysisException, match=r"^queryName must be specified for memory "
                       r"sink.$"):
        df.writeStream.format("memory").start()
    with pytest.raises(AnalysisException, match=r'^checkpointLocation must be specified either '
                       r'through option\("checkpointLocation", ...\) or SparkSession.conf.set\('
                       r'"spark.sql.streaming.checkpointLocation", ...\).$'):
        df.writeStream.format("parquet").option("path", str(tmp_path / "o")).start()
    with pytest.raises(Exception, match="Continuous processing"):
        df.writeStream.format("console").trigger(continuous="1 second").start()
    with pytest.raises(AnalysisException, match="'writeStream' can be called only on "
                       "streaming Dataset/DataFrame"):
        spark.range(3).writeStream.format("console").start()
    assert not spark.streams.active


def test_reader_errors(spark, tmp_path):
    with pytest.raises(IllegalArgumentException, match=r"^Schema must be specified when "
                       r"creating a streaming source DataFrame. If some files already exist in "
                       r"the directory, then depending on the file format you may be able to "
                       r"create a static DataFrame on that directory with "
                       r"'spark.read.load\(directory\)' and infer schema from it.$"):
        spark.readStream.csv(str(tmp_path))
    with pytest.raises(AnalysisException, match=r'^Set a host to read from with '
                       r'option\("host", ...\).$'):
        spark.readStream.format("socket").load()
    with pytest.raises(AnalysisException, match=r"^\[KAFKA_DATA_SOURCE_NOT_ENABLED\] Failed to "
                       r"find data source: kafka. .*confluent-kafka"):
        spark.readStream.format("kafka").option("subscribe", "t") \
            .option("kafka.bootstrap.servers", "h:9092").load()
    rate = spark.readStream.format("rate").load()
    assert rate.schema.simpleString() == "struct<timestamp:timestamp,value:bigint>"
    sock = spark.readStream.format("socket").option("host", "localhost") \
        .option("port", 9).option("includeTimestamp", True).load()
    assert sock.schema.simpleString() == "struct<value:string,timestamp:timestamp>"


def test_failing_batch_stops_query_with_cause(spark):
    src, df = memory_stream(spark, "v int")

    def boom(batch_df, batch_id):
        raise ValueError("boom in batch")

    q = df.writeStream.foreachBatch(boom).start()
    src.add_data([(1,)])
    with pytest.raises(StreamingQueryException) as info:
        q.awaitTermination(60)
    assert isinstance(info.value.cause, ValueError)
    assert str(info.value).startswith(f"[STREAM_FAILED] Query [id = {q.id}, runId = {q.runId}] "
                                      "terminated with exception: ValueError: boom in batch")
    assert not q.isActive and q.exception() is info.value
    assert info.value.getErrorClass() == "STREAM_FAILED"


def test_foreach_batch_and_foreach(spark, tmp_path):
    src, df = memory_stream(spark, "v int")
    seen = []
    q = df.writeStream.foreachBatch(
        lambda d, i: seen.append((i, sorted(r.v for r in d.collect())))).start()
    try:
        src.add_data([(1,), (2,)])
        q.processAllAvailable()
        src.add_data([(3,)])
        q.processAllAvailable()
    finally:
        q.stop()
    assert seen == [(0, [1, 2]), (1, [3])]

    events = tmp_path / "events"
    events.mkdir()

    class Writer:
        """Runs in the executors: each partition's events go to a file of its own."""

        def __init__(self, folder):
            self.folder = folder

        def open(self, partition_id, epoch_id):
            self.events = [("open", partition_id, epoch_id, os.getpid())]
            return True

        def process(self, row):
            self.events.append(("row", row.v))

        def close(self, error):
            self.events.append(("close", repr(error)))
            name = f"{self.events[0][1]}-{self.events[0][2]}-{uuid.uuid4().hex}.json"
            with open(os.path.join(self.folder, name), "w") as f:
                json.dump(self.events, f)

    q = df.writeStream.foreach(Writer(str(events))).start()
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    logs = [json.load(open(events / n)) for n in os.listdir(events)]
    assert sorted(e[1] for log in logs for e in log if e[0] == "row") == [1, 2, 3]
    assert all(log[0][0] == "open" and log[0][2] == 0 and log[-1] == ["close", "None"]
               for log in logs)
    assert os.getpid() not in {log[0][3] for log in logs}  # ran in the executors
    rows_dir = tmp_path / "rows"
    rows_dir.mkdir()
    folder = str(rows_dir)

    def each(r):
        with open(os.path.join(folder, uuid.uuid4().hex), "w") as f:
            f.write(str(r.v))

    q = df.writeStream.foreach(each).start()
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    assert sorted(int((rows_dir / n).read_text()) for n in os.listdir(rows_dir)) == [1, 2, 3]


def test_listener_events_and_manager(spark):
    from sparkcli.sql.streaming import StreamingQueryListener

    events = []

    class Listener(StreamingQueryListener):
        def onQueryStarted(self, event):
            events.append(("started", event.id, event.name))

        def onQueryProgress(self, event):
            events.append(("progress", event.progress.batchId))

        def onQueryTerminated(self, event):
            events.append(("terminated", event.id, event.exception))

    listener = Listener()
    spark.streams.addListener(listener)
    try:
        src, df = memory_stream(spark, "v int")
        src.add_data([(1,)])
        q = df.writeStream.format("memory").queryName("lst").trigger(once=True).start()
        q.awaitTermination()
        assert spark.streams.awaitAnyTermination(30) is True
        spark.streams.resetTerminated()
        assert spark.streams.awaitAnyTermination(0.01) is False
    finally:
        spark.streams.removeListener(listener)
    assert events == [("started", q.id, "lst"), ("progress", 0), ("terminated", q.id, None)]
    assert spark.table("lst").count() == 1


def test_duplicate_query_name_is_refused(spark):
    _, df = memory_stream(spark, "v int")
    q = df.writeStream.format("memory").queryName("dupname").start()
    try:
        with pytest.raises(IllegalArgumentException, match="^Cannot start query with name "
                           "dupname as a query with that name is already active"):
            df.writeStream.format("memory").queryName("dupname").start()
    finally:
        q.stop()


def test_rate_micro_batch_source(spark):
    df = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 3) \
        .option("numPartitions", 1).option("startTimestamp", 1000).load()
    q = df.writeStream.format("memory").queryName("rmb").trigger(once=True).start()
    q.awaitTermination(60)
    rows = spark.table("rmb").collect()
    assert [r.value for r in rows] == [0, 1, 2]
    assert {r.timestamp.timestamp() for r in rows} == {1.0}


def test_noop_sink_runs_each_batch_and_drops_it(spark):
    src, df = memory_stream(spark, "v int")
    q = df.groupBy((F.col("v") % 2).alias("k")).count().writeStream \
        .outputMode("update").format("noop").start()
    try:
        src.add_data([(1,), (2,), (3,)])
        q.processAllAvailable()
        p = q.lastProgress
    finally:
        q.stop()
    assert p["numInputRows"] == 3
    assert p["sink"]["description"].startswith(
        "org.apache.spark.sql.execution.datasources.noop.NoopTable$")
    assert p["stateOperators"][0]["numRowsTotal"] == 2
    d = p["durationMs"]  # Spark's phases of a trigger, each within the whole
    assert set(d) == {"addBatch", "commitOffsets", "getBatch", "latestOffset",
                      "queryPlanning", "triggerExecution", "walCommit"}
    assert sum(v for k, v in d.items() if k != "triggerExecution") <= d["triggerExecution"]


def _providers_per_executor(sc, root):
    """(executor pid, providers of state dirs under ``root`` it holds) per task."""
    def count(_it):
        import importlib

        cache = importlib.import_module("runtime.sql.streaming.state_store").PROVIDERS
        return [(os.getpid(), sum(1 for k in cache._providers if k[0].startswith(root)))]
    return sc.parallelize(range(8), 8).mapPartitions(count).collect()


def test_stopped_query_leaves_no_state_providers_in_the_executors(spark, tmp_path):
    cp = str(tmp_path / "cp")
    src, df = memory_stream(spark, "v int")
    q = df.groupBy((F.col("v") % 5).alias("k")).count().writeStream \
        .outputMode("update").format("noop").option("checkpointLocation", cp).start()
    try:
        src.add_data([(i,) for i in range(20)])
        q.processAllAvailable()
        holders = set(q._ex.operators[0].locations.values())
        before = _providers_per_executor(spark.sparkContext, cp)
    finally:
        q.stop()
    assert holders and "driver" not in holders and os.getpid() not in {p for p, _ in before}
    assert any(n for _, n in before)
    assert all(n == 0 for _, n in _providers_per_executor(spark.sparkContext, cp))
