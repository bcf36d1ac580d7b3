"""Turns what the scheduler loop does into listener events (events.py) on the bus.

The loop calls one method per fact (a job was submitted, a task ended...) and this object
builds the event with Spark's fields and posts it; the bus delivers it on its own thread.
It keeps one piece of state: ``stage_infos`` (stage id -> the StageInfo of its current
attempt, so StageCompleted carries the same object StageSubmitted did, with the
completion time and failure reason filled in). Entries go when the stage completes.

A StageInfo carries its RDD infos (Spark's ``rddInfos``): the stage's RDD, then its narrow
ancestors by id, each with its parents (the RDD a shuffle reads included), creation site,
storage level, operation scope (the node's ``scope``: the JSON text of the API call that
made it, ``{"id":"4","name":"reduceByKey"}``, or none) and output determinism (UNORDERED
below a shuffle, as Spark's RDD.outputDeterministicLevel for shuffles without key ordering;
DETERMINATE otherwise).

Order of events, as Spark posts them: JobStart (with the StageInfo of every stage the job
needs, skipped ones included), then per stage StageSubmitted, TaskStart/TaskEnd per task,
StageCompleted; JobEnd last. A lost executor: ExecutorRemoved, then TaskEnd
(ExecutorLostFailure) for each task it was running.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from runtime.lineage.dependency import ShuffleDependency
from runtime.scheduler.dag import ResultStage, ShuffleMapStage, Stage
from runtime.scheduler.events import (
    JobResult, RDDInfo, SparkListenerBlockUpdated, SparkListenerExecutorAdded,
    SparkListenerExecutorRemoved, SparkListenerJobEnd, SparkListenerJobStart,
    SparkListenerStageCompleted, SparkListenerStageSubmitted, SparkListenerTaskEnd,
    SparkListenerTaskStart, SparkListenerUnpersistRDD, StageInfo, TaskEndReason, TaskInfo,
)


def now_ms() -> int:
    return int(time.time() * 1000)


def stages_of(stage: Stage) -> list[Stage]:
    """``stage`` and every ancestor map stage, by stage id."""
    seen: dict[int, Stage] = {}
    todo = [stage]
    while todo:
        s = todo.pop()
        if s.id not in seen:
            seen[s.id] = s
            todo.extend(s.parents)
    return [seen[i] for i in sorted(seen)]


def _info(stage: Stage, num_tasks: int | None = None) -> StageInfo:
    return StageInfo(stage.id, stage.attempt, stage.name,
                     stage.num_partitions if num_tasks is None else num_tasks,
                     [p.id for p in stage.parents], rddInfos=rdd_infos(stage.rdd))


def rdd_infos(rdd: Any) -> list[RDDInfo]:
    """Spark's StageInfo.rddInfos for a stage over ``rdd`` (see the module doc)."""
    ancestors: dict[int, Any] = {}
    stack = [rdd]
    while stack:
        for d in stack.pop().dependencies:
            parent = d.rdd
            if parent is None or isinstance(d, ShuffleDependency) or parent.id in ancestors \
                    or parent.id == rdd.id:
                continue
            ancestors[parent.id] = parent
            stack.append(parent)
    unordered: dict[int, bool] = {}
    return [_rdd_info(r, unordered) for r in [rdd] + [ancestors[i] for i in sorted(ancestors)]]


def _rdd_info(node: Any, unordered: dict[int, bool]) -> RDDInfo:
    return RDDInfo(node.id, node.name or node.rdd_class, node.num_partitions,
                   [d.rdd.id for d in node.dependencies if d.rdd is not None],
                   node.creation_site or "", getattr(node, "scope", None),
                   node.storage_level,
                   "UNORDERED" if _is_unordered(node, unordered) else "DETERMINATE")


def _is_unordered(node: Any, memo: dict[int, bool]) -> bool:
    """Whether a shuffle lies anywhere below ``node`` (a checkpoint cuts the lineage)."""
    stack = [(node, False)]
    while stack:
        r, expanded = stack.pop()
        if r.id in memo:
            continue
        parents = [d.rdd for d in r.dependencies if d.rdd is not None]
        if not expanded and any(p.id not in memo for p in parents):
            stack.append((r, True))
            stack.extend((p, False) for p in parents if p.id not in memo)
            continue
        memo[r.id] = any(isinstance(d, ShuffleDependency) or memo.get(d.rdd.id, False)
                         for d in r.dependencies if d.rdd is not None)
    return memo[node.id]


