"""Format-tagged task results and cached blocks: Arrow stays Arrow, records stay pickled."""

from __future__ import annotations

import pyarrow as pa

from runtime.blockstore import BlockStore
from runtime.dataformat import ARROW, PICKLE, decode_result, encode_result
from runtime.memory import MemoryManager


def _table(n: int = 5) -> pa.Table:
    return pa.table({"k": list(range(n)), "s": [f"v{i}" for i in range(n)]})


def test_arrow_results_travel_as_ipc_and_decode_as_tables():
    t = _table()
    data, fmt = encode_result(t)
    assert fmt == ARROW and data.startswith(b"\xff\xff\xff\xff")  # an IPC stream message
    back = decode_result(data, fmt)
    assert isinstance(back, pa.Table) and back.equals(t)
    batch_data, fmt = encode_result(t.to_batches()[0])
    assert fmt == ARROW and decode_result(batch_data, fmt).equals(t)


def test_other_results_are_pickled_as_before():
    data, fmt = encode_result([1, "a", None])
    assert fmt == PICKLE and decode_result(data, fmt) == [1, "a", None]
    assert decode_result(data, None) == [1, "a", None]  # an untagged reply is pickle
    data, fmt = encode_result(lambda x: x + 1)  # cloudpickle fallback
    assert fmt == PICKLE and decode_result(data, fmt)(1) == 2


def test_arrow_blocks_are_stored_as_arrow_in_memory_and_on_disk(tmp_path):
    batches = _table(100).to_batches(max_chunksize=30)
    store = BlockStore(str(tmp_path), MemoryManager(1 << 20))
    assert store.put((1, 0), batches)
    assert store.format_of((1, 0)) == ARROW
    block = store.memory[(1, 0)]
    assert block.data.startswith(b"\xff\xff\xff\xff")
    back = store.get((1, 0))
    assert all(isinstance(b, pa.RecordBatch) for b in back)
    assert pa.Table.from_batches(back).equals(pa.Table.from_batches(batches))
    assert store.put((1, 1), batches, use_memory=False, use_disk=True)
    assert store.disk[(1, 1)][0].endswith(".arrow") and store.format_of((1, 1)) == ARROW
    assert pa.Table.from_batches(store.get((1, 1))).equals(pa.Table.from_batches(batches))
    assert store.put((2, 0), [(1, "a")])
    assert store.format_of((2, 0)) == PICKLE and store.get((2, 0)) == [(1, "a")]


def test_an_arrow_job_result_reaches_the_driver_as_a_table(sc):
    def to_table(it):
        import pyarrow as pa

        xs = list(it)
        return pa.table({"x": xs, "sq": [x * x for x in xs]})

    rdd = sc.parallelize(range(10), 2)
    tables = sc._run_job(rdd, to_table)
    assert all(isinstance(t, pa.Table) for t in tables)
    assert pa.concat_tables(tables).column("sq").to_pylist() == [x * x for x in range(10)]
