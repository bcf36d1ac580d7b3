"""The executor's cached partitions: (rdd_id, split) -> a block in memory or on disk.

A block is stored in its format (runtime/dataformat.py), with the tag kept beside it:

* PICKLE -- a list of records, kept pickled in memory as PySpark keeps them (its storage
  levels are all serialized except MEMORY_AND_DISK_DESER: a task that mutates the records it
  reads cannot corrupt the cache); ``deserialized=True`` keeps the live list. On disk: one
  pickle file ``rdd_{id}_{split}``.
* ARROW -- a list of record batches (a DataFrame partition), kept as the bytes of one Arrow
  IPC stream in memory, or as ``rdd_{id}_{split}.arrow`` on disk (read back memory-mapped,
  zero-copy); ``deserialized=True`` keeps the batches themselves. It reads back as a list of
  record batches, never as rows.

Memory blocks take *storage memory* from the executor's :class:`~runtime.memory.MemoryManager`
(their size: the serialized bytes, or an estimate of the live list). The store is the
manager's evictor: when storage or execution needs room, blocks are evicted least recently
used first -- written to disk when their level allows it (MEMORY_AND_DISK), dropped
otherwise -- never blocks of the RDD being stored (Spark's rule, so a partition does not
push out its siblings). A block that does not fit even then goes to disk if allowed, or is
not stored (``put`` returns False and the caller uses its data without caching it; a later
read recomputes it, as Spark does).

Every change of a block's place (stored, evicted to disk, dropped) is noted in
``changes``; the executor drains it after each task (:meth:`drain_changes`) and reports
each block's memory and disk sizes with the task's status, for the driver's BlockUpdated
events (a dropped block reports 0 and 0, Spark's StorageLevel.NONE).

State: ``memory`` key -> _Block (LRU order: reads move a block to the end), ``disk``
key -> (path, format, size in bytes), ``changes`` (keys changed since the last drain, in
order), ``disk_dir``, ``manager``.
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from runtime.dataformat import ARROW, PICKLE, ipc_bytes, is_arrow_partition, read_ipc
from runtime.memory import MemoryManager
from runtime.shuffle.memory import estimate_list

Key = tuple  # (rdd_id, split)


@dataclass
class _Block:
    data: Any  # bytes (serialized) or the live list
    fmt: str
    size: int
    use_disk: bool  # may go to disk when evicted


class BlockStore:
    """Persisted partitions of this executor (see the module notes)."""

    def __init__(self, disk_dir: str, manager: MemoryManager | None = None):
        self.memory: OrderedDict[Key, _Block] = OrderedDict()
        self.disk: dict[Key, tuple[str, str, int]] = {}
        self.changes: dict[Key, None] = {}
        self.disk_dir = disk_dir
        self.manager = manager if manager is not None else MemoryManager(1 << 62)
        self.manager.evictor = self.evict
        self._protect: int | None = None  # rdd id whose blocks a put must not evict

    # reading ----------------------------------------------------------------------------
    def get(self, key: Key) -> list | None:
        block = self.memory.get(key)
        if block is not None:
            self.memory.move_to_end(key)
            if not isinstance(block.data, bytes):
                return block.data
            return read_ipc(block.data) if block.fmt == ARROW else pickle.loads(block.data)
        entry = self.disk.get(key)
        if entry:
            path, fmt, _size = entry
            if fmt == ARROW:
                return read_ipc(path)
            with open(path, "rb") as f:
                return pickle.load(f)
        return None

    def format_of(self, key: Key) -> str | None:
        if key in self.memory:
            return self.memory[key].fmt
        entry = self.disk.get(key)
        return entry[1] if entry else None

    def size_of(self, key: Key) -> int:
        """The block's size where it is read from: memory, else disk (0 if absent)."""
        block = self.memory.get(key)
        if block is not None:
            return block.size
        entry = self.disk.get(key)
        return entry[2] if entry else 0

    def drain_changes(self) -> list[tuple[int, int, int, int]]:
        """(rdd id, split, memory size, disk size) of every block changed since the last
        call; sizes 0 and 0 for a block no longer stored."""
        out = []
        for key in self.changes:
            block, entry = self.memory.get(key), self.disk.get(key)
            out.append((key[0], key[1], block.size if block is not None else 0,
                        entry[2] if entry else 0))
        self.changes.clear()
        return out

    # writing ----------------------------------------------------------------------------
    def put(self, key: Key, data: list, use_memory: bool = True, deserialized: bool = False,
            use_disk: bool = False) -> bool:
        """Store a partition; False when it could be kept neither in memory nor on disk."""
        fmt = ARROW if is_arrow_partition(data) else PICKLE
        if use_memory:
            if deserialized:
                value: Any = data
                size = (max(1, sum(b.nbytes for b in data)) if fmt == ARROW
                        else estimate_list(data)[0])  # > 0: a stored block has a size
            else:
                value = ipc_bytes(data) if fmt == ARROW else _dumps_block(data)
                size = len(value)
            self._protect = key[0]
            try:
                ok = self.manager.acquire_storage(size)
            finally:
                self._protect = None
            if ok:
                self.memory[key] = _Block(value, fmt, size, use_disk)
                self.changes[key] = None
                return True
            if not use_disk:
                return False
        self._write_disk(key, data, fmt)
        return True

    def _write_disk(self, key: Key, data: Any, fmt: str) -> None:
        os.makedirs(self.disk_dir, exist_ok=True)
        path = os.path.join(self.disk_dir, f"rdd_{key[0]}_{key[1]}")
        if fmt == ARROW:
            path += ".arrow"
            payload = data if isinstance(data, bytes) else ipc_bytes(data)
            with open(path, "wb") as f:
                f.write(payload)
        elif isinstance(data, bytes):
            with open(path, "wb") as f:
                f.write(data)
        else:
            with open(path, "wb") as f:
                f.write(_dumps_block(data))
        self.disk[key] = (path, fmt, os.path.getsize(path))
        self.changes[key] = None

    # eviction ---------------------------------------------------------------------------
    def evict(self, nbytes: int) -> int:
        """Free at least ``nbytes`` of storage memory if possible; returns what was freed."""
        freed = 0
        for key in list(self.memory):
            if freed >= nbytes:
                break
            if key[0] == self._protect:
                continue
            block = self.memory.pop(key)
            self.changes[key] = None
            if block.use_disk:
                self._write_disk(key, block.data, block.fmt)
            self.manager.release_storage(block.size)
            freed += block.size
        return freed

    def remove_rdd(self, rdd_id: int) -> None:
        for key in [k for k in self.changes if k[0] == rdd_id]:
            del self.changes[key]
        for key in [k for k in self.memory if k[0] == rdd_id]:
            self.manager.release_storage(self.memory.pop(key).size)
        for key in [k for k in self.disk if k[0] == rdd_id]:
            try:
                os.unlink(self.disk.pop(key)[0])
            except OSError:
                pass


def _dumps_block(data: list) -> bytes:
    try:
        return pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 -- what pickle refuses, cloudpickle may take
        import cloudpickle

        return cloudpickle.dumps(data, pickle.HIGHEST_PROTOCOL)
