"""CREATE TEMP VIEW name (columns) AS ...: the declared list names the view's columns, and a
list of another length is Spark's CREATE_VIEW_COLUMN_ARITY_MISMATCH (checked with PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException


def test_a_column_list_renames_the_views_columns(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW tvc(id, arr) AS VALUES (1, array(1, 2)), (2, array(3))")
    df = spark.sql("SELECT * FROM tvc ORDER BY id")
    assert df.columns == ["id", "arr"]
    assert df.schema["arr"].dataType == T.ArrayType(T.IntegerType(), False)
    assert [tuple(r) for r in df.collect()] == [(1, [1, 2]), (2, [3])]
    spark.sql("CREATE OR REPLACE TEMP VIEW tvc(a COMMENT 'first', b) AS SELECT 1 AS x, 2")
    assert spark.sql("SELECT a + b AS s FROM tvc").collect()[0].s == 3


@pytest.mark.parametrize("cols, reason", [("(a)", "TOO_MANY_DATA_COLUMNS"),
                                          ("(a, b, c)", "NOT_ENOUGH_DATA_COLUMNS")])
def test_a_column_list_of_another_length_is_spark_error(spark, cols, reason):
    with pytest.raises(AnalysisException) as e:
        spark.sql(f"CREATE OR REPLACE TEMP VIEW tvw{cols} AS SELECT 1, 2")
    assert str(e.value).startswith(
        f"[CREATE_VIEW_COLUMN_ARITY_MISMATCH.{reason}] Cannot create view `tvw`, the reason is ")
