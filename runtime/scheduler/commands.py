"""What user threads hand the driver's loop, and what they get back.

User threads never touch scheduling state: each public Driver method puts one command (a
dataclass below) on the loop's queue and wakes it; the loop dispatches commands through a
handler table keyed by class. A submitted job answers through its :class:`JobWaiter`.
:class:`DriverCommands` is that user-thread half of the Driver (driver.py provides the
queue ``_commands``, the wake-up socket ``_wake_w``, ``cleaner``, ``state`` and the loop
``_thread``).
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass
from typing import Any, Callable

from runtime.dataformat import decode_result
from runtime.errors import SparkException


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


JOB_TAGS = "spark.job.tags"  # local property: the job's tags, comma-separated
INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel"


def job_tags(props: dict) -> set[str]:
    return {t for t in (props.get(JOB_TAGS) or "").split(",") if t}


# -- commands (user threads -> loop) ---------------------------------------------------------
@dataclass(eq=False, repr=False)
class SubmitJob:
    rdd: Any
    func: Callable
    partitions: list
    props: dict
    waiter: JobWaiter


@dataclass(eq=False, repr=False)
class CancelJobs:
    """Cancel the active jobs whose local properties ``match`` (a predicate on the job's
    properties dict and id); each fails with SPARK_JOB_CANCELLED and ``reason``."""

    match: Callable[[int, dict], bool]
    reason: str


@dataclass(eq=False, repr=False)
class KillJobTasks:
    job_id: int


@dataclass(eq=False, repr=False)
class MessageJobTasks:
    job_id: int
    payload: Any


@dataclass(eq=False, repr=False)
class DropRdd:
    rdd_id: int


@dataclass(eq=False, repr=False)
class DropExecutor:
    executor_id: str
    reason: str
    outputs_lost: bool


@dataclass(eq=False, repr=False)
class Stop:
    pass


@dataclass(eq=False, repr=False)
class AttachExecutor:
    """An in-process executor: ``endpoint.handle(msg)`` runs what a socket would carry."""

    executor_id: str
    endpoint: Any


@dataclass(eq=False, repr=False)
class DumpThreads:
    """Ask executor ``executor_id`` for its threads; ``reply`` gets them (a list), or None
    when the executor is unknown or gone."""

    executor_id: str
    reply: Callable[[list | None], None]


class DriverCommands:
    """The Driver's methods for user threads (any thread): each enqueues a command."""

    _thread: threading.Thread  # the loop
    _commands: Any  # queue.Queue of commands
    _wake_w: Any  # socket: a byte written here wakes the loop
    cleaner: Any  # cleaner.ContextCleaner
    state: DriverState

    def start(self) -> None:
        self._thread.start()

    def run_job(self, rdd: Any, func: Callable, partitions: list[int],
                props: dict | None = None) -> list:
        waiter = self.submit_job(rdd, func, partitions, props)
        waiter.event.wait()
        if waiter.error is not None:
            raise waiter.error
        return waiter.results  # type: ignore[return-value]

    def submit_job(self, rdd: Any, func: Callable, partitions: list[int],
                   props: dict | None = None) -> JobWaiter:
        """Start a job without waiting (long-running receiver jobs); see JobWaiter."""
        if self._stopping:
            raise SparkException("Cannot call methods on a stopped SparkContext.")
        waiter = JobWaiter()
        self._command(SubmitJob(rdd, func, list(partitions), dict(props or {}), waiter))
        return waiter

    def cancel_jobs(self, group: str | None = None, reason: str = "") -> None:
        """Cancel the jobs of job group ``group`` (every active job when None)."""
        self._command(CancelJobs(lambda job_id, props: group is None
                                 or props.get("spark.jobGroup.id") == group, reason))

    def cancel_jobs_with_tag(self, tag: str, reason: str) -> None:
        """Cancel the jobs whose ``spark.job.tags`` property holds ``tag``."""
        self._command(CancelJobs(lambda job_id, props: tag in job_tags(props), reason))

    def cancel_job(self, job_id: int, reason: str) -> None:
        self._command(CancelJobs(lambda jid, props: jid == job_id, reason))

    def kill_job_tasks(self, job_id: int) -> None:
        """Interrupt the running tasks of a job (they see ``tc.interrupted``)."""
        self._command(KillJobTasks(job_id))

    def message_job_tasks(self, job_id: int, payload: Any) -> None:
        """Hand ``payload`` to the running tasks of a job (they find it in
        ``tc.messages``), e.g. a new rate for a streaming receiver."""
        self._command(MessageJobTasks(job_id, payload))

    def thread_dump(self, executor_id: str, timeout: float = 5.0) -> list | None:
        """Executor ``executor_id``'s threads (runtime/threaddump.py), None when it is
        unknown, gone, or does not answer within ``timeout`` seconds."""
        done = threading.Event()
        box: list = [None]

        def reply(threads: list | None) -> None:
            box[0] = threads
            done.set()

        self._command(DumpThreads(executor_id, reply))
        return box[0] if done.wait(timeout) else None

    def remove_rdd(self, rdd_id: int) -> None:
        self._command(DropRdd(rdd_id))

    def attach_executor(self, executor_id: str, endpoint: Any) -> None:
        """Add an executor that lives in this process (runtime/inprocess.py): the loop
        hands it messages through ``endpoint.handle(msg)``, which runs a launched task at
        once and returns its StatusUpdate."""
        self._command(AttachExecutor(executor_id, endpoint))

    def remove_executor(self, eid: str, reason: str, outputs_lost: bool) -> None:
        """The cluster manager says executor ``eid`` is gone (e.g. its worker died), even if
        its connection is still open: stop scheduling on it, stop it, rerun its tasks; with
        ``outputs_lost`` the shuffle outputs it wrote are recomputed too."""
        self._command(DropExecutor(eid, reason, outputs_lost))

    def map_output_sizes(self, shuffle_id: int) -> list[int] | None:
        """Bytes per reduce partition of shuffle ``shuffle_id`` summed over its map outputs
        (AQE's statistics), or None when its map stage is not complete. Read after the job
        that ran the map stage returned."""
        stage = self.dag.shuffle_stages.get(shuffle_id)  # type: ignore[attr-defined]
        if stage is None or not stage.is_available:
            return None
        statuses = list(stage.outputs)
        sizes = [0] * stage.dep.spec.num_partitions
        for st in statuses:
            if st is None:
                return None
            offs = st.offsets
            if len(offs) <= len(sizes):  # no data file (an empty map output)
                continue
            for r in range(len(sizes)):
                sizes[r] += offs[r + 1] - offs[r]
        return sizes

    def shuffle_unreachable(self, shuffle_id: int) -> None:
        """No RDD can read ``shuffle_id`` any more (its ShuffledRDD was collected): drop it.
        Safe from a weakref finalizer on any thread (see cleaner.py)."""
        self.cleaner.shuffle_unreachable(shuffle_id)

    def rdd_unreachable(self, rdd_id: int) -> None:
        """A persisted RDD was collected: drop its cached blocks (as shuffle_unreachable)."""
        self.cleaner.rdd_unreachable(rdd_id)

    def stop(self, timeout: float = 5.0) -> None:
        if self._stopping:
            return
        self._command(Stop())
        self._thread.join(timeout)

    def _command(self, cmd: Any) -> None:
        self._commands.put(cmd)
        self._wake()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    @property
    def _stopping(self) -> bool:
        return self.state is DriverState.STOPPING
