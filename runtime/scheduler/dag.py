"""The DAG scheduler: jobs -> stages cut at shuffle dependencies -> task sets.

Pure state, no sockets or processes (STYLE.md item 2): callers feed events
(``submit_job``, ``map_task_done``, ``result_task_done``, ``stage_aborted``,
``fetch_failed``, ``fail_job``) and get back a list of typed instructions:

    LaunchStage(stage)           start a task set for ``stage.pending_partitions()``
    JobSucceeded(job)            every result partition of ``job`` arrived
    JobFailed(job, error)        a stage the job needs was aborted (or the job was cancelled)

Stage cutting. Starting from a job's final RDD we walk dependencies: narrow ones stay in
the same stage (their computations are pipelined in one task), each ShuffleDependency
becomes the boundary to a ShuffleMapStage. A stage is named by where its RDD was made: a
result stage by the job's call site (``collect at app.py:12``), a map stage by the creation
site of the node that reads its shuffle (``reduceByKey at app.py:11``, as PySpark names it:
the call that made the shuffle), else ``<RDD class> <id>``. Map stages are registered by ``shuffle_id`` in
``shuffle_stages`` and live as long as the application, so a later job that reads the same
shuffle finds its outputs already there and does not recompute them (Spark's "skipped"
stages).

State:
    shuffle_stages  shuffle_id -> ShuffleMapStage (outputs: one MapStatus per map partition)
    waiting         stages whose parent map stages are not all available yet
    running         stages with a task set in flight
    jobs            job_id -> Job (results, finished flags)

Invariants: a stage is in at most one of waiting/running; a map stage is "available" iff
every partition has a MapStatus; a job's final stage is only launched once all its parents
are available; a job finishes exactly once (JobSucceeded or JobFailed); ``Job.status`` is a
:class:`JobStatus` (RUNNING, then SUCCEEDED or FAILED, never back).
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from typing import Any, Callable, Union

from runtime.lineage.dependency import ShuffleDependency
from runtime.errors import SparkException


class JobStatus(enum.Enum):
    """A job's lifecycle (Spark's JobExecutionStatus, without UNKNOWN)."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Stage:
    def __init__(self, stage_id: int, rdd: Any, parents: list["ShuffleMapStage"],
                 job_id: int):
        self.id = stage_id
        self.rdd = rdd
        self.num_partitions: int = rdd.num_partitions
        self.parents = parents
        self.first_job_id = job_id
        self.attempt = 0
        self.jobs: set[int] = set()
        self.shuffle_reads = shuffle_ids_read(rdd)
        self.name = rdd.creation_site or f"{rdd.rdd_class} {rdd.id}"

    def pending_partitions(self) -> list[int]:
        raise NotImplementedError


class ShuffleMapStage(Stage):
    def __init__(self, stage_id: int, dep: ShuffleDependency, parents, job_id: int,
                 site: str | None = None, job_site: str | None = None):
        super().__init__(stage_id, dep.rdd, parents, job_id)
        self.name = site or dep.rdd.creation_site or job_site or self.name
        self.dep = dep
        self.outputs: list[Any] = [None] * self.num_partitions

    @property
    def is_available(self) -> bool:
        return all(o is not None for o in self.outputs)

    def pending_partitions(self) -> list[int]:
        return [i for i, o in enumerate(self.outputs) if o is None]


class ResultStage(Stage):
    def __init__(self, stage_id: int, rdd: Any, func: Callable, partitions: list[int],
                 parents, job: "Job"):
        super().__init__(stage_id, rdd, parents, job.id)
        self.func = func
        self.partitions = partitions
        self.job = job

    def pending_partitions(self) -> list[int]:
        return [p for i, p in enumerate(self.partitions) if not self.job.finished[i]]


class Job:
    def __init__(self, job_id: int, partitions: list[int], props: dict | None):
        self.id = job_id
        self.partitions = partitions
        self.index = {p: i for i, p in enumerate(partitions)}
        self.results: list[Any] = [None] * len(partitions)
        self.finished = [False] * len(partitions)
        self.num_finished = 0
        self.props = props or {}
        self.final_stage: ResultStage | None = None
        self.result_bytes = 0
        self.status = JobStatus.RUNNING

    @property
    def done(self) -> bool:
        return self.status is not JobStatus.RUNNING


