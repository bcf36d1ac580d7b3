"""Persistent views (CREATE/ALTER/DROP VIEW, SHOW VIEWS, DESCRIBE EXTENDED): stored in the
warehouse as SQL text and analysed again on every read, with Spark 4.3's errors and output
(checked against PySpark 4.3)."""

from __future__ import annotations

import pytest

from tests.sql.conftest import rows
from tests.sql.conftest import sql_error as error


@pytest.fixture
def base(spark):
    spark.sql("CREATE TABLE vt (a INT, b STRING) USING parquet")
    spark.sql("INSERT INTO vt VALUES (1, 'x'), (2, 'y')")
    yield spark
    for v in ("v1", "v2", "vv", "d2.dv"):
        spark.sql(f"DROP VIEW IF EXISTS {v}")
    spark.sql("DROP TABLE IF EXISTS vt")
    spark.sql("DROP DATABASE IF EXISTS d2 CASCADE")
    spark.sql("USE default")


def test_create_read_replace(base):
    spark = base
    spark.sql("CREATE VIEW v1 AS SELECT a, b FROM vt WHERE a > 1")
    df = spark.sql("SELECT * FROM v1")
    assert df.dtypes == [("a", "int"), ("b", "string")]
    assert rows(df) == [(2, "y")]
    assert error(spark, "CREATE VIEW v1 AS SELECT 1")[1] == (
        "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
        "`spark_catalog`.`default`.`v1` because it already exists.")
    spark.sql("CREATE VIEW IF NOT EXISTS v1 AS SELECT 1")
    spark.sql("CREATE OR REPLACE VIEW v1 (x COMMENT 'the x', y) COMMENT 'a view' AS "
              "SELECT a, b FROM vt")
    df = spark.sql("SELECT * FROM v1 ORDER BY x")
    assert df.dtypes == [("x", "int"), ("y", "string")]
    assert rows(df) == [(1, "x"), (2, "y")]
    assert rows(spark.sql("DESCRIBE v1")) == [("x", "int", "the x"), ("y", "string", None)]
    # a view reads the table's current data
    spark.sql("INSERT INTO vt VALUES (3, 'z')")
    assert spark.table("v1").count() == 3
    assert rows(spark.sql("SELECT * FROM spark_catalog.default.v1 WHERE x = 3")) == [(3, "z")]


def test_describe_extended_and_show(base):
    spark = base
    spark.sql("CREATE VIEW v1 (x COMMENT 'the x', y) COMMENT 'a view' AS SELECT a, b FROM vt")
    got = rows(spark.sql("DESCRIBE EXTENDED v1"))
    created = [r for r in got if r[0] == "Created Time"][0][1]
    assert got == [
        ("x", "int", "the x"), ("y", "string", None), ("", "", ""),
        ("# Detailed Table Information", "", ""), ("Catalog", "spark_catalog", ""),
        ("Database", "default", ""), ("Table", "v1", ""), ("Created Time", created, ""),
        ("Last Access", "UNKNOWN", ""), ("Created By", "Spark 4.3.0", ""),
        ("Type", "VIEW", ""), ("Comment", "a view", ""),
        ("View Text", "SELECT a, b FROM vt", ""),
        ("View Original Text", "SELECT a, b FROM vt", ""),
        ("View Schema Mode", "COMPENSATION", ""),
        ("View Catalog and Namespace", "spark_catalog.default", ""),
        ("View Query Output Columns", "[`a`, `b`]", "")]
    assert ("default", "v1", False) in rows(spark.sql("SHOW TABLES"))
    assert ("default", "vt", False) not in rows(spark.sql("SHOW VIEWS"))
    assert ("default", "v1", False) in rows(spark.sql("SHOW VIEWS LIKE 'v*'"))
    assert spark.sql("SHOW VIEWS").dtypes == [
        ("namespace", "string"), ("viewName", "string"), ("isTemporary", "boolean")]
    kinds = {t.name: t.tableType for t in spark.catalog.listTables()}
    assert kinds["v1"] == "VIEW" and kinds["vt"] == "MANAGED"


