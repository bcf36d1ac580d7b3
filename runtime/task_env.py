"""What a running task can reach: its identity, the executor's block store, shuffle I/O.

One :class:`TaskContext` exists per running task, in the executor process (or in the driver
for the in-process backend). RDD ``compute`` methods call ``tc.iterate(parent, split)`` to read
a parent partition (served from the block store when the parent is persisted) and
``tc.read_shuffle(spec, split)`` to read one reduce partition of a shuffle.

Accumulators register themselves in :data:`accumulator_registry` when unpickled in an
executor; the executor resets them before each task and ships their values back with the
task's result, so an update counts once per successful task.
"""

from __future__ import annotations

import collections

import os
import pickle
from typing import Any, Callable, Iterator

_current: TaskContext | None = None

#: accumulators deserialized in this process: id -> Accumulator (reset per task)
accumulator_registry: dict[int, Any] = {}


def current() -> TaskContext | None:
    return _current


class BlockStore:
    """Persisted partitions of this executor: (rdd_id, split) -> data in memory or a file.

    Memory blocks are kept pickled, as PySpark keeps them (its storage levels are all
    serialized except MEMORY_AND_DISK_DESER): a task that mutates the records it reads
    cannot corrupt the cache. ``deserialized=True`` keeps the live list instead.
    """

    def __init__(self, disk_dir: str):
        self.memory: dict[tuple[int, int], Any] = {}
        self.disk: dict[tuple[int, int], str] = {}
        self.disk_dir = disk_dir

    def get(self, key: tuple[int, int]) -> list | None:
        if key in self.memory:
            data = self.memory[key]
            return pickle.loads(data) if isinstance(data, bytes) else data
        path = self.disk.get(key)
        if path:
            with open(path, "rb") as f:
                return pickle.load(f)
        return None

    def put(self, key: tuple[int, int], data: list, use_memory: bool = True,
            deserialized: bool = False) -> None:
        if use_memory:
            self.memory[key] = data if deserialized else _dumps_block(data)
            return
        os.makedirs(self.disk_dir, exist_ok=True)
        path = os.path.join(self.disk_dir, f"rdd_{key[0]}_{key[1]}")
        with open(path, "wb") as f:
            pickle.dump(data, f, pickle.HIGHEST_PROTOCOL)
        self.disk[key] = path

    def remove_rdd(self, rdd_id: int) -> None:
        for key in [k for k in self.memory if k[0] == rdd_id]:
            del self.memory[key]
        for key in [k for k in self.disk if k[0] == rdd_id]:
            try:
                os.unlink(self.disk.pop(key))
            except OSError:
                pass


def _dumps_block(data: list) -> bytes:
    try:
        return pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
    except Exception:
        import cloudpickle

        return cloudpickle.dumps(data, pickle.HIGHEST_PROTOCOL)


class TaskContext:
    def __init__(self, *, stage_id: int, partition_id: int, attempt_number: int,
                 task_attempt_id: int, executor_id: str, blocks: BlockStore,
                 shuffle_locations: dict, shuffle_dir: str, memory_limit: int,
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
        self.memory_limit = memory_limit
        self.metrics = metrics
        self.local_properties = local_properties or {}
        self.fetch = fetch
        self.send = send  # frames to the driver while the task runs (receivers' blocks)
        self.interrupted = False  # set when the driver kills this task
        self.messages: collections.deque = collections.deque()  # from the driver, mid-task
        self.new_blocks: list[tuple[int, int]] = []
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
            self.blocks.put(key, data, use_memory=level.useMemory or not level.useDisk,
                            deserialized=level.deserialized)
            if not level.deserialized:
                data = self.blocks.get(key)  # the caller must not share objects with the cache
            self.new_blocks.append(key)
        return iter(data)

    def read_shuffle(self, spec: Any, split: int) -> Iterator:
        from runtime.shuffle.reader import read_partition

        statuses = self.shuffle_locations[spec.shuffle_id]
        return read_partition(statuses, split, spec, self.memory_limit, self.shuffle_dir,
                              self.metrics, fetch=self.fetch)

    def sort(self, records, key=None, reverse=False) -> Iterator:
        from runtime.shuffle.sorter import external_sort

        return external_sort(records, key, reverse, self.memory_limit, self.shuffle_dir,
                             self.metrics)


def set_current(tc: TaskContext | None) -> None:
    global _current
    _current = tc
