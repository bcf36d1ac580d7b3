"""Conditional functions, against real PySpark 4.3's answers (golden/conditional.json)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import ArithmeticException
from sparkcli.sql import functions as F
from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
    'F.expr("if(i > 0, \'pos\', \'neg\')")': "the SQL parser names IF as a CASE WHEN",
}


@pytest.mark.parametrize("case", params("conditional", GAPS))
def test_conditional(table, case):
    check(table, case)


def test_case_when_evaluates_a_branch_only_on_the_rows_that_reach_it(spark):
    """As Spark (ANSI on): a guarded division never divides by zero, a later condition is not
    evaluated on rows an earlier one took, and NULL conditions fall through."""
    df = spark.createDataFrame([(10, 2), (5, 0), (None, 1), (7, None)], "x int, d int")
    q = F.when(F.col("d") > 0, F.col("x") / F.col("d")).alias("q")
    k = (F.when(F.col("d") == 0, "zero").when(F.col("x") / F.col("d") > 4, "big")
         .otherwise("small").alias("k"))
    assert [tuple(r) for r in df.select(q, k).collect()] == [
        (5.0, "big"), (None, "zero"), (None, "small"), (None, "small")]
    rows = spark.sql("SELECT CASE WHEN d <> 0 THEN x div d ELSE -1 END AS r FROM "
                     "VALUES (10, 2), (5, 0), (NULL, 1), (7, NULL) AS t(x, d)").collect()
    assert [r.r for r in rows] == [5, -1, None, -1]
    with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):  # unguarded: still raises
        df.select(F.col("x") / F.col("d")).collect()
    # position-dependent functions keep the row's own value inside a branch
    ids = [r.m for r in df.select(F.when(F.col("d") > 0, F.monotonically_increasing_id())
                                  .alias("m")).collect()]
    assert ids == [0, None, 2, None]
