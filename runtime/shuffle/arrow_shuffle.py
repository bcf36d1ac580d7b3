"""The ARROW shuffle format: record batches in, one Arrow IPC stream per reducer segment out.

Map side, :func:`write_arrow_map_output` (called by ``write_map_output`` for an ARROW spec)
consumes a map task's record batches (tables are split into theirs) and writes the same
data file and offsets index as the PICKLE format (runtime/shuffle/spec.py), so the
scheduler, MapStatus, the worker's shuffle service and the cleanup are format-blind:

* input batches are gathered until they hold ``PARTITION_ROWS`` rows (or the budget is
  short, or the input ends), then partitioned together by
  ``spec.partitioner.partition_ids(batch, n)`` (vectorized, runtime/shuffle/partitioner.py):
  one stable ``argsort`` of the partition ids, one ``take``, then zero-copy slices, one per
  reducer that got rows. Gathering first keeps a reducer's segment to a few large batches
  when the input comes in many small ones (a Parquet scan yields one per row group): a
  slice per input batch per reducer made ~5,000 tiny IPC batches per map task of an
  SF 1 join, each with its own write and read overhead;
* the slices are buffered per reducer; their size (the taken batch's ``nbytes``) is asked
  of the task's budget of the executor's pool (runtime/memory.py). When the budget cannot
  grow, every reducer's buffer is *spilled*: written, after the optional ``spec.combiner``
  (the SQL engine's partial aggregation), as one IPC stream per reducer into the task's one
  spill file ``spill_{shuffle}_{map}_*.arrow.tmp`` under ``shuffle_dir`` (spark.local.dir),
  and the budget is released;
* at the end, reducer by reducer, its spilled streams are read back memory-mapped (no copy)
  and rewritten, followed by its in-memory batches (combined), into ONE IPC stream in the
  data file, so a segment is a complete stream: schema, batches, end-of-stream marker. A
  reducer with no rows gets an empty segment (zero bytes), as with records. The output is
  written to a temporary name and renamed into place; the spill file is deleted, also when
  the task fails.

Rows keep their input order within a reducer. ``records_written`` counts rows and
``bytes_written`` the data file's size; spills count in the task's ShuffleMetrics and log on
"ExternalSorter", like the records writer's.

Reduce side, :func:`read_arrow_partition` yields the record batches of segment
``reduce_id`` of every map output in map order: a local file is memory-mapped and the
segment opened as an IPC stream in place (zero-copy); a remote one comes as bytes from
``fetch(status, reduce_id)`` (the worker's shuffle service in cluster mode). A missing,
truncated or corrupt segment raises FetchFailedError. ``records_read`` counts rows,
``bytes_read`` segment bytes.

pyarrow and numpy are imported lazily, inside the functions: RDD applications never load
them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from typing import Callable

from runtime.memory import Memory, as_memory
from runtime.shuffle.files import commit_map_output, fetch_segment
from runtime.shuffle.memory import SpillTracker
from runtime.shuffle.merger import remove_quietly
from runtime.shuffle.spec import (
    FetchFailedError,
    MapStatus,
    ShuffleMetrics,
    ShuffleSpec,
)

LOGGER = "ExternalSorter"

#: input rows gathered before they are partitioned together (see the module doc)
PARTITION_ROWS = 1 << 20


def write_arrow_map_output(
    batches: Iterable,
    spec: ShuffleSpec,
    map_id: int,
    executor_id: str,
    shuffle_dir: str,
    memory: Memory,
    metrics: ShuffleMetrics,
) -> MapStatus:
    """Partition one map task's record batches into its shuffle data file (IPC segments)."""
    w = _ArrowWriter(spec, map_id, shuffle_dir, memory, metrics, batches)
    return commit_map_output(spec, map_id, executor_id, shuffle_dir, metrics, w)


