"""An in-process SparkSession (session time zone UTC) for the function table tests."""

from __future__ import annotations

import pytest



@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(tmp_path_factory.mktemp("sparkcli-home")))
    mp.setenv("TZ", "UTC")
    rc._launch_layers.clear()
    builder = SparkSession.builder.master("local[1]").appName("function-tests")
    session = builder.config("spark.sparkcli.inProcess", "true") \
        .config("spark.sql.session.timeZone", "UTC").getOrCreate()
    yield session
    session.stop()
    mp.undo()


def check(spark, text, value, dtype=None, name=None):
    """``selectExpr(text)`` on one row gives ``value`` of Spark type ``dtype``."""
    df = spark.range(1).selectExpr(text)
    (row,) = df.collect()
    assert row[0] == value, (text, row[0])
    if dtype is not None:
        assert df.schema.fields[0].dataType.simpleString() == dtype, \
            (text, df.schema.fields[0].dataType.simpleString())
    if name is not None:
        assert df.columns == [name]


@pytest.fixture(scope="module")
def table(spark):
    """golden_input's table, which the golden cases (golden_check.py) select from."""
    from tests.sql.functions.golden_input import frame

    return frame(spark)
