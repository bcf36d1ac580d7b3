"""PushLeftSemiLeftAntiThroughJoin: an IN / NOT IN / EXISTS over a grouped subquery, above
a join, moves to the side of that join its condition reads (TPC-H Q18's shape); the answers
stay those of the query as written."""

from __future__ import annotations

import pytest

from runtime.sql.plan import logical as L


def _joins(plan):
    out = [plan] if isinstance(plan, L.Join) else []
    for c in plan.children:
        out += _joins(c)
    return out


def _under_join(df):
    """Is a semi/anti join below another join (pushed down)?"""
    def below(plan, joined):
        if isinstance(plan, L.Join) and plan.join_type in ("semi", "anti") and joined:
            return True
        inside = joined or (isinstance(plan, L.Join) and
                            plan.join_type not in ("semi", "anti"))
        return any(below(c, inside) for c in plan.children)

    return below(df._execution().optimized, False)


@pytest.fixture(scope="module")
def views(spark):
    spark.createDataFrame([(1, "ann"), (2, "bob"), (3, "cy"), (None, "nul")],
                          "ck BIGINT, name STRING").createOrReplaceTempView("sp_c")
    spark.createDataFrame([(10, 1), (11, 1), (12, 2), (13, 3), (14, None), (15, 9)],
                          "ok BIGINT, ck BIGINT").createOrReplaceTempView("sp_o")
    spark.createDataFrame([(10, 5), (10, 7), (11, 1), (12, 20), (13, 2), (13, 30), (15, 40),
                           (None, 99)], "ok BIGINT, q INT").createOrReplaceTempView("sp_l")
    big = "SELECT ok FROM sp_l GROUP BY ok HAVING sum(q) > 10"  # 10, 12, 13, 15, NULL
    return big


def test_in_grouped_subquery_moves_below_the_inner_join(spark, views):
    df = spark.sql(f"SELECT name, o.ok FROM sp_c c JOIN sp_o o ON c.ck = o.ck "
                   f"WHERE o.ok IN ({views}) ORDER BY o.ok")
    assert _under_join(df)
    assert [tuple(r) for r in df.collect()] == [("ann", 10), ("bob", 12), ("cy", 13)]


def test_not_in_below_a_left_join_keeps_null_semantics(spark, views):
    # NOT IN over a subquery with a NULL: no row passes (Spark's null-aware anti join)
    df = spark.sql(f"SELECT o.ok, name FROM sp_o o LEFT JOIN sp_c c ON c.ck = o.ck "
                   f"WHERE o.ok NOT IN ({views})")
    assert df.collect() == []
    no_null = views.replace("GROUP BY ok", "WHERE ok IS NOT NULL GROUP BY ok")
    df = spark.sql(f"SELECT o.ok, name FROM sp_o o LEFT JOIN sp_c c ON c.ck = o.ck "
                   f"WHERE o.ok NOT IN ({no_null}) ORDER BY o.ok")
    assert [tuple(r) for r in df.collect()] == [(11, "ann"), (14, None)]


def test_exists_on_the_right_side_of_an_inner_join(spark, views):
    df = spark.sql("SELECT c.name, o.ok FROM sp_c c JOIN sp_o o ON c.ck = o.ck WHERE "
                   "EXISTS (SELECT 1 FROM (SELECT ok, count(*) n FROM sp_l GROUP BY ok) g "
                   "WHERE g.ok = o.ok AND g.n > 1) ORDER BY o.ok")
    assert [tuple(r) for r in df.collect()] == [("ann", 10), ("cy", 13)]


def test_a_semi_join_on_a_plain_table_stays_above(spark, views):
    df = spark.sql("SELECT name, o.ok FROM sp_c c JOIN sp_o o ON c.ck = o.ck "
                   "WHERE o.ok IN (SELECT ok FROM sp_l WHERE q > 10) ORDER BY o.ok")
    assert not _under_join(df)
    assert [tuple(r) for r in df.collect()] == [("bob", 12), ("cy", 13)]


def test_a_condition_over_both_sides_stays_above(spark, views):
    df = spark.sql("SELECT name, o.ok FROM sp_c c JOIN sp_o o ON c.ck = o.ck WHERE "
                   "EXISTS (SELECT 1 FROM (SELECT ok, max(q) m FROM sp_l GROUP BY ok) g "
                   "WHERE g.ok = o.ok AND g.m >= c.ck * 10) ORDER BY o.ok")
    assert not _under_join(df)
    assert [tuple(r) for r in df.collect()] == [("bob", 12), ("cy", 13)]
