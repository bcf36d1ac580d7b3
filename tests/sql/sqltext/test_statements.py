"""spark.sql statements: views, warehouse tables, SHOW/DESCRIBE/SET/EXPLAIN/CACHE, with
Spark's output columns."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_temp_views(views):
    spark = views
    assert spark.sql("CREATE OR REPLACE TEMP VIEW big AS SELECT id FROM t WHERE id > 1") \
        .columns == []
    assert rows(spark.sql("SELECT * FROM big ORDER BY id")) == [(2,), (3,)]
    with pytest.raises(AnalysisException) as e:
        spark.sql("CREATE TEMP VIEW big AS SELECT 1")
    assert e.value.getErrorClass() == "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS"
    spark.sql("CREATE GLOBAL TEMP VIEW gv AS SELECT 7 AS x")
    assert rows(spark.sql("SELECT x FROM global_temp.gv")) == [(7,)]
    spark.sql("DROP VIEW big")
    spark.sql("DROP VIEW IF EXISTS big")
    with pytest.raises(AnalysisException):
        spark.sql("SELECT * FROM big")


def test_show_describe_set(views):
    spark = views
    df = spark.sql("SHOW TABLES")
    assert df.dtypes == [("namespace", "string"), ("tableName", "string"),
                         ("isTemporary", "boolean")]
    assert ("", "t", True) in rows(df)
    assert rows(spark.sql("SHOW DATABASES")) == [("default",)] or \
        ("default",) in rows(spark.sql("SHOW DATABASES"))
    assert rows(spark.sql("SHOW COLUMNS IN t")) == [("id",), ("k",), ("v",)]
    d = spark.sql("DESCRIBE t")
    assert d.dtypes == [("col_name", "string"), ("data_type", "string"),
                        ("comment", "string")]
    assert rows(d) == [("id", "int", None), ("k", "string", None), ("v", "double", None)]
    assert rows(spark.sql("SET spark.sql.shuffle.partitions=7")) == \
        [("spark.sql.shuffle.partitions", "7")]
    assert rows(spark.sql("SET spark.sql.shuffle.partitions")) == \
        [("spark.sql.shuffle.partitions", "7")]
    spark.sql("RESET spark.sql.shuffle.partitions")
    assert rows(spark.sql("SET spark.sql.shuffle.partitions")) == \
        [("spark.sql.shuffle.partitions", "200")]
    assert ("upper",) in rows(spark.sql("SHOW FUNCTIONS LIKE 'upp*'"))
    assert rows(spark.sql("DESCRIBE FUNCTION upper"))[0] == ("Function: upper",)


def test_explain(views):
    df = views.sql("EXPLAIN SELECT id FROM t WHERE id > 1")
    assert df.columns == ["plan"]
    text = df.collect()[0].plan
    assert text.startswith("== Physical Plan ==")
    assert "== Analyzed Logical Plan ==" in views.sql(
        "EXPLAIN EXTENDED SELECT id FROM t").collect()[0].plan


def test_cache(views):
    views.sql("CACHE TABLE t")
    assert views.catalog.isCached("t")
    views.sql("UNCACHE TABLE t")
    assert not views.catalog.isCached("t")
    views.sql("CACHE LAZY TABLE c1 AS SELECT id FROM u")
    assert rows(views.sql("SELECT count(*) FROM c1")) == [(3,)]


def test_warehouse_tables(views, tmp_path):
    spark = views
    spark.sql("CREATE TABLE people (name STRING, age INT) USING parquet")
    spark.sql("INSERT INTO people VALUES ('ann', 30), ('bob', 41)")
    spark.sql("INSERT INTO people SELECT 'cy', 5")
    assert rows(spark.sql("SELECT * FROM people ORDER BY name")) == \
        [("ann", 30), ("bob", 41), ("cy", 5)]
    spark.sql("INSERT OVERWRITE TABLE people SELECT 'dee', 7")
    assert rows(spark.table("people")) == [("dee", 7)]
    spark.sql("CREATE TABLE ages USING csv PARTITIONED BY (k) AS SELECT id, k FROM t")
    assert rows(spark.sql("SELECT id, k FROM ages ORDER BY id")) == \
        [(1, "a"), (2, "b"), (3, "a")]
    assert ("default", "ages", False) in rows(spark.sql("SHOW TABLES"))
    assert spark.catalog.tableExists("ages")
    # a new session on the same warehouse sees the tables
    other = spark.newSession()
    assert rows(other.sql("SELECT count(*) FROM people")) == [(1,)]
    spark.createDataFrame([(1, "x")], "a INT, b STRING").write.saveAsTable("saved")
    spark.createDataFrame([(2, "y")], "a INT, b STRING").write.mode("append") \
        .saveAsTable("saved")
    assert rows(spark.read.table("saved").orderBy("a")) == [(1, "x"), (2, "y")]
    with pytest.raises(AnalysisException) as e:
        spark.createDataFrame([(1, "x")], "a INT, b STRING").write.saveAsTable("saved")
    assert e.value.getErrorClass() == "TABLE_OR_VIEW_ALREADY_EXISTS"
    spark.createDataFrame([(3, "z")], "a INT, b STRING").write.insertInto("saved")
    assert spark.table("saved").count() == 3
    spark.sql("DROP TABLE saved")
    spark.sql("DROP TABLE IF EXISTS saved")
    with pytest.raises(AnalysisException) as e:
        spark.sql("DROP TABLE saved")
    assert e.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"


def test_databases(views):
    spark = views
    spark.sql("CREATE DATABASE IF NOT EXISTS sales")
    spark.sql("CREATE TABLE sales.orders (id INT) USING json")
    spark.sql("INSERT INTO sales.orders VALUES (1), (2)")
    spark.sql("USE sales")
    assert spark.catalog.currentDatabase() == "sales"
    assert rows(spark.sql("SELECT sum(id) FROM orders")) == [(3,)]
    spark.sql("USE default")
    assert ("sales",) in rows(spark.sql("SHOW DATABASES"))
    with pytest.raises(AnalysisException) as e:
        spark.sql("DROP DATABASE sales")
    assert e.value.getErrorClass() == "SCHEMA_NOT_EMPTY"
    spark.sql("DROP DATABASE sales CASCADE")
    assert ("sales",) not in rows(spark.sql("SHOW DATABASES"))


def test_describe_function_prints_sparks_usage(spark):
    """DESCRIBE FUNCTION [EXTENDED]: Spark 4.3's rows (runtime/sql/formatting/function_docs)."""
    rows = [r[0] for r in spark.sql("DESCRIBE FUNCTION upper").collect()]
    assert rows == ["Function: upper", "Class: org.apache.spark.sql.catalyst.expressions.Upper",
                    "Usage: upper(str) - Returns `str` with all characters changed to "
                    "uppercase."]
    rows = [r[0] for r in spark.sql("DESCRIBE FUNCTION EXTENDED abs").collect()]
    assert rows[2] == "Usage: abs(expr) - Returns the absolute value of the numeric or " \
        "interval value."
    assert rows[3].startswith("Extended Usage:\n    Arguments:\n      * expr - The numeric")
    assert "> SELECT abs(-1);\n       1\n" in rows[3]
