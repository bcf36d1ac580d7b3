"""One memory manager per executor: Spark's unified memory model, for estimated bytes.

An executor process runs one task at a time, and everything in it that can grow with the
data -- the shuffle writer's buffers and combine dict, the reduce-side merger, the external
sort, later the SQL engine's aggregation/join/sort buffers, and the cached blocks of persisted
partitions -- takes its memory from ONE pool here instead of each being handed its own
``memory_limit``. The pool is ``spark.executor.memory x spark.memory.fraction`` (0.6), as in
Spark's UnifiedMemoryManager, without Spark's 300 MiB of reserved memory: a Python executor
has no JVM heap to protect, and tests and benchmarks force spilling with a tiny
``spark.executor.memory`` (Spark refuses anything under 450 MiB).

Two users share the pool:

* **execution** -- spillable structures (:class:`Budget`). A structure estimates its own size
  (see runtime/shuffle/memory.py for the estimates) and calls ``budget.grow_to(estimate)``
  between input chunks. When the pool cannot cover the growth, the manager first evicts
  cached blocks above the storage region, then asks *other* consumers that registered a
  spill callback (largest holding first) to spill; if it is still short, ``grow_to``
  returns False and the caller spills itself and calls ``budget.release()``. With one
  structure and no cached blocks this is exactly the old rule "spill when the estimate
  reaches the limit".
* **storage** -- cached blocks (runtime/blockstore.py). ``acquire_storage``
  uses free memory, then asks the store's evictor to drop or move to disk (MEMORY_AND_DISK)
  other blocks; a block that still does not fit is not kept in memory. Execution may evict
  storage while it holds more than the *storage region* (``spark.memory.storageFraction``,
  0.5 of the pool); blocks go whole, so storage may end up to one block below it, as in
  Spark. Storage never evicts execution memory.

State (all guarded by ``lock``; the executor's task thread is the only user today):
  ``total``            the pool, bytes (resized when the driver ships another value)
  ``storage_region``   storage below this is safe from execution's evictions
  ``execution_used``   sum of what the budgets hold
  ``storage_used``     sum of the in-memory blocks' sizes
  ``consumers``        budget -> nothing (insertion order), the live execution consumers
  ``evictor``          ``evict(nbytes) -> freed`` of the block store, or None
Invariant: ``execution_used + storage_used <= total`` except right after a shrinking
``resize`` (nothing is taken away; new requests just fail until usage drops).

:class:`TaskMemory` is one task's view: budgets made through it are released when the task
ends, also when a failing task never got to its own ``finally``.
"""

from __future__ import annotations

import threading
from typing import Callable, Union

DEFAULT_FRACTION = 0.6  # spark.memory.fraction
DEFAULT_STORAGE_FRACTION = 0.5  # spark.memory.storageFraction
MIN_POOL = 1 << 16  # what any executor gets, however small spark.executor.memory is


def pool_size(executor_memory: int, fraction: float = DEFAULT_FRACTION) -> int:
    """The unified pool of an executor with ``executor_memory`` bytes.

    >>> pool_size(1 << 30) == int((1 << 30) * 0.6)
    True
    >>> pool_size(1024)
    65536
    """
    return max(MIN_POOL, int(executor_memory * fraction))


