"""CSV quote, escape, whitespace, comment and null/empty edge cases, read and written, against
a table of real PySpark 4.3 results (tests/sql/data/csv_spark_cases.json, recorded by
tests/sql/csv_spark_cases.py; no PySpark needed here)."""

from __future__ import annotations

import json
import os

import pytest

from tests.sql.csv_spark_cases import READ_CASES, RECORDED, TWO, WRITE_CASES

with open(RECORDED, encoding="utf-8") as _f:
    SPARK = json.load(_f)


@pytest.mark.parametrize("name,text,options,schema", READ_CASES, ids=[c[0] for c in READ_CASES])
def test_read_as_spark(spark, tmp_path, name, text, options, schema):
    want = SPARK["read"][name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode("utf-8"))
    reader = spark.read.options(**options)
    reader = reader.schema(schema) if schema else reader
    if "error" in want:
        with pytest.raises(Exception) as info:
            reader.csv(str(path)).collect()
        assert want["error"] == "Py4JJavaError"  # Spark: [FAILED_READ_FILE.NO_HINT]
        assert "[FAILED_READ_FILE.NO_HINT]" in str(info.value)
        return
    df = reader.csv(str(path))
    assert df.schema.simpleString() == want["schema"]
    assert [list(r) for r in df.collect()] == want["rows"]


@pytest.mark.parametrize("name,options", WRITE_CASES, ids=[c[0] for c in WRITE_CASES])
def test_write_as_spark(spark, tmp_path, name, options):
    out = tmp_path / name
    spark.createDataFrame(TWO, "a STRING, b STRING").coalesce(1).write.options(
        **options).csv(str(out))
    [part] = [p for p in os.listdir(out) if p.startswith("part-")]
    assert (out / part).read_bytes().decode("utf-8") == SPARK["write"][name]["text"]
