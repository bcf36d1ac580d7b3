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
