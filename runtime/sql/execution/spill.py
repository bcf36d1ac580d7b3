"""Spilling for the SQL operators: memory budgets, Arrow IPC run files, hash buckets, k-way merge.

The reduce-side operators that hold a whole partition -- the final/complete hash aggregate,
the sort and the shuffled hash join -- take their memory from the task's share of the
executor's unified pool (runtime/memory.py) through :class:`SpillResources`, which the
lineage runner builds from the running task's context (``tc.memory``, ``tc.shuffle_dir``
under spark.local.dir, ``tc.metrics``). The in-process runner passes None: no budget, no
spill.

Pieces:

* :class:`BatchBuffer` -- record batches held in memory, their ``nbytes`` asked of a
  :class:`~runtime.memory.Budget` (times ``factor``: what the operator needs on top of the
  input to process it, e.g. a sort's ``take`` copy). ``add`` says False when the budget
  cannot grow: the caller spills.
* :class:`RunFile` -- one Arrow IPC stream file ``sql-spill-<uuid>.arrow`` in the spill
  directory; written once, read back memory-mapped (no copy), deleted by ``remove`` (the
  operators call it in a ``finally``, so a failing or abandoned task leaves nothing).
* :class:`HashBuckets` -- Grace partitioning: rows go to one of ``n`` run files by a seeded
  row hash of key columns (seed 0x5eed, not the shuffle's 42, so the rows of one reduce
  partition still spread over all buckets). Rows with equal keys meet in one bucket, which
  is then processed alone (aggregation per bucket, join per bucket pair).
* :func:`merge_sorted_runs` -- the k-way merge of sorted runs, vectorized: the head chunks
  of all runs are concatenated and sorted together; the earliest position in that order
  where some run's *last* buffered row appears is the frontier: every row up to it is
  final (any unread row of a run orders after its run's last buffered row), so it is
  emitted; the rest stays buffered (per run a suffix of its head) and the exhausted run
  reads its next chunk.

Every spill counts in the task's metrics (``memory_bytes_spilled``: the batches' in-memory
size; ``disk_bytes_spilled``: the file bytes) and logs on "ExternalSorter" like the
shuffle's spills, so the listener bus and the UI see Spark's spill metrics.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from runtime.shuffle.memory import SpillTracker
from runtime.shuffle.merger import remove_quietly
from runtime.shuffle.rowhash import partition_ids

__all__ = ["BatchBuffer", "HashBuckets", "RunFile", "SpillResources", "merge_sorted_runs"]

LOGGER = "ExternalSorter"
BUCKET_SEED = 0x5EED
NUM_BUCKETS = 16
CHUNK_ROWS = 1 << 15  # rows per batch of a sorted run file (the merge's read unit)


@dataclass
class SpillResources:
    """What an operator may use to spill: the task's memory, a directory, its metrics."""

    memory: Any  # runtime.memory.TaskMemory / MemoryManager: ``budget(name)``
    tmp_dir: str
    metrics: Any  # runtime.shuffle.spec.ShuffleMetrics

    @classmethod
    def of_task(cls, tc: Any) -> SpillResources | None:
        if tc is None or getattr(tc, "memory", None) is None:
            return None
        return cls(tc.memory, tc.shuffle_dir, tc.metrics)

    def tracker(self) -> SpillTracker:
        return SpillTracker(LOGGER, self.metrics)


class BatchBuffer:
    """Batches held in memory under a budget (see the module doc)."""

    def __init__(self, res: SpillResources, name: str, factor: float = 1.0):
        self.budget = res.memory.budget(name)
        self.factor = factor
        self.batches: list = []
        self.nbytes = 0
        self.rows = 0

    def add(self, batch: Any) -> bool:
        self.batches.append(batch)
        self.nbytes += batch.nbytes
        self.rows += batch.num_rows
        return self.budget.grow_to(int(self.nbytes * self.factor))

    def take(self) -> list:
        out, self.batches, self.nbytes, self.rows = self.batches, [], 0, 0
        self.budget.release()
        return out

    def release(self) -> None:
        self.batches, self.nbytes, self.rows = [], 0, 0
        self.budget.release()


