"""DataFrame queries run as stages on the executors: the plan becomes lineage nodes, an
Exchange is an Arrow shuffle (a stage boundary); the in-process runner gives the same
answers."""

from __future__ import annotations

from collections import Counter

import pytest

from sparkcli.sql import functions as F
from tests.waiting import wait_for


def _jobs(spark, group):
    tracker = spark.sparkContext.statusTracker()
    return [tracker.getJobInfo(j) for j in sorted(tracker.getJobIdsForGroup(group))]


def test_group_by_runs_as_two_stages_on_executors(spark):
    sc = spark.sparkContext
    sc.setJobGroup("sql-stages", "groupBy")
    try:
        df = spark.range(0, 1000, numPartitions=4)
        out = df.groupBy((F.col("id") % 7).alias("k")).count().orderBy("k").collect()
    finally:
        sc.setJobGroup(None, None)  # type: ignore[arg-type]
    assert [tuple(r) for r in out] == sorted(Counter(i % 7 for i in range(1000)).items())
    # the status tracker hears of the job's end from the listener bus, just after collect()
    wait_for(lambda: all(j.status == "SUCCEEDED" for j in _jobs(spark, "sql-stages")), 30,
             "the jobs to be marked SUCCEEDED")
    jobs = _jobs(spark, "sql-stages")
    assert jobs
    # the result job reads two shuffles: map stage -> aggregate stage -> sorted stage
    assert max(len(j.stageIds) for j in jobs) >= 3


@pytest.mark.parametrize("runner", ["local", "lineage"])
def test_both_runners_agree(spark, runner):
    spark.conf.set("spark.sparkcli.sql.runner", runner)
    try:
        a = spark.createDataFrame([(i % 5, f"v{i}") for i in range(50)], ["k", "v"])
        b = spark.createDataFrame([(k, k * 10) for k in range(4)], ["k", "w"])
        joined = a.join(b, "k", "left").groupBy("k").agg(F.count("*"), F.max("w"))
        assert [tuple(r) for r in joined.orderBy("k").collect()] == \
            [(0, 10, 0), (1, 10, 10), (2, 10, 20), (3, 10, 30), (4, 10, None)]
        big = spark.range(0, 20000, numPartitions=3)
        assert big.orderBy(F.desc("id")).limit(3).collect()[0][0] == 19999
        assert big.repartition(4).count() == 20000
        assert a.union(a).distinct().count() == 50
    finally:
        spark.conf.unset("spark.sparkcli.sql.runner")
