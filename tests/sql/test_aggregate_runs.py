"""Grouping by a single sorted integer key with numpy runs (aggregate_runs.py): the same
table as Arrow's hash aggregation, or None where it does not apply."""

from __future__ import annotations

import random

import pytest

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

from runtime.sql.execution.aggregate_runs import aggregate_sorted_runs  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402

SKIP1 = pc.ScalarAggregateOptions(skip_nulls=True, min_count=1)
SKIP0 = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)
VALID = pc.CountOptions(mode="only_valid")


def _arrow(cols, keys, specs):
    return pa.table(cols).group_by(keys, use_threads=False).aggregate(specs)


def _same(got, want):
    assert got is not None
    assert sorted(got.column_names) == sorted(want.column_names)
    for name in want.column_names:
        assert got.column(name).type == want.column(name).type, name
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


@pytest.mark.parametrize("seed", range(4))
def test_same_table_as_arrow(seed):
    rnd = random.Random(seed)
    n = rnd.randint(2, 400)
    keys = sorted(rnd.randint(-5, 40) for _ in range(n))
    vals = [None if rnd.random() < 0.3 else rnd.randint(-1 << 40, 1 << 40) for _ in range(n)]
    small = [None if rnd.random() < 0.5 else rnd.randint(-100, 100) for _ in range(n)]
    cols = {"k0": pa.array(keys, pa.int64()), "v": pa.array(vals, pa.int64()),
            "s": pa.array(small, pa.int32()), "f": pa.array([1.5] * n)}
    specs = [("v", "sum", SKIP1), ("v", "count", VALID), ("s", "min"), ("s", "max"),
             ("v", "sum", SKIP0), ([], "count_all"), ("f", "count", VALID)]
    _same(aggregate_sorted_runs(cols, ["k0"], specs[:4] + specs[5:]),
          _arrow(cols, ["k0"], specs[:4] + specs[5:]))
    _same(aggregate_sorted_runs({"k0": cols["k0"], "v": cols["v"]}, ["k0"], [specs[4]]),
          _arrow({"k0": cols["k0"], "v": cols["v"]}, ["k0"], [specs[4]]))


def test_dates_and_small_integers_as_keys():
    cols = {"k0": pa.array([0, 0, 3, 9], pa.date32()), "v": pa.array([1, 2, None, 4])}
    _same(aggregate_sorted_runs(cols, ["k0"], [("v", "sum", SKIP1)]),
          _arrow(cols, ["k0"], [("v", "sum", SKIP1)]))


def test_not_applicable_returns_none():
    v = pa.array([1, 2, 3], pa.int64())
    assert aggregate_sorted_runs({"k0": pa.array([2, 1, 3]), "v": v}, ["k0"],
                                 [("v", "sum", SKIP1)]) is None  # unsorted
    assert aggregate_sorted_runs({"k0": pa.array([None, 1, 3]), "v": v}, ["k0"],
                                 [("v", "sum", SKIP1)]) is None  # a NULL key
    assert aggregate_sorted_runs({"k0": pa.array([1, 1, 3]), "v": pa.array([1.0, 2, 3])},
                                 ["k0"], [("v", "sum", SKIP1)]) is None  # float sum
    assert aggregate_sorted_runs({"k0": pa.array(["a", "b", "c"]), "v": v}, ["k0"],
                                 [("v", "sum", SKIP1)]) is None  # string key
    assert aggregate_sorted_runs({"k0": pa.array([1, 1, 3]), "k1": v, "v": v},
                                 ["k0", "k1"], [("v", "sum", SKIP1)]) is None  # two keys
    assert aggregate_sorted_runs({"k0": pa.array([1, 1, 3]), "v": v}, ["k0"],
                                 [("v", "first")]) is None


def test_dataframe_group_by_sorted_key(spark):
    rows = [(i // 3, None if i % 4 == 0 else i, i % 5) for i in range(60)]
    df = spark.createDataFrame(rows, "k BIGINT, v BIGINT, w INT")
    got = (df.groupBy("k").agg(F.sum("v").alias("s"), F.count("v").alias("c"),
                               F.min("w").alias("lo"), F.max("w").alias("hi"),
                               F.count("*").alias("n")).orderBy("k").collect())
    want = []
    for k in range(20):
        rs = [r for r in rows if r[0] == k]
        vs = [r[1] for r in rs if r[1] is not None]
        want.append((k, sum(vs) if vs else None, len(vs), min(r[2] for r in rs),
                     max(r[2] for r in rs), 3))
    assert [tuple(r) for r in got] == want
    assert [f.dataType.simpleString() for f in df.groupBy("k").agg(
        F.sum("v"), F.min("w")).schema.fields] == ["bigint", "bigint", "int"]
