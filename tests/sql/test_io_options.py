"""CSV/JSON reader options against real PySpark 4.3's results for the same files."""

from __future__ import annotations

import datetime

import pytest

from sparkcli.sql.types import Row

CSV = '1;"x;y";2024-01-02\n2;;\nbad;z;2024-13-45\n'


@pytest.fixture()
def csv_file(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("a;b;c\n" + CSV)
    return str(p)


def test_csv_corrupt_record_column_holds_the_line(spark, csv_file):
    df = spark.read.csv(csv_file, sep=";", header=True,
                        schema="a int, b string, c date, _corrupt_record string")
    assert df.collect() == [
        Row(a=1, b="x;y", c=datetime.date(2024, 1, 2), _corrupt_record=None),
        Row(a=2, b=None, c=None, _corrupt_record=None),
        Row(a=None, b="z", c=None, _corrupt_record="bad;z;2024-13-45")]
    named = spark.read.csv(csv_file, sep=";", header=True, columnNameOfCorruptRecord="bad_line",
                           schema="a int, b string, c date, bad_line string")
    assert [r.bad_line for r in named.collect()] == [None, None, "bad;z;2024-13-45"]


def test_csv_null_value_and_date_format(spark, csv_file):
    # an empty field stays NULL when nullValue names another text
    assert spark.read.csv(csv_file, sep=";", header=True, nullValue="z").collect() == [
        Row(a="1", b="x;y", c="2024-01-02"), Row(a="2", b=None, c=None),
        Row(a="bad", b=None, c="2024-13-45")]
    df = spark.read.csv(csv_file, sep=";", header=True, schema="a string, b string, c date",
                        dateFormat="yyyy-dd-MM")
    assert [r.c for r in df.collect()] == [datetime.date(2024, 2, 1), None, None]


def test_csv_timestamp_format(spark, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("ts\n02/01/2024 13:45\n")
    df = spark.read.csv(str(p), header=True, schema="ts timestamp",
                        timestampFormat="dd/MM/yyyy HH:mm")
    assert df.collect() == [Row(ts=datetime.datetime(2024, 1, 2, 13, 45))]


def test_json_primitives_as_string(spark, tmp_path):
    p = tmp_path / "j.json"
    p.write_text('{"a": 1, "b": 2.5, "c": true}\n{"a": 2, "b": null, "c": false}\n')
    df = spark.read.json(str(p), primitivesAsString=True)
    assert df.dtypes == [("a", "string"), ("b", "string"), ("c", "string")]
    assert df.collect() == [Row(a="1", b="2.5", c="true"), Row(a="2", b=None, c="false")]