def test_errors_as_spark(base):
    spark = base
    spark.createDataFrame([(5,)], "z INT").createOrReplaceTempView("tv")
    cls, msg = error(spark, "CREATE VIEW v2 AS SELECT * FROM tv")
    assert cls == "INVALID_TEMP_OBJ_REFERENCE"
    assert msg == (
        "[INVALID_TEMP_OBJ_REFERENCE] Cannot create the persistent object "
        "`spark_catalog`.`default`.`v2` of the type VIEW because it references to the temporary "
        "object `tv` of the type VIEW. Please make the temporary object `tv` persistent, or make "
        "the persistent object `spark_catalog`.`default`.`v2` temporary. SQLSTATE: 42K0F")
    assert error(spark, "CREATE VIEW vt AS SELECT 1")[0] == "TABLE_OR_VIEW_ALREADY_EXISTS"
    assert error(spark, "CREATE OR REPLACE VIEW vt AS SELECT 1")[1] == (
        "[EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE] The table `spark_catalog`.`default`.`vt` does "
        "not support CREATE OR REPLACE VIEW.  SQLSTATE: 42809")
    assert error(spark, "ALTER VIEW vt AS SELECT 1")[1] == (
        "[EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE] The table `spark_catalog`.`default`.`vt` does "
        "not support ALTER VIEW ... AS.  SQLSTATE: 42809; line 1 pos 11")
    assert error(spark, "DROP VIEW vt")[1] == (
        "[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP VIEW requires a VIEW or "
        "METRIC_VIEW. But spark_catalog.default.vt is a MANAGED. Use DROP TABLE instead. "
        "SQLSTATE: 42809")
    assert error(spark, "DROP VIEW nov")[1] == (
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `spark_catalog`.`default`.`nov` cannot be "
        "found. Verify the spelling and correctness of the schema and catalog.")
    spark.sql("DROP VIEW IF EXISTS nov")
    assert error(spark, "ALTER VIEW nov AS SELECT 1")[0] == "TABLE_OR_VIEW_NOT_FOUND"
    assert error(spark, "CREATE VIEW v2 (p, q, r) AS SELECT a, b FROM vt")[0] == \
        "CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS"
    assert error(spark, "CREATE VIEW v2 (p) AS SELECT a, b FROM vt")[0] == \
        "CREATE_VIEW_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS"
    assert error(spark, "CREATE VIEW v2 AS SELECT a, a FROM vt")[1] == (
        "[COLUMN_ALREADY_EXISTS] The column `a` already exists. Choose another name or rename "
        "the existing column. SQLSTATE: 42711")
    assert error(spark, "CREATE VIEW v2 AS SELECT a+1, upper(b) FROM vt")[1] == (
        "[CREATE_PERMANENT_VIEW_WITHOUT_ALIAS] Not allowed to create the permanent view "
        "`spark_catalog`.`default`.`v2` without explicitly assigning an alias for the "
        "expression \"(a + 1)\". SQLSTATE: 0A000")
    spark.sql("CREATE VIEW v2 AS SELECT 1, CAST(a AS BIGINT), b FROM vt")  # named by Spark
    assert spark.table("v2").columns == ["1", "a", "b"]
    assert error(spark, "INSERT INTO v2 VALUES (1, 2, 'c')")[1] == (
        "[EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE] 'INSERT' expects a table but "
        "`spark_catalog`.`default`.`v2` is a view.  SQLSTATE: 42809; line 1 pos 12")
    spark.catalog.dropTempView("tv")


