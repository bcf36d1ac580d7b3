"""Structured Streaming over files: the file source (maxFilesPerTrigger, latestFirst,
cleanSource), the file sink's _spark_metadata log, the checkpoint's layout and a restart
that resumes after the last committed batch (state included)."""

from __future__ import annotations

import json
import os

import pytest

from sparkcli.errors import StreamingQueryException
from sparkcli.sql import functions as F
from sparkcli.sql.types import IntegerType, StringType, StructField, StructType

SCHEMA = StructType([StructField("k", StringType()), StructField("v", IntegerType())])


def _write(path, name, rows, mtime):
    p = os.path.join(path, name)
    with open(p, "w") as f:
        f.write("".join(f"{k},{v}\n" for k, v in rows))
    os.utime(p, (mtime, mtime))


def test_file_source_max_files_per_trigger_available_now(spark, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _write(src, "b.csv", [("x", 2)], 2000)
    _write(src, "a.csv", [("x", 1)], 1000)
    _write(src, "c.csv", [("y", 3)], 3000)
    _write(src, "_ignored.csv", [("z", 9)], 500)
    seen = []
    df = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).csv(str(src))
    q = df.writeStream.foreachBatch(lambda d, i: seen.append((i, [tuple(r) for r in
                                                                  d.collect()]))) \
        .trigger(availableNow=True).start()
    assert q.awaitTermination(60) is True
    assert seen == [(0, [("x", 1)]), (1, [("x", 2)]), (2, [("y", 3)])]
    assert q.recentProgress[0]["sources"][0]["endOffset"] == {"logOffset": 0}
    assert q.recentProgress[0]["sources"][0]["description"] == \
        f"FileStreamSource[file:{src}]"


def test_file_source_latest_first_and_clean_source_delete(spark, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _write(src, "a.csv", [("a", 1)], 1000)
    _write(src, "b.csv", [("b", 2)], 2000)
    seen = []
    df = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1) \
        .option("latestFirst", True).option("cleanSource", "delete").csv(str(src))
    q = df.writeStream.foreachBatch(lambda d, i: seen.append([r.k for r in d.collect()])) \
        .trigger(availableNow=True).start()
    q.awaitTermination(60)
    assert seen == [["b"], ["a"]]
    assert os.listdir(src) == []


def test_file_to_parquet_with_checkpoint_and_restart(spark, tmp_path):
    src, out, cp = tmp_path / "in", tmp_path / "out", tmp_path / "cp"
    src.mkdir()
    _write(src, "1.csv", [("a", 1), ("b", 2)], 1000)

    def run():
        df = spark.readStream.schema(SCHEMA).csv(str(src))
        q = df.withColumn("v2", F.col("v") * 10).writeStream.format("parquet") \
            .option("path", str(out)).option("checkpointLocation", str(cp)) \
            .trigger(availableNow=True).start()
        q.awaitTermination(60)
        return q

    q1 = run()
    _write(src, "2.csv", [("c", 3)], 2000)
    q2 = run()
    assert q1.id == q2.id and q1.runId != q2.runId
    assert q2.lastProgress["batchId"] == 1 and q2.lastProgress["numInputRows"] == 1
    rows = sorted(tuple(r) for r in spark.read.parquet(str(out)).collect())
    assert rows == [("a", 1, 10), ("b", 2, 20), ("c", 3, 30)]
    # Spark's checkpoint layout
    assert json.loads(open(cp / "metadata").read())["id"] == q1.id
    lines = open(cp / "offsets" / "1").read().split("\n")
    assert lines[0] == "v1" and json.loads(lines[2]) == {"logOffset": 1}
    meta = json.loads(lines[1])
    assert meta["batchWatermarkMs"] == 0 and "spark.sql.shuffle.partitions" in meta["conf"]
    assert open(cp / "commits" / "1").read() == 'v1\n{"nextBatchWatermarkMs":0}'
    log = open(cp / "sources" / "0" / "0").read().split("\n")
    assert log[0] == "v1" and json.loads(log[1])["path"] == f"file://{src}/1.csv"
    # the sink's log lists exactly the data files
    entries = [json.loads(x) for x in open(out / "_spark_metadata" / "1").read().split("\n")[1:]]
    assert [e["action"] for e in entries] == ["add"] and entries[0]["path"].endswith(".parquet")
    assert sorted(os.listdir(out / "_spark_metadata")) == ["0", "1"]
    # a file the log does not list (a batch that never committed) is not read, as Spark
    stray = out / "part-99999-uncommitted.snappy.parquet"
    stray.write_bytes((out / os.path.basename(entries[0]["path"])).read_bytes())
    rows = sorted(tuple(r) for r in spark.read.parquet(str(out)).collect())
    assert rows == [("a", 1, 10), ("b", 2, 20), ("c", 3, 30)]
    assert sorted(tuple(r) for r in spark.read.parquet(str(stray)).collect()) == [("c", 3, 30)]


