"""Spilling in the SQL operators: aggregation, shuffled join and sort under a tiny
spark.executor.memory give exactly the plain answer, report Spark's spill metrics to the
listener bus, and leave no files behind; a SIGKILLed executor during a DataFrame shuffle
still gives the right answer."""

from __future__ import annotations

import os
import random
import signal
import threading

import pytest

from runtime.memory import MemoryManager
from runtime.shuffle.spec import ShuffleMetrics
from runtime.sql.execution.spill import HashBuckets, SpillResources, merge_sorted_runs


class SpillListener:
    """Sums the spill metrics of every finished task (onTaskEnd, as Spark's UI does)."""

    def __init__(self):
        self.memory = 0
        self.disk = 0
        self.lock = threading.Lock()

    def __getattr__(self, name):
        if name.startswith("on"):
            return lambda event: None
        raise AttributeError(name)

    def onTaskEnd(self, event):
        m = event.taskMetrics
        if m is not None:
            with self.lock:
                self.memory += m.memoryBytesSpilled
                self.disk += m.diskBytesSpilled


def _session(tmp_path, monkeypatch, memory, master="local[2]"):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TZ", "UTC")
    rc._launch_layers.clear()
    local = tmp_path / "local"
    local.mkdir()
    spark = (SparkSession.builder.master(master).appName("sql-spill")
             .config("spark.executor.memory", memory)
             .config("spark.local.dir", str(local))
             .config("spark.sql.autoBroadcastJoinThreshold", "-1")
             .config("spark.ui.enabled", "false").getOrCreate())
    return spark, local


# -- the pieces ------------------------------------------------------------------------------
def test_merge_sorted_runs_is_a_sort(tmp_path):
    import numpy as np
    import pyarrow as pa

    rng = random.Random(7)
    runs, everything = [], []
    for _ in range(5):
        values = sorted(rng.randrange(100) for _ in range(rng.randrange(0, 3000)))
        everything += values
        chunks = [values[i:i + 97] for i in range(0, len(values), 97)]
        runs.append(iter([pa.record_batch({"x": pa.array(c, pa.int64())}) for c in chunks]))

    def order(table):
        return np.argsort(table.column("x").to_numpy(), kind="stable")

    out = [v for b in merge_sorted_runs(runs, order) for v in b.column(0).to_pylist()]
    assert out == sorted(everything)


def test_hash_buckets_keep_equal_keys_together_and_clean_up(tmp_path):
    import pyarrow as pa

    res = SpillResources(MemoryManager(1 << 20), str(tmp_path), ShuffleMetrics())
    batch = pa.record_batch({"k": pa.array([i % 37 for i in range(5000)], pa.int64()),
                             "v": pa.array(range(5000), pa.int64())})
    buckets = HashBuckets(res, batch.schema, lambda b: b.select(["k"]), n=8)
    buckets.spill([batch.slice(0, 2500), batch.slice(2500)])
    assert res.metrics.spill_count == 1 and res.metrics.disk_bytes_spilled > 0
    seen: dict = {}
    rows = 0
    for j, part in enumerate(buckets.buckets()):
        for b in part:
            rows += b.num_rows
            for k in b.column(0).to_pylist():
                assert seen.setdefault(k, j) == j
    assert rows == 5000 and len(seen) == 37
    assert os.listdir(tmp_path) == []


