"""DataFrame.observe / Observation and withMetadata, as real PySpark 4.3 gives them."""

from __future__ import annotations

import re

import pytest

from sparkcli.errors import (AnalysisException, PySparkAssertionError, PySparkTypeError,
                             PySparkValueError)
from sparkcli.sql import Observation
from sparkcli.sql import functions as F
from tests.sql.conftest import rows
from tests.waiting import wait_for


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame([["Alice", 2], ["Bob", 5]], ["name", "age"])


def test_observation_after_an_action(people):
    o = Observation("my metrics")
    observed = people.observe(o, F.count(F.lit(1)).alias("count"), F.max(F.col("age")))
    assert observed.count() == 2
    assert o.get == {"count": 2, "max(age)": 5}
    o2 = Observation()
    observed = people.filter("age > 3").observe(
        o2, F.sum("age").alias("s"), F.avg("age"), (F.sum("age") + 1).alias("s1"))
    assert rows(observed.select("name")) == [("Bob",)]  # through a later projection too
    assert o2.get == {"s": 5, "avg(age)": 5.0, "s1": 6}
    observed.filter("age > 100").collect()
    assert o2.get == {"s": 5, "avg(age)": 5.0, "s1": 6}  # the first action's metrics stay


def test_named_observation_and_errors(spark, people):
    people.observe("named", F.count("*").alias("c")).collect()
    assert spark._state().observed_metrics["named"] == {"c": 2}
    o = Observation("x")
    people.observe(o, F.count("*"))
    cases = [(lambda: people.observe(o, F.count("*")), PySparkAssertionError,
              "[REUSE_OBSERVATION] An Observation can be used with a DataFrame only once."),
             (lambda: Observation().get, PySparkAssertionError,
              "[NO_OBSERVE_BEFORE_GET] Should observe by calling `DataFrame.observe` before "
              "`get`."),
             (lambda: people.observe(Observation()), PySparkValueError,
              "[CANNOT_BE_EMPTY] At least one exprs must be specified."),
             (lambda: people.observe(1, F.count("*")), PySparkTypeError,
              "[NOT_EXPECTED_TYPE] Argument `observation` should be Observation or str, got "
              "int."),
             (lambda: Observation(""), PySparkValueError,
              "[VALUE_NOT_NON_EMPTY_STR] Value for `name` must be a non-empty string, got ''."),
             (lambda: Observation(3), PySparkTypeError,
              "[NOT_EXPECTED_TYPE] Argument `name` should be str, got int.")]
    for call, cls, text in cases:
        with pytest.raises(cls) as e:
            call()
        assert str(e.value) == text
    with pytest.raises(PySparkAssertionError, match="run an action"):
        o.get  # observed, but no action yet: an error, not a wait forever


def test_with_metadata(people):
    m = people.withMetadata("age", {"comment": "years"})
    assert m.schema["age"].metadata == {"comment": "years"}
    assert rows(m) == [("Alice", 2), ("Bob", 5)]
    assert m.select(F.col("age").alias("a")).schema["a"].metadata == {"comment": "years"}
    assert people.select(people.age.alias("x", metadata={"k": 1})).schema["x"].metadata == \
        {"k": 1}
    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVED_COLUMN.WITH_SUGGESTION\]"):
        people.withMetadata("nope", {"a": 1})


def _job_count(spark, group, action):
    """``action()``'s result and the number of jobs it ran."""
    sc = spark.sparkContext
    tracker = sc.statusTracker()
    sc.setJobGroup(group, group)
    try:
        out = action()
        # the tracker hears of jobs from the listener bus, in order: once it knows a job
        # started after the action, it knows all of the action's
        sc.setJobGroup(group + "-marker", "marker")
        sc.parallelize([1]).count()
    finally:
        sc.setJobGroup(None, None)  # type: ignore[arg-type]
    wait_for(lambda: tracker.getJobIdsForGroup(group + "-marker"), 30, "the marker job")
    return out, len(tracker.getJobIdsForGroup(group))


def test_metrics_come_from_the_action_s_own_job(spark):
    # a nondeterministic input read once: the metrics agree with the rows collected
    o = Observation("rand")
    df = spark.range(0, 3000, 1, 3).select(F.rand().alias("r"))
    observed = df.observe(o, F.sum("r").alias("s"), F.count("*").alias("n"),
                          F.collect_list("r").alias("values"))  # a metric that does not merge
    got, jobs = _job_count(spark, "observe-rand", observed.collect)
    assert o.get["n"] == 3000
    assert o.get["s"] == pytest.approx(sum(r.r for r in got), rel=1e-12)
    assert sorted(o.get["values"]) == sorted(r.r for r in got)
    _, plain_jobs = _job_count(spark, "plain-rand", df.collect)
    assert jobs == plain_jobs  # no second job for the metrics
    # the type of each metric is Spark's
    assert isinstance(o.get["n"], int) and isinstance(o.get["s"], float)


def test_show_and_limit_count_only_the_rows_they_read(spark):
    # as PySpark 4.3: show(3) reads 4 rows (it asks for one more), limit(5) five
    o = Observation("shown")
    spark.range(100).observe(o, F.count(F.lit(1)).alias("rows"), F.max("id").alias("mx")) \
        ._show_string(3)
    assert o.get == {"rows": 4, "mx": 3}
    o2 = Observation("limited")
    assert len(spark.range(0, 100, 1, 4).observe(o2, F.count(F.lit(1)).alias("rows"))
               .limit(5).collect()) == 5
    assert o2.get == {"rows": 5}
    o3 = Observation("empty")
    assert spark.range(0).observe(o3, F.count("*").alias("c"), F.sum("id").alias("s")) \
        .collect() == []
    assert o3.get == {"c": 0, "s": None}


def test_observe_in_explain_and_through_a_write(spark, tmp_path, capsys):
    spark.range(10).observe("in-explain", F.sum("id").alias("s")).explain()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["== Physical Plan ==", lines[1], "+- *(1) Range (0, 10, step=1, splits=2)"]
    assert re.fullmatch(r"CollectMetrics in-explain, \[sum\(id#\d+L\) AS s#\d+L\]", lines[1])
    o = Observation("written")
    spark.range(0, 50, 1, 2).observe(o, F.count("*").alias("n")).write.parquet(
        str(tmp_path / "out"))
    assert o.get == {"n": 50}


@pytest.mark.parametrize("runner", ["local", "lineage"])
def test_both_runners_publish_metrics(spark, runner):
    spark.conf.set("spark.sparkcli.sql.runner", runner)
    try:
        o = Observation(f"runner-{runner}")
        out = spark.range(0, 10, 1, 2).observe(o, F.sum("id").alias("s")).filter("id > 4")
        assert out.count() == 5
        assert o.get == {"s": 45}  # the rows that reach the filter
    finally:
        spark.conf.unset("spark.sparkcli.sql.runner")
