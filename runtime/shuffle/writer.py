"""The map side of a shuffle: one task's records -> one partitioned data file.

:func:`write_map_output` consumes the task's ``(key, value)`` records and writes
``shuffle_dir/shuffle_{shuffle_id}_{map_id}_0.data`` whose segment ``r`` (bytes
``[offsets[r], offsets[r+1])``, see :mod:`runtime.shuffle.spec`) holds reducer ``r``'s
records as a stream of pickled lists. The file is written under a unique temporary name and
``os.replace``-d into place, so a reader never sees a half-written file and a re-run of the
same map task atomically replaces the previous output.

Two paths:

* **Map-side combine** (aggregator and ``map_side_combine``): records are folded into one
  dict, key -> combiner (``create_combiner`` / ``merge_value``). That loop is the whole cost
  of a word count, so it runs over ``islice`` chunks with no per-record counter, and
  :func:`~runtime.shuffle.merger.make_fold` picks a loop with no call at all when the merge
  is ``+`` (``operator.add`` / ``lambda a, b: a + b``) and the combiner the value itself,
  else one call of the user's function per record. Between chunks the dict's size is
  estimated (:mod:`runtime.shuffle.memory`) and the writer's budget of the executor's pool
  (:mod:`runtime.memory`) asked to grow to it; when it cannot, the dict is *spilled*: its
  entries are hash-partitioned by reducer into a spill file (same segmented format), and a
  new dict begins. At the end, with no spill the dict is partitioned and written directly;
  otherwise the last dict is spilled too, and reducer by reducer the spilled segments are
  merged with ``merge_combiners`` into a dict that is flushed to the output whenever its
  budget cannot grow (so a reducer's segment may repeat a key -- readers merge anyway).
  Spark's ExternalSorter does this job on the map side, so spills log on "ExternalSorter".
* **No map-side combine** (``groupByKey``, ``partitionBy``, combine on the reduce side):
  records are appended to one list per reducer; when the budget cannot grow, the lists are
  written to a spill file and emptied. At the end each reducer's segment is its spilled segments, copied
  byte for byte in spill order, followed by what is still in memory, so records keep their
  input order within a reducer.

Partitioning: ``partition_func(key) % num_partitions``. When the partition function is
:func:`~runtime.shuffle.hashing.portable_hash`, the PYTHONHASHSEED check runs once and plain
str/int/bytes/float keys are hashed with ``hash`` inline. With one partition nothing is
hashed.

All spills of a task go to one appended spill file, ``spill_{shuffle_id}_{map_id}_*.tmp`` in
``shuffle_dir`` (see :class:`~runtime.shuffle.merger.SpillFile`); it and the temporary data
file are deleted before returning, also when the task fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from runtime.dataformat import ARROW
from runtime.memory import Memory, as_memory
from runtime.shuffle.arrow_shuffle import write_arrow_map_output
from runtime.shuffle.files import commit_map_output
from runtime.shuffle.hashing import fast_partition_func, portable_hash_unchecked
from runtime.shuffle.memory import (
    INITIAL_CHECK,
    SpillTracker,
    estimate_dict,
    estimate_list,
    next_check,
)
from runtime.shuffle.merger import (
    END,
    SpillFile,
    copy_range,
    dump_list,
    iter_range,
    make_fold,
    write_segments,
)
from runtime.shuffle.spec import MapStatus, ShuffleMetrics, ShuffleSpec

OUT_BUFFER = 1 << 20
LOGGER = "ExternalSorter"
# Key types whose portable_hash is exactly hash(): hashed inline on the hot path.
_DIRECT = frozenset((str, int, bytes, float, bool))


def write_map_output(
    records: Iterable,
    spec: ShuffleSpec,
    map_id: int,
    executor_id: str,
    shuffle_dir: str,
    memory: Memory,
    metrics: ShuffleMetrics,
) -> MapStatus:
    """Partition (and combine) one map task's records into its shuffle data file.

    An ARROW spec's input is record batches, written by
    :func:`~runtime.shuffle.arrow_shuffle.write_arrow_map_output`.
    """
    if spec.data_format == ARROW:
        return write_arrow_map_output(
            records, spec, map_id, executor_id, shuffle_dir, memory, metrics
        )
    w = _Writer(spec, map_id, shuffle_dir, memory, metrics, records)
    return commit_map_output(spec, map_id, executor_id, shuffle_dir, metrics, w)


class _Writer:
    """State of one map task's write: the spec, the spill files written so far."""

    def __init__(
        self, spec: ShuffleSpec, map_id: int, shuffle_dir: str, memory: Memory,
        metrics: ShuffleMetrics, records: Iterable = ()
    ):
        self.spec = spec
        self.records = records
        self.n = spec.num_partitions
        self.pf, self.portable = fast_partition_func(spec.partition_func)
        self.map_id = map_id
        self.dir = shuffle_dir
        self.budget = as_memory(memory).budget(LOGGER)
        self.tracker = SpillTracker(LOGGER, metrics)
        self.spill_file: SpillFile | None = None  # all spills, appended in order

    # partitioning ---------------------------------------------------------------------
    def bucketize(self, items) -> list:
        """Split ``(key, x)`` items into one list per reducer."""
        n = self.n
        if n == 1:
            return [list(items)]
        buckets: list = [[] for _ in range(n)]
        appends = [b.append for b in buckets]
        if self.portable:
            ph = portable_hash_unchecked
            direct = _DIRECT
            for item in items:
                k = item[0]
                appends[(hash(k) if type(k) in direct else ph(k)) % n](item)
        else:
            pf = self.pf
            for item in items:
                appends[pf(item[0]) % n](item)
        return buckets

    # spilling -------------------------------------------------------------------------
    def spill(self, buckets: list, estimated: int) -> None:
        if self.spill_file is None:
            self.spill_file = SpillFile(self.dir, f"spill_{self.spec.shuffle_id}_{self.map_id}_")
        self.tracker.spilled(estimated, self.spill_file.append_segments(buckets))

    def write(self, path: str) -> tuple[list[int], int]:
        with open(path, "wb", buffering=OUT_BUFFER) as out:
            if self.spec.aggregator is not None and self.spec.map_side_combine:
                return self.write_combined(self.records, out)
            return self.write_plain(self.records, out)

    def cleanup(self) -> None:
        self.budget.release()
        if self.spill_file is not None:
            self.spill_file.close()

    # map-side combine -----------------------------------------------------------------
    def write_combined(self, records: Iterable, out) -> tuple[list[int], int]:
        agg = self.spec.aggregator
        fold = make_fold(agg.create_combiner, agg.merge_value)
        budget = self.budget
        it = iter(records)
        d: dict = {}
        n = INITIAL_CHECK
        while fold(d, islice(it, n)):
            est, per = estimate_dict(d)
            if not budget.grow_to(est):
                self.spill(self.bucketize(d.items()), est)
                budget.release()
                d = {}
                n = next_check(0, budget.limit(), per)
            else:
                n = next_check(est, budget.limit(), per)
        if self.spill_file is None:
            count = len(d)
            offsets = write_segments(self.bucketize(d.items()), out)
            return offsets, count
        if d:
            self.spill(self.bucketize(d.items()), estimate_dict(d)[0])
        d = None
        self.budget.release()
        with self.spill_file.open_reader() as f:
            return self._merge_spills(make_fold(None, agg.merge_combiners), f, out)

    def _merge_spills(self, fold, f, out) -> tuple[list[int], int]:
        budget = self.budget
        offsets = [0]
        count = 0
        for r in range(self.n):
            m: dict = {}
            n = INITIAL_CHECK
            for offs in self.spill_file.spills:
                it = iter_range(f, offs[r], offs[r + 1])
                while fold(m, islice(it, n)):
                    est, per = estimate_dict(m)
                    if not budget.grow_to(est):  # flush early; the reducer merges duplicates
                        dump_list(list(m.items()), out)
                        count += len(m)
                        m = {}
                        budget.release()
                        n = next_check(0, budget.limit(), per)
                    else:
                        n = next_check(est, budget.limit(), per)
            if m:
                dump_list(list(m.items()), out)
                count += len(m)
            budget.release()
            offsets.append(out.tell())
        return offsets, count

    # no map-side combine --------------------------------------------------------------
    def write_plain(self, records: Iterable, out) -> tuple[list[int], int]:
        nparts = self.n
        budget = self.budget
        it = iter(records)
        buckets: list = [[] for _ in range(nparts)]
        appends = [b.append for b in buckets]
        pf = self.pf
        ph = portable_hash_unchecked
        direct = _DIRECT
        portable = self.portable
        buffered = 0
        count = 0
        n = INITIAL_CHECK
        while True:
            if nparts == 1:
                b0 = buckets[0]
                before = len(b0)
                b0.extend(islice(it, n))
                if len(b0) == before:
                    break
            else:
                rec = END
                if portable:
                    for rec in islice(it, n):
                        k = rec[0]
                        appends[(hash(k) if type(k) in direct else ph(k)) % nparts](rec)
                else:
                    for rec in islice(it, n):
                        appends[pf(rec[0]) % nparts](rec)
                if rec is END:
                    break
            buffered = sum(map(len, buckets))
            _, per = estimate_list(max(buckets, key=len))
            per += 8  # the list slot
            est = buffered * per + 56 * nparts
            if not budget.grow_to(est):
                self.spill(buckets, est)
                budget.release()
                count += buffered
                buckets = [[] for _ in range(nparts)]
                appends = [b.append for b in buckets]
                n = next_check(0, budget.limit(), per)
            else:
                n = next_check(est, budget.limit(), per)
        count += sum(map(len, buckets))
        offsets = [0]
        f = self.spill_file.open_reader() if self.spill_file is not None else None
        try:
            for r in range(nparts):
                if f is not None:
                    for offs in self.spill_file.spills:
                        copy_range(f, offs[r], offs[r + 1], out)
                dump_list(buckets[r], out)
                offsets.append(out.tell())
        finally:
            if f is not None:
                f.close()
        return offsets, count
