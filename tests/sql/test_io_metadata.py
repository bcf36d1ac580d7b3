"""The hidden ``_metadata`` column of file scans and ``input_file_name()``, as Spark 4.3
(expected values from PySpark 4.3 on the same files)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from sparkcli.sql import functions as F
from runtime.sql.errors import AnalysisException

META_FIELDS = ["file_path", "file_name", "file_size", "file_block_start", "file_block_length",
               "file_modification_time"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("meta") / "p"
    (root / "k=1").mkdir(parents=True)
    (root / "k=1" / "f1.csv").write_text("a,b\n1,x\n2,y\n")
    (root / "k=1" / "f 2.csv").write_text("a,b\n3,z\n")
    return root


def test_metadata_schema_is_hidden_until_named(spark, data):
    df = spark.read.option("header", True).csv(str(data))
    assert df.columns == ["a", "b", "k"]
    assert df.select("*").columns == ["a", "b", "k"]
    out = df.select("*", "_metadata")
    assert out.columns == ["a", "b", "k", "_metadata"]
    meta = out.schema["_metadata"]
    assert meta.nullable is False
    assert [f.name for f in meta.dataType.fields] == META_FIELDS
    assert [f.dataType.simpleString() for f in meta.dataType.fields] == \
        ["string", "string", "bigint", "bigint", "bigint", "timestamp"]
    assert all(not f.nullable for f in meta.dataType.fields)


def test_metadata_values_and_input_file_name(spark, data):
    df = spark.read.option("header", True).csv(str(data))
    rows = df.select("a", "_metadata.file_name", "_metadata.file_path", "_metadata.file_size",
                     "_metadata.file_block_start", "_metadata.file_block_length",
                     F.input_file_name(), F.input_file_block_start(),
                     F.input_file_block_length()).orderBy("a").collect()
    d = str(data)
    assert [tuple(r) for r in rows] == [
        ("1", "f1.csv", f"file:{d}/k=1/f1.csv", 12, 0, 12, f"file://{d}/k=1/f1.csv", 0, 12),
        ("2", "f1.csv", f"file:{d}/k=1/f1.csv", 12, 0, 12, f"file://{d}/k=1/f1.csv", 0, 12),
        ("3", "f%202.csv", f"file:{d}/k=1/f%202.csv", 8, 0, 8, f"file://{d}/k=1/f%202.csv",
         0, 8)]
    assert rows[0].__fields__[6:] == ["input_file_name()", "input_file_block_start()",
                                      "input_file_block_length()"]
    mtime = df.select("_metadata.file_modification_time").collect()[0][0]
    expected = os.stat(data / "k=1" / "f1.csv").st_mtime_ns // 1_000_000
    assert isinstance(mtime, dt.datetime)
    stamp = int(mtime.replace(tzinfo=dt.timezone.utc).timestamp() * 1000) \
        if os.environ.get("TZ") == "UTC" else None
    assert stamp in (None, expected)


def test_metadata_in_filter_group_by_and_getitem(spark, data):
    df = spark.read.option("header", True).csv(str(data))
    small = df.filter(F.col("_metadata.file_size") > 10)
    assert small.columns == ["a", "b", "k"]
    assert sorted(r.a for r in small.collect()) == ["1", "2"]
    counts = df.groupBy("_metadata.file_name").count().orderBy("file_name").collect()
    assert [tuple(r) for r in counts] == [("f%202.csv", 1), ("f1.csv", 2)]
    names = df.select(df["_metadata"].file_name).collect()
    assert sorted(r[0] for r in names) == ["f%202.csv", "f1.csv", "f1.csv"]
    assert df.select(df["_metadata"].file_name).columns == ["_metadata.file_name"]


def test_metadata_is_an_ordinary_column_once_selected(spark, data):
    df = spark.read.option("header", True).csv(str(data)).select("a", "_metadata")
    assert df.select("*").columns == ["a", "_metadata"]
    assert df.select("_metadata.file_size").distinct().count() == 2


def test_parquet_metadata_has_row_index(spark, data, tmp_path):
    spark.read.option("header", True).csv(str(data)).coalesce(1).write.parquet(
        str(tmp_path / "pq"))
    pq = spark.read.parquet(str(tmp_path / "pq"))
    meta = pq.select("_metadata").schema["_metadata"].dataType
    assert [f.name for f in meta.fields] == META_FIELDS + ["row_index"]
    rows = pq.select("a", "_metadata.row_index", "_metadata.file_name").collect()
    assert [r.row_index for r in rows] == [0, 1, 2]
    assert rows[0].file_name.startswith("part-00000-") and \
        rows[0].file_name.endswith(".snappy.parquet")


def test_no_metadata_without_files(spark):
    local = spark.createDataFrame([(1,)], "x int")
    assert local.select(F.input_file_name()).collect()[0][0] == ""
    assert local.select(F.input_file_block_start()).collect()[0][0] == -1
    with pytest.raises(AnalysisException, match=r"UNRESOLVED_COLUMN.*`_metadata`"):
        local.select("_metadata")


def test_input_file_name_is_empty_after_a_shuffle(spark, data):
    df = spark.read.option("header", True).csv(str(data))
    rows = df.groupBy("a").count().select(F.input_file_name()).collect()
    assert [r[0] for r in rows] == ["", "", ""]


def test_text_metadata_per_line(spark, data):
    t = spark.read.text(str(data))
    names = sorted(r[0] for r in t.select("_metadata.file_name").collect())
    assert names == ["f%202.csv", "f%202.csv", "f1.csv", "f1.csv", "f1.csv"]


def test_metadata_column_method(spark, data):
    df = spark.read.option("header", True).csv(str(data))
    rows = df.select(df.metadataColumn("_metadata").file_name).collect()
    assert sorted(r[0] for r in rows) == ["f%202.csv", "f1.csv", "f1.csv"]
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN"):
        df.metadataColumn("_other")
