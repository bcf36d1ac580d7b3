"""The state store in the executors: a state partition's tasks stay on the executor that
holds it, and its state survives the loss of that executor (loaded from the checkpoint)."""

from __future__ import annotations

import os
import signal

import pytest

from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def _session(tmp_path, monkeypatch, master):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path / "home"))
    rc._launch_layers.clear()
    return SparkSession.builder.master(master).appName("state-executors") \
        .config("spark.sql.shuffle.partitions", "4").getOrCreate()


def _expected(batches):
    out: dict = {}
    for rows in batches:
        for k, v in rows:
            n, s = out.get(k, (0, 0))
            out[k] = (n + 1, s + v)
    return out


@pytest.mark.slow
def test_state_partitions_stay_put_and_survive_a_sigkilled_executor(tmp_path, monkeypatch):
    spark = _session(tmp_path, monkeypatch, "local[2,2]")
    sc = spark.sparkContext
    src, df = memory_stream(spark, "k string, v long")
    q = df.groupBy("k").agg(F.count("*").alias("n"), F.sum("v").alias("s")) \
        .writeStream.outputMode("complete").format("memory").queryName("agg_exec") \
        .option("checkpointLocation", str(tmp_path / "cp")).start()
    fed = []
    try:
        def feed(i):
            rows = [(f"key{j % 13}", i * 100 + j) for j in range(40)]
            fed.append(rows)
            src.add_data(rows)
            q.processAllAvailable()
            got = {r.k: (r.n, r.s) for r in spark.table("agg_exec").collect()}
            assert got == _expected(fed)

        feed(0)
        stateful = q._ex.operators[0]
        first = dict(stateful.locations)
        assert sorted(first) == [0, 1, 2, 3] and set(first.values()) <= {"0", "1"}
        feed(1)
        assert stateful.locations == first  # the next batch ran where the state was
        victim = first[0]
        os.kill(sc._launcher.procs[victim].pid, signal.SIGKILL)
        for i in range(2, 5):  # on the surviving and the replacement executor
            feed(i)
        assert victim not in stateful.locations.values()
        assert q.lastProgress["stateOperators"][0]["numRowsTotal"] == 13
    finally:
        q.stop()
        spark.stop()