def test_stateful_aggregation_resumes_from_checkpoint(spark, tmp_path):
    src, cp = tmp_path / "in", tmp_path / "cp"
    src.mkdir()
    _write(src, "1.csv", [("a", 1), ("b", 2), ("a", 3)], 1000)

    def run(name):
        df = spark.readStream.schema(SCHEMA).csv(str(src))
        q = df.groupBy("k").agg(F.sum("v").alias("s"), F.count("*").alias("n")) \
            .writeStream.outputMode("complete").format("memory").queryName(name) \
            .option("checkpointLocation", str(cp)).trigger(availableNow=True).start()
        q.awaitTermination(60)
        return sorted(tuple(r) for r in spark.table(name).collect())

    assert run("agg_r1") == [("a", 4, 2), ("b", 2, 1)]
    _write(src, "2.csv", [("a", 10), ("c", 5)], 2000)
    assert run("agg_r2") == [("a", 14, 3), ("b", 2, 1), ("c", 5, 1)]
    parts = json.loads(open(cp / "offsets" / "1").read().split("\n")[1])["conf"][
        "spark.sql.shuffle.partitions"]
    assert int(parts) == spark.sparkContext.defaultParallelism
    files = sorted(f for d in os.listdir(cp / "state" / "0") if d.isdigit()
                   for f in os.listdir(cp / "state" / "0" / d))
    assert os.path.exists(cp / "state" / "0" / "_metadata" / "schema")
    assert files == sorted(["1.delta", "2.delta"] * int(parts))  # one per partition, batch


def test_replayed_batch_without_commit_is_not_doubled(spark, tmp_path):
    """A crash between the sink's output and the commit: the restarted query runs the batch
    again with the recorded offsets and the file sink skips what it already committed."""
    src, out, cp = tmp_path / "in", tmp_path / "out", tmp_path / "cp"
    src.mkdir()
    _write(src, "1.csv", [("a", 1)], 1000)

    def run():
        q = spark.readStream.schema(SCHEMA).csv(str(src)).writeStream.format("json") \
            .option("path", str(out)).option("checkpointLocation", str(cp)) \
            .trigger(availableNow=True).start()
        q.awaitTermination(60)

    run()
    os.remove(cp / "commits" / "0")  # as if the driver died before the commit
    _write(src, "2.csv", [("b", 2)], 2000)
    run()
    rows = sorted(tuple(r) for r in spark.read.schema("k string, v int").json(str(out))
                  .collect())
    assert rows == [("a", 1), ("b", 2)]
    assert sorted(os.listdir(cp / "commits")) == ["0", "1"]


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_other_file_formats(spark, tmp_path, fmt):
    src = tmp_path / "in"
    src.mkdir()
    if fmt == "json":
        (src / "a.json").write_text('{"k":"a","v":1}\n{"k":"b","v":2}\n')
        df = spark.readStream.schema(SCHEMA).json(str(src))
    else:
        (src / "a.txt").write_text("hello\nworld\n")
        df = spark.readStream.text(str(src))
    q = df.writeStream.format("memory").queryName(f"fmt_{fmt}").trigger(once=True).start()
    q.awaitTermination(60)
    got = sorted(tuple(r) for r in spark.table(f"fmt_{fmt}").collect())
    assert got == ([("a", 1), ("b", 2)] if fmt == "json" else [("hello",), ("world",)])


def test_changed_query_on_an_old_checkpoint_fails_as_spark(spark, tmp_path):
    """PySpark 4.3's errors for a query restarted on another query's checkpoint."""
    src, cp = tmp_path / "in", tmp_path / "cp"
    src.mkdir()
    _write(src, "1.csv", [("a", 1), ("b", 2)], 1000)
    df = spark.readStream.schema(SCHEMA).csv(str(src))

    def run(frame, name):
        q = frame.writeStream.outputMode("complete").format("memory").queryName(name) \
            .option("checkpointLocation", str(cp)).trigger(availableNow=True).start()
        try:
            q.awaitTermination(60)
        except StreamingQueryException as e:
            return str(e)
        return sorted(tuple(r) for r in spark.table(name).collect())

    assert run(df.groupBy("k").agg(F.count("*").alias("n")), "chg1") == [("a", 1), ("b", 1)]
    _write(src, "2.csv", [("a", 5)], 2000)
    msg = run(df.groupBy("k").agg(F.count("*").alias("n"), F.sum("v").alias("s")), "chg2")
    assert msg.startswith("[STREAM_FAILED] Query [id = ")
    assert "terminated with exception: [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE] Provided " \
        "value schema does not match existing state value schema.\nPlease check number " \
        "and type of fields.\nExisting value_schema=StructType(StructField(count,LongType," \
        "false)) and new value_schema=StructType(StructField(count,LongType,false)," \
        "StructField(sum,LongType,true))." in msg
    assert msg.endswith("could cause non-deterministic behavior. SQLSTATE: XXKST SQLSTATE: "
                        "XXKST")
    msg = run(df.groupBy("v").agg(F.count("*").alias("n")), "chg3")
    assert "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE] Provided key schema does not match " \
        "existing state key schema." in msg and "Existing key_schema=StructType(StructField(" \
        "k,StringType,true)) and new key_schema=StructType(StructField(v,IntegerType,true))" \
        in msg
    two = df.union(spark.readStream.schema(SCHEMA).csv(str(src)))
    msg = run(two.groupBy("k").agg(F.count("*").alias("n")), "chg4")
    assert msg.endswith("terminated with exception: assertion failed: There are [1] sources "
                        "in the checkpoint offsets and now there are [2] sources requested "
                        "by the query. Cannot continue. SQLSTATE: XXKST")
    assert run(df.groupBy("k").agg(F.count("*").alias("n")), "chg5") == [("a", 2), ("b", 1)]