class EventPoster:
    def __init__(self, bus: Any) -> None:
        self.bus = bus
        self.stage_infos: dict[int, StageInfo] = {}

    def job_start(self, job: Any, props: dict) -> None:
        stages = stages_of(job.final_stage) if job.final_stage is not None else []
        infos = [_info(s, len(job.partitions) if isinstance(s, ResultStage) else None)
                 for s in stages]
        self.bus.post(SparkListenerJobStart(job.id, now_ms(), infos, dict(props)))

    def job_end(self, job_id: int, error: BaseException | None) -> None:
        result = JobResult() if error is None else JobResult("JobFailed", error)
        self.bus.post(SparkListenerJobEnd(job_id, now_ms(), result))

    def stage_submitted(self, stage: Stage, num_tasks: int, props: dict) -> None:
        info = _info(stage, num_tasks)
        info.submissionTime = now_ms()
        self.stage_infos[stage.id] = info
        # a copy: the StageInfo kept here gains its completion time later
        self.bus.post(SparkListenerStageSubmitted(copy.copy(info), dict(props)))

    def stage_completed(self, stage: Stage, failure: str | None = None) -> None:
        info = self.stage_infos.pop(stage.id, None)
        if info is None:
            return
        info.completionTime = now_ms()
        info.failureReason = failure
        self.bus.post(SparkListenerStageCompleted(info))

    def task_start(self, task: Any, host: str) -> None:
        task.info = info = TaskInfo(
            task.id, task.partition, task.attempt, task.partition,
            int(task.launch_time * 1000), task.executor_id, host)
        self.bus.post(SparkListenerTaskStart(task.tsm.stage.id, task.tsm.stage_attempt, info))

    def task_end(self, task: Any, reason: TaskEndReason, counters: dict | None) -> None:
        start = getattr(task, "info", None)
        if start is None:
            return
        # a new TaskInfo: the one TaskStart carried stays as it was then
        failed = reason.reason not in ("Success", "TaskKilled")
        info = TaskInfo(start.taskId, start.index, start.attemptNumber, start.partitionId,
                        start.launchTime, start.executorId, start.host, start.taskLocality,
                        False, max(now_ms(), start.launchTime), failed,
                        reason.reason == "TaskKilled")
        stage = task.tsm.stage
        kind = "ShuffleMapTask" if isinstance(stage, ShuffleMapStage) else "ResultTask"
        # the metrics stay the executor's counters until a listener reads taskMetrics
        self.bus.post(SparkListenerTaskEnd(stage.id, task.tsm.stage_attempt, kind, reason,
                                           info, counters))

    def executor_added(self, ref: Any) -> None:
        self.bus.post(SparkListenerExecutorAdded(now_ms(), ref.id, ref.host, ref.slots))

    def executor_removed(self, eid: str, reason: str) -> None:
        self.bus.post(SparkListenerExecutorRemoved(now_ms(), eid, reason))

    def blocks_stored(self, ref: Any, blocks: list, rdd: Any) -> None:
        """One BlockUpdated per (rdd id, split, memory size, disk size) a task reported:
        the level says where the block is now (Spark's BlockStatus), none once dropped."""
        levels = _storage_levels(rdd)
        for rdd_id, split, mem, disk in blocks:
            level = levels.get(rdd_id)
            self.bus.post(SparkListenerBlockUpdated(
                ref.id, ref.host, f"rdd_{rdd_id}_{split}", disk > 0, mem > 0,
                bool(getattr(level, "deserialized", False)) and mem > 0, mem, disk))

    def unpersisted(self, rdd_id: int) -> None:
        self.bus.post(SparkListenerUnpersistRDD(rdd_id))


def _storage_levels(rdd: Any) -> dict[int, Any]:
    """rdd id -> storage level of the persisted RDDs in ``rdd``'s narrow lineage."""
    out: dict[int, Any] = {}
    seen: set[int] = set()
    todo = [rdd]
    while todo:
        r = todo.pop()
        if r.id in seen:
            continue
        seen.add(r.id)
        level = getattr(r, "storage_level", None)
        if level is not None:
            out[r.id] = level
        todo.extend(d.rdd for d in r.dependencies if hasattr(d, "parents"))
    return out


def failure_reason(error: dict, fetch_failed: Any = None,
                   executor_id: str = "") -> TaskEndReason:
    """The TaskEndReason of a task that sent back ``error`` (serde.pack_exception)."""
    cls = str(error.get("type", "")).removeprefix("builtins.")
    if fetch_failed is not None:
        return TaskEndReason("FetchFailed", cls, str(fetch_failed), executorId=executor_id,
                             shuffleId=fetch_failed.shuffle_id, mapId=fetch_failed.map_id,
                             reduceId=fetch_failed.reduce_id)
    return TaskEndReason("ExceptionFailure", cls, str(error.get("msg", "")),
                         str(error.get("traceback", "")))