class RunFile:
    """One Arrow IPC stream file of spilled batches (write, close, read back, remove)."""

    def __init__(self, tmp_dir: str, schema: Any):
        import pyarrow as pa

        os.makedirs(tmp_dir, exist_ok=True)
        self.path = os.path.join(tmp_dir, f"sql-spill-{uuid.uuid4().hex}.arrow")
        self.schema = schema
        self._sink = pa.OSFile(self.path, "wb")
        self._writer = pa.ipc.new_stream(self._sink, schema)
        self.rows = 0
        self.nbytes = 0  # in-memory size of what was written

    def write(self, batch: Any, chunk_rows: int | None = None) -> None:
        if not batch.num_rows:
            return
        if batch.schema != self.schema:
            batch = batch.cast(self.schema) if hasattr(batch, "cast") else batch
        step = chunk_rows or batch.num_rows
        for s in range(0, batch.num_rows, step):
            self._writer.write_batch(batch.slice(s, step))
        self.rows += batch.num_rows
        self.nbytes += batch.nbytes

    def close(self) -> int:
        """Finish the stream; returns the file's size."""
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None
        return os.path.getsize(self.path)

    def read(self) -> Iterator[Any]:
        import pyarrow as pa

        self.close()
        with pa.memory_map(self.path, "r") as source:
            yield from pa.ipc.open_stream(source)

    def remove(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
                self._sink.close()
            except Exception:  # noqa: BLE001 - removing anyway
                pass
            self._writer = None
        remove_quietly(self.path)


class HashBuckets:
    """Grace partitioning of batches into ``n`` run files by a row hash of their keys."""

    def __init__(self, res: SpillResources, schema: Any, key_fn: Callable[[Any], Any],
                 n: int = NUM_BUCKETS):
        self.res = res
        self.key_fn = key_fn  # batch -> record batch of key columns
        self.n = n
        self.files = [RunFile(res.tmp_dir, schema) for _ in range(n)]

    def write(self, batch: Any) -> None:
        import numpy as np
        import pyarrow as pa

        if not batch.num_rows:
            return
        keys = self.key_fn(batch)
        ids = partition_ids(keys, list(range(keys.num_columns)), self.n, BUCKET_SEED)
        # a stable sort of small integers: numpy's radix sort on uint16
        order = np.argsort(ids.astype(np.uint16) if self.n <= 1 << 16 else ids, kind="stable")
        counts = np.bincount(ids, minlength=self.n)
        taken = batch.take(pa.array(order))
        start = 0
        for j in range(self.n):
            c = int(counts[j])
            if c:
                self.files[j].write(taken.slice(start, c))
            start += c

    def spill(self, batches: list) -> None:
        """Write ``batches`` (what was in memory) and count it as one spill."""
        mem = sum(b.nbytes for b in batches)
        before = sum(_size(f) for f in self.files)
        for b in batches:
            self.write(b)
        after = sum(_size(f) for f in self.files)
        self.res.tracker().spilled(mem, max(0, after - before))

    def finish(self) -> None:
        for f in self.files:
            f.close()

    def buckets(self) -> Iterator[list]:
        """The batches of each bucket in turn (a bucket's file is removed after it)."""
        self.finish()
        for f in self.files:
            try:
                yield list(f.read()) if f.rows else []
            finally:
                f.remove()

    def remove(self) -> None:
        for f in self.files:
            f.remove()


def _size(f: RunFile) -> int:
    try:
        if f._writer is not None:
            return f._sink.tell()
        return os.path.getsize(f.path)
    except OSError:
        return 0


def merge_sorted_runs(runs: list[Iterator[Any]], sort_indices: Callable[[Any], Any]
                      ) -> Iterator[Any]:
    """Merge sorted runs (iterators of sorted record batches) into one sorted stream.

    ``sort_indices(table)`` gives the order of a table's rows (Spark's ordering).
    """
    import numpy as np
    import pyarrow as pa

    heads: list = [None] * len(runs)

    def refill(r: int) -> None:
        while True:
            b = next(runs[r], None)
            if b is None:
                heads[r] = None
                return
            if b.num_rows:
                heads[r] = pa.Table.from_batches([b])
                return

    for r in range(len(runs)):
        refill(r)
    while True:
        live = [r for r in range(len(runs)) if heads[r] is not None]
        if not live:
            return
        if len(live) == 1:
            r = live[0]
            yield from heads[r].combine_chunks().to_batches()
            for b in runs[r]:
                if b.num_rows:
                    yield b
            return
        tables = [heads[r] for r in live]
        lens = np.array([t.num_rows for t in tables], dtype=np.int64)
        offs = np.concatenate([[0], np.cumsum(lens)])
        lasts = offs[1:] - 1
        both = pa.concat_tables(tables).combine_chunks()
        idx = np.asarray(sort_indices(both)).astype(np.int64)
        is_last = np.isin(idx, lasts)
        p = int(np.argmax(is_last))
        emitted = idx[: p + 1]
        yield both.take(pa.array(emitted)).combine_chunks().to_batches()[0]
        run_of = np.searchsorted(offs[1:], emitted, side="right")
        taken = np.bincount(run_of, minlength=len(live))
        for k, r in enumerate(live):
            rest = int(lens[k] - taken[k])
            if rest:
                heads[r] = tables[k].slice(int(taken[k]))
            else:
                refill(r)
