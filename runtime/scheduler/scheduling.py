"""Task scheduling on the driver: executors' slots, task sets, locality (Spark's
TaskSchedulerImpl without the backend).

No sockets and no threads: the event loop (driver.py) calls in on its one thread and does
the sending. What this object decides is *which task runs where*:

State:
    executors        executor id -> ExecutorRef (socket for the loop's use, free slots,
                     the stage binaries it holds, ids of the tasks running there)
    tasksets         active TaskSetManagers, scheduled FIFO by (first job id, stage id)
    tasks            task id -> Task in flight (launched, no status yet)
    block_locations  (rdd_id, split) -> executor ids holding that persisted partition

Offers. :meth:`offer` walks the executors with a free slot and asks the task sets in FIFO
order for a task (each TaskSetManager applies delay scheduling for partitions whose persisted
parents live on some executor). Invariants: a task is in ``tasks`` iff its id is in exactly
one ``ExecutorRef.running``; ``len(running) <= slots``; a zombie task set is never offered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from runtime.protocol.executor import StageBinaryCache
from runtime.scheduler.taskset import Task, TaskSetManager


@dataclass(eq=False)
class ExecutorRef:
    id: str
    sock: Any
    pid: int
    slots: int = 1
    host: str = "localhost"
    running: set = field(default_factory=set)
    binaries: StageBinaryCache = field(default_factory=StageBinaryCache)
    added: float = field(default_factory=time.time)
    # an in-process executor (runtime/inprocess.py): messages go to its handle(), not a socket
    local: Any = None
    # set when the executor said it is exiting on purpose (ExecutorExiting): the reason
    exiting: str | None = None


class TaskScheduler:
    def __init__(self, *, max_failures: int, locality_wait: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.locality_wait = locality_wait
        self.clock = clock
        self.executors: dict[str, ExecutorRef] = {}
        self.tasksets: list[TaskSetManager] = []
        self.tasks: dict[int, Task] = {}
        self.block_locations: dict[tuple[int, int], set[str]] = {}

    # -- executors ---------------------------------------------------------------------------
    def add_executor(self, ref: ExecutorRef) -> None:
        self.executors[ref.id] = ref

    def remove_executor(self, eid: str) -> list[Task]:
        """Forget executor ``eid`` and the blocks it held; returns its tasks in flight."""
        ref = self.executors.pop(eid, None)
        if ref is None:
            return []
        for key in list(self.block_locations):
            self.block_locations[key].discard(eid)
            if not self.block_locations[key]:
                del self.block_locations[key]
        lost = [self.tasks.pop(tid) for tid in sorted(ref.running) if tid in self.tasks]
        ref.running.clear()
        return lost

    def has_free_slot_and_delayed_tasks(self) -> bool:
        return any(t.pending for t in self.tasksets) and any(
            e.slots > len(e.running) for e in self.executors.values())

    # -- blocks -------------------------------------------------------------------------------
    def update_blocks(self, eid: str, blocks: list) -> None:
        """``blocks``: (rdd id, split, memory size, disk size) as a task reported them; a
        block with neither is gone from that executor."""
        for rdd_id, split, mem, disk in blocks:
            key = (rdd_id, split)
            if mem or disk:
                self.block_locations.setdefault(key, set()).add(eid)
            elif key in self.block_locations:
                self.block_locations[key].discard(eid)
                if not self.block_locations[key]:
                    del self.block_locations[key]

    def remove_rdd_blocks(self, rdd_id: int) -> None:
        for key in [k for k in self.block_locations if k[0] == rdd_id]:
            del self.block_locations[key]

    def preferred(self, rdd: Any, split: int, depth: int = 0) -> set[str]:
        """Executors holding a persisted partition that ``split`` of ``rdd`` reads through
        narrow dependencies (the nearest such ancestor wins), or an executor the node
        names itself (``preferred_executors``: a streaming state partition loaded there)."""
        pinned = getattr(rdd, "preferred_executors", None)
        if pinned is not None and pinned(split):
            return set(pinned(split))
        if getattr(rdd, "storage_level", None) is not None:
            hit = self.block_locations.get((rdd.id, split))
            if hit:
                return set(hit)
        if depth > 50 or getattr(rdd, "checkpointed", False):
            return set()
        out: set[str] = set()
        for dep in rdd.dependencies:
            if hasattr(dep, "parents"):
                for ps in dep.parents(split):
                    out |= self.preferred(dep.rdd, ps, depth + 1)
        return out

    # -- task sets ----------------------------------------------------------------------------
    def may_prefer(self, rdd: Any) -> bool:
        """Whether any partition of ``rdd`` can have a preferred executor: some node of its
        narrow lineage is persisted (with a block stored somewhere) or names executors
        itself. One walk per stage, so a stage without any skips the per-partition walks."""
        persisted = {rdd_id for rdd_id, _ in self.block_locations}
        seen: set[int] = set()
        todo = [(rdd, 0)]
        while todo:
            r, depth = todo.pop()
            if id(r) in seen:
                continue
            seen.add(id(r))
            if _pins(r) or (getattr(r, "storage_level", None) is not None
                            and r.id in persisted):
                return True
            if depth > 50 or getattr(r, "checkpointed", False):
                continue
            todo.extend((d.rdd, depth + 1) for d in r.dependencies if hasattr(d, "parents"))
        return False

    def submit(self, stage: Any, partitions: list[int]) -> TaskSetManager:
        walk = self.may_prefer(stage.rdd)
        preferred = {p: self.preferred(stage.rdd, p) if walk else set() for p in partitions}
        tsm = TaskSetManager(stage, partitions, self.max_failures,
                             {p: s for p, s in preferred.items() if s}, self.locality_wait,
                             clock=self.clock)
        self.tasksets.append(tsm)
        self.tasksets.sort(key=lambda t: (t.stage.first_job_id, t.stage.id))
        return tsm

    def remove_taskset(self, tsm: TaskSetManager) -> None:
        tsm.zombie = True
        self.tasksets = [t for t in self.tasksets if t is not tsm]

    def drop_orphans(self) -> list[TaskSetManager]:
        """Drop task sets whose stage no active job needs any more (cancelled, failed);
        returns them."""
        gone = [t for t in self.tasksets if not t.stage.jobs and not t.zombie]
        for tsm in gone:
            tsm.zombie = True
        self.tasksets = [t for t in self.tasksets if not t.zombie]
        return gone

    def clear(self) -> list[TaskSetManager]:
        gone = [t for t in self.tasksets if not t.zombie]
        for tsm in self.tasksets:
            tsm.zombie = True
        self.tasksets.clear()
        return gone

    # -- offers -------------------------------------------------------------------------------
    def offer(self) -> Iterator[tuple[ExecutorRef, Task]]:
        """Fill free slots: yields (executor, task) pairs, each already recorded as running.
        A generator, so the caller may launch (and lose an executor) between pairs."""
        if not self.tasksets:
            return
        alive = set(self.executors)
        for ref in list(self.executors.values()):
            while ref.id in self.executors and ref.slots > len(ref.running):
                task = None
                for tsm in self.tasksets:
                    task = tsm.next_task(ref.id, alive)
                    if task is not None:
                        break
                if task is None:
                    break
                self.tasks[task.id] = task
                ref.running.add(task.id)
                yield ref, task

    def task_ended(self, ref: ExecutorRef, task_id: int) -> Task | None:
        """A status for ``task_id`` arrived from ``ref``: the Task, or None if unknown (its
        executor was declared lost meanwhile, or it was a duplicate)."""
        ref.running.discard(task_id)
        return self.tasks.pop(task_id, None)

    def tasks_of_job(self, job_id: int) -> list[tuple[ExecutorRef, Task]]:
        return [(self.executors[t.executor_id], t) for t in list(self.tasks.values())
                if job_id in t.tsm.stage.jobs and t.executor_id in self.executors]

    def tasks_no_job_needs(self) -> list[tuple[ExecutorRef, Task]]:
        return [(self.executors[t.executor_id], t) for t in list(self.tasks.values())
                if not t.tsm.stage.jobs and t.executor_id in self.executors]


def _pins(rdd: Any) -> bool:
    """Whether ``rdd`` names preferred executors itself (a streaming state partition)."""
    return getattr(rdd, "preferred_executors", None) is not None
