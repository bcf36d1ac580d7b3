"""spark.read / df.write: formats, options, modes, Spark's file names, _SUCCESS."""

from __future__ import annotations

import pytest

from sparkcli.errors import AnalysisException, SparkRuntimeException
from sparkcli.sql import functions as F
from sparkcli.sql.types import IntegerType, StringType, StructField, StructType

SCHEMA = StructType([StructField("Origin", StringType()), StructField("Dest", StringType()),
                     StructField("Delay", IntegerType())])


@pytest.fixture
def flights(tmp_path):
    d = tmp_path / "flights"
    d.mkdir()
    (d / "a.csv").write_text("Origin,Dest,Delay\nJFK,LAX,5\nJFK,LAX,x\n")
    (d / "b.csv").write_text("Origin,Dest,Delay\nSFO,JFK,7\n")
    (d / "_SUCCESS").write_text("")
    return d


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_text(spark, tmp_path):
    p = tmp_path / "w.txt"
    p.write_text("a b\r\n\nc\n")
    df = spark.read.text(str(p))
    assert df.dtypes == [("value", "string")] and rows(df) == [("a b",), ("",), ("c",)]
    assert df.rdd.map(lambda r: r[0]).collect() == ["a b", "", "c"]
    assert rows(spark.read.text(str(p), wholetext=True)) == [("a b\r\n\nc\n",)]


def test_csv_folder_with_schema_and_modes(spark, flights):
    df = spark.read.schema(SCHEMA).option("header", "true").csv(str(flights))
    assert sorted(rows(df), key=str) == sorted([("JFK", "LAX", 5), ("JFK", "LAX", None),
                                                ("SFO", "JFK", 7)], key=str)
    assert rows(df.groupBy("Origin", "Dest").count().orderBy("Origin")) == \
        [("JFK", "LAX", 2), ("SFO", "JFK", 1)]
    dropped = spark.read.csv(str(flights), schema=SCHEMA, header=True, mode="DROPMALFORMED")
    assert len(dropped.collect()) == 2
    # as Spark's CSV column pruning: count() parses no column, so no record is malformed
    assert dropped.count() == 3
    with pytest.raises(SparkRuntimeException, match=r"(?s)MALFORMED_RECORD_IN_PARSING.*"
                       r"record parsing: \[JFK,LAX,null\].*a\.csv, line 3"):
        spark.read.csv(str(flights), schema=SCHEMA, header=True, mode="FAILFAST").collect()
    inferred = spark.read.csv(str(flights / "b.csv"), header=True, inferSchema=True)
    assert inferred.dtypes == [("Origin", "string"), ("Dest", "string"), ("Delay", "int")]
    assert spark.read.csv(str(flights / "b.csv")).columns == ["_c0", "_c1", "_c2"]
    with pytest.raises(AnalysisException, match=r"^\[PATH_NOT_FOUND\] Path does not exist"):
        spark.read.csv(str(flights / "nope.csv"))


def test_write_and_read_back_every_format(spark, flights, tmp_path):
    df = spark.read.csv(str(flights), schema=SCHEMA, header=True).orderBy("Origin", "Delay")
    expected = rows(df)
    out = tmp_path / "out"
    df.write.parquet(str(out / "p"))
    df.write.csv(str(out / "c"), header=True)
    df.write.json(str(out / "j"))
    df.select("Origin").write.text(str(out / "t"))
    for fmt, ext in (("p", ".snappy.parquet"), ("c", ".csv"), ("j", ".json"), ("t", ".txt")):
        names = sorted(f.name for f in (out / fmt).iterdir())
        assert names[0] == "_SUCCESS" and len(names) > 1 and all(
            n.startswith("part-0000") and n.endswith(f"-c000{ext}") for n in names[1:])
    assert rows(spark.read.parquet(str(out / "p")).orderBy("Origin", "Delay")) == expected
    assert rows(spark.read.csv(str(out / "c"), schema=SCHEMA, header=True)
                .orderBy("Origin", "Delay")) == expected
    back = spark.read.json(str(out / "j"))
    assert back.columns == ["Delay", "Dest", "Origin"]  # JSON inference sorts the fields
    assert sorted(rows(spark.read.text(str(out / "t")))) == [("JFK",), ("JFK",), ("SFO",)]
    with pytest.raises(AnalysisException, match=r"^\[PATH_ALREADY_EXISTS\]"):
        df.write.parquet(str(out / "p"))
    df.limit(1).write.mode("overwrite").parquet(str(out / "p"))
    assert spark.read.parquet(str(out / "p")).count() == 1
    df.limit(1).write.mode("append").parquet(str(out / "p"))
    assert spark.read.parquet(str(out / "p")).count() == 2
    df.write.mode("ignore").parquet(str(out / "p"))
    assert spark.read.parquet(str(out / "p")).count() == 2


def test_partitioned_write_and_discovery(spark, flights, tmp_path):
    df = spark.read.csv(str(flights), schema=SCHEMA, header=True)
    df.write.partitionBy("Origin").parquet(str(tmp_path / "pp"))
    assert sorted(p.name for p in (tmp_path / "pp").iterdir()) == \
        ["Origin=JFK", "Origin=SFO", "_SUCCESS"]
    back = spark.read.parquet(str(tmp_path / "pp"))
    assert back.columns == ["Dest", "Delay", "Origin"]
    assert rows(back.groupBy("Origin").agg(F.count("*")).orderBy("Origin")) == \
        [("JFK", 2), ("SFO", 1)]


def test_failed_write_leaves_nothing(spark, tmp_path):
    df = spark.range(3).select((F.lit(1) / (F.col("id") - 2)).alias("x"))
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):
        df.write.parquet(str(tmp_path / "bad"))
    assert not (tmp_path / "bad").exists()
