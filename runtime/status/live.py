"""Live job and stage counters from the typed listener events: what the console progress bar
and ``sc.statusTracker()`` read.

A small sibling of :class:`~runtime.status.store.AppStatusStore` (the UI's and REST API's
store, fed by event-log JSON dicts and keeping every task): this one keeps only per-job and
per-stage counters, straight from the typed events, so a progress bar polled five times a
second costs nothing. It is a listener (register it on the bus) and readers on other
threads ask it questions (``active_stages``, ``job``, ``stage``, ``job_ids_for_group``). It
never looks at the scheduler's own state: what it knows came through events.

State, guarded by ``lock``:
    jobs       job id -> JobData (status RUNNING/SUCCEEDED/FAILED, stage ids, job group,
               call site, task counters)
    stages     stage id -> StageData (the latest attempt: status ACTIVE/COMPLETE/FAILED/
               PENDING/SKIPPED, task counters, submission time, job ids)
    executors  executor id -> ExecutorData (host, cores, active, removed reason)
Retention: the newest ``retained_jobs``/``retained_stages`` (spark.ui.retainedJobs/Stages,
1000 each) finished entries are kept, so a 24/7 streaming driver stays flat.
Invariants: ``completed + active + failed`` counts task ends and starts of the current
attempt only; a stage leaves ACTIVE only by StageCompleted.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, field
from typing import Any

from runtime.scheduler.bus import SparkListener

RETAINED = 1000


@dataclass
class JobData:
    jobId: int
    name: str
    stageIds: list
    jobGroup: str | None
    submissionTime: int
    status: str = "RUNNING"
    completionTime: int | None = None
    numTasks: int = 0
    numActiveTasks: int = 0
    numCompletedTasks: int = 0
    numFailedTasks: int = 0


@dataclass
class StageData:
    stageId: int
    attemptId: int
    name: str
    numTasks: int
    status: str = "PENDING"
    numActiveTasks: int = 0
    numCompleteTasks: int = 0
    numFailedTasks: int = 0
    submissionTime: int | None = None  # epoch ms
    completionTime: int | None = None
    failureReason: str | None = None
    jobIds: set = field(default_factory=set)

    # the names the progress bar's render() reads
    @property
    def stage_id(self) -> int:
        return self.stageId

    @property
    def num_tasks(self) -> int:
        return self.numTasks

    @property
    def completed(self) -> int:
        return self.numCompleteTasks

    @property
    def active(self) -> int:
        return self.numActiveTasks

    @property
    def submitted(self) -> float:
        return (self.submissionTime or 0) / 1000


@dataclass
class ExecutorData:
    executorId: str
    host: str
    totalCores: int
    isActive: bool = True
    removeReason: str | None = None


class LiveStatus(SparkListener):
    def __init__(self, retained_jobs: int = RETAINED, retained_stages: int = RETAINED):
        self.lock = threading.Lock()
        self.jobs: dict[int, JobData] = {}
        self.stages: dict[int, StageData] = {}
        self.executors: dict[str, ExecutorData] = {}
        self.retained_jobs = retained_jobs
        self.retained_stages = retained_stages

    # -- events ---------------------------------------------------------------------------------
    def onJobStart(self, e: Any) -> None:
        props = e.properties or {}
        with self.lock:
            job = JobData(e.jobId, props.get("callSite.short", f"job {e.jobId}"),
                          list(e.stageIds), props.get("spark.jobGroup.id"), e.time,
                          numTasks=sum(s.numTasks for s in e.stageInfos))
            self.jobs[e.jobId] = job
            for info in e.stageInfos:
                st = self.stages.get(info.stageId)
                if st is None:
                    st = self.stages[info.stageId] = StageData(
                        info.stageId, info.attemptNumber, info.name, info.numTasks)
                st.jobIds.add(e.jobId)

    def onJobEnd(self, e: Any) -> None:
        with self.lock:
            job = self.jobs.get(e.jobId)
            if job is not None:
                job.status = "SUCCEEDED" if e.jobResult.exception is None else "FAILED"
                job.completionTime = e.time
                for sid in job.stageIds:  # stages this job never ran: skipped
                    st = self.stages.get(sid)
                    if st is not None and st.status == "PENDING":
                        st.status = "SKIPPED"
            self._trim()

    def onStageSubmitted(self, e: Any) -> None:
        info = e.stageInfo
        with self.lock:
            old = self.stages.get(info.stageId)
            st = self.stages[info.stageId] = StageData(
                info.stageId, info.attemptNumber, info.name, info.numTasks, "ACTIVE",
                submissionTime=info.submissionTime,
                jobIds=set(old.jobIds) if old is not None else set())

    def onStageCompleted(self, e: Any) -> None:
        info = e.stageInfo
        with self.lock:
            st = self.stages.get(info.stageId)
            if st is None or st.attemptId != info.attemptNumber:
                return
            st.status = "FAILED" if info.failureReason else "COMPLETE"
            st.completionTime = info.completionTime
            st.failureReason = info.failureReason

    def onTaskStart(self, e: Any) -> None:
        with self.lock:
            st = self._stage_of(e)
            if st is not None:
                st.numActiveTasks += 1
                for job in self._jobs_of(st):
                    job.numActiveTasks += 1

    def onTaskEnd(self, e: Any) -> None:
        ok = e.reason.reason == "Success"
        with self.lock:
            st = self._stage_of(e)
            if st is None:
                return
            st.numActiveTasks -= 1
            if ok:
                st.numCompleteTasks += 1
            else:
                st.numFailedTasks += 1
            for job in self._jobs_of(st):
                job.numActiveTasks -= 1
                if ok:
                    job.numCompletedTasks += 1
                else:
                    job.numFailedTasks += 1

    def onExecutorAdded(self, e: Any) -> None:
        with self.lock:
            self.executors[e.executorId] = ExecutorData(e.executorId, e.host, e.totalCores)

    def onExecutorRemoved(self, e: Any) -> None:
        with self.lock:
            ex = self.executors.get(e.executorId)
            if ex is not None:
                ex.isActive = False
                ex.removeReason = e.reason

    def _stage_of(self, e: Any) -> StageData | None:
        st = self.stages.get(e.stageId)
        return st if st is not None and st.attemptId == e.stageAttemptId else None

    def _jobs_of(self, st: StageData) -> list[JobData]:
        return [j for j in (self.jobs.get(i) for i in st.jobIds)
                if j is not None and j.status == "RUNNING"]

    def _trim(self) -> None:
        done = [j for j, d in self.jobs.items() if d.status != "RUNNING"]
        for j in sorted(done)[:max(0, len(self.jobs) - self.retained_jobs)]:
            del self.jobs[j]
        if len(self.stages) > self.retained_stages:
            old = sorted(s for s, d in self.stages.items() if d.status != "ACTIVE")
            for s in old[:len(self.stages) - self.retained_stages]:
                del self.stages[s]

    # -- questions (any thread; answers are copies) ----------------------------------------------
    def active_stages(self) -> list[StageData]:
        """Running stages (ACTIVE, tasks left, a job still running), by stage id."""
        with self.lock:
            return [copy.copy(s) for _, s in sorted(self.stages.items())
                    if s.status == "ACTIVE" and s.numCompleteTasks < s.numTasks
                    and self._jobs_of(s)]

    def active_job_ids(self) -> list[int]:
        with self.lock:
            return sorted(j for j, d in self.jobs.items() if d.status == "RUNNING")

    def job_ids_for_group(self, group: str | None) -> list[int]:
        with self.lock:
            return sorted(j for j, d in self.jobs.items() if d.jobGroup == group)

    def job(self, job_id: int) -> JobData | None:
        with self.lock:
            job = self.jobs.get(job_id)
            return copy.copy(job) if job is not None else None

    def stage(self, stage_id: int) -> StageData | None:
        with self.lock:
            st = self.stages.get(stage_id)
            return copy.copy(st) if st is not None else None
