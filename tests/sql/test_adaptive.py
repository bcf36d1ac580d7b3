"""AQE: small shuffle partitions are coalesced after the map stage (Spark's
CoalesceShufflePartitions), so a small groupBy or join runs one reduce task, not 200."""

from __future__ import annotations

import threading

import pytest

from runtime.sql.execution.adaptive import coalesce_groups
from sparkcli.sql import functions as F

MB = 1 << 20


@pytest.mark.parametrize("sizes, advisory, min_parts, min_size, groups", [
    ([0] * 200, 64 * MB, 2, MB, [(0, 200)]),  # nothing at all: one partition
    ([1000] * 200, 64 * MB, 2, MB, [(0, 200)]),  # 200 KB: under the 1 MB minimum
    ([MB] * 4, 64 * MB, 2, MB, [(0, 2), (2, 4)]),  # parallelism first: total / 2
    ([MB] * 4, 64 * MB, 1, MB, [(0, 4)]),
    ([10 * MB, 10, 10 * MB, 10], 10 * MB, 1, MB, [(0, 2), (2, 4)]),  # small ones join
    ([5, 100, 100, 100], 100, 1, 1, [(0, 2), (2, 3), (3, 4)]),
    ([], 64 * MB, 2, MB, []),
])
def test_coalesce_groups(sizes, advisory, min_parts, min_size, groups):
    assert coalesce_groups(sizes, advisory, min_parts, min_size) == groups


class StageTasks:
    def __init__(self):
        self.tasks = []
        self.lock = threading.Lock()

    def __getattr__(self, name):
        if name.startswith("on"):
            return lambda event: None
        raise AttributeError(name)

    def onStageCompleted(self, event):
        with self.lock:
            self.tasks.append(event.stageInfo.numTasks)


def _last_stage_tasks(spark, action):
    listener = StageTasks()
    sc = spark.sparkContext
    sc.addSparkListener(listener)
    try:
        result = action()
        assert sc._driver.bus.wait_until_empty(30)
        return result, listener.tasks
    finally:
        sc._driver.bus.remove_listener(listener)


def test_a_small_group_by_runs_one_reduce_task(spark):
    df = spark.range(400_000).withColumn("k", F.col("id") % 10)  # ~3 MB of input
    rows, tasks = _last_stage_tasks(spark, lambda: df.groupBy("k").count().collect())
    assert sorted((r.k, r["count"]) for r in rows) == [(k, 40_000) for k in range(10)]
    assert tasks[-1] == 1


def test_without_aqe_the_shuffle_keeps_its_partitions(spark):
    df = spark.range(400_000).withColumn("k", F.col("id") % 10)
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    try:
        rows, tasks = _last_stage_tasks(spark, lambda: df.groupBy("k").count().collect())
    finally:
        spark.conf.set("spark.sql.adaptive.enabled", "true")
        spark.conf.set("spark.sql.shuffle.partitions", "200")
    assert len(rows) == 10 and tasks[-1] == 7


def test_a_shuffled_join_coalesces_both_sides_alike(spark):
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    try:
        left = spark.range(300_000).withColumn("k", F.col("id") % 5000)
        right = spark.range(200_000).select((F.col("id") % 2500 * 2).alias("k"),
                                            F.lit(1).alias("one"))
        out, tasks = _last_stage_tasks(
            spark, lambda: left.join(right, "k").agg(F.count("*").alias("c"),
                                                     F.sum("k").alias("s")).collect())
    finally:
        spark.conf.set("spark.sql.autoBroadcastJoinThreshold", str(10 << 20))
    # each even k < 5000 appears 60 times on the left and 80 times on the right
    assert (out[0].c, out[0].s) == (2500 * 60 * 80, sum(range(0, 5000, 2)) * 60 * 80)
    assert max(tasks) <= 2  # the join stage too: not 200 tasks
