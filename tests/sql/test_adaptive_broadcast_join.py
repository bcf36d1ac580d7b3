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
    """The joins converted while the test runs: the build side, 0 (left) or 1 (right), or
    "L" for a semi/anti join built on its left side. The planner sees every input over its
    1 KB threshold; AQE's threshold is 10 MB (a test may lower it)."""
    seen: list = []
    real, real_semi = LR.LineageRunner._broadcast_join, LR.LineageRunner._left_semi

    def spy(self, plan, side, rows, stream):
        seen.append(side)
        return real(self, plan, side, rows, stream)

    def spy_semi(self, plan, rows, stream):
        seen.append("L")
        return real_semi(self, plan, rows, stream)

    monkeypatch.setattr(LR.LineageRunner, "_broadcast_join", spy)
    monkeypatch.setattr(LR.LineageRunner, "_left_semi", spy_semi)
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


@pytest.mark.parametrize("how, side, threshold", [
    # a join tries first the side estimated smaller (big's range(3000) here): with 10 MB it
    # fits, so it is built (an inner join swaps its sides back, a semi or anti join is built
    # on its left side); with 8 KB only small's five rows fit, and big streams from the
    # shuffle its map stage wrote
    ("inner", 0, "10m"), ("semi", "L", "10m"), ("anti", "L", "10m"),
    ("inner", 1, "8k"), ("semi", 1, "8k"), ("anti", 1, "8k"),
    ("left", 1, "10m"), ("right", 0, "10m"), ("full", None, "10m")])
def test_small_side_is_broadcast_with_the_shuffled_answer(spark, conversions, how, side,
                                                          threshold):
    spark.conf.set("spark.sql.adaptive.autoBroadcastJoinThreshold", threshold)
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
    assert conversions == [0, "L", 1]  # big, estimated smaller, is built where it may


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


@pytest.mark.parametrize("how", ["semi", "anti"])
def test_left_built_semi_join_with_string_keys_and_a_residual(spark, conversions, how):
    big, small = _sides(spark)
    # the left side fits: built there; string keys go through Arrow's join, not KeyIndex
    left = small.select(F.col("w").alias("s"), F.col("k"))
    right = big.select(F.col("v"), F.when(F.col("k") == 1, "a").when(F.col("k") == 3, "c")
                       .when(F.col("k") == 2, "n").alias("s"))
    cond = (left.s == right.s) & (right.v > F.coalesce(left.k, F.lit(0)) * 1000)

    def make():
        return left.join(right, cond, how)
    got = sorted(make().collect(), key=_key)
    assert conversions == ["L"]
    assert got == _plain(spark, make)
    # a: k 1 meets v > 1000 with k 1; c: k 3 needs v > 3000 (none); n: k NULL -> v > 0
    # (k 2 rows); b and z: no right row has them
    hits = [("a", 1), ("n", None)]
    expect = hits if how == "semi" else [r for r in [("a", 1), ("b", 1), ("c", 3),
                                                     ("n", None), ("z", 9)] if r not in hits]
    assert sorted([tuple(r) for r in got], key=_key) == sorted(expect, key=_key)
