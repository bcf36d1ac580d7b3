"""Spill files and the spilling hash aggregator (PySpark's ExternalMerger).

Segmented files
    Every file the shuffle writes -- final map output and map-side spill files alike -- is a
    sequence of *segments*, one per bucket, each a stream of pickled lists of records (the
    :func:`runtime.serde.dump_batches` format, ``BATCH`` records per pickle). The writer
    remembers the offsets; a segment is read by seeking to its start and unpickling until
    the file position reaches its end (``pickle.load`` leaves the file positioned exactly
    after the pickle it read). Segments concatenate byte-wise, so a final map-output segment
    can be assembled by copying spilled segments unchanged.

Spill files
    Creating a file is the costly part of a spill on many filesystems, so each spilling
    structure (a map task's writer, a merger, a sort) creates at most ONE temporary file,
    :class:`SpillFile`, and appends every spill to it: a spill is a list of segments, whose
    absolute offsets the owner keeps in memory. The file is deleted when the owner is done
    (readers open their handle first, then unlink, so nothing is left behind even if the
    consumer of an iterator never finishes it).

ExternalMerger (reduce-side aggregation; Spark's ExternalAppendOnlyMap)
    State:
      * ``data``       -- the in-memory dict key -> combiner.
      * ``budget``     -- its share of the executor's pool (:mod:`runtime.memory`): it spills
        when the budget cannot grow to the dict's estimate. Child mergers share the pool.
      * ``spill_file`` -- a ``merge-spill-*.tmp`` SpillFile under ``tmp_dir``, created at
        the first spill. A spill hash-partitions ``data`` into ``partitions`` segments by a
        *second* hash, ``hash((key, salt)) % partitions`` (independent of the reducer's hash
        partition, so one reducer's keys still spread over all buckets), appends them and
        starts a new dict. A key can be in many spills, but always in the same bucket.
      * ``depth``/``salt`` -- recursion level; each level salts the second hash differently.
    Reading: with no spill, ``items()`` yields the dict. Otherwise the rest of ``data`` is
    spilled too, and bucket ``i`` is merged from segment ``i`` of every spill, one bucket at
    a time, with ``merge_combiners``: memory holds ~1/partitions of the keys. A bucket that
    still overflows (and has at least MIN_SPLIT_KEYS keys) is handed to a child merger one
    level deeper, which splits it ``partitions`` ways again; at ``MAX_DEPTH``, or with few
    keys, merging continues in memory: a single huge key's values must meet in one combiner
    (PySpark adds external lists for that; we do not).
    Order: spills are read back in spill order, so list combiners keep input order.
"""

from __future__ import annotations

import inspect
import operator
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from runtime.memory import Memory, as_memory
from runtime.serde import BATCH, PROTOCOL, dump_batches
from runtime.shuffle.memory import (
    INITIAL_CHECK,
    MAX_CHECK,
    SpillTracker,
    estimate_dict,
    next_check,
)
from runtime.shuffle.spec import Aggregator, ShuffleMetrics

PARTITIONS = 32  # sub-buckets per spill level (PySpark uses 59)
MAX_DEPTH = 3
MIN_SPLIT_KEYS = 4 * PARTITIONS  # fewer keys than this: merge in memory
FILE_BUFFER = 1 << 16
END = object()  # end-of-input sentinel for chunked loops; never a key


# -- the fold loops -----------------------------------------------------------------------
def _add(a, b):
    return a + b


def _identity(v):
    return v


# code flags that change how a function runs (varargs, generators, coroutines); the rest
# (e.g. the __future__ flags of the module that defined it) do not matter here
_SHAPE_FLAGS = (
    inspect.CO_VARARGS
    | inspect.CO_VARKEYWORDS
    | inspect.CO_GENERATOR
    | inspect.CO_COROUTINE
    | inspect.CO_ITERABLE_COROUTINE
    | inspect.CO_ASYNC_GENERATOR
)


def _same_code(f, ref) -> bool:
    """True when ``f`` is a plain function compiled to exactly ``ref``'s bytecode."""
    code = getattr(f, "__code__", None)
    rc = ref.__code__
    return (
        code is not None
        and getattr(f, "__closure__", None) is None
        and code.co_code == rc.co_code
        and code.co_consts == rc.co_consts
        and code.co_names == rc.co_names
        and code.co_argcount == rc.co_argcount
        and code.co_kwonlyargcount == 0
        and code.co_flags & _SHAPE_FLAGS == rc.co_flags & _SHAPE_FLAGS
    )


