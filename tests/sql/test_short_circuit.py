"""AND and OR evaluate their right side only where the left does not decide the row, as
Spark's And/Or do (runtime/sql/expressions/evaluate.py, FilterExec's conjuncts in order):
under ANSI a right side that would fail on rows the left already decided does not fail.
Expected rows checked with PySpark 4.3."""

from __future__ import annotations

import pytest

from tests.sql.conftest import rows

DATA = [(1, 0), (2, 1), (None, 0), (6, 2), (3, None)]


@pytest.fixture()
def t(spark):
    df = spark.createDataFrame(DATA, "a int, d int")
    df.createOrReplaceTempView("sc_t")
    return df


@pytest.mark.parametrize("where, expected", [
    ("d <> 0 AND a / d > 1", [(2, 1), (6, 2)]),
    ("d = 0 OR a / d > 1", [(1, 0), (2, 1), (None, 0), (6, 2)]),
    ("NOT (d = 0 OR a / d <= 1)", [(2, 1), (6, 2)]),
    ("a > 1 AND d <> 0 AND a / d >= 3", [(6, 2)]),
    ("(d IS NULL OR d <> 0) AND coalesce(a / d, 0) >= 0", [(2, 1), (6, 2), (3, None)]),
])
def test_a_filter_never_evaluates_the_right_side_on_rows_the_left_decided(spark, t, where,
                                                                           expected):
    got = rows(spark.sql(f"SELECT a, d FROM sc_t WHERE {where}"))
    assert sorted(got, key=repr) == sorted(expected, key=repr)


def test_a_projection_short_circuits_with_kleene_nulls(spark, t):
    got = rows(spark.sql("SELECT a, d, d <> 0 AND a / d > 1 AS x, d = 0 OR a * 2 / d > 2 AS y "
                         "FROM sc_t"))
    assert sorted(got, key=repr) == sorted([
        (1, 0, False, True), (2, 1, True, True), (None, 0, False, True),
        (6, 2, True, True), (3, None, None, None)], key=repr)


def test_an_array_index_behind_a_bound_check_is_not_evaluated(spark):
    from sparkcli.sql import functions as F

    df = spark.range(8).withColumn("arr", F.array(*[F.lit(i) for i in range(1, 6)]))
    index = (F.col("id") + 1).cast("int")
    assert df.filter((F.col("id") < 5) & F.element_at("arr", index).isNotNull()).count() == 5
    assert rows(df.select(((F.col("id") >= 5) | (F.element_at("arr", index) > 3))
                          .alias("v")).orderBy(F.col("v"))) == \
        [(False,)] * 3 + [(True,)] * 5


def test_the_right_side_still_fails_on_a_row_it_must_decide(spark, t):
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):
        rows(spark.sql("SELECT a FROM sc_t WHERE a IS NOT NULL AND a / d > 1"))