def test_views_over_views_and_alter(base):
    spark = base
    spark.sql("CREATE VIEW v1 AS SELECT a, b FROM vt")
    spark.sql("ALTER VIEW v1 AS SELECT a + 1 AS a1 FROM vt")
    assert rows(spark.sql("SELECT * FROM v1 ORDER BY a1")) == [(2,), (3,)]
    spark.sql("CREATE VIEW vv AS SELECT a1 * 2 AS d FROM v1")
    assert rows(spark.sql("SELECT * FROM vv ORDER BY d")) == [(4,), (6,)]
    # the outer view is analysed again: a changed inner view is seen, a missing column is not
    spark.sql("CREATE OR REPLACE VIEW v1 AS SELECT b FROM vt")
    assert error(spark, "SELECT * FROM vv")[0] == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    spark.sql("CREATE OR REPLACE VIEW v1 AS SELECT CAST(a AS BIGINT) AS a1 FROM vt")
    df = spark.sql("SELECT * FROM vv ORDER BY d")
    assert df.dtypes == [("d", "int")]  # cast back to the type stored at creation
    assert rows(df) == [(2,), (4,)]
    assert error(spark, "CREATE OR REPLACE VIEW v1 AS SELECT d AS a1 FROM vv")[1] == (
        "[RECURSIVE_VIEW] Recursive view `spark_catalog`.`default`.`v1` detected (cycle: "
        "`spark_catalog`.`default`.`v1` -> `spark_catalog`.`default`.`vv` -> "
        "`spark_catalog`.`default`.`v1`). SQLSTATE: 42K0H")
    # a temporary view of the same name hides the persistent one
    spark.sql("CREATE TEMP VIEW v1 AS SELECT 2 AS two")
    assert rows(spark.sql("SELECT * FROM v1")) == [(2,)]
    assert rows(spark.sql("SELECT count(*) FROM default.v1")) == [(2,)]
    spark.sql("DROP VIEW v1")  # the temporary one
    assert spark.table("v1").columns == ["a1"]
    spark.sql("DROP TABLE v1")  # DROP TABLE drops a view too, as Spark
    assert error(spark, "SELECT * FROM v1")[0] == "TABLE_OR_VIEW_NOT_FOUND"


def test_select_star_view_keeps_its_columns(base):
    spark = base
    spark.sql("CREATE VIEW v1 AS SELECT * FROM vt")
    spark.sql("DROP TABLE vt")
    spark.sql("CREATE TABLE vt (b STRING, c DOUBLE, a INT) USING parquet")
    spark.sql("INSERT INTO vt VALUES ('q', 1.5, 7)")
    df = spark.table("v1")
    assert df.dtypes == [("a", "int"), ("b", "string")]  # by name, as at creation
    assert rows(df) == [(7, "q")]
    spark.sql("DROP TABLE vt")
    spark.sql("CREATE TABLE vt (b STRING) USING parquet")
    cls, msg = error(spark, "SELECT * FROM v1")
    assert cls == "INCOMPATIBLE_VIEW_SCHEMA_CHANGE"
    assert msg.startswith("[INCOMPATIBLE_VIEW_SCHEMA_CHANGE] The SQL query of view "
                          "`spark_catalog`.`default`.`v1` has an incompatible schema change "
                          "and column a cannot be resolved. Expected 1 columns named a but "
                          "got [].")


def test_view_namespace_and_new_session(base):
    spark = base
    spark.sql("CREATE DATABASE d2")
    spark.sql("CREATE VIEW d2.dv AS SELECT a FROM vt")  # vt: default's, where it was created
    spark.sql("USE d2")
    assert rows(spark.sql("SELECT * FROM dv ORDER BY a")) == [(1,), (2,)]
    assert [r for r in rows(spark.sql("SHOW VIEWS")) if not r[2]] == [("d2", "dv", False)]
    assert ("default", "dv", False) not in rows(spark.sql("SHOW VIEWS IN default"))
    details = dict((r[0], r[1]) for r in rows(spark.sql("DESCRIBE EXTENDED d2.dv")))
    assert details["Database"] == "d2"
    assert details["View Catalog and Namespace"] == "spark_catalog.default"
    spark.sql("USE default")
    # the view lives in the warehouse: a new session on the same directory reads it
    other = spark.newSession()
    assert rows(other.sql("SELECT a FROM d2.dv ORDER BY a")) == [(1,), (2,)]
    other.sql("DROP VIEW d2.dv")
    assert error(spark, "SELECT * FROM d2.dv")[0] == "TABLE_OR_VIEW_NOT_FOUND"
