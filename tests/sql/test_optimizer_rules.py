"""Optimizer rules seen through the plans they produce: CollapseProject, projection pruning
and a generator keeping only the input columns its parent reads."""

from __future__ import annotations

from runtime.sql.plan import logical as L
from sparkcli.sql import Row
from sparkcli.sql import functions as F


def _nodes(plan, kind):
    out = [plan] if isinstance(plan, kind) else []
    for c in plan.children:
        out += _nodes(c, kind)
    return out


def test_explode_does_not_repeat_unread_input_columns(spark):
    df = spark.createDataFrame([("a b", 1), ("c", 2)], ["s", "n"])
    words = df.select(F.explode(F.split("s", " ")).alias("w"))
    (gen,) = _nodes(words._execution().optimized, L.Generate)
    assert [a.name for a in gen.output] == ["w"]
    assert words.collect() == [Row(w="a"), Row(w="b"), Row(w="c")]
    both = df.select("n", F.explode(F.split("s", " ")).alias("w"))
    assert both.collect() == [Row(n=1, w="a"), Row(n=1, w="b"), Row(n=2, w="c")]


def test_adjacent_projections_collapse_and_unread_columns_are_pruned(spark):
    df = spark.range(10).withColumn("k", F.col("id") % 3).withColumn("j", F.col("id") * 2)
    out = df.select("k")
    opt = out._execution().optimized
    (proj,) = _nodes(opt, L.Project)
    assert [e.name for e in proj.exprs] == ["k"]
    assert sorted(r.k for r in out.collect()) == sorted(i % 3 for i in range(10))
    # an alias used twice is not inlined twice
    twice = df.select((F.col("j") + F.col("j")).alias("x"))
    assert sorted(r.x for r in twice.collect()) == [4 * i for i in range(10)]
