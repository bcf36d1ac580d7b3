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
        monkeypatch.setattr(hash_index, "DENSE_SLOTS", 0)
    rng = random.Random(7)
    keys = list(range(-50, 400, 3))
    build = [(k,) for k in (keys if unique else [rng.choice(keys) for _ in range(300)])]
    build += [(None,)]
    probe = [(rng.choice(keys + [None, 10**12, -10**12, 1, 2]),) for _ in range(500)]
    index = KeyIndex.build(_cols(build, [pa.int64()]))
    assert index.dense == (layout == "dense") and index.unique == unique
    assert (index.slots is not None) == (layout == "dense" and unique)
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


@pytest.mark.parametrize("join_type", ["inner", "semi", "anti", "left", "full"])
@pytest.mark.parametrize("keys", ["int", "string"])
def test_join_batches_either_build_side(join_type, keys):
    """The smaller side builds the index (inner, semi, anti): same rows in the same order
    as when the right side builds it; strings go through Arrow's join, same rows again."""
    from runtime.sql import types as T
    from runtime.sql.execution.joins import join_batches
    from runtime.sql.execution.operators import schema_of
    from runtime.sql.expressions.base import AttributeReference
    from runtime.sql.expressions.registry import EvalContext

    kt = T.LongType() if keys == "int" else T.StringType()
    conv = (lambda k: k) if keys == "int" else (lambda k: None if k is None else f"k{k}")
    lk, lv = AttributeReference("lk", kt, True, expr_id=1), \
        AttributeReference("lv", T.LongType(), True, expr_id=2)
    rk, rv = AttributeReference("rk", kt, True, expr_id=3), \
        AttributeReference("rv", T.LongType(), True, expr_id=4)
    rng = random.Random(11)
    left = [(rng.choice([1, 2, 3, None]), i) for i in range(5)]
    right = [(rng.choice([0, 1, 2, 2, None]), 100 + j) for j in range(40)]

    def batch(rows, names):
        return pa.RecordBatch.from_pydict(
            {names[0]: pa.array([conv(r[0]) for r in rows],
                                pa.int64() if keys == "int" else pa.string()),
             names[1]: pa.array([r[1] for r in rows], pa.int64())})

    lb, rb = batch(left, ["lk", "lv"]), batch(right, ["rk", "rv"])
    attrs = [lk, lv] if join_type in ("semi", "anti") else [lk, lv, rk, rv]
    out = join_batches(lb, rb, [lk, lv], [rk, rv], [lk], [rk], None, join_type,
                       schema_of(attrs), EvalContext(True, "UTC"))
    got = [tuple(r.values()) for r in out.to_pylist()]
    pairs = [(li, rj) for li, (a, _) in enumerate(left) for rj, (b, _) in enumerate(right)
             if a is not None and a == b]
    matched = {li for li, _ in pairs}
    if join_type == "semi":
        want = [(conv(left[i][0]), left[i][1]) for i in range(len(left)) if i in matched]
    elif join_type == "anti":
        want = [(conv(left[i][0]), left[i][1]) for i in range(len(left)) if i not in matched]
    else:
        want = [(conv(left[i][0]), left[i][1], conv(right[j][0]), right[j][1])
                for i, j in pairs]
        if join_type in ("left", "full"):
            want += [(conv(a), v, None, None) for i, (a, v) in enumerate(left)
                     if i not in matched]
        if join_type == "full":
            hit = {j for _, j in pairs}
            want += [(None, None, conv(b), v) for j, (b, v) in enumerate(right) if j not in hit]
    assert got == want
