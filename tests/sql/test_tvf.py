"""``spark.tvf`` (PySpark 4.3's TableValuedFunction) and ``Column.outer()`` used outside a
lateral join; expected rows, names and plans recorded from PySpark 4.3."""

from __future__ import annotations

import pytest

from runtime.sql.errors import PySparkNotImplementedError, PySparkTypeError
from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as sf
from tests.sql.conftest import rows


def test_generators_as_dataframes(spark):
    tvf = spark.tvf
    arr = sf.array(sf.lit(1), sf.lit(2))
    cases = [
        (tvf.explode(arr), ["col"], ["int"], [(1,), (2,)]),
        (tvf.posexplode(arr), ["pos", "col"], ["int", "int"], [(0, 1), (1, 2)]),
        (tvf.explode(sf.create_map(sf.lit("k"), sf.lit(1))), ["key", "value"],
         ["string", "int"], [("k", 1)]),
        (tvf.inline(sf.array(sf.struct(sf.lit(1).alias("a"), sf.lit("x").alias("b")))),
         ["a", "b"], ["int", "string"], [(1, "x")]),
        (tvf.json_tuple(sf.lit('{"a":1,"b":2}'), sf.lit("a"), sf.lit("b")), ["c0", "c1"],
         ["string", "string"], [("1", "2")]),
        (tvf.stack(sf.lit(2), sf.lit(1), sf.lit(2), sf.lit(3), sf.lit(4)), ["col0", "col1"],
         ["int", "int"], [(1, 2), (3, 4)]),
        (tvf.explode_outer(sf.array().cast("array<int>")), ["col"], ["int"], [(None,)]),
        (tvf.posexplode_outer(sf.array().cast("array<int>")), ["pos", "col"], ["int", "int"],
         [(None, None)]),
        (tvf.range(3), ["id"], ["bigint"], [(0,), (1,), (2,)]),
        (tvf.range(1, 7, 2, 2), ["id"], ["bigint"], [(1,), (3,), (5,)]),
    ]
    for df, names, types, expected in cases:
        assert df.columns == names
        assert [f.dataType.simpleString() for f in df.schema] == types
        assert rows(df) == expected


def test_a_generator_plans_as_spark_generate(spark):
    plan = spark.tvf.explode(sf.array(sf.lit(1), sf.lit(2)))._execution().analyzed
    # Spark: Generate explode(array(1, 2)), false, [col#88] over OneRowRelation (the SQL
    # form here reads one row of range(1), as FROM explode(...) does)
    assert plan.tree_string().splitlines()[0].startswith(
        "Generate explode(array(1, 2)), false, [col#")


def test_generators_in_a_lateral_join(spark):
    t = spark.createDataFrame([(1, [1, 2]), (2, [])], "a int, b array<int>")
    assert rows(t.lateralJoin(spark.tvf.explode(sf.col("b").outer()))) == \
        [(1, [1, 2], 1), (1, [1, 2], 2)]
    assert rows(t.lateralJoin(spark.tvf.explode_outer(sf.col("b").outer()))) == \
        [(1, [1, 2], 1), (1, [1, 2], 2), (2, [], None)]
    assert rows(t.lateralJoin(spark.tvf.posexplode(sf.col("b").outer()).where("pos > 0"))) \
        == [(1, [1, 2], 1, 2)]


def test_tvf_errors(spark):
    with pytest.raises(PySparkTypeError) as e:
        spark.tvf.explode("b")
    assert str(e.value) == "[NOT_COLUMN] Argument `collection` should be a Column, got str."
    # Spark: the outer column is not there to read
    with pytest.raises(AnalysisException) as e:
        spark.tvf.explode(sf.col("c1").outer()).collect()
    assert e.value.getErrorClass().startswith("UNRESOLVED_COLUMN")
    with pytest.raises(PySparkNotImplementedError, match=r"\[NOT_IMPLEMENTED\] "
                       "TableValuedFunction.sql_keywords"):
        spark.tvf.sql_keywords()


def test_outer_columns_read_alone_as_spark_reads_them(spark):
    # Spark resolves a lazy outer() reference met outside a lateral join as the plan's own
    # column: where(c1.outer() > 0) keeps (1, 2); before, show() recursed without end and
    # collect() ran an unresolved plan
    t1 = spark.createDataFrame([(0, 1), (1, 2)], "c1 int, c2 int")
    assert rows(t1.where(sf.col("c1").outer() > 0)) == [(1, 2)]
    df = t1.select((sf.col("c1").outer() + 1).alias("x"))
    assert (df.columns, rows(df)) == (["x"], [(1,), (2,)])
    assert df.schema.simpleString() == "struct<x:int>"
    assert rows(t1.select(sf.col("c1").outer())) == [(0,), (1,)]
    assert "Project [(c1#" in df._execution().analyzed.tree_string()
    # the same DataFrame still reads the left row inside a lateral join
    t2 = spark.createDataFrame([(0, 2), (0, 3)], "c1 int, c2 int")
    sub = t2.alias("t2").where(sf.col("t1.c1").outer() == sf.col("t2.c1")).select("t2.c2")
    assert rows(t1.alias("t1").lateralJoin(sub)) == [(0, 1, 2), (0, 1, 3)]
    with pytest.raises(AnalysisException) as e:
        spark.range(1).select(sf.col("c1").outer()).collect()
    assert e.value.getErrorClass().startswith("UNRESOLVED_COLUMN")


def test_a_one_row_range_subquery_reads_its_id(spark):
    # t1.lateralJoin(range(n).select(outer(c1) + id)): the one-row form is evaluated on the
    # outer rows directly and must still see range's id (was MISSING_ATTRIBUTES)
    t1 = spark.createDataFrame([(0, 1), (1, 2)], "c1 int, c2 int")
    sub = spark.range(1).select((sf.col("c1").outer() + sf.col("id")).alias("x"))
    assert rows(t1.lateralJoin(sub, how="left")) == [(0, 1, 0), (1, 2, 1)]
    sub = spark.range(5, 6).select((sf.col("c1").outer() + sf.col("id")).alias("x"))
    assert rows(t1.lateralJoin(sub)) == [(0, 1, 5), (1, 2, 6)]
    sub = spark.range(2).select((sf.col("c1").outer() + sf.col("id")).alias("x"))
    assert sorted(rows(t1.lateralJoin(sub))) == [(0, 1, 0), (0, 1, 1), (1, 2, 1), (1, 2, 2)]
