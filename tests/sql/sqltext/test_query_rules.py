"""Query rules the SQL golden files showed missing: duplicated CTE names, an aggregate in GROUP
BY, an IN subquery of two columns, a HAVING name that is both a select alias and a grouping
column, every/some/any named as written (expected values and error classes from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.errors import PySparkException


def test_having_reads_the_grouping_column_over_a_select_alias(spark):
    df = spark.sql("SELECT SUM(a) AS b, CAST('2020-01-01' AS DATE) AS fake FROM VALUES (1, 10), "
                   "(2, 20) AS T(a, b) GROUP BY b HAVING b > 10")
    assert df.schema.simpleString() == "struct<b:bigint,fake:date>"
    assert [tuple(r)[0] for r in df.collect()] == [2]


def test_boolean_aggregates_keep_the_name_written(spark):
    df = spark.sql("SELECT every(x > 0), some(x > 1), any(x > 2), bool_and(x > 0), "
                   "bool_or(x > 5) FROM VALUES (1), (2) AS t(x)")
    assert df.columns == ["every((x > 0))", "some((x > 1))", "any((x > 2))",
                          "bool_and((x > 0))", "bool_or((x > 5))"]
    assert [tuple(r) for r in df.collect()] == [(True, True, False, True, False)]


@pytest.mark.parametrize("query,error", [
    ("WITH t AS (SELECT 1 AS a), t AS (SELECT 2 AS b) SELECT * FROM t", "DUPLICATED_CTE_NAMES"),
    ("SELECT count(*) FROM range(3) GROUP BY count(*)", "GROUP_BY_AGGREGATE"),
    ("SELECT * FROM range(3) WHERE id IN (SELECT id, id FROM range(2))",
     "DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH"),
])
def test_errors(spark, query, error):
    with pytest.raises(PySparkException) as info:
        spark.sql(query).collect()
    assert info.value.getErrorClass() == error
