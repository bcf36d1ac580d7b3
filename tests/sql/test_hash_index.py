"""KeyIndex (runtime/sql/execution/hash_index.py): the pairs of an equi-join of integer-like
keys, in Spark's hash join order, against a plain nested-loop join in Python."""

from __future__ import annotations

import datetime
import random

import pyarrow as pa
import pytest

from runtime.sql.execution import hash_index
from runtime.sql.execution.hash_index import KeyIndex


def _expected(probe: list[tuple], build: list[tuple]) -> list[tuple[int, int]]:
    return [(i, j) for i, p in enumerate(probe) for j, b in enumerate(build)
            if None not in p and p == b]


def _cols(rows: list[tuple], types: list) -> list:
    return [pa.array([r[c] for r in rows], t) for c, t in enumerate(types)]


def _pairs(probe: list[tuple], build: list[tuple], types: list) -> list[tuple[int, int]]:
    index = KeyIndex.build(_cols(build, types))
    assert index is not None
    got = index.probe(_cols(probe, types))
    assert got is not None
    return list(zip(got[0].tolist(), got[1].tolist()))


@pytest.mark.parametrize("layout", ["dense", "sorted"])
@pytest.mark.parametrize("unique", [True, False])
def test_single_key_against_nested_loops(layout, unique, monkeypatch):
    if layout == "sorted":
        monkeypatch.setattr(hash_index, "DENSE_FACTOR", 0)
        monkeypatch.setattr(hash_index, "DENSE_MAX", 0)
    rng = random.Random(7)
    keys = list(range(-50, 400, 3))
    build = [(k,) for k in (keys if unique else [rng.choice(keys) for _ in range(300)])]
    build += [(None,)]
    probe = [(rng.choice(keys + [None, 10**12, -10**12, 1, 2]),) for _ in range(500)]
    index = KeyIndex.build(_cols(build, [pa.int64()]))
    assert index.dense == (layout == "dense") and index.unique == unique
    assert _pairs(probe, build, [pa.int64()]) == _expected(probe, build)


def test_several_key_columns_and_types():
    rng = random.Random(3)
    types = [pa.int32(), pa.date32(), pa.int8()]
    day = datetime.date(2020, 1, 1)

    def row():
        return (rng.randint(0, 30), day + datetime.timedelta(days=rng.randint(0, 5)),
                rng.choice([None, 1, 2, -3]))

    build = [row() for _ in range(200)]
    probe = [row() for _ in range(300)]
    assert _pairs(probe, build, types) == _expected(probe, build)


def test_empty_sides_and_other_types():
    assert _pairs([(1,), (2,)], [], [pa.int64()]) == []
    assert _pairs([], [(1,)], [pa.int64()]) == []
    assert KeyIndex.build([pa.array(["a"])]) is None  # strings: Arrow's join instead
    assert KeyIndex.build([pa.array([1.5])]) is None
    index = KeyIndex.build([pa.array([1, 2], pa.int64())])
    assert index.probe([pa.array(["x"])]) is None
    # spans whose product passes 2**62: no index
    wide = pa.array([-(1 << 62), 1 << 62], pa.int64())
    assert KeyIndex.build([wide, wide]) is None


def test_joins_take_the_index_and_keep_spark_order(spark):
    from sparkcli.sql import functions as F

    left = spark.createDataFrame([(i % 7, i) for i in range(40)], "k long, v long")
    right = spark.createDataFrame([(k, f"r{k}{j}") for k in range(0, 10, 2) for j in range(2)],
                                  "k long, s string")
    got = [tuple(r) for r in left.join(F.broadcast(right), "k").collect()]
    want = [(k, v, f"r{k}{j}") for v in range(40) for k in [v % 7] if k % 2 == 0
            for j in range(2)]
    assert got == want
    outer = left.join(F.broadcast(right), "k", "left").collect()
    assert sorted((r.v, r.s) for r in outer if r.s is None) == \
        [(v, None) for v in range(40) if (v % 7) % 2]
    assert sorted(r.v for r in left.join(right, "k", "left_anti").collect()) == \
        [v for v in range(40) if (v % 7) % 2]
