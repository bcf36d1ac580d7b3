"""Streaming aggregations whose partial results needed more than MERGE: collect_list,
collect_set, min_by and max_by merge across batches by concatenating the kept lists (a set
keeps each value once); stddev/variance keep power sums, approx_count_distinct a set."""

from __future__ import annotations

import pytest

from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream
from sparkcli.sql.types import ArrayType, LongType


def _table(spark, name):
    return {r.k: tuple(r)[1:] for r in spark.table(name).collect()}


def test_collecting_aggregates_merge_across_batches(spark):
    src, df = memory_stream(spark, "k int, v long, w long")
    agg = df.groupBy("k").agg(F.collect_list("v").alias("l"), F.collect_set("v").alias("s"),
                              F.min_by("v", "w").alias("lo"), F.max_by("v", "w").alias("hi"),
                              F.count("*").alias("n"))
    q = agg.writeStream.outputMode("complete").format("memory").queryName("collecting").start()
    try:
        src.add_data([(1, 5, 1), (1, 6, 2), (2, 7, 3), (2, None, 4)])
        q.processAllAvailable()
        got = _table(spark, "collecting")
        assert sorted(got[1][0]) == [5, 6] and got[2][0] == [7]
        src.add_data([(1, 8, 0), (2, 7, 9), (3, None, 1)])
        q.processAllAvailable()
        got = _table(spark, "collecting")
    finally:
        q.stop()
    assert sorted(got[1][0]) == [5, 6, 8] and got[2][0] == [7, 7] and got[3][0] == []
    assert sorted(got[1][1]) == [5, 6, 8] and got[2][1] == [7] and got[3][1] == []
    assert got[1][2:] == (8, 6, 3) and got[2][2:] == (7, 7, 3) and got[3][2:] == (None, None, 1)
    types = {f.name: f.dataType for f in spark.table("collecting").schema.fields}
    assert types["l"] == ArrayType(LongType(), False) == types["s"]
    assert types["lo"] == LongType()


def test_collect_list_in_update_mode_emits_touched_keys(spark):
    src, df = memory_stream(spark, "k string, v int")
    seen = []
    q = df.groupBy("k").agg(F.collect_list("v").alias("l")).writeStream \
        .outputMode("update").foreachBatch(
            lambda d, i: seen.append(sorted((r.k, sorted(r.l)) for r in d.collect()))).start()
    try:
        src.add_data([("a", 1), ("b", 2)])
        q.processAllAvailable()
        src.add_data([("a", 3)])
        q.processAllAvailable()
    finally:
        q.stop()
    assert seen == [[("a", [1]), ("b", [2])], [("a", [1, 3])]]


def test_variances_and_approx_count_distinct_keep_mergeable_state(spark):
    src, df = memory_stream(spark, "k int, v long")
    agg = df.groupBy("k").agg(F.stddev("v").alias("sd"), F.var_pop("v").alias("vp"),
                              F.variance("v").alias("var"), F.stddev_pop("v").alias("sdp"),
                              F.approx_count_distinct("v").alias("d"),
                              F.median("v").alias("m"))
    q = agg.writeStream.outputMode("complete").format("memory").queryName("moments").start()
    try:
        src.add_data([(1, 5), (1, 6), (2, 7)])
        q.processAllAvailable()
        src.add_data([(1, 8), (2, None), (1, 5)])
        q.processAllAvailable()
        got = _table(spark, "moments")
    finally:
        q.stop()
    # k=1: 5, 6, 8, 5 (PySpark 4.3: stddev 1.4142135623730951, var_pop 1.5); k=2: one value
    assert got[1][0] == pytest.approx(2 ** 0.5) and got[1][1] == pytest.approx(1.5)
    assert got[1][2] == pytest.approx(2.0) and got[1][3] == pytest.approx(1.5 ** 0.5)
    assert got[1][4:] == (3, 5.5) and got[2] == (None, 0.0, None, 0.0, 1, 7.0)
    types = {f.name: f.dataType for f in spark.table("moments").schema.fields}
    assert types["d"] == LongType() and str(types["sd"]) == "DoubleType()"
