"""explain() byte for byte with PySpark 4.3's output (golden/explain_pyspark43.json, made
by real PySpark 4.3 local[2] on the same DataFrames), modulo expression ids and plan ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sparkcli.sql import functions as F

GOLDEN = json.loads((Path(__file__).parent / "golden" / "explain_pyspark43.json").read_text())


def _norm(text: str) -> str:
    return re.sub(r"plan_id=\d+", "plan_id=N", re.sub(r"#\d+", "#N", text))


def _cases(spark, parquet_path):
    df = spark.range(100).withColumn("k", F.col("id") % 10)
    return {
        "range": (spark.range(10),),
        "range_extended": (spark.range(10), True),
        "project": (df,),
        "filter_select": (df.filter(F.col("id") > 5).select("id", "k"),),
        "groupby_count": (df.groupBy("k").count(),),
        "groupby_agg": (df.groupBy("k").agg(F.sum("id").alias("s"), F.max("id")),),
        "global_agg": (df.agg(F.count("*")),),
        "orderby": (df.orderBy(F.col("k").desc()),),
        "limit": (df.limit(5),),
        "distinct": (df.select("k").distinct(),),
        "parquet_plain": (spark.read.parquet(parquet_path),),
        "union": (spark.range(3).union(spark.range(4)),),
    }


@pytest.fixture(scope="module")
def parquet_path(tmp_path_factory):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = str(tmp_path_factory.mktemp("explain") / "t.parquet")
    pq.write_table(pa.table({"a": list(range(100)), "b": [str(i) for i in range(100)],
                             "c": [i * 0.5 for i in range(100)]}), path)
    return path


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_explain_matches_pyspark(spark, parquet_path, name, capsys):
    df, *args = _cases(spark, parquet_path)[name]
    df.explain(*args)
    got = capsys.readouterr().out.replace(parquet_path, "PATH")
    assert _norm(got) == _norm(GOLDEN[name])


def test_explain_modes_and_bad_mode(spark, capsys):
    df = spark.range(5)
    df.explain("formatted")
    assert capsys.readouterr().out.startswith("== Physical Plan ==\n")
    with pytest.raises(ValueError, match="Unknown explain mode: nope"):
        df.explain("nope")
