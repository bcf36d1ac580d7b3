"""Driver <-> executor messages, and the stage-binary cache both ends keep in step.

An executor connects to the driver's scheduler loop and sends :class:`RegisterExecutor`.
The driver then sends, on that one connection:

    LaunchTask       run one task; ``binary`` (the cloudpickled stage: lineage + function
                     or shuffle spec) rides along only with the first task of a stage this
                     executor has not cached
    KillTask         kill a running task: set ``tc.interrupted``, and interrupt it now or
                     after a grace time (handled at once, not queued; executor/interrupt.py)
    TaskMessage      append ``payload`` to a running task's ``tc.messages`` (idem)
    RemoveRdd        drop the persisted partitions of an RDD
    ForgetBinaries   drop cached stage binaries no active job needs
    RemoveShuffle    delete the map output files of a shuffle nobody can read any more
    ThreadDumpRequest  answer at once with a ThreadDumpReply (the UI's thread dump)
    StopExecutor     exit cleanly

and the executor answers each launch with one :class:`StatusUpdate` (success: the pickled
result or the MapStatus; failure: the packed exception), carrying the task's metrics
(:class:`TaskCounters` as a dict), accumulator updates and the blocks it persisted. Tasks may
also send extension dicts mid-run (``tc.send_to_driver``), routed by op on the driver. An
executor that is about to exit on purpose says :class:`ExecutorExiting` first.

Stage-binary cache. The driver sends a stage's binary only to executors that do not hold it,
so it must know exactly what each executor holds: :class:`StageBinaryCache` is the one
definition of the bound (:data:`MAX_BINARIES`) and the eviction order (oldest insertion
first, no refresh on use), used by the executor for the binaries themselves and by the
driver, per executor, as a mirror of the keys. Both see the same inserts (a launch carrying
a binary) and removals (ForgetBinaries), so the mirror never drifts.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from runtime.protocol import Message, message

MAX_BINARIES = 64


@message("register")
class RegisterExecutor(Message):
    executor_id: str
    pid: int = 0
    cores: int = 1


@message("launch")
class LaunchTask(Message):
    task_id: int
    stage_id: int
    partition: int
    attempt: int
    binary_key: str
    memory_limit: int
    locations: dict = field(default_factory=dict)  # shuffle id -> MapStatus per map task
    props: dict = field(default_factory=dict)  # the job's local properties
    binary: bytes | None = None
    stage_attempt: int = 0


@message("status")
class StatusUpdate(Message):
    task_id: int
    ok: bool
    metrics: dict = field(default_factory=dict)  # TaskCounters fields
    # (rdd_id, split, memory size, disk size) of the blocks stored, evicted or dropped
    # while the task ran (runtime/blockstore.py drain_changes)
    blocks: list = field(default_factory=list)
    result: bytes | None = None  # encoded value of a result task (runtime/dataformat.py)
    result_format: str | None = None  # its format tag: "pickle" or "arrow"
    status: Any = None  # MapStatus of a shuffle map task
    accums: dict | None = None
    error: dict | None = None  # runtime.serde.pack_exception
    duration: float = 0.0


@message("kill_task")
class KillTask(Message):
    """Kill a running task: ``tc.interrupted`` is set; with ``interrupt`` the task is
    interrupted at once; with a ``timeout`` (seconds) a task still running after it is
    interrupted (or, if already interrupted, its executor exits and is replaced). See
    runtime/executor/interrupt.py."""

    task_id: int
    interrupt: bool = False
    timeout: float | None = None
    reason: str = ""


@message("executor_exiting")
class ExecutorExiting(Message):
    """The executor is about to exit on purpose (a killed task would not stop): the driver
    replaces it without counting a task failure."""

    reason: str


@message("task_message")
class TaskMessage(Message):
    task_id: int
    payload: Any = None


@message("remove_rdd")
class RemoveRdd(Message):
    rdd_id: int


@message("forget_binaries")
class ForgetBinaries(Message):
    keys: list


@message("remove_shuffle")
class RemoveShuffle(Message):
    shuffle_id: int


@message("stop")
class StopExecutor(Message):
    pass


@message("thread_dump")
class ThreadDumpRequest(Message):
    """Dump the executor's threads (handled at once, not queued: a task may be running)."""

    request_id: int


@message("threads")
class ThreadDumpReply(Message):
    """The executor's threads (runtime/threaddump.py), for request ``request_id``."""

    request_id: int
    threads: list = field(default_factory=list)


@dataclass
class TaskCounters:
    """What one task did (Spark's TaskMetrics as counters; times in ms, sizes in bytes).

    Filled by the executor, sent as a dict in :class:`StatusUpdate`, posted by the driver in
    SparkListenerTaskEnd. ``spill_count`` is ours (tests use it to see spilling happen)."""

    executor_deserialize_time: int = 0
    executor_run_time: int = 0
    result_size: int = 0
    memory_bytes_spilled: int = 0
    disk_bytes_spilled: int = 0
    input_bytes: int = 0
    input_records: int = 0
    output_bytes: int = 0
    output_records: int = 0
    shuffle_read_bytes: int = 0
    shuffle_remote_bytes_read: int = 0
    shuffle_records_read: int = 0
    shuffle_write_bytes: int = 0
    shuffle_records_written: int = 0
    spill_count: int = 0

    @classmethod
    def from_dict(cls, d: dict | None) -> TaskCounters:
        known = _METRIC_FIELDS
        return cls(**{k: v for k, v in (d or {}).items() if k in known})

    def as_dict(self) -> dict:
        return asdict(self)


_METRIC_FIELDS = frozenset(f.name for f in fields(TaskCounters))


class StageBinaryCache:
    """Bounded map key -> stage binary, oldest insertion evicted first (see module doc)."""

    def __init__(self, bound: int = MAX_BINARIES) -> None:
        self.bound = bound
        self._items: OrderedDict[str, Any] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def put(self, key: str, value: Any = True) -> list[str]:
        """Insert (a new key goes last); returns the keys evicted to stay in bound."""
        self._items[key] = value
        evicted = []
        while len(self._items) > self.bound:
            evicted.append(self._items.popitem(last=False)[0])
        return evicted

    def discard(self, key: str) -> bool:
        """Remove ``key``; True if it was there."""
        if key in self._items:
            del self._items[key]
            return True
        return False
