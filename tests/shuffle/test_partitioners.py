"""Partitioners: the vectorized row hash (Spark's grouping of values, determinism across
processes) and the range partitioners (sortByKey's for records, Spark's ordering for Arrow)."""

from __future__ import annotations

import datetime
import math
import os
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from runtime.shuffle import ArrowRangePartitioner, RangePartitioner, SortKey, range_bounds
from runtime.shuffle.rowhash import partition_ids, row_hash


def test_values_spark_groups_together_hash_together():
    b = pa.record_batch({
        "i64": pa.array([1, None, -3], pa.int64()),
        "i32": pa.array([1, None, -3], pa.int32()),
        "i8": pa.array([1, None, -3], pa.int8()),
        "f": pa.array([0.0, float("nan"), None]),
        "f2": pa.array([-0.0, float("-nan"), None], pa.float32()),
        "s": pa.array(["a", "", None]),
        "ls": pa.array(["a", "", None], pa.large_string()),
        "ds": pa.array(["a", "", None]).dictionary_encode(),
    })
    h = {name: row_hash(b, [name]).tolist() for name in b.schema.names}
    assert h["i64"] == h["i32"] == h["i8"]
    assert h["f"] == h["f2"]  # -0.0 is 0.0, every NaN is one NaN, null is null
    assert h["s"] == h["ls"] == h["ds"]
    assert len({h["i64"][1], h["f"][2], h["s"][2]}) == 1  # null keys meet


def test_strings_hash_by_content_whatever_the_array_offsets():
    words = [f"word{i % 37}" * (i % 5) for i in range(500)]
    b = pa.record_batch({"s": words})
    whole = row_hash(b, ["s"])
    assert (row_hash(b.slice(123, 200), ["s"]) == whole[123:323]).all()
    again = row_hash(pa.record_batch({"s": list(reversed(words))}), ["s"])
    assert (again[::-1] == whole).all()
    assert len(set(whole.tolist())) == len(set(words))


def test_word_boundaries_and_padding_do_not_collide():
    values = [b"", b"\x00", b"a", b"a\x00", b"12345678", b"123456789", b"12345678\x00",
              b"1234567812345678", b"12345678123456781", b"x" * 100, b"x" * 101]
    h = row_hash(pa.record_batch({"b": pa.array(values, pa.binary())}), ["b"]).tolist()
    assert len(set(h)) == len(values)
    strings = [v.decode() for v in values]
    assert row_hash(pa.record_batch({"s": strings}), ["s"]).tolist() == h


def test_multi_column_hash_depends_on_every_column_and_the_seed():
    b = pa.record_batch({"a": [1, 1, 2], "b": ["x", "y", "x"]})
    h = row_hash(b, ["a", "b"]).tolist()
    assert len(set(h)) == 3
    assert row_hash(b, ["a", "b"], seed=7).tolist() != h
    assert row_hash(b, ["b", "a"]).tolist() != h


def test_dates_and_timestamps_hash_by_value():
    d = [datetime.date(2024, 2, 29), None, datetime.date(1969, 12, 31)]
    t = [datetime.datetime(2024, 2, 29, 12), None, datetime.datetime(1900, 1, 1)]
    b = pa.record_batch({"d": pa.array(d), "d2": pa.array(d), "t": pa.array(t, pa.timestamp("us")),
                         "tz": pa.array(t, pa.timestamp("us", "UTC"))})
    assert row_hash(b, ["d"]).tolist() == row_hash(b, ["d2"]).tolist()
    assert row_hash(b, ["t"]).tolist() == row_hash(b, ["tz"]).tolist()
    assert len(set(row_hash(b, ["t"]).tolist())) == 3


_GOLDEN_SCRIPT = """
import pyarrow as pa
from runtime.shuffle.rowhash import row_hash
b = pa.record_batch({"k": [0, 1, -1, 2**62, None], "s": ["", "a", "héllo", None, "zz"],
                     "f": [0.5, -0.0, float("nan"), 1e300, None]})
print(row_hash(b, ["k", "s", "f"], seed=42).tolist())
"""


