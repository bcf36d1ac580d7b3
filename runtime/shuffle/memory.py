"""Cheap, deterministic memory estimates and spill bookkeeping for the shuffle.

Spark sizes its in-memory maps with SizeTracker (sampled, extrapolated object-graph
walks); PySpark's ExternalMerger reads the process RSS. RSS is noisy and shared by
everything in the executor, so here the estimate is computed from the data structure itself
and is a pure function of its contents -- tests can force spilling with a tiny limit and get
the same spills every run.

The estimate
    * ``estimate_size(obj)``: ``sys.getsizeof`` of the object, plus, for tuples, lists, sets
      and dicts, the estimated size of up to ``ELEMENT_SAMPLE`` elements, averaged and
      multiplied by ``len``, recursing ``depth`` container levels (2 for a record, so a
      ``(key, [v1, v2, ...])`` record counts the tuple, the key, the list and its values).
      Shared objects (interned words, small ints) are counted once per reference, so the
      estimate errs high, which only makes spills come early.
    * ``estimate_dict(d)``: ``sys.getsizeof(d)`` (the hash table itself) plus ``len(d)``
      times the mean size of a sample of entries: the first and the last ``SAMPLE // 2``
      items in insertion order (``reversed`` on a dict is O(1) per item).
    * ``estimate_list(lst)``: ``sys.getsizeof(lst)`` plus ``len`` times the mean size of
      ``SAMPLE`` evenly spaced elements.

When to look
    Callers consume input in chunks (``itertools.islice``) and estimate between chunks, so
    the per-record loop carries no counter. :func:`next_check` sizes the next chunk so that
    even if every record added a new entry of the mean size the limit could not be passed
    by much: ``(limit - estimate) / per_entry``, clamped to [MIN_CHECK, MAX_CHECK].

Spills
    :class:`SpillTracker` counts spills into :class:`~runtime.shuffle.spec.ShuffleMetrics`
    and logs each one on Spark's logger names, in Spark's words:
    ``Thread 12345 spilling in-memory map of 5.1 MiB to disk (1 time so far)``.
"""

from __future__ import annotations

import logging
import sys
import threading
from itertools import islice

from runtime.shuffle.spec import ShuffleMetrics

SAMPLE = 16  # dict/list entries sampled per estimate
ELEMENT_SAMPLE = 4  # elements sampled inside one container value
INITIAL_CHECK = 1024  # records before the first estimate
MIN_CHECK = 128
MAX_CHECK = 65536

_getsizeof = sys.getsizeof
_CONTAINERS = (tuple, list, set, frozenset, dict)


def estimate_size(obj, depth: int = 2) -> int:
    """Estimated bytes held by ``obj`` (see the module notes)."""
    size = _getsizeof(obj)
    if depth <= 0 or type(obj) not in _CONTAINERS:
        return size
    n = len(obj)
    if not n:
        return size
    d = depth - 1
    if type(obj) is dict:
        sample = list(islice(obj.items(), ELEMENT_SAMPLE))
        total = 0
        for k, v in sample:
            total += estimate_size(k, d) + estimate_size(v, d)
    else:
        sample = (
            obj[:ELEMENT_SAMPLE]
            if type(obj) in (tuple, list)
            else list(islice(obj, ELEMENT_SAMPLE))
        )
        total = 0
        for x in sample:
            total += estimate_size(x, d)
    return size + total * n // len(sample)


def estimate_dict(d: dict) -> tuple[int, int]:
    """``(estimated bytes, mean bytes per entry)`` of a dict of key -> value."""
    n = len(d)
    if not n:
        return _getsizeof(d), 0
    half = SAMPLE // 2
    items = list(islice(d.items(), half))
    if n > half:
        items.extend(islice(reversed(d.items()), min(half, n - half)))
    total = 0
    for k, v in items:
        total += estimate_size(k, 1) + estimate_size(v, 2)
    per = total // len(items)
    return _getsizeof(d) + per * n, per


def estimate_list(lst: list) -> tuple[int, int]:
    """``(estimated bytes, mean bytes per element)`` of a list of records."""
    n = len(lst)
    if not n:
        return _getsizeof(lst), 0
    step = max(1, n // SAMPLE)
    total = 0
    count = 0
    for i in range(0, n, step):
        total += estimate_size(lst[i], 2)
        count += 1
    per = total // count
    return _getsizeof(lst) + per * n, per


def next_check(estimate: int, limit: int, per_entry: int) -> int:
    """How many records to consume before estimating again."""
    room = limit - estimate
    if room <= 0:
        return MIN_CHECK
    n = room // max(per_entry, 16)
    return MIN_CHECK if n < MIN_CHECK else (MAX_CHECK if n > MAX_CHECK else int(n))


def bytes_to_string(size: int) -> str:
    """Spark's ``Utils.bytesToString``: binary units, one decimal, next unit at 2x.

    >>> bytes_to_string(5347737)
    '5.1 MiB'
    >>> bytes_to_string(1500)
    '1500.0 B'
    """
    for shift, unit in (
        (60, "EiB"),
        (50, "PiB"),
        (40, "TiB"),
        (30, "GiB"),
        (20, "MiB"),
        (10, "KiB"),
    ):
        if size >= 2 << shift:
            return f"{size / (1 << shift):.1f} {unit}"
    return f"{float(size):.1f} B"


class SpillTracker:
    """Counts one spillable structure's spills into metrics and logs them like Spark."""

    __slots__ = ("count", "log", "metrics")

    def __init__(self, logger_name: str, metrics: ShuffleMetrics):
        self.log = logging.getLogger(logger_name)
        self.metrics = metrics
        self.count = 0

    def spilled(self, memory_bytes: int, disk_bytes: int) -> None:
        self.count += 1
        m = self.metrics
        m.spill_count += 1
        m.memory_bytes_spilled += memory_bytes
        m.disk_bytes_spilled += disk_bytes
        if self.log.isEnabledFor(logging.INFO):
            self.log.info(
                "Thread %d spilling in-memory map of %s to disk (%d time%s so far)",
                threading.get_native_id(),
                bytes_to_string(memory_bytes),
                self.count,
                "s" if self.count > 1 else "",
            )
