"""bench/tpch/data.py: dbgen tables as Parquet, the 22 queries and DuckDB's reference answers."""

from __future__ import annotations

import datetime
import decimal
import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb_extension_tpch")
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.tpch import data  # noqa: E402


def test_generate_writes_every_table_once():
    d = data.generate(0.01)
    assert sorted(p.stem for p in d.glob("*.parquet")) == sorted(data.TABLES)
    before = (d / "lineitem.parquet").stat().st_mtime_ns
    assert data.generate(0.01) == d
    assert (d / "lineitem.parquet").stat().st_mtime_ns == before


def test_queries_and_answers():
    assert len(data.QUERIES) == 22
    assert data.query(1).lstrip().upper().startswith("SELECT")
    assert not data.query(22).endswith(";")
    cols, rows = data.answer(1, 0.01)
    assert cols[:2] == ["l_returnflag", "l_linestatus"] and len(rows) == 4


def test_compare_uses_the_results_own_scale():
    cols, rows = data.answer(1, 0.01)
    first = rows[0]
    good = [first[0], first[1], int(first[2]), decimal.Decimal(first[3]),
            decimal.Decimal(first[4]), decimal.Decimal(first[5]),
            decimal.Decimal(first[6]).quantize(decimal.Decimal("0.000001")),
            decimal.Decimal(first[7]).quantize(decimal.Decimal("0.000001")),
            decimal.Decimal(first[8]).quantize(decimal.Decimal("0.000001")), int(first[9])]
    all_rows = [good] + [r for r in rows[1:]]
    assert data.compare(1, 0.01, cols, all_rows[:1] + rows[1:]) == []
    bad = list(good)
    bad[6] = good[6] + decimal.Decimal("0.00001")
    assert data.compare(1, 0.01, cols, [bad] + rows[1:])
    assert data._same(datetime.date(1995, 3, 15), "1995-03-15")
    assert data.compare(1, 0.01, cols, rows[1:])  # a missing row
