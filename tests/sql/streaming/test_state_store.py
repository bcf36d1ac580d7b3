"""The versioned per-partition state store: deltas, snapshots, maintenance, the caches."""

from __future__ import annotations

import os

import pyarrow as pa
import pytest

from runtime.sql.errors import SparkRuntimeException
from runtime.sql.streaming.state_store import (
    ProviderCache, StatePartitioner, StateStoreConf, StateStoreId, StateStoreProvider,
    last_rows)

SCHEMA = pa.schema([("k", pa.string()), ("n", pa.int64())])


def _provider(root, conf=StateStoreConf(), run="r1"):
    return StateStoreProvider(StateStoreId(str(root), 0, run), SCHEMA, 1, conf)


def _rows(store):
    return sorted(store.iterate())


def test_versions_are_deltas_then_snapshots_and_reload_exactly(tmp_path):
    conf = StateStoreConf(min_deltas_for_snapshot=3, min_batches_to_retain=100)
    p = _provider(tmp_path, conf)
    expected = {}
    for v in range(7):  # batch v: key "k<v>" = v, "a" counts batches, "k<v-2>" removed
        s = p.get_store(v)
        assert s.version == v
        s.put(("a",), ((s.get(("a",)) or (0,))[0] + 1,))
        s.put((f"k{v}",), (v,))
        if v >= 2:
            s.remove((f"k{v - 2}",))
        assert s.commit() == v + 1
        expected = {("a",): (v + 1,), **{(f"k{i}",): (i,) for i in (v - 1, v) if i >= 0}}
    files = sorted(os.listdir(tmp_path / "0"))
    assert files == sorted([f"{v}.delta" for v in range(1, 8)] + ["3.snapshot", "6.snapshot"])
    fresh = _provider(tmp_path, conf)  # another process: everything from the files
    assert dict(fresh.get_store(7).iterate()) == expected
    assert dict(fresh.get_store(4).iterate()) == {("a",): (4,), ("k2",): (2,), ("k3",): (3,)}
    assert fresh.get_store(0).table.num_rows == 0


def test_maintenance_keeps_min_batches_to_retain(tmp_path):
    conf = StateStoreConf(min_deltas_for_snapshot=2, min_batches_to_retain=3)
    p = _provider(tmp_path, conf)
    for v in range(10):
        s = p.get_store(v)
        s.put(("a",), (v,))
        s.commit()
    files = sorted(os.listdir(tmp_path / "0"), key=lambda n: (int(n.split(".")[0]), n))
    # version 10 - 3 = 7 is the earliest kept; it loads from snapshot 6
    assert files == ["6.snapshot", "7.delta", "8.delta", "8.snapshot", "9.delta",
                     "10.delta", "10.snapshot"]
    for v in (7, 8, 9, 10):
        assert dict(_provider(tmp_path, conf).get_store(v).iterate()) == {("a",): (v - 1,)}


def test_missing_delta_is_sparks_error(tmp_path):
    p = _provider(tmp_path)
    for v in range(3):
        s = p.get_store(v)
        s.put(("a",), (v,))
        s.commit()
    os.remove(tmp_path / "0" / "2.delta")
    with pytest.raises(SparkRuntimeException, match=r"^\[CANNOT_LOAD_STATE_STORE\."
                       r"CANNOT_READ_DELTA_FILE_NOT_EXISTS\] .*2\.delta"):
        _provider(tmp_path).get_store(3)


def test_vectorized_upsert_remove_with_null_and_struct_keys(tmp_path):
    window = pa.struct([("start", pa.int64()), ("end", pa.int64())])
    schema = pa.schema([("w", window), ("k", pa.string()), ("n", pa.int64())])
    p = StateStoreProvider(StateStoreId(str(tmp_path), 0), schema, 2)
    s = p.get_store(0)
    w1, w2 = {"start": 0, "end": 10}, {"start": 10, "end": 20}
    s.upsert(pa.Table.from_pylist([{"w": w1, "k": None, "n": 1}, {"w": w1, "k": "x", "n": 2},
                                   {"w": w2, "k": "x", "n": 3}], schema=schema))
    s.upsert(pa.Table.from_pylist([{"w": w1, "k": None, "n": 5}], schema=schema))
    s.remove_rows(pa.Table.from_pylist([{"w": w2, "k": "x", "n": None}], schema=schema))
    assert s.get((w1, None)) == (5,) and s.get((w2, "x")) is None
    s.commit()
    assert s.metrics() == {"numRowsTotal": 2, "numRowsUpdated": 4, "numRowsRemoved": 1}
    got = StateStoreProvider(StateStoreId(str(tmp_path), 0), schema, 2).get_store(1)
    assert sorted(got.table.to_pylist(), key=lambda r: r["n"]) == [
        {"w": w1, "k": "x", "n": 2}, {"w": w1, "k": None, "n": 5}]


def test_uncommitted_changes_are_invisible_and_abort_drops_them(tmp_path):
    p = _provider(tmp_path)
    s = p.get_store(0)
    s.put(("a",), (1,))
    s.commit()
    s2 = p.get_store(1)
    s2.put(("b",), (2,))
    assert dict(s2.iterate()) == {("a",): (1,), ("b",): (2,)}
    s2.abort()
    assert dict(s2.iterate()) == {("a",): (1,)}
    assert dict(p.get_store(1).iterate()) == {("a",): (1,)}
    assert not os.path.exists(tmp_path / "0" / "2.delta")


def test_provider_cache_serves_memory_and_replaces_other_runs(tmp_path):
    cache = ProviderCache()
    sid = StateStoreId(str(tmp_path), 0, "run1")
    p = cache.get(sid, SCHEMA, 1)
    s = p.get_store(0)
    s.put(("a",), (1,))
    s.commit()
    assert cache.get(sid, SCHEMA, 1) is p and 1 in p.loaded
    os.remove(tmp_path / "0" / "1.delta")  # served from memory, no file read
    assert dict(cache.get(sid, SCHEMA, 1).get_store(1).iterate()) == {("a",): (1,)}
    other = cache.get(StateStoreId(str(tmp_path), 0, "run2"), SCHEMA, 1)
    assert other is not p and other.loaded == {}
    cache.unload(str(tmp_path))
    assert len(cache) == 0


def test_last_rows_and_partitioner():
    t = pa.table({"k": ["a", "b", "a", None, None], "v": [1, 2, 3, 4, 5]})
    assert last_rows(t, 1).to_pylist() == [{"k": "b", "v": 2}, {"k": "a", "v": 3},
                                           {"k": None, "v": 5}]
    batch = pa.RecordBatch.from_pydict({"v": [1, 2, 3], "k": ["x", "y", "x"]})
    ids = list(StatePartitioner((1,)).partition_ids(batch, 8))
    assert ids[0] == ids[2] and all(0 <= i < 8 for i in ids)
    assert list(StatePartitioner(()).partition_ids(batch, 8)) == [0, 0, 0]