def test_row_hash_is_the_same_in_every_process():
    outs = set()
    for seed in ("0", "1", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", _GOLDEN_SCRIPT], env=env, check=True,
                                capture_output=True, text=True).stdout)
    assert len(outs) == 1
    b = pa.record_batch({"k": [0, 1, -1, 2**62, None], "s": ["", "a", "héllo", None, "zz"],
                         "f": [0.5, -0.0, float("nan"), 1e300, None]})
    assert outs.pop().strip() == str(row_hash(b, ["k", "s", "f"], seed=42).tolist())


def test_partition_ids_spread_keys_and_are_in_range():
    b = pa.record_batch({"k": np.arange(100_000)})
    pids = partition_ids(b, ["k"], 7)
    assert pids.dtype == np.int64 and pids.min() == 0 and pids.max() == 6
    counts = np.bincount(pids)
    assert counts.min() > 0.9 * 100_000 / 7  # roughly even
    assert (partition_ids(b, ["k"], 1) == 0).all()


def test_records_range_partitioner_is_sortbykeys():
    keys = list(range(1000))
    bounds = range_bounds(sorted(keys[::10]), 4)
    asc = RangePartitioner(bounds, 4)
    desc = RangePartitioner(bounds, 4, ascending=False)
    parts = [asc(k) for k in keys]
    assert parts == sorted(parts) and set(parts) == {0, 1, 2, 3}
    assert [desc(k) for k in keys] == [3 - p for p in parts]
    assert asc(bounds[0]) == 0  # a key equal to a bound goes left of it (bisect_left)
    assert range_bounds([], 3) == []


def _spark_order(values, ascending=True):
    """Spark's sort: nulls first ascending (last descending), NaN above every number."""
    def key(v):
        if v is None:
            return (0,)
        return (2,) if math.isnan(v) else (1, v)
    nulls = [v for v in values if v is None]
    rest = sorted((v for v in values if v is not None), key=key, reverse=not ascending)
    return nulls + rest if ascending else rest + nulls


@pytest.mark.parametrize("ascending", [True, False])
def test_arrow_range_partitions_follow_sparks_ordering(ascending):
    values = [None, float("nan"), -0.0, 0.0, 1.5, -2.0, None, float("nan"), 3.0, 7.0, -9.0] * 30
    batch = pa.record_batch({"x": values, "row": list(range(len(values)))})
    p = ArrowRangePartitioner.from_sample(batch, [SortKey("x", ascending)], 4)
    assert p.bounds.num_rows == 3
    pids = p.partition_ids(batch, 4).tolist()
    by_part: dict = {}
    for v, pid in zip(values, pids):
        by_part.setdefault(pid, []).append(v)
    flat = [v for pid in sorted(by_part) for v in _spark_order(by_part[pid], ascending)]
    expected = _spark_order(values, ascending)
    assert [repr(v) for v in flat] == [repr(v) for v in expected]
    zeros = {pid for v, pid in zip(values, pids) if v == 0.0}
    assert len(zeros) == 1  # -0.0 and 0.0 are one key


def test_arrow_range_partitioner_on_two_keys_and_strings():
    rows = [(a, b) for a in ["x", None, "a", "m"] for b in range(5)]
    batch = pa.record_batch({"a": [r[0] for r in rows], "b": [r[1] for r in rows]})
    keys = [SortKey("a", True), SortKey("b", False)]
    p = ArrowRangePartitioner.from_sample(batch, keys, 3)
    pids = p.partition_ids(batch, 3).tolist()

    def rank(r):
        return (r[0] is not None, r[0] or "", -r[1])
    order = sorted(range(len(rows)), key=lambda i: rank(rows[i]))
    assert [pids[i] for i in order] == sorted(pids)
    assert set(pids) == {0, 1, 2}
    assert p.partition_ids(batch.slice(0, 0), 3).tolist() == []
