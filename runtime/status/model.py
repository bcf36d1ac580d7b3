"""The live entities of the status store and their REST API shapes (Spark's LiveEntity.scala).

One object per application entity, mutated only by :mod:`runtime.status.listener` under the
store's lock, read by :mod:`runtime.status.store` (also under the lock) which turns them into
``/api/v1`` dicts with the ``api()`` methods here. Fields:

* :class:`Job` — id, name (the last stage's name = the action's call site), description
  (``spark.job.description``), submission/completion times (epoch ms or None), stage ids,
  job group, status (RUNNING, SUCCEEDED, FAILED), task counters and the set of
  ``(stage, index)`` that completed (numCompletedIndices), stage counters; ``num_tasks`` is the
  tasks of the stages not yet computed when the job started, as Spark counts it.
* :class:`Stage` — one attempt: status (PENDING, ACTIVE, COMPLETE, FAILED, SKIPPED), the
  StageInfo fields (name, numTasks, details, RDD infos, parent ids), times, failure reason,
  task counters, completed indices, summed task metrics, per-executor summaries, its tasks
  (bounded by spark.ui.retainedTasks) and the jobs it belongs to.
* :class:`Task` — TaskInfo fields, status (RUNNING, SUCCESS, FAILED, KILLED), error message,
  flat metrics (:mod:`runtime.status.metrics`); ``duration``, ``scheduler_delay`` and
  ``getting_result_time`` follow Spark's AppStatusUtils.
* :class:`Executor` — host:port, cores, memory, task counters, totals, cached blocks, log urls,
  add/remove times.
* :class:`RDD` — storage of one cached RDD, from block updates: per-block sizes and locations.

Times are epoch milliseconds inside; :func:`api_date` formats them as Spark's JSON does
(``2026-12-03T08:54:08.624GMT``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.status import metrics as M
from runtime.status.dates import api_date


def storage_level_description(level: dict | None) -> str:
    """Spark's StorageLevel.description ("Memory Serialized 1x Replicated")."""
    level = level or {}
    out = "Disk " if level.get("Use Disk") else ""
    if level.get("Use Memory"):
        out += "Memory (off heap) " if level.get("Use Off Heap") else "Memory "
    out += "Deserialized " if level.get("Deserialized") else "Serialized "
    return out + f"{level.get('Replication', 1)}x Replicated"


def is_cached_level(level: dict | None) -> bool:
    level = level or {}
    return bool(level.get("Use Memory") or level.get("Use Disk") or level.get("Use Off Heap"))


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


@dataclass
class Task:
    task_id: int
    index: int
    attempt: int
    partition_id: int
    launch_time: int
    executor_id: str
    host: str
    locality: str
    speculative: bool
    stage_key: tuple[int, int]
    status: str = "RUNNING"
    finish_time: int = 0
    getting_result_at: int = 0
    error_message: str | None = None
    metrics: dict[str, int] = field(default_factory=M.zero)
    has_metrics: bool = False

    @property
    def duration(self) -> int | None:
        return self.finish_time - self.launch_time if self.finish_time else None

    @property
    def getting_result_time(self) -> int:
        if self.getting_result_at <= 0:
            return 0
        return (self.finish_time or self.getting_result_at) - self.getting_result_at

    @property
    def scheduler_delay(self) -> int:
        if not self.finish_time:
            return 0
        m = self.metrics
        return max(0, (self.duration or 0) - m["executorRunTime"] - m["executorDeserializeTime"]
                   - m["resultSerializationTime"] - self.getting_result_time)

    def api(self, executor_logs: dict | None = None) -> dict:
        out: dict[str, Any] = {
            "taskId": self.task_id, "index": self.index, "attempt": self.attempt,
            "partitionId": self.partition_id, "launchTime": api_date(self.launch_time),
        }
        if self.getting_result_at > 0:
            out["resultFetchStart"] = api_date(self.getting_result_at)
        if self.duration is not None:
            out["duration"] = self.duration
        out.update({"executorId": self.executor_id, "host": self.host, "status": self.status,
                    "taskLocality": self.locality, "speculative": self.speculative,
                    "accumulatorUpdates": []})
        if self.error_message is not None:
            out["errorMessage"] = self.error_message
        if self.has_metrics:
            out["taskMetrics"] = M.task_metrics_api(self.metrics)
        out["executorLogs"] = dict(executor_logs or {})
        out["schedulerDelay"] = self.scheduler_delay
        out["gettingResultTime"] = self.getting_result_time
        return out


@dataclass
class ExecutorStageSummary:
    task_time: int = 0
    failed: int = 0
    succeeded: int = 0
    killed: int = 0
    metrics: dict[str, int] = field(default_factory=M.zero)

    def api(self) -> dict:
        m = self.metrics
        return {"taskTime": self.task_time, "failedTasks": self.failed,
                "succeededTasks": self.succeeded, "killedTasks": self.killed,
                "inputBytes": m["inputBytes"], "inputRecords": m["inputRecords"],
                "outputBytes": m["outputBytes"], "outputRecords": m["outputRecords"],
                "shuffleRead": M.shuffle_read_bytes(m),
                "shuffleReadRecords": m["shuffleReadRecords"],
                "shuffleWrite": m["shuffleWriteBytes"],
                "shuffleWriteRecords": m["shuffleWriteRecords"],
                "memoryBytesSpilled": m["memoryBytesSpilled"],
                "diskBytesSpilled": m["diskBytesSpilled"],
                "isBlacklistedForStage": False, "isExcludedForStage": False}


