"""toArrow/toPandas and createDataFrame from a pyarrow Table or a pandas DataFrame."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest

from runtime.sql.errors import PySparkValueError
from sparkcli.sql.types import Row


def test_to_arrow_and_back(spark):
    df = spark.createDataFrame([(1, "a", datetime.date(2024, 1, 2)), (2, None, None)],
                               "id bigint, s string, d date")
    t = df.toArrow()
    assert t.schema.names == ["id", "s", "d"]
    assert t.column("id").type == pa.int64() and t.column("d").type == pa.date32()
    assert t.to_pylist() == [{"id": 1, "s": "a", "d": datetime.date(2024, 1, 2)},
                             {"id": 2, "s": None, "d": None}]
    back = spark.createDataFrame(t)
    assert back.dtypes == df.dtypes and back.collect() == df.collect()
    named = spark.createDataFrame(pa.table({"x": [1.5, None]}), ["y"])
    assert named.collect() == [Row(y=1.5), Row(y=None)] and named.dtypes == [("y", "double")]
    assert spark.range(0).toArrow().num_rows == 0


def test_pandas_round_trip_or_clear_error(spark):
    try:
        import pandas as pd
    except ImportError:
        with pytest.raises(PySparkValueError, match=r"^\[PACKAGE_NOT_INSTALLED\] Pandas >= "
                           r"2\.2\.0 must be installed; however, it was not found\.$"):
            spark.range(2).toPandas()
        return
    pdf = spark.createDataFrame([(1, "a"), (2, None)], ["id", "s"]).toPandas()
    assert list(pdf.columns) == ["id", "s"] and pdf["id"].tolist() == [1, 2]
    df = spark.createDataFrame(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert df.dtypes == [("a", "bigint"), ("b", "string")]
    assert df.collect() == [Row(a=1, b="x"), Row(a=2, b="y")]