@dataclass(frozen=True)
class LaunchStage:
    """Start a task set for ``stage.pending_partitions()``."""

    stage: Stage


@dataclass(frozen=True)
class JobSucceeded:
    """Every result partition of ``job`` arrived (``job.results`` is complete)."""

    job: Job


@dataclass(frozen=True)
class JobFailed:
    """A stage ``job`` needs was aborted, or the job was cancelled."""

    job: Job
    error: BaseException


Instruction = Union[LaunchStage, JobSucceeded, JobFailed]


def shuffle_ids_read(rdd: Any) -> list[int]:
    """Shuffle ids read by the narrow closure of ``rdd`` (what one stage's tasks read)."""
    return [d.shuffle_id for d in shuffle_deps_of(rdd)]


def shuffle_deps_of(rdd: Any) -> list[ShuffleDependency]:
    """The nearest ShuffleDependencies reachable from ``rdd`` through narrow dependencies."""
    return [d for _, d in shuffle_edges(rdd)]


def shuffle_edges(rdd: Any) -> list[tuple[Any, ShuffleDependency]]:
    """(reading node, dependency) for each of :func:`shuffle_deps_of`."""
    out: list[tuple[Any, ShuffleDependency]] = []
    seen: set[int] = set()
    stack = [rdd]
    while stack:
        r = stack.pop()
        if r.id in seen:
            continue
        seen.add(r.id)
        if getattr(r, "checkpointed", False):
            continue
        for d in r.dependencies:
            if isinstance(d, ShuffleDependency):
                out.append((r, d))
            else:
                stack.append(d.rdd)
    return out


