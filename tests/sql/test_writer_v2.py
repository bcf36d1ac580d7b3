"""df.writeTo(table): DataFrameWriterV2 over the warehouse. ``create`` and its errors are
real PySpark 4.3's; Spark's session catalog refuses the other writes for its file tables
("Cannot write into v1 table"), which the warehouse does (sparkcli/sql/readwriter.py)."""

from __future__ import annotations

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import DataFrameWriterV2
from sparkcli.sql import functions as F
from tests.sql.conftest import rows


def test_create_replace_and_append(spark):
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id int, p string")
    assert isinstance(df.writeTo("v2_t1"), DataFrameWriterV2)
    df.writeTo("v2_t1").create()
    assert sorted(rows(spark.table("v2_t1"))) == [(1, "a"), (2, "b")]
    with pytest.raises(AnalysisException) as e:
        df.writeTo("v2_t1").create()
    assert str(e.value).startswith(
        "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
        "`spark_catalog`.`default`.`v2_t1` because it already exists.")
    spark.createDataFrame([("z", 9)], "p string, id int").writeTo("v2_t1").append()  # by name
    assert sorted(rows(spark.table("v2_t1"))) == [(1, "a"), (2, "b"), (9, "z")]
    with pytest.raises(AnalysisException, match=r"^\[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_"
                       r"DATA\] Cannot write incompatible data for the table `spark_catalog`."
                       r"`default`.`v2_t1`: Cannot find data for the output column `id`"):
        spark.createDataFrame([(1,)], "x int").writeTo("v2_t1").append()
    with pytest.raises(AnalysisException, match=r"^\[INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS"):
        df.withColumn("q", F.lit(1)).writeTo("v2_t1").append()
    with pytest.raises(AnalysisException, match=r"^\[TABLE_OR_VIEW_NOT_FOUND\] The table or "
                       r"view `v2_nope` cannot be found"):
        df.writeTo("v2_nope").append()
    df.limit(1).writeTo("v2_t1").replace()
    assert rows(spark.table("v2_t1")) == [(1, "a")]
    with pytest.raises(AnalysisException, match=r"^\[CANNOT_REPLACE_MISSING_TABLE\]"):
        df.writeTo("v2_nope").replace()
    spark.sql("drop table v2_t1")


def test_create_or_replace_with_layout_and_overwrites(spark, tmp_path):
    df = spark.createDataFrame([(1, "a"), (2, "b"), (3, "b")], "id int, p string")
    df.writeTo("v2_t2").using("parquet").partitionedBy("p").tableProperty("k", "v") \
        .createOrReplace()
    desc = {r[0]: r[1] for r in spark.sql("describe table extended v2_t2").collect()}
    assert desc["Provider"] == "parquet" and desc["Table Properties"] == "[k=v]"
    assert spark.catalog.listColumns("v2_t2")[1].isPartition
    # overwrite(condition): the selected rows go, the new ones come
    spark.createDataFrame([(10, "a")], "id int, p string").writeTo("v2_t2") \
        .overwrite(F.col("id") == 1)
    assert sorted(rows(spark.table("v2_t2"))) == [(2, "b"), (3, "b"), (10, "a")]
    spark.createDataFrame([(20, "c")], "id int, p string").writeTo("v2_t2").overwrite("id > 2")
    assert sorted(rows(spark.table("v2_t2"))) == [(2, "b"), (20, "c")]
    # overwritePartitions: only the partitions of the new rows are replaced
    spark.createDataFrame([(30, "b")], "id int, p string").writeTo("v2_t2") \
        .overwritePartitions()
    assert sorted(rows(spark.table("v2_t2"))) == [(20, "c"), (30, "b")]
    df.writeTo("v2_t2").createOrReplace()  # replaced: no partitioning, no property
    assert sorted(rows(spark.table("v2_t2"))) == [(1, "a"), (2, "b"), (3, "b")]
    assert not spark.catalog.listColumns("v2_t2")[1].isPartition
    df.writeTo("v2_t2").overwritePartitions()  # unpartitioned: every row replaced
    assert sorted(rows(spark.table("v2_t2"))) == [(1, "a"), (2, "b"), (3, "b")]
    spark.sql("drop table v2_t2")


def test_provider_options_and_transforms(spark):
    df = spark.createDataFrame([(1, "a")], "id int, p string")
    df.writeTo("v2_t3").using("csv").option("header", "true").create()
    assert rows(spark.table("v2_t3")) == [(1, "a")]
    with pytest.raises(AnalysisException) as e:
        df.writeTo("v2_t4").partitionedBy(F.years("x")).create()
    assert str(e.value) == (
        "[UNSUPPORTED_PARTITION_TRANSFORM] Unsupported partition transform: `years(x)`. The "
        "supported transforms are `identity`, `bucket`, and `clusterBy`. Ensure your "
        "transform expression uses one of these. SQLSTATE: 0A000")
    df.writeTo("v2_t5").clusterBy("id").create()
    assert rows(spark.table("v2_t5")) == [(1, "a")]
    spark.sql("drop table v2_t3")
    spark.sql("drop table v2_t5")
