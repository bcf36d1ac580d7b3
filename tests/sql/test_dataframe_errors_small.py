"""Small API behaviours checked against PySpark 4.3: the argument type errors of select,
filter and withColumn, and current_database() after USE."""

from __future__ import annotations

import pytest

from runtime.sql.errors import PySparkTypeError
from sparkcli.sql import functions as F


@pytest.mark.parametrize("call, message", [
    (lambda df: df.select(1.5),
     "[NOT_EXPECTED_TYPE] Argument `col` should be Column or str, got float."),
    (lambda df: df.select(None),
     "[NOT_EXPECTED_TYPE] Argument `col` should be Column or str, got NoneType."),
    (lambda df: df.select([1]),
     "[NOT_EXPECTED_TYPE] Argument `col` should be Column or str, got int."),
    (lambda df: df.filter(1.5),
     "[NOT_EXPECTED_TYPE] Argument `condition` should be Column or str, got float."),
    (lambda df: df.withColumn("x", 1),
     "[NOT_EXPECTED_TYPE] Argument `col` should be Column, got int."),
])
def test_argument_type_errors(spark, call, message):
    with pytest.raises(PySparkTypeError) as info:
        call(spark.range(2))
    assert str(info.value) == message
    assert info.value.getErrorClass() == "NOT_EXPECTED_TYPE"


def test_current_database_after_use(spark, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # ./spark-warehouse
    try:
        spark.sql("CREATE DATABASE IF NOT EXISTS dbx")
        spark.sql("USE dbx")
        row = spark.sql("select current_database(), current_schema()").collect()[0]
        assert tuple(row) == ("dbx", "dbx")
        assert row.__fields__ == ["current_schema()", "current_schema()"]
        assert spark.range(1).select(F.current_database()).collect()[0][0] == "dbx"
    finally:
        spark.sql("USE default")
    assert spark.range(1).select(F.current_database()).collect()[0][0] == "default"