class _ArrowWriter:
    """One map task's buffers (per reducer), its spill file and its budget."""

    def __init__(self, spec: ShuffleSpec, map_id: int, shuffle_dir: str, memory: Memory,
                 metrics: ShuffleMetrics, batches: Iterable = ()):
        if spec.partitioner is None and spec.num_partitions > 1:
            raise ValueError(f"ARROW shuffle {spec.shuffle_id} has no partitioner")
        self.spec = spec
        self.batches = batches
        self.n = spec.num_partitions
        self.map_id = map_id
        self.dir = shuffle_dir
        self.budget = as_memory(memory).budget(LOGGER)
        self.tracker = SpillTracker(LOGGER, metrics)
        self.buffers: list[list] = [[] for _ in range(self.n)]
        self.buffered = 0  # bytes of the batches in buffers and pending
        self.pending: list = []  # input batches not yet partitioned
        self.pending_rows = 0
        self.spill_path: str | None = None
        self.spill_sink = None
        self.spills: list[list[int]] = []  # per spill: n + 1 absolute offsets

    def add(self, batch) -> None:
        import pyarrow as pa

        if isinstance(batch, pa.Table):
            for b in batch.to_batches():
                self.add(b)
            return
        rows = batch.num_rows
        if rows == 0:
            return
        if self.n == 1:
            self.buffers[0].append(batch)
        else:
            self.pending.append(batch)
            self.pending_rows += rows
        self.buffered += batch.nbytes
        if self.pending_rows >= PARTITION_ROWS:
            self._partition()
        if not self.budget.grow_to(self.buffered):
            self.spill()

    def _partition(self) -> None:
        """The pending batches partitioned together into the reducers' buffers."""
        import numpy as np
        import pyarrow as pa

        if not self.pending:
            return
        batch = self.pending[0] if len(self.pending) == 1 else \
            pa.concat_batches(self.pending)
        self.pending = []
        self.pending_rows = 0
        pids = self.spec.partitioner.partition_ids(batch, self.n)
        counts = np.bincount(pids, minlength=self.n)
        nonzero = np.flatnonzero(counts)
        if len(nonzero) == 1:
            self.buffers[int(nonzero[0])].append(batch)
            return
        # a stable sort of small integers: numpy's radix sort (uint16), ~15x a general one
        order = np.argsort(pids.astype(np.uint16) if self.n <= 1 << 16 else pids, kind="stable")
        taken = batch.take(pa.array(order))
        self.buffered += taken.nbytes - batch.nbytes
        starts = np.concatenate(([0], np.cumsum(counts)))
        for r in nonzero:
            r = int(r)
            self.buffers[r].append(taken.slice(int(starts[r]), int(counts[r])))

    def _combined(self, batches: list) -> list:
        combiner = self.spec.combiner
        if combiner is None or not batches:
            return batches
        return [b for b in combiner(batches) if b.num_rows]

    def spill(self) -> None:
        import pyarrow as pa

        if self.spill_sink is None:
            self.spill_path = os.path.join(
                self.dir, f"spill_{self.spec.shuffle_id}_{self.map_id}_{uuid.uuid4().hex}"
                ".arrow.tmp")
            self.spill_sink = pa.OSFile(self.spill_path, "wb")
        self._partition()
        sink = self.spill_sink
        base = sink.tell()
        offs = [base]
        for r in range(self.n):
            _write_stream(sink, self._combined(self.buffers[r]))
            offs.append(sink.tell())
        self.spills.append(offs)
        self.tracker.spilled(self.buffered, offs[-1] - base)
        self.buffers = [[] for _ in range(self.n)]
        self.buffered = 0
        self.budget.release()

    def write(self, path: str) -> tuple[list[int], int]:
        for batch in self.batches:
            self.add(batch)
        return self.finish(path)

    def finish(self, path: str) -> tuple[list[int], int]:
        import pyarrow as pa

        self._partition()
        spilled = None
        if self.spill_sink is not None:
            self.spill_sink.close()
            self.spill_sink = None
            spilled = pa.memory_map(self.spill_path, "r")
        rows = 0
        offsets = [0]
        try:
            with pa.OSFile(path, "wb") as sink:
                for r in range(self.n):
                    batches: list = []
                    for offs in self.spills:
                        if offs[r + 1] > offs[r]:
                            spilled.seek(offs[r])
                            buf = spilled.read_buffer(offs[r + 1] - offs[r])
                            batches.extend(pa.ipc.open_stream(buf))
                    batches.extend(self._combined(self.buffers[r]))
                    self.buffers[r] = []
                    rows += _write_stream(sink, batches)
                    offsets.append(sink.tell())
        finally:
            if spilled is not None:
                spilled.close()
        return offsets, rows

    def cleanup(self) -> None:
        self.budget.release()
        if self.spill_sink is not None:
            self.spill_sink.close()
            self.spill_sink = None
        if self.spill_path is not None:
            remove_quietly(self.spill_path)


def _write_stream(sink, batches: list) -> int:
    """Write ``batches`` as one IPC stream (nothing when empty); returns the rows written."""
    import pyarrow as pa

    if not batches:
        return 0
    rows = 0
    with pa.ipc.new_stream(sink, batches[0].schema) as w:
        for b in batches:
            w.write_batch(b)
            rows += b.num_rows
    return rows


def read_arrow_partition(
    statuses: list[MapStatus],
    reduce_id: int,
    metrics: ShuffleMetrics,
    fetch: Callable[[MapStatus, int], bytes] | None = None,
) -> Iterator:
    """Record batches of reduce partition ``reduce_id``, map 0's first (lazy)."""
    import pyarrow as pa

    for st in statuses:
        start, end = st.offsets[reduce_id], st.offsets[reduce_id + 1]
        if end <= start:
            continue
        source = None
        try:
            if fetch is None:
                try:
                    source = pa.memory_map(st.path, "r")
                    source.seek(start)
                    buf = source.read_buffer(end - start)
                except OSError as e:
                    raise FetchFailedError.of(st, reduce_id, f"cannot read {st.path}: {e}") from e
                if buf.size != end - start:
                    raise FetchFailedError.of(st, reduce_id, f"{st.path} is truncated")
            else:
                data = fetch_segment(fetch, st, reduce_id)
                buf = pa.py_buffer(data)
            metrics.bytes_read += end - start
            try:
                reader = pa.ipc.open_stream(buf)
                for batch in reader:
                    metrics.records_read += batch.num_rows
                    yield batch
            except (pa.ArrowInvalid, OSError) as e:
                raise FetchFailedError.of(
                    st, reduce_id, f"corrupt or truncated segment: {e}") from e
        finally:
            if source is not None:
                source.close()
