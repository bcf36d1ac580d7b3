"""The 22 TPC-H queries through spark.sql against DuckDB's reference answers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb_extension_tpch")
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.tpch import data  # noqa: E402


def _run(spark, sf):
    data.register(spark, sf)
    failures = {}
    for n in data.QUERIES:
        df = spark.sql(data.query(n))
        problems = data.compare(n, sf, df.columns, df.collect())
        if problems:
            failures[n] = problems
    return failures


def test_tpch_sf001(spark):
    assert _run(spark, 0.01) == {}


@pytest.mark.slow
def test_tpch_sf01(spark):
    assert _run(spark, 0.1) == {}


def test_tpch_result_types(spark):
    """Every query's column names and Spark types, as PySpark 4.3 gives them on the same
    files (golden/tpch_sf001_dtypes.json, recorded with real PySpark)."""
    import json

    golden = json.loads((Path(__file__).parent / "golden" / "tpch_sf001_dtypes.json")
                        .read_text())
    data.register(spark, 0.01)
    for n in data.QUERIES:
        assert [list(t) for t in spark.sql(data.query(n)).dtypes] == golden[str(n)], n
