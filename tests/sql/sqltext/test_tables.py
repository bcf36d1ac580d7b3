"""Table statements: SHOW CREATE TABLE, TRUNCATE TABLE, ALTER TABLE ADD COLUMNS / RENAME TO,
ANALYZE TABLE ... COMPUTE STATISTICS, with PySpark 4.3's output and errors."""

from __future__ import annotations

import re

import pytest

from tests.sql.conftest import rows
from tests.sql.conftest import sql_error as error


@pytest.fixture
def tables(spark):
    spark.sql("CREATE TABLE tt (a INT, b STRING) USING parquet")
    spark.sql("INSERT INTO tt VALUES (1, 'x'), (2, 'y')")
    yield spark
    for t in ("tt", "tt2", "pt"):
        spark.sql(f"DROP TABLE IF EXISTS {t}")
    for v in ("v4", "v5"):
        spark.sql(f"DROP VIEW IF EXISTS {v}")


def test_show_create_table(tables):
    spark = tables
    spark.sql("CREATE TABLE pt (a INT, b STRING, p INT) USING parquet PARTITIONED BY (p) "
              "COMMENT 'tbl' OPTIONS ('compression'='snappy') TBLPROPERTIES ('k'='v')")
    df = spark.sql("SHOW CREATE TABLE pt")
    assert df.dtypes == [("createtab_stmt", "string")]
    assert rows(df) == [(
        "CREATE TABLE spark_catalog.default.pt (\n  a INT,\n  b STRING COLLATE UTF8_BINARY,\n"
        "  p INT)\nUSING parquet\nOPTIONS (\n  'compression' = 'snappy')\nPARTITIONED BY (p)\n"
        "COMMENT 'tbl'\nTBLPROPERTIES (\n  'k' = 'v')\n",)]
    got = rows(spark.sql("DESCRIBE EXTENDED pt"))
    assert got[:6] == [("a", "int", None), ("b", "string", None), ("p", "int", None),
                       ("# Partition Information", "", ""),
                       ("# col_name", "data_type", "comment"), ("p", "int", None)]
    tail = [r for r in got if r[0] in ("Type", "Provider", "Comment", "Table Properties",
                                       "Storage Properties", "Partition Provider")]
    assert tail == [("Type", "MANAGED", ""), ("Provider", "parquet", ""),
                    ("Comment", "tbl", ""), ("Table Properties", "[k=v]", ""),
                    ("Storage Properties", "[compression=snappy]", ""),
                    ("Partition Provider", "Catalog", "")]
    spark.sql("CREATE VIEW v4 AS SELECT * FROM tt")
    assert rows(spark.sql("SHOW CREATE TABLE v4")) == [
        ("CREATE VIEW default.v4 (\n  a,\n  b)\nWITH SCHEMA COMPENSATION\nAS SELECT * FROM tt\n",)]
    assert error(spark, "SHOW CREATE TABLE nope")[0] == "TABLE_OR_VIEW_NOT_FOUND"


def test_truncate(tables):
    spark = tables
    spark.sql("TRUNCATE TABLE tt")
    assert rows(spark.sql("SELECT count(*) FROM tt")) == [(0,)]
    spark.sql("INSERT INTO tt VALUES (3, 'z')")
    assert rows(spark.sql("SELECT * FROM tt")) == [(3, "z")]
    spark.sql("CREATE VIEW v5 AS SELECT a FROM tt")
    assert error(spark, "TRUNCATE TABLE v5")[1] == (
        "[EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE] 'TRUNCATE TABLE' expects a table but "
        "`spark_catalog`.`default`.`v5` is a view.  SQLSTATE: 42809; line 1 pos 15")
    assert error(spark, "TRUNCATE TABLE nope")[0] == "TABLE_OR_VIEW_NOT_FOUND"


def test_add_columns_and_rename(tables):
    spark = tables
    spark.sql("ALTER TABLE tt ADD COLUMNS (c DOUBLE COMMENT 'cc', d INT)")
    df = spark.sql("SELECT * FROM tt ORDER BY a")
    assert df.dtypes == [("a", "int"), ("b", "string"), ("c", "double"), ("d", "int")]
    assert rows(df) == [(1, "x", None, None), (2, "y", None, None)]
    assert rows(spark.sql("DESCRIBE tt")) == [("a", "int", None), ("b", "string", None),
                                               ("c", "double", "cc"), ("d", "int", None)]
    spark.sql("INSERT INTO tt VALUES (3, 'z', 1.5, 7)")
    assert rows(spark.sql("SELECT c, d FROM tt WHERE a = 3")) == [(1.5, 7)]
    assert error(spark, "ALTER TABLE tt ADD COLUMNS (a INT)")[1] == (
        "[COLUMN_ALREADY_EXISTS] The column `a` already exists. Choose another name or rename "
        "the existing column. SQLSTATE: 42711")
    spark.sql("ALTER TABLE tt RENAME TO tt2")
    assert rows(spark.sql("SELECT count(*) FROM tt2")) == [(3,)]
    assert error(spark, "SELECT * FROM tt")[0] == "TABLE_OR_VIEW_NOT_FOUND"
    spark.sql("CREATE VIEW v5 AS SELECT a FROM tt2")
    assert error(spark, "ALTER TABLE tt2 RENAME TO v5")[1] == (
        "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `default`.`v5` because it "
        "already exists.")
    spark.sql("ALTER VIEW v5 RENAME TO v4")
    assert rows(spark.sql("SELECT count(*) FROM v4")) == [(3,)]


def test_analyze_table(tables):
    spark = tables
    spark.sql("ANALYZE TABLE tt COMPUTE STATISTICS NOSCAN")
    spark.sql("ANALYZE TABLE tt COMPUTE STATISTICS FOR COLUMNS a")
    spark.sql("ANALYZE TABLE tt COMPUTE STATISTICS FOR ALL COLUMNS")
    spark.sql("ANALYZE TABLE tt COMPUTE STATISTICS")
    details = dict((r[0], r[1]) for r in rows(spark.sql("DESCRIBE EXTENDED tt")))
    assert re.fullmatch(r"\d+ bytes, 2 rows", details["Statistics"])
    assert error(spark, "ANALYZE TABLE nope COMPUTE STATISTICS")[0] == "TABLE_OR_VIEW_NOT_FOUND"
