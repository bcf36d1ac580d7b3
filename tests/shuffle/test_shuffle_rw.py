"""Shuffle write + read end to end: 4 map tasks -> N reducers, big and tiny memory limits."""

from __future__ import annotations

import collections
import functools
import logging
import operator
import os
import pickle
import random

import pytest

from runtime.shuffle import (
    Aggregator,
    FetchFailedError,
    ShuffleMetrics,
    ShuffleSpec,
    fetch_local,
    portable_hash,
    read_partition,
    write_map_output,
)
from runtime.shuffle.memory import bytes_to_string

HUGE = 1 << 40
TINY = 64 * 1024
MAPS = 4
LIMITS = [pytest.param(HUGE, id="in-memory"), pytest.param(TINY, id="spilling")]


@pytest.fixture(autouse=True)
def _hash_seed(monkeypatch):
    if "PYTHONHASHSEED" not in os.environ:
        monkeypatch.setenv("PYTHONHASHSEED", "0")


@functools.cache
def make_records(n=200_000, distinct=20_000, seed=7):
    rnd = random.Random(seed)
    keys = [f"w{i}" for i in range(distinct)]
    rand = rnd.random
    return [(keys[int(distinct * rand() ** 3)], rnd.randrange(100)) for _ in range(n)]


def split_maps(records):
    size = (len(records) + MAPS - 1) // MAPS
    return [records[i * size : (i + 1) * size] for i in range(MAPS)]


def run_shuffle(records, spec, limit, tmp_path, fetch=None):
    shuffle_dir = tmp_path / "shuffle"
    read_dir = tmp_path / "read"
    read_dir.mkdir()
    wm, rm = ShuffleMetrics(), ShuffleMetrics()
    statuses = [
        write_map_output(iter(part), spec, map_id, "exec-1", str(shuffle_dir), limit, wm)
        for map_id, part in enumerate(split_maps(records))
    ]
    # Only the final data files remain: no spill files, no temporary data files.
    assert sorted(os.listdir(shuffle_dir)) == sorted(
        f"shuffle_{spec.shuffle_id}_{m}_0.data" for m in range(MAPS)
    )
    for st in statuses:
        assert len(st.offsets) == spec.num_partitions + 1
        assert st.offsets[0] == 0 and st.offsets[-1] == os.path.getsize(st.path)
        assert st.offsets == sorted(st.offsets)
    assert wm.records_written == sum(st.records for st in statuses)
    assert wm.bytes_written == sum(st.offsets[-1] for st in statuses)
    outputs = [
        list(read_partition(statuses, r, spec, limit, str(read_dir), rm, fetch=fetch))
        for r in range(spec.num_partitions)
    ]
    assert os.listdir(read_dir) == []
    assert rm.records_read == wm.records_written
    return outputs, wm, rm


def check_spills(limit, *metrics):
    for m in metrics:
        if limit == TINY:
            assert m.spill_count > 0
            assert m.memory_bytes_spilled > 0 and m.disk_bytes_spilled > 0
        else:
            assert m.spill_count == 0 and m.disk_bytes_spilled == 0


def assert_partitioned(outputs, n):
    for r, out in enumerate(outputs):
        assert all(portable_hash(kv[0]) % n == r for kv in out)


# -- reduceByKey ------------------------------------------------------------------------
@pytest.mark.parametrize("limit", LIMITS)
def test_reduce_by_key(limit, tmp_path):
    records = make_records()
    spec = ShuffleSpec(
        1,
        4,
        portable_hash,
        Aggregator(lambda v: v, operator.add, operator.add),
        map_side_combine=True,
    )
    outputs, wm, rm = run_shuffle(records, spec, limit, tmp_path)
    expected = collections.Counter()
    for k, v in records:
        expected[k] += v
    got = [kv for out in outputs for kv in out]
    assert len(got) == len({k for k, _ in got})  # every key exactly once
    assert dict(got) == expected
    assert_partitioned(outputs, 4)
    check_spills(limit, wm, rm)
    if limit == HUGE:  # map-side combine: one record per distinct key per map task
        assert wm.records_written == sum(len({k for k, _ in p}) for p in split_maps(records))


