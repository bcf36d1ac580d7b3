"""The executor zygote preloads pyarrow and the SQL engine only for an application whose
source looks like a DataFrame/SQL program (sparkcli.cli.executor_zygote.uses_dataframes)."""

from __future__ import annotations

import pytest

from sparkcli.cli.executor_zygote import uses_dataframes

PI = """from operator import add
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("PythonPi").getOrCreate()
count = spark.sparkContext.parallelize(range(1, 100001), 2).map(lambda x: x).reduce(add)
"""


@pytest.mark.parametrize("source, expected", [
    (PI, False),  # a session only for its SparkContext (Spark's pi.py)
    ("from pyspark import SparkContext\nsc = SparkContext()\nsc.range(10).sum()\n", False),
    ("lines = spark.read.text(path).rdd.map(lambda r: r[0])\n", True),  # Spark's wordcount.py
    ("df = spark.createDataFrame([(1,)], ['a'])\n", True),
    ("spark.sql('SELECT 1').show()\n", True),
    ("spark.range(10).show()\n", True),
    ("from pyspark.sql import functions as F\n", True),
    ("import pyspark.sql.functions as F\n", True),
    ("from pyspark.sql import Row, SparkSession\n", True),
    ("q = spark.readStream.format('rate').load()\n", True),
    # prose is no sign: bench/workloads/pagerank.py's docstring names spark.read.text
    ('"""PageRank with sc.textFile instead of spark.read.text."""\n' + PI, False),
    ("# unlike spark.read.text(path), this reads an RDD\n" + PI, False),
    ('"""An RDD app."""\ndf = spark.createDataFrame([(1,)], ["a"])  # a DataFrame\n', True),
])
def test_uses_dataframes(tmp_path, source, expected):
    app = tmp_path / "app.py"
    app.write_text(source)
    assert uses_dataframes(str(app)) is expected


def test_no_file_or_not_python_is_no_guess(tmp_path):
    assert uses_dataframes(str(tmp_path / "missing.py")) is False
    assert uses_dataframes(None) is False
    (tmp_path / "app.zip").write_bytes(b"spark.read.text")
    assert uses_dataframes(str(tmp_path / "app.zip")) is False


def test_preload_holds_what_a_task_needs(tmp_path):
    from sparkcli.cli.executor_zygote import (
        EXECUTOR_PRELOAD, PARQUET_PRELOAD, SQL_PRELOAD, preload_for)

    app = tmp_path / "app.py"
    app.write_text("spark.range(10).show()\n")
    assert preload_for(str(app)) == EXECUTOR_PRELOAD + SQL_PRELOAD
    assert "numpy" not in SQL_PRELOAD and "runtime.sql.execution.planner" not in SQL_PRELOAD
    for source in ("spark.read.parquet(p).show()\n", "spark.range(3).write.saveAsTable('t')\n"):
        app.write_text(source)
        assert preload_for(str(app)) == EXECUTOR_PRELOAD + SQL_PRELOAD + PARQUET_PRELOAD
    app.write_text("df = spark.sql('SELECT 1')\n")
    assert preload_for(str(app)) == EXECUTOR_PRELOAD + SQL_PRELOAD + PARQUET_PRELOAD + ("numpy",)
    app.write_text("spark.read.text(p).groupBy('value').count().show()\n")  # shuffles
    assert preload_for(str(app)) == EXECUTOR_PRELOAD + SQL_PRELOAD + ("numpy",)
    app.write_text(PI)
    assert preload_for(str(app)) == EXECUTOR_PRELOAD


@pytest.mark.parametrize("argv, expected", [
    (["submit", "app.py"], (None, "app.py")),
    (["submit", "--master", "local[2]", "app.py", "--master", "x"], ("local[2]", "app.py")),
    (["submit", "--master=spark://h:7077", "app.py"], ("spark://h:7077", "app.py")),
    (["submit", "-c", "k=v", "-cj=w", "--conf=a=b", "-v", "--verbose", "app.py"],
     (None, "app.py")),
    (["submit", "--supervise", "--name", "n", "--", "app.py"], (None, "app.py")),
    (["submit", "--kill", "driver-1"], None),
    (["submit", "--help"], None),
    (["submit", "--unknown", "app.py"], None),  # not understood: the callback starts it
    (["submit", "--master"], None),
    (["shell"], None),
    ([], None),
])
def test_submit_target_reads_the_command_line_as_click(argv, expected):
    from sparkcli.cli.executor_zygote import submit_target

    assert submit_target(argv) == expected


def test_value_options_are_submits_options_that_take_a_value():
    import click

    from sparkcli.cli.executor_zygote import _FLAGS, _NO_APP_FLAGS, VALUE_OPTIONS
    from sparkcli.cli.submit import submit

    valued, flags = set(), set()
    for param in submit.get_params(click.Context(submit, **submit.context_settings)):
        if param.param_type_name != "option":
            continue
        (flags if param.is_flag else valued).update(param.opts + param.secondary_opts)
    assert valued == VALUE_OPTIONS
    assert flags == _FLAGS | _NO_APP_FLAGS