@dataclass
class Stage:
    stage_id: int
    attempt_id: int
    name: str
    num_tasks: int
    details: str = ""
    rdd_infos: list[dict] = field(default_factory=list)
    parent_ids: list[int] = field(default_factory=list)
    status: str = "PENDING"
    submission_time: int | None = None
    completion_time: int | None = None
    first_task_launched: int | None = None
    failure_reason: str | None = None
    description: str | None = None
    pool: str = "default"
    resource_profile_id: int = 0
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    killed_tasks: int = 0
    completed_indices: set = field(default_factory=set)
    metrics: dict[str, int] = field(default_factory=M.zero)
    executor_summaries: dict[str, ExecutorStageSummary] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    job_ids: set = field(default_factory=set)
    _api: tuple | None = field(default=None, repr=False)  # (signature, dict): see api()

    @property
    def key(self) -> tuple[int, int]:
        return (self.stage_id, self.attempt_id)

    def update_info(self, info: dict) -> None:
        self.name = info.get("Stage Name", self.name)
        self.num_tasks = info.get("Number of Tasks", self.num_tasks)
        self.details = info.get("Details", self.details) or ""
        self.rdd_infos = info.get("RDD Info", self.rdd_infos) or []
        self.parent_ids = info.get("Parent IDs", self.parent_ids) or []
        self.resource_profile_id = info.get("Resource Profile Id", self.resource_profile_id)
        if info.get("Submission Time") is not None:
            self.submission_time = info["Submission Time"]
        if info.get("Completion Time") is not None:
            self.completion_time = info["Completion Time"]
        if info.get("Failure Reason") is not None:
            self.failure_reason = info["Failure Reason"]

    def _signature(self) -> tuple:
        """Everything api() reads that can change (metrics change only with task counts)."""
        return (self.status, self.name, self.num_tasks, self.details, len(self.rdd_infos),
                self.submission_time, self.completion_time, self.first_task_launched,
                self.failure_reason, self.description, self.pool, self.active_tasks,
                self.completed_tasks, self.failed_tasks, self.killed_tasks,
                len(self.completed_indices))

    def api(self) -> dict:
        """StageData without tasks; cached until the stage changes (a listing of a thousand
        retained stages rebuilds only the running ones). Callers must not mutate it."""
        sig = self._signature()
        if self._api is None or self._api[0] != sig:
            self._api = (sig, self._build_api())
        return self._api[1]

    def _build_api(self) -> dict:
        out: dict[str, Any] = {
            "status": self.status, "stageId": self.stage_id, "attemptId": self.attempt_id,
            "numTasks": self.num_tasks, "numActiveTasks": self.active_tasks,
            "numCompleteTasks": self.completed_tasks, "numFailedTasks": self.failed_tasks,
            "numKilledTasks": self.killed_tasks,
            "numCompletedIndices": len(self.completed_indices),
            "submissionTime": api_date(self.submission_time),
            "firstTaskLaunchedTime": api_date(self.first_task_launched),
            "completionTime": api_date(self.completion_time),
            "failureReason": self.failure_reason,
        }
        out = _drop_none(out)
        out.update(M.stage_totals_api(self.metrics))
        out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        if self.details:
            out["details"] = self.details
        out.update({"schedulingPool": self.pool,
                    "rddIds": [r.get("RDD ID") for r in self.rdd_infos],
                    "accumulatorUpdates": [], "killedTasksSummary": {},
                    "resourceProfileId": self.resource_profile_id,
                    "isShufflePushEnabled": False, "shuffleMergersCount": 0})
        return out


@dataclass
class Job:
    job_id: int
    name: str
    description: str | None
    submission_time: int | None
    stage_ids: list[int]
    job_group: str | None
    num_tasks: int
    job_tags: list[str] = field(default_factory=list)
    completion_time: int | None = None
    status: str = "RUNNING"
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    killed_tasks: int = 0
    skipped_tasks: int = 0
    completed_indices: set = field(default_factory=set)
    active_stages: int = 0
    completed_stages: set = field(default_factory=set)
    skipped_stages: set = field(default_factory=set)
    failed_stages: int = 0
    call_site: str | None = None
    submitted_stages: set = field(default_factory=set)  # stage ids run while this job ran

    def api(self) -> dict:
        out: dict[str, Any] = {"jobId": self.job_id, "name": self.name,
                               "description": self.description,
                               "submissionTime": api_date(self.submission_time),
                               "completionTime": api_date(self.completion_time),
                               "stageIds": list(self.stage_ids), "jobGroup": self.job_group}
        out = _drop_none(out)
        out.update({
            "jobTags": list(self.job_tags), "status": self.status, "numTasks": self.num_tasks,
            "numActiveTasks": self.active_tasks, "numCompletedTasks": self.completed_tasks,
            "numSkippedTasks": self.skipped_tasks, "numFailedTasks": self.failed_tasks,
            "numKilledTasks": self.killed_tasks,
            "numCompletedIndices": len(self.completed_indices),
            "numActiveStages": self.active_stages,
            "numCompletedStages": len(self.completed_stages),
            "numSkippedStages": len(self.skipped_stages),
            "numFailedStages": self.failed_stages, "killedTasksSummary": {}})
        return out