@pytest.mark.parametrize("limit", LIMITS)
def test_combine_by_key_with_list_combiners_map_side(limit, tmp_path):
    records = make_records(distinct=50_000)
    agg = Aggregator(lambda v: [v], lambda c, v: c.append(v) or c, lambda a, b: a.extend(b) or a)
    spec = ShuffleSpec(2, 3, portable_hash, agg, map_side_combine=True)
    outputs, wm, rm = run_shuffle(records, spec, limit, tmp_path)
    expected = collections.defaultdict(list)
    for k, v in records:
        expected[k].append(v)
    got = {k: sorted(c) for out in outputs for k, c in out}
    assert got == {k: sorted(v) for k, v in expected.items()}
    assert sum(len(out) for out in outputs) == len(expected)
    check_spills(limit, wm, rm)


# -- groupByKey ---------------------------------------------------------------------------
@pytest.mark.parametrize("limit", LIMITS)
def test_group_by_key_style(limit, tmp_path):
    records = make_records()
    agg = Aggregator(lambda v: [v], lambda c, v: c.append(v) or c, lambda a, b: a.extend(b) or a)
    spec = ShuffleSpec(3, 4, portable_hash, agg, map_side_combine=False)
    outputs, wm, rm = run_shuffle(records, spec, limit, tmp_path)
    expected = collections.defaultdict(list)
    for k, v in records:
        expected[k].append(v)
    got = [kv for out in outputs for kv in out]
    assert len(got) == len(expected)
    # Values arrive in map order, input order within a map, spilled or not.
    assert dict(got) == expected
    assert wm.records_written == len(records)
    assert_partitioned(outputs, 4)
    check_spills(limit, wm, rm)


@pytest.mark.parametrize("limit", LIMITS)
def test_group_by_key_all_distinct_keys_single_reducer(limit, tmp_path):
    # One reducer gets 100k distinct keys: a spilled bucket still overflows the tiny limit,
    # so the reader has to split buckets again (recursive merge).
    records = [((i * 7919) % 100_000, i) for i in range(100_000)]
    agg = Aggregator(lambda v: [v], lambda c, v: c.append(v) or c, lambda a, b: a.extend(b) or a)
    spec = ShuffleSpec(4, 1, portable_hash, agg, map_side_combine=False)
    outputs, wm, rm = run_shuffle(records, spec, limit, tmp_path)
    assert sorted(outputs[0]) == sorted((k, [v]) for k, v in records)
    check_spills(limit, wm, rm)


# -- no aggregator (partitionBy) ----------------------------------------------------------
@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("partitions", [1, 5])
def test_partition_by_keeps_map_order(limit, partitions, tmp_path):
    records = make_records()
    spec = ShuffleSpec(5, partitions, portable_hash)
    outputs, wm, rm = run_shuffle(records, spec, limit, tmp_path)
    expected = [
        [kv for kv in records if portable_hash(kv[0]) % partitions == r] for r in range(partitions)
    ]
    assert outputs == expected
    assert wm.records_written == rm.records_read == len(records)
    check_spills(limit, wm)


def test_custom_partition_func_and_odd_keys(tmp_path):
    # Non-portable partitioner (negative results too), None / tuple / int keys.
    records = [(None, 1), ((1, "a"), 2), (-5, 3), ((1, "a"), 4), (None, 5), (7, 6)] * 1000
    spec = ShuffleSpec(
        6, 3, lambda k: -len(repr(k)), Aggregator(lambda v: v, operator.add, operator.add), True
    )
    outputs, _, _ = run_shuffle(records, spec, TINY, tmp_path)
    got = {k: v for out in outputs for k, v in out}
    assert got == {None: 6000, (1, "a"): 6000, -5: 3000, 7: 6000}
    for r, out in enumerate(outputs):
        assert all(-len(repr(k)) % 3 == r for k, _ in out)


def test_fetch_callback_matches_local_read(tmp_path):
    records = make_records(n=20_000)
    spec = ShuffleSpec(
        7, 3, portable_hash, Aggregator(lambda v: v, operator.add, operator.add), True
    )
    calls = []

    def fetch(status, reduce_id):
        calls.append((status.map_id, reduce_id))
        return fetch_local(status, reduce_id)

    outputs, _, _ = run_shuffle(records, spec, HUGE, tmp_path, fetch=fetch)
    expected = collections.Counter()
    for k, v in records:
        expected[k] += v
    assert {k: v for out in outputs for k, v in out} == expected
    assert calls  # went through the callback


# -- failures -----------------------------------------------------------------------------
def test_missing_map_output_raises_fetch_failed(tmp_path):
    spec = ShuffleSpec(8, 2, portable_hash)
    m = ShuffleMetrics()
    st = write_map_output([(i, i) for i in range(100)], spec, 3, "exec-9", str(tmp_path), HUGE, m)
    os.remove(st.path)
    with pytest.raises(FetchFailedError) as info:
        list(read_partition([st], 0, spec, HUGE, str(tmp_path), m))
    e = info.value
    assert (e.shuffle_id, e.map_id, e.reduce_id, e.executor_id) == (8, 3, 0, "exec-9")
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is FetchFailedError and again.map_id == 3 and str(again) == str(e)


