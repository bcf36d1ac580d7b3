"""What a running task can reach: its identity, block store, memory and shuffle I/O.

One :class:`TaskContext` exists per running task, in the executor process (or in the driver
for the in-process backend). RDD ``compute`` methods call ``tc.iterate(parent, split)`` to read
a parent partition (served from the block store when the parent is persisted) and
``tc.read_shuffle(spec, split)`` to read one reduce partition of a shuffle (records, or
record batches for an Arrow-format shuffle). ``tc.memory`` is the task's view of the
executor's memory pool (runtime/memory.py): the shuffle, sorts and the block store take their
memory from it, and what the task still holds is released when it ends.

``tc.io`` counts the task's input and output as Spark's InputMetrics/OutputMetrics do: the
nodes that read files add the bytes they read and the records they yield (as they are
consumed, so a ``take`` counts what it read), a cached partition read back from the block
store adds its block's size and record count, and writers (``saveAsTextFile``...) add the
bytes of the files they wrote and the records in them.

Accumulators register themselves in :data:`accumulator_registry` when unpickled in an
executor; the executor resets them before each task and ships their values back with the
task's result, so an update counts once per successful task.
"""

from __future__ import annotations

import collections
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Callable

from runtime.blockstore import BlockStore
from runtime.memory import TaskMemory
from runtime.shuffle.reader import read_partition
from runtime.shuffle.sorter import external_sort

_current: TaskContext | None = None

#: accumulators deserialized in this process: id -> Accumulator (reset per task); weak, so a
#: finished query's metrics (one accumulator per operator) leave with its task binaries
accumulator_registry: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()


def current() -> TaskContext | None:
    return _current


@dataclass
class InputOutputMetrics:
    """A task's Spark InputMetrics (bytes/records read from files or cached blocks) and
    OutputMetrics (bytes/records written to files)."""

    bytes_read: int = 0
    records_read: int = 0
    bytes_written: int = 0
    records_written: int = 0


def io_metrics(tc: Any) -> InputOutputMetrics:
    """``tc.io``, or a scratch counter when a node is computed outside a task."""
    return tc.io if isinstance(tc, TaskContext) else InputOutputMetrics()


class TaskContext:
    def __init__(self, *, stage_id: int, partition_id: int, attempt_number: int,
                 task_attempt_id: int, executor_id: str, blocks: BlockStore,
                 shuffle_locations: dict, shuffle_dir: str, memory: TaskMemory,
                 metrics: Any, local_properties: dict | None = None,
                 fetch: Callable | None = None, send: Callable | None = None):
        self.stage_id = stage_id
        self.partition_id = partition_id
        self.attempt_number = attempt_number
        self.task_attempt_id = task_attempt_id
        self.executor_id = executor_id
        self.blocks = blocks
        self.shuffle_locations = shuffle_locations
        self.shuffle_dir = shuffle_dir
        self.memory = memory
        self.metrics = metrics
        self.local_properties = local_properties or {}
        self.fetch = fetch
        self.send = send  # frames to the driver while the task runs (receivers' blocks)
        self.interrupted = False  # set when the driver kills this task
        self.messages: collections.deque = collections.deque()  # from the driver, mid-task
        self.io = InputOutputMetrics()
        self.completion_callbacks: list[Callable] = []

    def send_to_driver(self, msg: dict) -> None:
        """Send ``msg`` (a dict with an "op" the driver has a handler for) mid-task."""
        if self.send is None:
            raise RuntimeError("this task cannot talk to the driver")
        self.send(msg)

    def iterate(self, rdd: Any, split: int) -> Iterator:
        level = getattr(rdd, "storage_level", None)
        if level is None:
            return rdd.compute(split, self)
        key = (rdd.id, split)
        data = self.blocks.get(key)
        if data is None:
            data = list(rdd.compute(split, self))
            stored = self.blocks.put(key, data, use_memory=level.useMemory or not level.useDisk,
                                     deserialized=level.deserialized, use_disk=level.useDisk)
            if stored and not level.deserialized:
                data = self.blocks.get(key)  # the caller must not share objects with the cache
        else:  # Spark counts a cached block read as the task's input
            self.io.bytes_read += self.blocks.size_of(key)
            self.io.records_read += record_count(data)
        return iter(data)

    def read_shuffle(self, spec: Any, split: int) -> Iterator:
        statuses = self.shuffle_locations[spec.shuffle_id]
        return read_partition(statuses, split, spec, self.memory, self.shuffle_dir,
                              self.metrics, fetch=self.fetch)

    def sort(self, records, key=None, reverse=False) -> Iterator:
        return external_sort(records, key, reverse, self.memory, self.shuffle_dir,
                             self.metrics)


def record_count(data: list) -> int:
    """Records in a partition held as a list: rows of Arrow batches, else its length."""
    if data and hasattr(data[0], "num_rows"):
        return sum(b.num_rows for b in data)
    return len(data)


def set_current(tc: TaskContext | None) -> None:
    global _current
    _current = tc
