"""spark.readStream.table and writeStream.toTable over warehouse tables: a stream that reads
what batch jobs append to a table, a stream that writes a table batch queries read while it
runs (and whose rows survive a restart exactly once), partitioned tables, streaming temp
views, and Spark's errors. The expected rows and texts are real PySpark 4.3's for the same
program."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


@pytest.fixture(scope="module")
def wh(spark):
    return Path(spark.conf.get("spark.sql.warehouse.dir"))


def _rows(spark, name):
    return sorted(tuple(r) for r in spark.table(name).collect())


def test_read_stream_table_sees_batch_appends(spark, wh):
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, v string").write.saveAsTable("src")
    df = spark.readStream.table("src")
    assert df.isStreaming and df.schema.simpleString() == "struct<id:int,v:string>"
    q = df.writeStream.format("memory").queryName("rt_m").start()
    try:
        q.processAllAvailable()
        assert _rows(spark, "rt_m") == [(1, "a"), (2, "b")]
        spark.createDataFrame([(3, "c")], "id int, v string").write.mode("append") \
            .saveAsTable("src")
        q.processAllAvailable()
        assert _rows(spark, "rt_m") == [(1, "a"), (2, "b"), (3, "c")]
        spark.sql("INSERT INTO src VALUES (4, 'd')")
        q.processAllAvailable()
        assert _rows(spark, "rt_m") == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
        assert q.lastProgress["sources"][0]["description"] == \
            f"FileStreamSource[file:{wh / 'src'}]"
    finally:
        q.stop()


def test_read_stream_partitioned_table(spark, wh):
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, p string").write.partitionBy("p") \
        .saveAsTable("ps")
    df = spark.readStream.table("ps")
    assert df.schema.simpleString() == "struct<id:int,p:string>"
    q = df.where(F.col("p") == "b").writeStream.format("memory").queryName("rt_p").start()
    try:
        q.processAllAvailable()
        assert _rows(spark, "rt_p") == [(2, "b")]
    finally:
        q.stop()


def test_to_table_creates_a_table_batch_queries_read(spark, wh, tmp_path):
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, v string").write.saveAsTable("src2")
    ck = str(tmp_path / "ck")

    def start():
        return spark.readStream.table("src2").withColumn("x", F.col("id") * 10) \
            .writeStream.option("checkpointLocation", ck).toTable("dst")

    q = start()
    try:
        q.processAllAvailable()
        assert _rows(spark, "dst") == [(1, "a", 10), (2, "b", 20)]
        assert spark.table("dst").schema.simpleString() == "struct<id:int,v:string,x:int>"
        info = {r.col_name: r.data_type for r in spark.sql("DESCRIBE TABLE EXTENDED dst")
                .where("col_name in ('Provider', 'Type', 'Location')").collect()}
        assert info == {"Type": "MANAGED", "Provider": "parquet",
                        "Location": f"file:{wh / 'dst'}"}
        assert "_spark_metadata" in os.listdir(wh / "dst")
        assert q.lastProgress["sink"]["description"] == f"FileSink[file:{wh / 'dst'}]"
        spark.sql("INSERT INTO src2 VALUES (3, 'c')")
        q.processAllAvailable()
        assert _rows(spark, "dst") == [(1, "a", 10), (2, "b", 20), (3, "c", 30)]
    finally:
        q.stop()
    spark.sql("INSERT INTO src2 VALUES (4, 'd')")
    q = start()  # restarted on its checkpoint: only the new row is written
    try:
        q.processAllAvailable()
        assert _rows(spark, "dst") == [(1, "a", 10), (2, "b", 20), (3, "c", 30),
                                       (4, "d", 40)]
    finally:
        q.stop()


def test_to_table_into_an_existing_table_and_chained_streams(spark, wh, tmp_path):
    spark.sql("CREATE TABLE events (k STRING, n INT) USING json")
    src, df = memory_stream(spark, "k string, n int")
    q1 = df.writeStream.option("checkpointLocation", str(tmp_path / "c1")).toTable("events")
    q2 = spark.readStream.table("events").groupBy("k").agg(F.sum("n").alias("s")) \
        .writeStream.format("memory").outputMode("complete").queryName("ev_sum").start()
    try:
        src.add_data([("a", 1), ("b", 2), ("a", 3)])
        q1.processAllAvailable()
        q2.processAllAvailable()
        assert _rows(spark, "ev_sum") == [("a", 4), ("b", 2)]
        src.add_data([("b", 5)])
        q1.processAllAvailable()
        q2.processAllAvailable()
        assert _rows(spark, "ev_sum") == [("a", 4), ("b", 7)]
        assert {f.endswith(".json") for f in os.listdir(wh / "events")
                if f.startswith("part-")} == {True}
    finally:
        q1.stop()
        q2.stop()


def test_stream_table_errors(spark, wh, tmp_path):
    with pytest.raises(AnalysisException, match=r"^\[TABLE_OR_VIEW_NOT_FOUND\] The table or "
                       r"view `missing` cannot be found"):
        spark.readStream.table("missing")
    rate = spark.readStream.format("rate").load()
    with pytest.raises(AnalysisException, match=r"^checkpointLocation must be specified"):
        rate.writeStream.toTable("t_nock")
    assert "t_nock" not in [t.name for t in spark.catalog.listTables()]
    counts = rate.groupBy("value").count()
    with pytest.raises(AnalysisException, match=r"^\[STREAMING_OUTPUT_MODE.UNSUPPORTED_"
                       r"DATASOURCE\] Invalid streaming output mode: complete. This output mode "
                       r"is not supported in Data Source parquet. SQLSTATE: 42KDE$"):
        counts.writeStream.option("checkpointLocation", str(tmp_path / "c")) \
            .outputMode("complete").toTable("agg_t")
    spark.range(3).createOrReplaceTempView("tv_batch")
    with pytest.raises(AnalysisException, match=r"^Temporary view tv_batch doesn't support "
                       r"streaming write.$"):
        rate.writeStream.option("checkpointLocation", str(tmp_path / "c")).toTable("tv_batch")
    with pytest.raises(AnalysisException, match=r"^tv_batch is not a temp view of streaming "
                       r"logical plan, please use batch API such as `DataFrameReader.table` to "
                       r"read it.$"):
        spark.readStream.table("tv_batch")
    rate.createOrReplaceTempView("tv_stream")
    assert spark.readStream.table("tv_stream").isStreaming
