"""spark.catalog: every method of PySpark 4.3's Catalog; results and errors as real PySpark
4.3 gives them for the same calls."""

from __future__ import annotations

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql.catalog import (CatalogMetadata, Column, Database, Function, Table,
                                  TablePartition)
from sparkcli.sql.types import StructType
from tests.sql.conftest import rows

NOT_FOUND = "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found."


@pytest.fixture(scope="module")
def cat(spark):
    spark.range(3).selectExpr("id", "cast(id as string) as s", "id % 2 as p") \
        .write.partitionBy("p").saveAsTable("cat_t1")
    spark.range(2).createOrReplaceTempView("cat_tv")
    spark.sql("create view cat_pv as select 1 as x")
    yield spark.catalog
    for t in ("cat_t1", "cat_ext", "cat_m1"):
        spark.sql(f"drop table if exists {t}")
    spark.sql("drop view if exists cat_pv")
    spark.catalog.dropTempView("cat_tv")


def error(f):
    with pytest.raises(AnalysisException) as e:
        f()
    return str(e.value)


def test_same_methods_as_pyspark(spark):
    names = {"analyzeTable", "cacheTable", "clearCache", "createDatabase",
             "createExternalTable", "createTable", "currentCatalog", "currentDatabase",
             "databaseExists", "dropDatabase", "dropGlobalTempView", "dropTable",
             "dropTempView", "dropView", "functionExists", "getCreateTableString",
             "getDatabase", "getFunction", "getTable", "getTableProperties", "isCached",
             "listCatalogs", "listColumns", "listDatabases", "listFunctions", "listPartitions",
             "listTables", "listViews", "recoverPartitions", "refreshByPath", "refreshTable",
             "registerFunction", "setCurrentCatalog", "setCurrentDatabase", "tableExists",
             "truncateTable", "uncacheTable"}
    assert {n for n in dir(spark.catalog) if not n.startswith("_")} == names
    assert Column._fields == ("name", "description", "dataType", "nullable", "isPartition",
                              "isBucket", "isCluster")
    assert Function._fields == ("name", "catalog", "namespace", "description", "className",
                                "isTemporary")


def test_tables_views_and_columns(cat):
    assert cat.listColumns("cat_t1") == [
        Column("id", None, "bigint", True, False, False, False),
        Column("s", None, "string", True, False, False, False),
        Column("p", None, "bigint", True, True, False, False)]
    assert cat.listColumns("cat_tv") == [Column("id", None, "bigint", False, False, False,
                                                False)]
    assert error(lambda: cat.listColumns("nope")).startswith(NOT_FOUND)
    t1 = Table("cat_t1", "spark_catalog", ["default"], None, "MANAGED", False)
    assert cat.getTable("cat_t1") == t1 and cat.getTable("default.cat_t1") == t1
    assert cat.getTable("cat_tv") == Table("cat_tv", None, [], None, "TEMPORARY", True)
    assert cat.getTable("cat_pv") == Table("cat_pv", "spark_catalog", ["default"], None,
                                           "VIEW", False)
    assert error(lambda: cat.getTable("nope")).startswith(NOT_FOUND)
    assert [t.name for t in cat.listViews()] == ["cat_pv", "cat_tv"]
    assert [t.name for t in cat.listTables(pattern="cat_t*")] == ["cat_t1", "cat_tv"]
    assert cat.getTableProperties("cat_t1") == {}
    assert cat.listPartitions("cat_t1") == [TablePartition("p=0"), TablePartition("p=1")]
    assert cat.recoverPartitions("cat_t1") is None and cat.refreshTable("cat_t1") is None
    assert cat.refreshByPath("/nowhere") is None
    assert error(lambda: cat.refreshTable("nope")).startswith(NOT_FOUND)


def test_databases_and_catalogs(cat, spark):
    wh = spark.conf.get("spark.sql.warehouse.dir")
    assert cat.getDatabase("default") == Database("default", "spark_catalog",
                                                  "default database", f"file:{wh}")
    assert error(lambda: cat.getDatabase("nope")).startswith(
        "[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`nope` cannot be found.")
    assert (cat.databaseExists("default"), cat.databaseExists("nope")) == (True, False)
    cat.createDatabase("cat_db2")
    assert error(lambda: cat.createDatabase("cat_db2")).startswith(
        "[SCHEMA_ALREADY_EXISTS] Cannot create schema `cat_db2` because it already exists.")
    cat.createDatabase("cat_db2", ifNotExists=True)
    assert cat.getDatabase("cat_db2") == Database("cat_db2", "spark_catalog", "",
                                                  f"file:{wh}/cat_db2.db")
    cat.dropDatabase("cat_db2")
    assert error(lambda: cat.dropDatabase("cat_db2")).startswith("[SCHEMA_NOT_FOUND]")
    assert cat.listCatalogs() == [CatalogMetadata("spark_catalog", None)]
    assert cat.currentCatalog() == "spark_catalog"
    cat.setCurrentCatalog("spark_catalog")
    assert error(lambda: cat.setCurrentCatalog("other")) == (
        "[CATALOG_NOT_FOUND] The catalog `other` not found. Consider to set the SQL config "
        '"spark.sql.catalog.other" to a catalog plugin. SQLSTATE: 42P08')


