"""An in-process SparkSession (local[2]) with small temp views for the SQL text tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="package")
def spark(tmp_path_factory):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    mp.setenv("TZ", "UTC")
    mp.chdir(home)
    rc._launch_layers.clear()
    session = (SparkSession.builder.master("local[2]").appName("sqltext-tests")
               .config("spark.sparkcli.inProcess", "true")
               .config("spark.sql.warehouse.dir", str(home / "spark-warehouse"))
               .getOrCreate())
    session.sparkContext.setLogLevel("WARN")
    try:
        yield session
    finally:
        session.stop()
        mp.undo()


@pytest.fixture(scope="package")
def views(spark):
    spark.createDataFrame([(1, "a", 10.0), (2, "b", 20.0), (3, "a", None)],
                          "id INT, k STRING, v DOUBLE").createOrReplaceTempView("t")
    spark.createDataFrame([(1, "x"), (3, "y"), (4, "z")], "id INT, w STRING") \
        .createOrReplaceTempView("u")
    return spark