def is_add(f) -> bool:
    """``operator.add`` or a function whose body is exactly ``return a + b``."""
    return f is operator.add or _same_code(f, _add)


def is_identity(f) -> bool:
    """A function whose body is exactly ``return v`` (reduceByKey's create_combiner)."""
    return _same_code(f, _identity)


def make_fold(create, merge):
    """The per-record aggregation loop: ``fold(d, records) -> bool`` (False: no records).

    ``create`` None means the records already hold combiners (``merge`` is merge_combiners).
    reduceByKey with ``+`` -- word count -- gets a loop with no Python call per record:
    ``d[k] = d[k] + v`` (never ``+=``: the first value of a key is the caller's object).
    """
    if is_add(merge) and (create is None or is_identity(create)):

        def fold(d, records):
            k = END
            for k, v in records:
                if k in d:
                    d[k] = d[k] + v
                else:
                    d[k] = v
            return k is not END

    elif create is None or is_identity(create):

        def fold(d, records):
            k = END
            for k, v in records:
                if k in d:
                    d[k] = merge(d[k], v)
                else:
                    d[k] = v
            return k is not END

    else:

        def fold(d, records):
            k = END
            for k, v in records:
                if k in d:
                    d[k] = merge(d[k], v)
                else:
                    d[k] = create(v)
            return k is not END

    return fold


# -- segmented files ----------------------------------------------------------------------
def dump_list(records: list, f: IO[bytes]) -> None:
    """Append ``records`` to ``f`` as pickled lists of BATCH records (dump_batches format)."""
    dump = pickle.dump
    n = len(records)
    if n <= BATCH:
        if n:
            dump(records, f, PROTOCOL)
        return
    for i in range(0, n, BATCH):
        dump(records[i : i + BATCH], f, PROTOCOL)


def write_segments(buckets: list, f: IO[bytes]) -> list[int]:
    """Write each bucket as one segment; returns offsets relative to where ``f`` was."""
    base = f.tell()
    offsets = [0]
    for b in buckets:
        dump_list(b, f)
        offsets.append(f.tell() - base)
    return offsets


def iter_range(f: IO[bytes], start: int, end: int) -> Iterator:
    """Records of the segment ``[start, end)`` of an open, seekable binary file."""
    if end <= start:
        return
    f.seek(start)
    load = pickle.load
    tell = f.tell
    while tell() < end:
        yield from load(f)


def copy_range(f: IO[bytes], start: int, end: int, out: IO[bytes]) -> None:
    """Copy bytes ``[start, end)`` of the open file ``f`` to ``out`` (concatenates segments)."""
    n = end - start
    if n <= 0:
        return
    f.seek(start)
    while n > 0:
        chunk = f.read(min(n, 1 << 20))
        if not chunk:
            raise EOFError(f"{getattr(f, 'name', 'spill file')} is shorter than expected")
        out.write(chunk)
        n -= len(chunk)


def remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


class SpillFile:
    """One append-only temporary file that holds every spill of one spilling structure.

    Creating files is the expensive part of spilling on many filesystems, so a writer, merger
    or sorter creates at most one: each spill appends its segments and remembers their
    absolute offsets in ``spills`` (one list of ``segments + 1`` offsets per spill).
    """

    def __init__(self, directory: str, prefix: str):
        os.makedirs(directory, exist_ok=True)
        fd, self.path = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        self.out: IO[bytes] | None = os.fdopen(fd, "wb", buffering=FILE_BUFFER)
        self.spills: list[list[int]] = []

    def append_segments(self, buckets: list) -> int:
        """Append one spill (a segment per bucket); returns the bytes written."""
        base = self.out.tell()
        self.spills.append([base + o for o in write_segments(buckets, self.out)])
        return self.spills[-1][-1] - base

    def append_stream(self, records: Iterable) -> tuple[int, int]:
        """Append records as one segment; returns its ``(start, end)``."""
        start = self.out.tell()
        dump_batches(records, self.out)
        return start, self.out.tell()

    def open_reader(self) -> IO[bytes]:
        """A new read handle (pending writes are flushed first)."""
        if self.out is not None:
            self.out.flush()
        return open(self.path, "rb", buffering=FILE_BUFFER)

    def close(self) -> None:
        """Close and delete the file (open read handles keep working until closed)."""
        if self.out is not None:
            try:
                self.out.close()
            except OSError:
                pass
            self.out = None
        remove_quietly(self.path)