class DAGScheduler:
    def __init__(self) -> None:
        self._stage_ids = itertools.count()
        self._job_ids = itertools.count()
        self.shuffle_stages: dict[int, ShuffleMapStage] = {}
        self.waiting: set[Stage] = set()
        self.running: set[Stage] = set()
        self.jobs: dict[int, Job] = {}

    # -- building stages ------------------------------------------------------------------
    def _parent_stages(self, rdd: Any, job_id: int) -> list[ShuffleMapStage]:
        return [self._map_stage(dep, job_id, reader.creation_site)
                for reader, dep in shuffle_edges(rdd)]

    def _map_stage(self, dep: ShuffleDependency, job_id: int,
                   site: str | None = None) -> ShuffleMapStage:
        stage = self.shuffle_stages.get(dep.shuffle_id)
        if stage is None:
            parents = self._parent_stages(dep.rdd, job_id)
            job = self.jobs.get(job_id)  # no creation site (a SQL plan's): the job's, as Spark
            stage = ShuffleMapStage(next(self._stage_ids), dep, parents, job_id, site,
                                    job.props.get("callSite.short") if job else None)
            self.shuffle_stages[dep.shuffle_id] = stage
        return stage

    # -- events -----------------------------------------------------------------------------
    def submit_job(self, rdd: Any, func: Callable, partitions: list[int],
                   props: dict | None = None) -> tuple[Job, list[Instruction]]:
        job = Job(next(self._job_ids), partitions, props)
        self.jobs[job.id] = job
        if not partitions:
            job.status = JobStatus.SUCCEEDED
            return job, [JobSucceeded(job)]
        parents = self._parent_stages(rdd, job.id)
        stage = ResultStage(next(self._stage_ids), rdd, func, partitions, parents, job)
        stage.name = job.props.get("callSite.short") or stage.name  # "collect at app.py:12"
        job.final_stage = stage
        return job, self._submit_stage(stage, job.id)

    def _submit_stage(self, stage: Stage, job_id: int) -> list[Instruction]:
        stage.jobs.add(job_id)
        if stage in self.running or stage in self.waiting:
            return []
        missing = [p for p in stage.parents if not p.is_available]
        if not missing:
            self.running.add(stage)
            return [LaunchStage(stage)]
        self.waiting.add(stage)
        actions: list[Instruction] = []
        for parent in missing:
            actions += self._submit_stage(parent, job_id)
        return actions

    def _submit_waiting(self) -> list[Instruction]:
        actions: list[Instruction] = []
        for stage in sorted(self.waiting, key=lambda s: s.id):
            if all(p.is_available for p in stage.parents):
                self.waiting.discard(stage)
                self.running.add(stage)
                actions.append(LaunchStage(stage))
        return actions

    def map_task_done(self, stage: ShuffleMapStage, partition: int, status: Any) -> list[Instruction]:
        stage.outputs[partition] = status
        return []

    def result_task_done(self, stage: ResultStage, partition: int, value: Any,
                         nbytes: int = 0) -> list[Instruction]:
        job = stage.job
        i = job.index[partition]
        if job.done or job.finished[i]:
            return []
        job.results[i] = value
        job.finished[i] = True
        job.num_finished += 1
        job.result_bytes += nbytes
        if job.num_finished == len(job.partitions):
            job.status = JobStatus.SUCCEEDED
            self.running.discard(stage)
            self._forget_job(job)
            return [JobSucceeded(job)]
        return []

    def stage_finished(self, stage: Stage) -> list[Instruction]:
        """The task set of ``stage`` ended with every task successful."""
        self.running.discard(stage)
        if isinstance(stage, ShuffleMapStage) and not stage.is_available:
            # outputs were lost meanwhile (executor loss): run the missing ones again
            stage.attempt += 1
            self.running.add(stage)
            return [LaunchStage(stage)]
        return self._submit_waiting()

    def stage_aborted(self, stage: Stage, exc: BaseException) -> list[Instruction]:
        self.running.discard(stage)
        actions: list[Instruction] = []
        for job_id in sorted(stage.jobs):
            job = self.jobs.get(job_id)
            if job is not None and not job.done:
                actions += self.fail_job(job, exc)
        return actions

    def fail_job(self, job: Job, exc: BaseException) -> list[Instruction]:
        job.status = JobStatus.FAILED
        self._forget_job(job)
        return [JobFailed(job, exc)]

    def _forget_job(self, job: Job) -> None:
        self.jobs.pop(job.id, None)
        live = set(self.jobs)
        for stage in list(self.waiting) + list(self.running):
            stage.jobs &= live
            if not stage.jobs:
                self.waiting.discard(stage)
                self.running.discard(stage)

    def fetch_failed(self, stage: Stage, max_attempts: int = 4) -> list[Instruction]:
        """A task of ``stage`` could not read a parent's map output (already marked lost by
        the caller with :meth:`lost_outputs`): rerun the missing map partitions, then
        ``stage`` again. After ``max_attempts`` consecutive attempts the stage is aborted."""
        self.running.discard(stage)
        stage.attempt += 1
        if stage.attempt >= max_attempts:
            return self.stage_aborted(stage, SparkException(
                f"Stage {stage.id} failed {stage.attempt} times because shuffle outputs of "
                "its parents kept getting lost (spark.stage.maxConsecutiveAttempts)"))
        actions: list[Instruction] = []
        for job_id in sorted(stage.jobs):
            actions += self._submit_stage(stage, job_id)
        return actions

    def lost_outputs(self, is_lost: Callable[[Any], bool]) -> None:
        """Forget map outputs for which ``is_lost(status)`` (their executor/host is gone)."""
        for stage in self.shuffle_stages.values():
            for i, o in enumerate(stage.outputs):
                if o is not None and is_lost(o):
                    stage.outputs[i] = None

    def remove_shuffle(self, shuffle_id: int) -> ShuffleMapStage | None:
        """Forget a shuffle no RDD can read any more; None if unknown or still in use."""
        stage = self.shuffle_stages.get(shuffle_id)
        if stage is None or stage in self.running or stage in self.waiting:
            return None
        return self.shuffle_stages.pop(shuffle_id)

    def is_active(self, stage: Stage) -> bool:
        return stage in self.running
