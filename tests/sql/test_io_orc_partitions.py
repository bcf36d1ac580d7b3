"""ORC read/write and Hive partition directories as Spark writes and reads them."""

from __future__ import annotations

import datetime
import decimal
import os

from sparkcli.sql.types import Row


def _tree(root):
    out = []
    for path, _, files in sorted(os.walk(root)):
        rel = os.path.relpath(path, root)
        out += [os.path.normpath(os.path.join(rel, f)) for f in sorted(files)
                if not f.startswith(".")]
    return out


def test_orc_round_trip_with_spark_file_names(spark, tmp_path):
    df = spark.createDataFrame(
        [(1, "a", 2.5, datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5),
          decimal.Decimal("1.23"), [1, 2], True)],
        "i int, s string, d double, dt date, ts timestamp, dec decimal(5,2), arr array<int>, "
        "b boolean")
    out = str(tmp_path / "o1")
    df.write.orc(out)
    files = _tree(out)
    assert files[0] == "_SUCCESS" and len(files) == 2
    assert files[1].startswith("part-00000-") and files[1].endswith("-c000.snappy.orc")
    back = spark.read.orc(out)
    assert back.schema == df.schema
    assert back.collect() == df.collect()
    assert spark.read.format("orc").load(out).count() == 1
    df.write.mode("overwrite").orc(out, compression="zlib")
    assert _tree(out)[1].endswith("-c000.zlib.orc")


def test_partition_directories_as_spark_names_and_types_them(spark, tmp_path):
    df = spark.createDataFrame(
        [(1, "a/b", True, datetime.date(2024, 1, 2), 1.5), (2, None, False, None, 2.0)],
        "i int, s string, b boolean, dt date, d double")
    out = str(tmp_path / "p")
    df.write.partitionBy("b", "s", "dt", "d").parquet(out)
    dirs = sorted(os.path.dirname(f) for f in _tree(out) if f.endswith(".parquet"))
    assert dirs == ["b=false/s=__HIVE_DEFAULT_PARTITION__/dt=__HIVE_DEFAULT_PARTITION__/d=2.0",
                    "b=true/s=a%2Fb/dt=2024-01-02/d=1.5"]
    back = spark.read.parquet(out)
    assert back.dtypes == [("i", "int"), ("b", "boolean"), ("s", "string"), ("dt", "date"),
                           ("d", "double")]
    assert sorted(back.collect()) == [
        Row(i=1, b=True, s="a/b", dt=datetime.date(2024, 1, 2), d=1.5),
        Row(i=2, b=False, s=None, dt=None, d=2.0)]