def test_truncated_map_output_raises_fetch_failed(tmp_path):
    spec = ShuffleSpec(9, 1, portable_hash)
    m = ShuffleMetrics()
    st = write_map_output([(i, i) for i in range(5000)], spec, 0, "e", str(tmp_path), HUGE, m)
    with open(st.path, "r+b") as f:
        f.truncate(st.offsets[-1] // 2)
    with pytest.raises(FetchFailedError):
        list(read_partition([st], 0, spec, HUGE, str(tmp_path), m))


@pytest.mark.parametrize("combine", [True, False])
def test_failing_map_task_leaves_no_files(combine, tmp_path):
    def records():
        yield from make_records(n=50_000)
        raise ValueError("boom in user code")

    spec = ShuffleSpec(
        10, 4, portable_hash, Aggregator(lambda v: v, operator.add, operator.add), combine
    )
    m = ShuffleMetrics()
    with pytest.raises(ValueError, match="boom"):
        write_map_output(records(), spec, 0, "e", str(tmp_path), TINY, m)
    assert m.spill_count > 0
    assert os.listdir(tmp_path) == []


def test_rewrite_replaces_map_output(tmp_path):
    spec = ShuffleSpec(11, 2, portable_hash)
    m = ShuffleMetrics()
    write_map_output([(1, "old")], spec, 0, "e", str(tmp_path), HUGE, m)
    st = write_map_output([(1, "new")], spec, 0, "e", str(tmp_path), HUGE, m)
    assert os.listdir(tmp_path) == ["shuffle_11_0_0.data"]
    assert list(read_partition([st], portable_hash(1) % 2, spec, HUGE, str(tmp_path), m)) == [
        (1, "new")
    ]


# -- logging ------------------------------------------------------------------------------
def test_spills_log_like_spark(tmp_path):
    spec = ShuffleSpec(
        12, 2, portable_hash, Aggregator(lambda v: v, operator.add, operator.add), True
    )
    m = ShuffleMetrics()
    # a handler of our own on the logger itself: the engine's log configuration (set up by
    # any earlier test that started an app) makes known loggers non-propagating, and without
    # it the root's handlers would see each record too
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append
    logger = logging.getLogger("ExternalSorter")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        write_map_output(make_records(n=30_000), spec, 0, "e", str(tmp_path), TINY, m)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    msgs = [r.getMessage() for r in records]
    assert len(msgs) == m.spill_count > 1
    assert msgs[0].startswith("Thread ") and "spilling in-memory map of " in msgs[0]
    assert msgs[0].endswith(" KiB to disk (1 time so far)")
    assert msgs[1].endswith("to disk (2 times so far)")


def test_bytes_to_string_is_sparks():
    assert bytes_to_string(0) == "0.0 B"
    assert bytes_to_string(2047) == "2047.0 B"
    assert bytes_to_string(2048) == "2.0 KiB"
    assert bytes_to_string(int(5.1 * (1 << 20))) == "5.1 MiB"
    assert bytes_to_string(3 << 30) == "3.0 GiB"


# -- the fold fast path ---------------------------------------------------------------------
def test_add_fast_path_is_recognised_and_never_mutates_values(tmp_path):
    from runtime.shuffle.merger import is_add, is_identity

    def plus(x, y):
        return x + y

    assert is_add(operator.add) and is_add(plus) and is_add(lambda a, b: a + b)
    assert not is_add(lambda a, b: b + a) and not is_add(lambda a, b: a - b) and not is_add(max)
    assert is_identity(lambda v: v) and not is_identity(lambda v: [v])
    # reduceByKey(lambda a, b: a + b) over list values: the caller's lists stay untouched.
    records = [("k", [i]) for i in range(3000)] + [("j", [0])]
    spec = ShuffleSpec(
        13, 2, portable_hash, Aggregator(lambda v: v, lambda a, b: a + b, lambda a, b: a + b), True
    )
    outputs, _, _ = run_shuffle(records, spec, TINY, tmp_path)
    got = {k: v for out in outputs for k, v in out}
    assert got == {"k": list(range(3000)), "j": [0]}
    assert records[0] == ("k", [0]) and records[-1] == ("j", [0])