@dataclass
class Executor:
    executor_id: str
    host: str
    total_cores: int = 0
    add_time: int | None = None
    port: int | None = None
    is_active: bool = True
    remove_time: int | None = None
    remove_reason: str | None = None
    max_memory: int = 0
    max_onheap: int = 0
    max_offheap: int = 0
    log_urls: dict = field(default_factory=dict)
    attributes: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    resource_profile_id: int = 0
    active_tasks: int = 0
    completed_tasks: int = 0
    failed_tasks: int = 0
    killed_tasks: int = 0
    total_duration: int = 0
    total_gc_time: int = 0
    total_input_bytes: int = 0
    total_shuffle_read: int = 0
    total_shuffle_write: int = 0
    rdd_blocks: int = 0
    memory_used: int = 0
    disk_used: int = 0

    def api(self, task_cpus: int = 1) -> dict:
        host_port = f"{self.host}:{self.port}" if self.port else self.host
        out: dict[str, Any] = {
            "id": self.executor_id, "hostPort": host_port, "isActive": self.is_active,
            "rddBlocks": self.rdd_blocks, "memoryUsed": self.memory_used,
            "diskUsed": self.disk_used, "totalCores": self.total_cores,
            "maxTasks": self.total_cores // max(1, task_cpus),
            "activeTasks": self.active_tasks, "failedTasks": self.failed_tasks,
            "completedTasks": self.completed_tasks,
            "totalTasks": self.active_tasks + self.failed_tasks + self.completed_tasks,
            "totalDuration": self.total_duration, "totalGCTime": self.total_gc_time,
            "totalInputBytes": self.total_input_bytes,
            "totalShuffleRead": self.total_shuffle_read,
            "totalShuffleWrite": self.total_shuffle_write, "isBlacklisted": False,
            "maxMemory": self.max_memory, "addTime": api_date(self.add_time),
        }
        if self.remove_time is not None:
            out["removeTime"] = api_date(self.remove_time)
        if self.remove_reason is not None:
            out["removeReason"] = self.remove_reason
        out["executorLogs"] = dict(self.log_urls)
        if self.max_memory:
            out["memoryMetrics"] = {"usedOnHeapStorageMemory": self.memory_used,
                                    "usedOffHeapStorageMemory": 0,
                                    "totalOnHeapStorageMemory": self.max_onheap,
                                    "totalOffHeapStorageMemory": self.max_offheap}
        out.update({"blacklistedInStages": [], "attributes": dict(self.attributes),
                    "resources": dict(self.resources),
                    "resourceProfileId": self.resource_profile_id, "isExcluded": False,
                    "excludedInStages": []})
        return out


@dataclass
class RDD:
    rdd_id: int
    name: str
    num_partitions: int
    storage_level: str
    # block name -> (executor id, memory size, disk size, storage level description)
    blocks: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)

    def api(self, executors: dict[str, Executor], details: bool = True) -> dict:
        mem = sum(b[1] for b in self.blocks.values())
        disk = sum(b[2] for b in self.blocks.values())
        out: dict[str, Any] = {"id": self.rdd_id, "name": self.name,
                               "numPartitions": self.num_partitions,
                               "numCachedPartitions": len(self.blocks),
                               "storageLevel": self.storage_level, "memoryUsed": mem,
                               "diskUsed": disk}
        if not details:
            return out
        by_exec: dict[str, list[int]] = {}
        for exec_id, m, d, _lvl in self.blocks.values():
            acc = by_exec.setdefault(exec_id, [0, 0])
            acc[0] += m
            acc[1] += d
        dist = []
        for exec_id, (m, d) in sorted(by_exec.items()):
            ex = executors.get(exec_id)
            address = (f"{ex.host}:{ex.port}" if ex and ex.port else (ex.host if ex else exec_id))
            remaining = (ex.max_memory - ex.memory_used) if ex else 0
            dist.append({"address": address, "memoryUsed": m, "memoryRemaining": remaining,
                         "diskUsed": d, "onHeapMemoryUsed": m, "offHeapMemoryUsed": 0,
                         "onHeapMemoryRemaining": remaining, "offHeapMemoryRemaining": 0})
        out["dataDistribution"] = dist
        out["partitions"] = [{"blockName": name, "storageLevel": lvl, "memoryUsed": m,
                              "diskUsed": d, "executors": [exec_id]}
                             for name, (exec_id, m, d, lvl) in sorted(
                                 self.blocks.items(), key=lambda kv: _block_order(kv[0]))]
        return out


def _block_order(name: str) -> tuple:
    parts = name.split("_")
    return tuple(int(p) if p.isdigit() else 0 for p in parts[1:])
