"""AQE's join conversion: a shuffled join whose build side's map output turns out small
(at most spark.sql.adaptive.autoBroadcastJoinThreshold) runs as a broadcast join, the other
side never shuffled; the answers are those of the shuffled join, for every join type."""

from __future__ import annotations

import pytest

from runtime.sql.execution import lineage_runner as LR
from sparkcli.sql import Row
from sparkcli.sql import functions as F


@pytest.fixture
def conversions(spark, monkeypatch):
    """The build sides (0 left, 1 right) of the joins converted while the test runs; the
    planner sees every input over its 1 KB threshold, AQE's threshold stays 10 MB."""
    seen: list = []
    real = LR.LineageRunner._broadcast_join

    def spy(self, plan, side, rows):
        seen.append(side)
        return real(self, plan, side, rows)

    monkeypatch.setattr(LR.LineageRunner, "_broadcast_join", spy)
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "1k")
    spark.conf.set("spark.sql.adaptive.autoBroadcastJoinThreshold", "10m")
    try:
        yield seen
    finally:
        spark.conf.set("spark.sql.autoBroadcastJoinThreshold", str(10 << 20))
        spark.conf.unset("spark.sql.adaptive.autoBroadcastJoinThreshold")


def _sides(spark):
    big = spark.range(3000).select((F.col("id") % 7).alias("k"), F.col("id").alias("v"))
    big = big.withColumn("k", F.when(F.col("v") % 11 == 0, None).otherwise(F.col("k")))
    # five rows whose size the planner cannot know: (1, a) (1, b) (3, c) (NULL, n) (9, z)
    small = spark.range(200_000).filter(F.col("id") < 5).select(
        F.expr("CAST(CASE id WHEN 0 THEN 1 WHEN 1 THEN 1 WHEN 2 THEN 3 WHEN 4 THEN 9 END "
               "AS BIGINT)").alias("k"),
        F.expr("CASE id WHEN 0 THEN 'a' WHEN 1 THEN 'b' WHEN 2 THEN 'c' WHEN 3 THEN 'n' "
               "ELSE 'z' END").alias("w"))
    return big, small


def _key(r):
    return tuple((v is None, v) for v in r)


def _plain(spark, make):
    """The same query with AQE off (a shuffled join)."""
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    try:
        return sorted(make().collect(), key=_key)
    finally:
        spark.conf.set("spark.sql.adaptive.enabled", "true")


@pytest.mark.parametrize("how, side", [  # an inner join tries first the side estimated
    # smaller (here big's range(3000): it fits too, so it is built and the sides swap back)
    ("inner", 0), ("left", 1), ("semi", 1), ("anti", 1), ("right", 0), ("full", None)])
def test_small_side_is_broadcast_with_the_shuffled_answer(spark, conversions, how, side):
    big, small = _sides(spark)
    if how == "right":  # the small side on the left: built there, the sides swap back
        def make():
            return small.join(big, "k", "right")
    else:
        def make():
            return big.join(small, "k", how)
    got = sorted(make().collect(), key=_key)
    assert conversions == ([] if side is None else [side])
    assert got == _plain(spark, make)
    ks = {1: 2, 3: 1}  # small's keys with their counts; NULL and 9 match nothing
    matched = [r for r in range(3000) if r % 11 and r % 7 in ks]
    if how == "inner":
        assert len(got) == sum(ks[r % 7] for r in matched)
        assert make().columns == ["k", "v", "w"]
    if how in ("left", "right"):
        assert len(got) == 3000 - len(matched) + sum(ks[r % 7] for r in matched)
        assert sum(1 for r in got if r.w is None) == 3000 - len(matched)
    if how == "semi":
        assert sorted(r.v for r in got) == matched
    if how == "anti":
        assert len(got) == 3000 - len(matched)
    if how == "right":
        assert make().columns == ["k", "w", "v"]
        assert got[0] == Row(k=0, w=None, v=7)


def test_residual_condition_and_types(spark, conversions):
    big, small = _sides(spark)
    cond = (big.k == small.k) & (big.v > F.length(small.w) * 100)

    def make():
        return big.join(small, cond, "left").select(big.v, small.w, small.k.alias("sk"))
    got = sorted(make().collect(), key=_key)
    assert conversions == [1]
    assert got == _plain(spark, make)
    assert dict(make().dtypes) == {"v": "bigint", "w": "string", "sk": "bigint"}
    assert [r for r in got if r.v == 99] == [Row(v=99, w=None, sk=None)]  # NULL key
    assert [r for r in got if r.v == 8] == [Row(v=8, w=None, sk=None)]  # residual false
    assert sorted(r.w for r in got if r.v == 1002) == ["a", "b"]


def test_empty_build_side(spark, conversions):
    big, small = _sides(spark)
    none = small.filter(F.col("k") > 100)
    assert big.join(none, "k").count() == 0
    assert big.join(none, "k", "anti").count() == 3000
    assert big.join(none, "k", "left").filter(F.col("w").isNull()).count() == 3000
    assert conversions == [0, 1, 1]  # the inner join builds the side estimated smaller


def test_a_hinted_or_disabled_join_stays_shuffled(spark, conversions):
    big, small = _sides(spark)
    big.createOrReplaceTempView("aqe_big")
    small.createOrReplaceTempView("aqe_small")
    hinted = spark.sql("SELECT /*+ SHUFFLE_HASH(s) */ b.v, s.w FROM aqe_big b "
                       "JOIN aqe_small s ON b.k = s.k")
    assert hinted.count() == sum({1: 2, 3: 1}[r % 7]
                                 for r in range(3000) if r % 11 and r % 7 in (1, 3))
    spark.conf.set("spark.sql.adaptive.autoBroadcastJoinThreshold", "-1")
    assert big.join(small, "k", "semi").count() == len(
        [r for r in range(3000) if r % 11 and r % 7 in (1, 3)])
    assert conversions == []
