"""The ARROW shuffle format: IPC segments in the records format's file layout, spilling,
local and fetched reads, the map-side combiner, and failures."""

from __future__ import annotations

import os
from collections import Counter

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from runtime.dataformat import ARROW
from runtime.memory import MemoryManager
from runtime.shuffle import (
    FetchFailedError,
    RowHashPartitioner,
    ShuffleMetrics,
    ShuffleSpec,
    fetch_local,
    read_partition,
    write_map_output,
)
from runtime.shuffle.rowhash import partition_ids

HUGE = 1 << 40


def _batches(map_id: int, rows: int = 3000, chunk: int = 500) -> list:
    ks = [(i * 7 + map_id) % 97 for i in range(rows)]
    t = pa.table({"k": ks, "v": list(range(rows)), "s": [f"w{k}" for k in ks]})
    return t.to_batches(max_chunksize=chunk)


def _spec(n: int = 4, **kw) -> ShuffleSpec:
    return ShuffleSpec(7, n, data_format=ARROW, partitioner=RowHashPartitioner(["k"]), **kw)


def _run(tmp_path, spec, maps, memory, fetch=None):
    wm, rm = ShuffleMetrics(), ShuffleMetrics()
    statuses = [write_map_output(iter(b), spec, i, "exec-1", str(tmp_path), memory, wm)
                for i, b in enumerate(maps)]
    parts = [list(read_partition(statuses, r, spec, memory, str(tmp_path), rm, fetch=fetch))
             for r in range(spec.num_partitions)]
    return statuses, parts, wm, rm


def _rows(batches: list) -> list:
    return [tuple(r.values()) for b in batches for r in b.to_pylist()]


@pytest.mark.parametrize("memory", [HUGE, 20_000], ids=["in-memory", "spilling"])
def test_every_row_reaches_the_reducer_its_key_hashes_to(tmp_path, memory):
    maps = [_batches(m) for m in range(3)]
    spec = _spec()
    statuses, parts, wm, rm = _run(tmp_path, spec, maps, memory)
    assert Counter(_rows([b for p in parts for b in p])) == \
        Counter(_rows([b for m in maps for b in m]))
    for r, batches in enumerate(parts):
        assert all(isinstance(b, pa.RecordBatch) for b in batches)
        for b in batches:
            assert set(partition_ids(b, ["k"], 4).tolist()) == {r}
    assert wm.records_written == rm.records_read == 9000
    assert rm.bytes_read == wm.bytes_written
    assert wm.bytes_written == sum(os.path.getsize(s.path) for s in statuses)
    assert (wm.spill_count > 0) == (memory != HUGE)
    assert sorted(os.listdir(tmp_path)) == sorted(os.path.basename(s.path) for s in statuses)


def test_each_segment_is_one_ipc_stream_and_rows_keep_their_order(tmp_path):
    batches = _batches(0)
    st = write_map_output(iter(batches), _spec(), 0, "e", str(tmp_path), 30_000,
                          ShuffleMetrics())
    assert len(st.offsets) == 5 and st.offsets[0] == 0
    assert st.offsets[-1] == os.path.getsize(st.path)
    got = []
    for r in range(4):
        seg = fetch_local(st, r)
        table = pa.ipc.open_stream(seg).read_all()  # a whole stream, end marker included
        assert seg.endswith(b"\xff\xff\xff\xff\x00\x00\x00\x00")
        assert table.column("v").to_pylist() == sorted(table.column("v").to_pylist())
        got.append(table.num_rows)
    assert sum(got) == 3000 and st.records == 3000


def test_remote_reads_go_through_fetch(tmp_path):
    calls = []

    def fetch(status, reduce_id):
        calls.append((status.map_id, reduce_id))
        return fetch_local(status, reduce_id)

    maps = [_batches(m) for m in range(2)]
    _, parts, _, rm = _run(tmp_path, _spec(2), maps, HUGE, fetch=fetch)
    assert sorted(calls) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert rm.records_read == 6000
    assert sum(b.num_rows for p in parts for b in p) == 6000


def test_empty_input_and_empty_reducers_have_empty_segments(tmp_path):
    spec = _spec(8)
    st = write_map_output(iter([]), spec, 0, "e", str(tmp_path), HUGE, ShuffleMetrics())
    assert st.offsets == [0] * 9 and st.records == 0
    one_key = pa.record_batch({"k": [5] * 10, "v": list(range(10))})
    st = write_map_output(iter([one_key]), spec, 1, "e", str(tmp_path), HUGE, ShuffleMetrics())
    nonempty = [r for r in range(8) if st.segment_length(r)]
    assert len(nonempty) == 1
    out = list(read_partition([st], nonempty[0], spec, HUGE, str(tmp_path), ShuffleMetrics()))
    assert pa.Table.from_batches(out).column("v").to_pylist() == list(range(10))


def test_the_map_side_combiner_runs_before_writing_and_spilling(tmp_path):
    def partial_sum(batches):
        t = pa.Table.from_batches(batches).group_by("k").aggregate([("v", "sum")])
        return t.rename_columns(["k", "v"]).to_batches()

    maps = [[b.select(["k", "v"]) for b in _batches(m)] for m in range(2)]
    expected = Counter()
    for m in maps:
        for k, v in _rows(m):
            expected[k] += v
    for memory in (HUGE, 8_000):
        spec = _spec(3, combiner=partial_sum)
        _, parts, wm, _ = _run(tmp_path / str(memory), spec, maps, memory)
        got = Counter()
        for k, v in _rows([b for p in parts for b in p]):
            got[k] += v
        assert got == expected
        if memory == HUGE:
            assert wm.records_written == 2 * 97  # one row per key per map task


def test_missing_and_truncated_outputs_raise_fetch_failed(tmp_path):
    spec = _spec(1)
    st = write_map_output(iter(_batches(0)), spec, 3, "exec-9", str(tmp_path), HUGE,
                          ShuffleMetrics())
    with open(st.path, "r+b") as f:
        f.truncate(st.offsets[-1] // 2)
    with pytest.raises(FetchFailedError) as e:
        list(read_partition([st], 0, spec, HUGE, str(tmp_path), ShuffleMetrics()))
    assert (e.value.map_id, e.value.executor_id) == (3, "exec-9")
    os.remove(st.path)
    with pytest.raises(FetchFailedError):
        list(read_partition([st], 0, spec, HUGE, str(tmp_path), ShuffleMetrics()))


def test_a_failing_map_task_leaves_no_files_and_no_held_memory(tmp_path):
    pool = MemoryManager(10_000)

    def batches():
        yield from _batches(0)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_map_output(batches(), _spec(), 0, "e", str(tmp_path), pool, ShuffleMetrics())
    assert os.listdir(tmp_path) == [] and pool.execution_used == 0


def test_tables_are_accepted_and_batches_read_back_zero_copy(tmp_path):
    t = pa.table({"k": pa.array([1, 2, None, 4] * 50, pa.int32()), "x": [1.5] * 200})
    spec = _spec(2)
    st = write_map_output(iter([t]), spec, 0, "e", str(tmp_path), HUGE, ShuffleMetrics())
    out = [b for r in range(2)
           for b in read_partition([st], r, spec, HUGE, str(tmp_path), ShuffleMetrics())]
    got = pa.Table.from_batches(out)
    assert got.num_rows == 200 and got.schema == t.schema
    assert pc.sum(got.column("k")).as_py() == 350
