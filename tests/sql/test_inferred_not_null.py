"""Spark's inferred ``isnotnull`` filters (InferFiltersFromConstraints,
runtime/sql/infer_filters.py): the optimized plans real PySpark 4.3 printed for the same
queries (df.explain(True), recorded 2026-12-04), modulo expression ids (Spark's LogicalRDD of
createDataFrame is a LocalRelation here), and unchanged results."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from sparkcli.sql import functions as F


def optimized(df) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        df.explain(True)
    text = re.sub(r"#\d+", "#N", out.getvalue())
    return text.split("== Optimized Logical Plan ==\n")[1].split("\n\n")[0]


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame([(1, "a", 2), (None, "b", 3), (7, None, None)],
                                 "x int, s string, y int")


# condition -> the Filter line of PySpark 4.3's optimized plan
FILTERS = [
    ("x > 5", "Filter (isnotnull(x#N) AND (x#N > 5))"),
    ("x + 1 > 5", "Filter (isnotnull(x#N) AND ((x#N + 1) > 5))"),
    ("x > 5 or y > 1", "Filter ((x#N > 5) OR (y#N > 1))"),
    ("x <=> 5", "Filter (x#N <=> 5)"),
    ("y > 1 and x > 5",
     "Filter ((isnotnull(y#N) AND isnotnull(x#N)) AND ((y#N > 1) AND (x#N > 5)))"),
    ("x > 5 and isnotnull(x)", "Filter ((x#N > 5) AND isnotnull(x#N))"),
]


@pytest.mark.parametrize("cond,line", FILTERS)
def test_filter_gets_isnotnull(df, cond, line):
    assert optimized(df.filter(cond)).splitlines()[0] == line


def test_like_gets_isnotnull(df):
    # Spark also rewrites LIKE 'a%' to StartsWith (LikeSimplification, not done here):
    # Filter (isnotnull(s#N) AND StartsWith(s#N, a))
    assert optimized(df.filter("s like 'a%'")).startswith("Filter (isnotnull(s#N) AND ")


def test_in_gets_nothing(df):
    assert "isnotnull" not in optimized(df.filter("x in (1, 2)"))


def test_non_nullable_column_gets_nothing(spark):
    assert optimized(spark.range(10).filter("id > 5")).splitlines()[0] == \
        "Filter (id#NL > 5)"


def test_results_unchanged(df):
    assert sorted(r.x for r in df.filter("x + 1 > 5").collect()) == [7]
    assert df.filter("x <=> null").count() == 1
    assert df.filter("x > 5 or y > 1").count() == 3


def _sides(df):
    a = df.select(F.col("x").alias("a"), "s")
    b = df.select(F.col("x").alias("b"), F.col("y"))
    return a, b


def test_inner_join_filters_both_sides(df):
    a, b = _sides(df)
    j = a.join(b, a.a == b.b)
    assert optimized(j) == (
        "Join Inner, (a#N = b#N)\n"
        ":- Project [x#N AS a#N, s#N]\n"
        ":  +- Filter isnotnull(x#N)\n"
        ":     +- LocalRelation [x#N, s#N, y#N]\n"
        "+- Project [x#N AS b#N, y#N]\n"
        "   +- Filter isnotnull(x#N)\n"
        "      +- LocalRelation [x#N, s#N, y#N]")
    assert sorted(r.a for r in j.collect()) == [1, 7]


def test_left_join_filters_the_right_side_only(df):
    a, b = _sides(df)
    j = a.join(b, a.a == b.b, "left")
    assert optimized(j) == (
        "Join LeftOuter, (a#N = b#N)\n"
        ":- Project [x#N AS a#N, s#N]\n"
        ":  +- LocalRelation [x#N, s#N, y#N]\n"
        "+- Project [x#N AS b#N, y#N]\n"
        "   +- Filter isnotnull(x#N)\n"
        "      +- LocalRelation [x#N, s#N, y#N]")
    assert j.count() == 3


def test_a_filter_pushed_below_a_projection_is_inferred_once(spark, df):
    # the join infers isnotnull(v) for v = x + 1; pushed below the projection it reads
    # isnotnull((x + 1)), which still tells the rule v is not NULL (it was inferred again
    # on every optimizer pass: 17 copies of isnotnull((x + 1)) ANDed together)
    j = spark.range(3).join(df.select((F.col("x") + 1).alias("v")), F.col("id") < F.col("v"))
    plan = optimized(j)
    assert plan.count("isnotnull((x#N + 1))") == 1, plan
    # PySpark 4.3's lines below its join (whose condition reads cast(v#N as bigint))
    assert plan.splitlines()[1:] == [
        ":- Range (0, 3, step=1, splits=Some(2))",  # local[2] here
        "+- Project [(x#N + 1) AS v#N]",
        "   +- Filter isnotnull((x#N + 1))",
        "      +- LocalRelation [x#N, s#N, y#N]"]
    assert sorted(tuple(r) for r in j.collect()) == [(0, 2), (0, 8), (1, 2), (1, 8), (2, 8)]