# -- the spilling hash aggregator ---------------------------------------------------------
class ExternalMerger:
    """A dict aggregator that spills hash-partitioned buckets to disk when out of memory."""

    def __init__(
        self,
        aggregator: Aggregator,
        memory: Memory,
        tmp_dir: str,
        metrics: ShuffleMetrics,
        logger_name: str = "ExternalAppendOnlyMap",
        partitions: int = PARTITIONS,
        depth: int = 0,
        tracker: SpillTracker | None = None,
    ):
        self.agg = aggregator
        self.memory = as_memory(memory)
        self.budget = self.memory.budget(logger_name)
        self.tmp_dir = tmp_dir
        self.metrics = metrics
        self.partitions = partitions
        self.depth = depth
        self.salt = 0x5BD1E995 + depth
        self.tracker = tracker or SpillTracker(logger_name, metrics)
        self.data: dict = {}
        self.spill_file: SpillFile | None = None

    @property
    def spilled(self) -> bool:
        return self.spill_file is not None

    # feeding ---------------------------------------------------------------------------
    def merge_values(self, iterator: Iterable) -> None:
        """Combine raw ``(k, v)`` records with create_combiner / merge_value."""
        self._fold(iterator, make_fold(self.agg.create_combiner, self.agg.merge_value))

    def merge_combiners(self, iterator: Iterable) -> None:
        """Merge ``(k, combiner)`` records with merge_combiners."""
        self._fold(iterator, make_fold(None, self.agg.merge_combiners))

    def _fold(self, iterator: Iterable, fold) -> None:
        it = iter(iterator)
        budget = self.budget
        bounded = self.depth < MAX_DEPTH
        n = INITIAL_CHECK
        while fold(self.data, islice(it, n)):
            if not bounded:
                n = MAX_CHECK
                continue
            est, per = estimate_dict(self.data)
            if not budget.grow_to(est):
                self._spill(est)
                n = next_check(0, budget.limit(), per)
            else:
                n = next_check(est, budget.limit(), per)

    # spilling --------------------------------------------------------------------------
    def _spill(self, estimated: int) -> None:
        if self.spill_file is None:
            self.spill_file = SpillFile(self.tmp_dir, "merge-spill-")
        p = self.partitions
        salt = self.salt
        buckets: list = [[] for _ in range(p)]
        appends = [b.append for b in buckets]
        for item in self.data.items():
            appends[hash((item[0], salt)) % p](item)
        self.data = {}
        self.budget.release()
        self.tracker.spilled(estimated, self.spill_file.append_segments(buckets))

    # reading ---------------------------------------------------------------------------
    def items(self) -> Iterator:
        """All ``(key, combiner)`` pairs, each key once. Consumes the merger; cleans up."""
        try:
            if self.spill_file is None:
                d = self.data
                self.data = {}
                yield from d.items()
                return
            if self.data:
                self._spill(estimate_dict(self.data)[0])
            f = self.spill_file.open_reader()
            self.spill_file.close()  # unlinked; the read handle keeps the data
            with f:
                for i in range(self.partitions):
                    yield from self._merged_bucket(f, i)
        finally:
            self.cleanup()

    def _bucket_records(self, f: IO[bytes], i: int) -> Iterator:
        for offs in self.spill_file.spills:
            yield from iter_range(f, offs[i], offs[i + 1])

    def _merged_bucket(self, f: IO[bytes], i: int) -> Iterator:
        it = self._bucket_records(f, i)
        fold = make_fold(None, self.agg.merge_combiners)
        budget = self.budget
        can_split = self.depth < MAX_DEPTH
        d: dict = {}
        n = INITIAL_CHECK
        while fold(d, islice(it, n)):
            est, per = estimate_dict(d)
            # Splitting helps only when there are many keys; a few huge combiners (hot keys)
            # have to meet in memory anyway.
            if not budget.grow_to(est) and can_split and len(d) >= MIN_SPLIT_KEYS:
                budget.release()
                child = ExternalMerger(
                    self.agg,
                    self.memory,
                    self.tmp_dir,
                    self.metrics,
                    partitions=self.partitions,
                    depth=self.depth + 1,
                    tracker=self.tracker,
                )
                child.data = d
                d = {}
                try:
                    child._spill(est)
                    child.merge_combiners(it)
                except BaseException:
                    child.cleanup()
                    raise
                yield from child.items()
                return
            n = next_check(est, budget.limit(), per)
        yield from d.items()
        budget.release()

    def cleanup(self) -> None:
        if self.spill_file is not None:
            self.spill_file.close()
        self.data = {}
        self.budget.release()
