"""External sort for the reduce side of sortByKey / sortBy / repartitionAndSortWithinPartitions.

:func:`external_sort` is PySpark's ExternalSorter: records are gathered into an in-memory
list, estimated between ``islice`` chunks (:mod:`runtime.shuffle.memory`); when the sort's
budget of the executor's pool (:mod:`runtime.memory`) cannot grow to the estimate, the list is sorted (``list.sort(key=key, reverse=reverse)``) and appended
as a *run* to the sort's one spill file ``sort-spill-*.tmp`` under ``tmp_dir`` (a stream of
pickled lists, the :func:`runtime.serde.dump_batches` format; the sort keeps each run's byte
range), and a new list begins. At the end the last list
is sorted in memory and merged with the runs by :func:`heapq.merge` (same key and reverse).

Invariants
  * The output is exactly ``sorted(records, key=key, reverse=reverse)``, stability
    included: runs hold consecutive slices of the input in input order, the in-memory list
    comes last, and ``heapq.merge`` breaks ties by iterable position.
  * At most ``MAX_FAN_IN`` runs are read at once: with more, the oldest ``MAX_FAN_IN`` runs
    are first merged into one bigger run appended to the same file (it replaces them in the
    run list, at their position, so stability holds).
  * The spill file does not outlive the iterator: it is unlinked as soon as the final merge
    has opened its read handles (which keep the data), and a ``finally`` removes it when the
    generator fails or is closed before that.

Spills log on "ExternalSorter" and count in ``metrics`` (intermediate merges add only to
``disk_bytes_spilled``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Callable

from runtime.memory import Memory, as_memory
from runtime.shuffle.memory import INITIAL_CHECK, SpillTracker, estimate_list, next_check
from runtime.shuffle.merger import SpillFile, dump_list, iter_range
from runtime.shuffle.spec import ShuffleMetrics

LOGGER = "ExternalSorter"
MAX_FAN_IN = 64


def external_sort(
    records: Iterable,
    key: Callable | None,
    reverse: bool,
    memory: Memory,
    tmp_dir: str,
    metrics: ShuffleMetrics,
) -> Iterator:
    """``sorted(records, key=key, reverse=reverse)`` in bounded memory (lazy)."""
    budget = as_memory(memory).budget(LOGGER)
    tracker = SpillTracker(LOGGER, metrics)
    spill: SpillFile | None = None
    runs: list[tuple[int, int]] = []  # (start, end) of each sorted run in the spill file
    readers: list = []
    it = iter(records)
    chunk: list = []
    try:
        n = INITIAL_CHECK
        while True:
            before = len(chunk)
            chunk.extend(islice(it, n))
            if len(chunk) == before:
                break
            est, per = estimate_list(chunk)
            if not budget.grow_to(est):
                chunk.sort(key=key, reverse=reverse)
                if spill is None:
                    spill = SpillFile(tmp_dir, "sort-spill-")
                start = spill.out.tell()
                dump_list(chunk, spill.out)
                runs.append((start, spill.out.tell()))
                tracker.spilled(est, runs[-1][1] - start)
                chunk = []
                budget.release()
                n = next_check(0, budget.limit(), per + 8)
            else:
                n = next_check(est, budget.limit(), per + 8)
        chunk.sort(key=key, reverse=reverse)
        if spill is None:
            yield from chunk
            return
        while len(runs) > MAX_FAN_IN:
            runs[:MAX_FAN_IN] = [_merge_runs(spill, runs[:MAX_FAN_IN], key, reverse, metrics)]
        for start, end in runs:
            readers.append((spill.open_reader(), start, end))
        spill.close()  # unlinked now; the open readers keep the data
        streams: list = [iter_range(f, start, end) for f, start, end in readers]
        streams.append(chunk)
        yield from heapq.merge(*streams, key=key, reverse=reverse)
    finally:
        budget.release()
        for f, _, _ in readers:
            f.close()
        if spill is not None:
            spill.close()


def _merge_runs(
    spill: SpillFile, runs: list[tuple[int, int]], key, reverse: bool, metrics: ShuffleMetrics
) -> tuple[int, int]:
    """Merge consecutive sorted runs into one new run appended to the same spill file."""
    files = []
    try:
        for _ in runs:
            files.append(spill.open_reader())
        streams = [iter_range(f, start, end) for f, (start, end) in zip(files, runs)]
        start, end = spill.append_stream(heapq.merge(*streams, key=key, reverse=reverse))
    finally:
        for f in files:
            f.close()
    metrics.disk_bytes_spilled += end - start
    return start, end