# -- end to end ------------------------------------------------------------------------------
def _check_spilling_queries(spark, n):
    import numpy as np
    from sparkcli.sql import functions as F

    listener = SpillListener()
    spark.sparkContext.addSparkListener(listener)
    half = n // 2
    df = spark.range(n).withColumn("k", (F.col("id") * 7919) % half) \
        .withColumn("v", F.col("id") % 97)
    ids = np.arange(n, dtype=np.int64)
    keys = ids * 7919 % half
    vals = ids % 97

    # groupBy/agg: every key twice (7919 is prime to half)
    got = df.groupBy("k").agg(F.count("*").alias("c"), F.sum("v").alias("s")) \
        .orderBy("k").toArrow()
    assert got.schema.field("c").type == "int64" and got.schema.field("s").type == "int64"
    assert got.column("k").to_pylist() == list(range(half))
    assert set(got.column("c").to_pylist()) == {2}
    assert got.column("s").to_numpy().tolist() == \
        np.bincount(keys, weights=vals, minlength=half).astype(np.int64).tolist()
    bus = spark.sparkContext._driver.bus
    assert bus.wait_until_empty(30)
    after_agg = listener.disk

    # shuffled join (broadcast off): even keys match one row of `other`
    other = spark.range(half // 2).select((F.col("id") * 2).alias("k"), (-F.col("id")).alias("w"))
    j = df.join(other, "k").groupBy().agg(F.count("*").alias("c"), F.sum("w").alias("s"),
                                          F.sum("v").alias("sv")).collect()[0]
    even = keys % 2 == 0
    assert (j.c, j.s, j.sv) == (int(even.sum()), int(-(keys[even] // 2).sum()),
                                int(vals[even].sum()))
    assert bus.wait_until_empty(30)
    after_join = listener.disk

    # global sort, descending key then id
    srt = df.orderBy(F.col("k").desc(), "id").select("k", "id").toArrow()
    order = np.lexsort((ids, -keys))
    assert srt.column("k").to_numpy().tolist() == keys[order].tolist()
    assert srt.column("id").to_numpy().tolist() == ids[order].tolist()
    assert bus.wait_until_empty(30)

    return after_agg, after_join, listener


def _spill_and_clean_up(tmp_path, monkeypatch, memory, n):
    spark, local = _session(tmp_path, monkeypatch, memory)
    try:
        after_agg, after_join, listener = _check_spilling_queries(spark, n)
        assert listener.disk > after_join, "the sort did not spill"
        assert after_agg > 0, "the aggregation did not spill"
        assert after_join > after_agg, "the join did not spill"
        assert listener.memory > 0
        local_dir = spark.sparkContext._local_dir
    finally:
        spark.stop()
    assert not os.path.exists(local_dir)
    assert os.listdir(local) == []


def test_aggregate_join_and_sort_spill_under_a_tiny_executor_memory(tmp_path, monkeypatch):
    _spill_and_clean_up(tmp_path, monkeypatch, "3m", 200_000)


@pytest.mark.slow
def test_ten_million_rows_spill_and_match_the_plain_answer(tmp_path, monkeypatch):
    _spill_and_clean_up(tmp_path, monkeypatch, "32m", 10_000_000)


@pytest.mark.slow
def test_sigkilled_executor_during_a_dataframe_shuffle(tmp_path, monkeypatch):
    from sparkcli.sql import functions as F

    spark, _ = _session(tmp_path, monkeypatch, "1g", "local[2,2]")
    sc = spark.sparkContext
    killed: list = []
    removed: list = []

    class Killer(SpillListener):
        def onTaskEnd(self, event):
            if event.taskType == "ShuffleMapTask" and not killed:
                eid = event.taskInfo.executorId
                killed.append(eid)
                os.kill(sc._launcher.procs[eid].pid, signal.SIGKILL)

        def onExecutorRemoved(self, event):
            removed.append(event)

    try:
        sc.addSparkListener(Killer())
        n = 2_000_000
        df = spark.range(0, n, 1, 8).withColumn("k", F.col("id") % 1000)
        rows = df.groupBy("k").agg(F.sum("id").alias("s"), F.count("*").alias("c")).collect()
        assert killed, "no executor was killed"
        assert {r.k: (r.s, r.c) for r in rows} == {
            k: (sum(range(k, n, 1000)), n // 1000) for k in range(1000)}
        from waiting import wait_for

        wait_for(lambda: removed, 30, "the executor's removal")
    finally:
        spark.stop()
