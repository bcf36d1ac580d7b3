"""What user threads hand the driver's loop, and what they get back.

User threads never touch scheduling state: each public Driver method puts one command (a
dataclass below) on the loop's queue and wakes it; the loop dispatches commands through a
handler table keyed by class. A submitted job answers through its :class:`JobWaiter`.
:class:`StageProgress` is the per-stage counter set the loop keeps for status readers.
"""

from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from runtime.dataformat import decode_result


class DriverState(enum.Enum):
    RUNNING = "RUNNING"
    STOPPING = "STOPPING"


class JobWaiter:
    """A submitted job, as its caller sees it: ``event`` is set when it ended, then
    ``error`` or :attr:`results` (decoded on first read, on the reader's thread: ``raw``
    holds one (bytes, format tag) per partition until then)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.raw: list | None = None
        self.error: BaseException | None = None
        self.job_id: int | None = None
        self.submitted = threading.Event()
        self._results: list | None = None

    @property
    def results(self) -> list | None:
        if self._results is None and self.raw is not None:
            self._results = [decode_result(*r) for r in self.raw]
            self.raw = None
        return self._results

    @results.setter
    def results(self, value: list | None) -> None:
        self._results = value


@dataclass
class StageProgress:
    stage_id: int
    attempt: int
    name: str
    num_tasks: int
    active: int = 0
    completed: int = 0
    failed: int = 0
    submitted: float = field(default_factory=time.time)
    job_ids: tuple = ()


# -- commands (user threads -> loop) ---------------------------------------------------------
@dataclass
class SubmitJob:
    rdd: Any
    func: Callable
    partitions: list
    props: dict
    waiter: JobWaiter


@dataclass
class CancelJobs:
    group: str | None
    reason: str


@dataclass
class KillJobTasks:
    job_id: int


@dataclass
class MessageJobTasks:
    job_id: int
    payload: Any


@dataclass
class DropRdd:
    rdd_id: int


@dataclass
class DropExecutor:
    executor_id: str
    reason: str
    outputs_lost: bool


@dataclass
class Stop:
    pass


