"""The filters a file scan lists in explain output (PartitionFilters, DataFilters,
PushedFilters, ReadSchema without partition columns): the scan lines of real PySpark 4.3's
explain for the same queries, modulo expression ids."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from sparkcli.sql import functions as F


def explained(df, mode=None) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        df.explain(mode) if mode else df.explain()
    return re.sub(r"#\d+", "#N", out.getvalue())


@pytest.fixture(scope="module")
def tables(spark, tmp_path_factory):
    d = tmp_path_factory.mktemp("scanfilters")
    spark.range(10).selectExpr("id", "cast(id as string) as s", "cast(id % 2 as int) as p") \
        .write.partitionBy("p").parquet(str(d / "t"))
    spark.range(10).selectExpr("id", "cast(id as string) as s").write.parquet(str(d / "u"))
    return d


def test_formatted_scan_block(spark, tables):
    df = spark.read.parquet(str(tables / "t"))
    text = explained(df.filter((F.col("id") > 3) & (F.col("p") == 1)).select("s"), "formatted")
    assert ("Batched: true\nLocation: InMemoryFileIndex [file:" + str(tables / "t") + "]\n"
            "PartitionFilters: [isnotnull(p#N), (p#N = 1)]\n"
            "PushedFilters: [IsNotNull(id), GreaterThan(id,3)]\n"
            "ReadSchema: struct<id:bigint,s:string>\n") in text
    text = explained(spark.read.parquet(str(tables / "u")).filter("id > 3 and s is not null"),
                     "formatted")
    assert "PushedFilters: [IsNotNull(id), GreaterThan(id,3), IsNotNull(s)]\n" \
           "ReadSchema: struct<id:bigint,s:string>\n" in text
    text = explained(spark.read.parquet(str(tables / "u")), "formatted")
    assert "Filters" not in text  # empty lists are left out, as Spark


def test_simple_scan_line(spark, tables):
    text = explained(spark.read.parquet(str(tables / "u")).filter("id > 3"))
    assert ("+- FileScan parquet [id#NL,s#N] Batched: true, DataFilters: [isnotnull(id#NL), "
            "(id#NL > 3)], Format: Parquet, Location: InMemoryFileIndex(1 paths)[file:"
            + str(tables / "u") + "], PartitionFilters: [], PushedFilters: [IsNotNull(id), "
            "GreaterThan(id,3)], ReadSchema: struct<id:bigint,s:string>") in text
    text = explained(spark.read.parquet(str(tables / "u"))
                     .filter((F.col("s").isin("1", "2")) | (F.col("id") <= 2)))
    assert "PushedFilters: [Or(In(s, [1,2]),LessThanOrEqual(id,2))]" in text
    text = explained(spark.read.parquet(str(tables / "u"))
                     .filter(F.col("s").startswith("1") & (F.lit(3) < F.col("id"))))
    assert "PushedFilters: [IsNotNull(s), IsNotNull(id), StringStartsWith(s,1), " \
           "GreaterThan(id,3)]" in text
