"""One stage attempt's tasks: what is pending, running, done, and how often each failed.

A :class:`TaskSetManager` hands out partitions to executors that have a free slot
(``next_task``), preferring the executors that hold a persisted parent partition
(``preferred``: partition -> executor ids). A partition with a preference waits up to
``locality_wait`` seconds for one of those executors before it runs anywhere (Spark's delay
scheduling). Failures are counted per partition; the ``max_failures``-th failure of one
partition aborts the set (spark.task.maxFailures; local[N,F] gives F). A failed partition
goes back to the front of ``pending``. No speculation: a partition runs at most once at a
time, and a late duplicate success is ignored.

State: ``pending`` (partitions not running, in launch order), ``running`` (task id -> Task),
``succeeded``, ``failures``/``attempts`` (per partition), ``zombie`` (set when the set ended:
all succeeded, aborted or superseded; it then hands out nothing). ``clock`` (monotonic
seconds, injectable for tests) decides the locality wait and stamps ``Task.launched``.
"""

from __future__ import annotations

import itertools
import time
import enum
from dataclasses import dataclass
from typing import Any, Callable

_task_ids = itertools.count()


class TaskState(enum.Enum):
    """A task attempt's lifecycle (Spark's TaskState, as shown in TaskEnd's reason)."""

    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"


@dataclass(eq=False)
class Task:
    id: int
    tsm: "TaskSetManager"
    partition: int
    attempt: int
    executor_id: str
    launched: float = 0.0
    state: TaskState = TaskState.RUNNING
    launch_time: float = 0.0  # wall clock (epoch seconds), for listener events
    killed: str | None = None  # the kill reason, once the driver asked to kill it


class TaskSetManager:
    def __init__(self, stage: Any, partitions: list[int], max_failures: int,
                 preferred: dict[int, set[str]] | None = None, locality_wait: float = 3.0,
                 clock: Callable[[], float] = time.monotonic):
        self.stage = stage
        self.stage_attempt = stage.attempt
        self.pending: list[int] = list(partitions)
        self.total = len(partitions)
        self.running: dict[int, Task] = {}
        self.succeeded: set[int] = set()
        self.failures: dict[int, int] = {}
        self.attempts: dict[int, int] = {}
        self.max_failures = max(1, max_failures)
        self.preferred = preferred or {}
        self.locality_wait = locality_wait
        self.clock = clock
        self.created = clock()
        self.zombie = False

    def next_task(self, executor_id: str, alive: set[str]) -> Task | None:
        if self.zombie or not self.pending:
            return None
        if not self.preferred:  # nothing to wait for: the first pending partition, O(1)
            return self._launch(0, executor_id)
        waited = self.clock() - self.created >= self.locality_wait
        choice = None
        for i, p in enumerate(self.pending):
            prefs = self.preferred.get(p)
            if prefs and executor_id in prefs:
                choice = i
                break
            if choice is None and (not prefs or waited or not (prefs & alive)):
                choice = i
        if choice is None:
            return None
        return self._launch(choice, executor_id)

    def _launch(self, choice: int, executor_id: str) -> Task:
        p = self.pending.pop(choice)
        attempt = self.attempts.get(p, 0)
        self.attempts[p] = attempt + 1
        task = Task(next(_task_ids), self, p, attempt, executor_id, self.clock(),
                    launch_time=time.time())
        self.running[task.id] = task
        return task

    def task_succeeded(self, task: Task) -> bool:
        """Record success; True when this was the first success of the partition."""
        self.running.pop(task.id, None)
        task.state = TaskState.FINISHED
        if task.partition in self.succeeded:
            return False
        self.succeeded.add(task.partition)
        return True

    def task_failed(self, task: Task, count: bool = True) -> bool:
        """Record a failure; returns True when the partition may be retried."""
        self.running.pop(task.id, None)
        task.state = TaskState.FAILED
        if task.partition in self.succeeded:
            return True
        if count:
            self.failures[task.partition] = self.failures.get(task.partition, 0) + 1
        if self.failures.get(task.partition, 0) >= self.max_failures:
            return False
        self.pending.insert(0, task.partition)
        return True

    @property
    def done(self) -> bool:
        return len(self.succeeded) == self.total

    def failures_of(self, partition: int) -> int:
        return self.failures.get(partition, 0)