def test_functions(cat, spark):
    assert (cat.functionExists("abs"), cat.functionExists("ABS"),
            cat.functionExists("nope")) == (True, True, False)
    assert cat.getFunction("abs") == Function(
        "abs", None, None, "abs(expr) - Returns the absolute value of the numeric or interval "
        "value.", "org.apache.spark.sql.catalyst.expressions.Abs", True)
    assert error(lambda: cat.getFunction("nope")) == (
        "[UNRESOLVED_ROUTINE] Cannot resolve routine `nope` on search path [`system`.`builtin`, "
        "`system`.`session`, `spark_catalog`.`default`]. SQLSTATE: 42883")
    names = [f.name for f in cat.listFunctions(pattern="array_*")]
    assert names[:3] == ["array_agg", "array_append", "array_compact"]
    assert len(cat.listFunctions()) > 450
    spark.udf.register("cat_udf", lambda x: x, "int")
    (f,) = [f for f in cat.listFunctions() if f.name == "cat_udf"]
    assert (f.description, f.isTemporary) == ("N/A.", True) and cat.functionExists("cat_udf")
    cat.registerFunction("cat_f2", lambda x: x + 1, "int")
    assert rows(spark.sql("select cat_f2(1)")) == [(2,)]


def test_create_tables(cat, spark, tmp_path):
    ext = tmp_path / "ext"
    ext.mkdir()
    (ext / "a.csv").write_text("1,x\n2,y\n")
    df = cat.createTable("cat_ext", path=str(ext), source="csv",
                         schema=StructType.fromDDL("a int, b string"))
    assert rows(df) == [(1, "x"), (2, "y")]
    assert cat.getTable("cat_ext").tableType == "EXTERNAL"
    cat.dropTable("cat_ext")
    assert (ext / "a.csv").exists()  # an external table's files stay
    df = cat.createExternalTable("cat_ext", path=str(ext), source="csv")
    assert df.columns == ["_c0", "_c1"] and rows(df) == [("1", "x"), ("2", "y")]
    assert rows(cat.createTable("cat_m1", schema=StructType.fromDDL("a int, b string"),
                                description="hello")) == []
    assert cat.getTable("cat_m1") == Table("cat_m1", "spark_catalog", ["default"], "hello",
                                           "MANAGED", False)
    assert error(lambda: cat.createTable("cat_m1", schema=StructType.fromDDL("a int"))) \
        .startswith("[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                    "`spark_catalog`.`default`.`cat_m1` because it already exists.")
    assert cat.getCreateTableString("cat_m1").startswith(
        "CREATE TABLE spark_catalog.default.cat_m1 (\n  a INT,\n  b STRING")
    spark.sql("insert into cat_m1 values (1, 'a')")
    cat.truncateTable("cat_m1")
    assert rows(spark.table("cat_m1")) == []
    cat.analyzeTable("cat_m1")
    cat.dropTable("cat_m1")
    assert error(lambda: cat.dropTable("cat_m1")).startswith("[TABLE_OR_VIEW_NOT_FOUND]")
    cat.dropTable("cat_m1", ifExists=True)


def test_caching_and_views(cat, spark):
    assert cat.isCached("cat_t1") is False
    cat.cacheTable("cat_t1")
    assert cat.isCached("cat_t1") is True
    cat.clearCache()
    assert cat.isCached("cat_t1") is False
    assert error(lambda: cat.isCached("nope")).startswith(NOT_FOUND)
    spark.sql("create view cat_pv2 as select 2 as y")
    cat.dropView("cat_pv2")
    assert error(lambda: cat.dropView("cat_pv2")).startswith("[TABLE_OR_VIEW_NOT_FOUND]")
    cat.dropView("cat_pv2", ifExists=True)
    spark.catalog.dropTempView("cat_t1")  # cacheTable's view over the table
