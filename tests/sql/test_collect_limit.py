"""A limit at the top of a query (show, take, head, limit().collect()) runs as Spark's
CollectLimitExec.executeTake: a job over the first partition, then over up to 4 times as many
as were scanned, until the limit is reached; no shuffle. Results are those of the whole plan."""

from __future__ import annotations

from sparkcli.sql import functions as F
from tests.sql.test_adaptive import _last_stage_tasks as _stages


def test_take_reads_only_the_first_partition_when_it_has_enough_rows(spark):
    df = spark.range(0, 1000, 1, 8)
    rows, stages = _stages(spark, lambda: df.take(3))
    assert [r.id for r in rows] == [0, 1, 2]
    assert stages == [1]


def test_take_scales_up_over_empty_partitions(spark):
    df = spark.range(0, 800, 1, 8).where(F.col("id") >= 700)  # only the last partition
    rows, stages = _stages(spark, lambda: df.limit(5).collect())
    assert [r.id for r in rows] == [700, 701, 702, 703, 704]
    assert stages == [1, 4, 3]  # 1, then 4x, then what is left


def test_show_of_a_small_range_runs_no_shuffle(spark):
    text, stages = _stages(spark, lambda: spark.range(10)._show_string(20))
    assert text.splitlines()[3] == "|  0|" and text.splitlines()[-2] == "|  9|"
    assert stages == [1, 1]  # 5 rows from the first of 2 partitions: one more job


def test_limit_larger_than_the_data_and_limit_zero(spark):
    df = spark.range(0, 50, 1, 4)
    assert [r.id for r in df.limit(100).collect()] == list(range(50))
    assert df.limit(0).collect() == []
    assert spark.range(0, 0, 1, 3).take(2) == []


def test_limit_below_a_join_or_in_a_subquery_keeps_its_result(spark):
    df = spark.range(0, 100, 1, 4)
    lim = df.limit(10)
    assert lim.count() == 10
    joined = lim.join(df, "id").orderBy("id")
    assert [r.id for r in joined.collect()] == list(range(10))
