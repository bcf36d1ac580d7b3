"""TPC-H queries 1, 3, 5, 6, 9 and 18 written with the DataFrame API (bench/tpch_df.py) give
DuckDB's reference answers at scale factor 0.01 (wide decimal products and averages, multi-way
joins, a left semi join, year(), contains)."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb_extension_tpch")

from bench.tpch import data  # noqa: E402
from bench.tpch_df import QUERIES  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402

SF = 0.01


@pytest.fixture(scope="module")
def tables(spark):
    d = data.generate(SF)
    return {n: spark.read.parquet(str(d / f"{n}.parquet")) for n in data.TABLES}


@pytest.mark.parametrize("n", sorted(QUERIES))
def test_tpch_dataframe_query_matches_the_reference_answer(tables, n):
    df = QUERIES[n](tables, F)
    assert data.compare(n, SF, df.columns, df.collect()) == []