class MemoryManager:
    """The execution + storage pool of one executor (see the module notes)."""

    def __init__(self, total: int, storage_fraction: float = DEFAULT_STORAGE_FRACTION):
        self.lock = threading.RLock()
        self.storage_fraction = storage_fraction
        self.total = 0
        self.storage_region = 0
        self.resize(total)
        self.execution_used = 0
        self.storage_used = 0
        self.consumers: dict[Budget, None] = {}
        self.evictor: Callable[[int], int] | None = None

    def resize(self, total: int) -> None:
        with self.lock:
            self.total = max(int(total), 1)
            self.storage_region = int(self.total * self.storage_fraction)

    @property
    def free(self) -> int:
        return max(0, self.total - self.execution_used - self.storage_used)

    def budget(self, name: str, spill: Callable[[int], int] | None = None) -> Budget:
        """A new execution consumer (released explicitly by its owner)."""
        return Budget(self, name, spill)

    # execution --------------------------------------------------------------------------
    def acquire(self, nbytes: int, consumer: Budget) -> int:
        """Up to ``nbytes`` of execution memory for ``consumer``; returns what was granted."""
        if nbytes <= 0:
            return 0
        with self.lock:
            short = nbytes - self.free
            if short > 0 and self.evictor is not None:
                evictable = self.storage_used - self.storage_region
                if evictable > 0:
                    self.evictor(min(short, evictable))
                short = nbytes - self.free
            if short > 0:
                others = sorted((c for c in self.consumers if c is not consumer
                                 and c.spill_callback is not None and c.held > 0),
                                key=lambda c: -c.held)
                for other in others:
                    freed = min(max(0, int(other.spill_callback(short))), other.held)
                    other.held -= freed
                    self.execution_used -= freed
                    short -= freed
                    if short <= 0:
                        break
            granted = min(nbytes, self.free)
            self.execution_used += granted
            consumer.held += granted
            self.consumers[consumer] = None
            return granted

    def release(self, nbytes: int, consumer: Budget) -> None:
        with self.lock:
            nbytes = min(nbytes, consumer.held)
            consumer.held -= nbytes
            self.execution_used -= nbytes
            if consumer.held == 0:
                self.consumers.pop(consumer, None)

    # storage ----------------------------------------------------------------------------
    def acquire_storage(self, nbytes: int) -> bool:
        """Room for a cached block of ``nbytes``; False when it cannot be had."""
        with self.lock:
            if nbytes > self.total:
                return False
            short = nbytes - self.free
            if short > 0 and self.evictor is not None:
                self.evictor(short)
            if nbytes > self.free:
                return False
            self.storage_used += nbytes
            return True

    def release_storage(self, nbytes: int) -> None:
        with self.lock:
            self.storage_used = max(0, self.storage_used - nbytes)


class Budget:
    """What one spillable structure holds of the execution pool.

    ``held`` bytes are granted; ``grow_to(estimate)`` asks for the difference and says
    whether the structure may keep growing; ``limit()`` is how far it could grow now (for
    sizing the next input chunk); ``release()`` gives everything back (after a spill, and
    when the structure is done). ``spill_callback(nbytes) -> freed`` is for structures that
    can spill while *another* consumer runs; the loop-driven shuffle structures cannot (they
    spill themselves between chunks) and pass None.
    """

    __slots__ = ("held", "manager", "name", "spill_callback")

    def __init__(self, manager: MemoryManager, name: str,
                 spill: Callable[[int], int] | None = None):
        self.manager = manager
        self.name = name
        self.spill_callback = spill
        self.held = 0

    def grow_to(self, estimate: int) -> bool:
        need = estimate - self.held
        if need <= 0:
            return True
        return self.manager.acquire(need, self) >= need

    def limit(self) -> int:
        return self.held + self.manager.free

    def release(self) -> None:
        if self.held:
            self.manager.release(self.held, self)

    def __repr__(self) -> str:
        return f"Budget({self.name!r}, held={self.held})"


class TaskMemory:
    """One task's access to the executor's pool: its budgets are released at task end."""

    def __init__(self, manager: MemoryManager):
        self.manager = manager
        self.budgets: list[Budget] = []

    def budget(self, name: str, spill: Callable[[int], int] | None = None) -> Budget:
        b = Budget(self.manager, name, spill)
        self.budgets.append(b)
        return b

    def close(self) -> None:
        for b in self.budgets:
            b.release()
        self.budgets = []


#: what the shuffle's functions accept as their memory: a task's view, an executor's pool,
#: or (tests, benchmarks) a plain byte count, which makes a private pool of that size
Memory = Union[TaskMemory, MemoryManager, int]


def as_memory(memory: Memory) -> TaskMemory | MemoryManager:
    """Something with ``budget(name)``: ``memory`` itself, or a private pool of that size."""
    if isinstance(memory, (TaskMemory, MemoryManager)):
        return memory
    return MemoryManager(max(int(memory), 1))
