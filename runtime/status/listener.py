"""The status listener: Spark's event-log JSON dicts in, live entities updated (AppStatusListener).

Every source feeds the same dicts: the driver's event bus (each event's to-json), an event
log being replayed, a test. :meth:`AppStatusListener.on_event` dispatches on ``"Event"``
(``SparkListenerJobStart``, ...) to one handler per event; unknown events are ignored, as
Spark's history server ignores events it does not know. Handlers follow AppStatusListener.scala:

* JobStart creates the job (name = the last stage's name, description from the
  ``spark.job.description`` property, call site from ``callSite.short``) and a PENDING stage for
  each of its StageInfos; numTasks counts the stages not yet computed.
* StageSubmitted makes the stage ACTIVE and attaches it to the running jobs that list it;
  StageCompleted makes it COMPLETE, FAILED (a failure reason) or SKIPPED (never submitted).
* TaskStart/TaskEnd move counters on the stage, its jobs and the executor; TaskEnd adds the
  task's metrics to the stage, the stage's executor summary and the executor's totals.
* JobEnd marks its still-PENDING stages SKIPPED (their tasks count as skipped).
* ExecutorAdded/Removed, BlockManagerAdded, BlockUpdated, UnpersistRDD keep executors and
  the cached RDDs; EnvironmentUpdate, ApplicationStart/End, LogStart keep the application.

State (all guarded by the owning store's lock; this class takes none): ``app`` (dict of the
application's fields), ``environment`` (the EnvironmentUpdate dict), ``jobs`` {id: Job},
``stages`` {(id, attempt): Stage}, ``executors`` {id: Executor}, ``rdds`` {id: RDD},
``last_update`` (epoch ms of the newest event time seen).

Retention (spark.ui.retainedJobs/retainedStages/retainedTasks, defaults 1000/1000/100000):
when finished jobs or stages exceed the limit, the oldest finished ones are dropped, at least
a tenth of the limit at a time, as Spark's cleanup does; a stage keeps at most retainedTasks
tasks, dropping its oldest finished tasks first. Counters and totals are never recomputed from
the retained tasks, so they stay exact.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.status import metrics as M
from runtime.status.model import (
    RDD,
    Executor,
    ExecutorStageSummary,
    Job,
    Stage,
    Task,
    is_cached_level,
    storage_level_description,
)

FINISHED_STAGE = ("COMPLETE", "FAILED", "SKIPPED")


def task_error_message(reason: dict) -> str | None:
    """Spark's TaskEndReason.toErrorString for the failure reasons in the event log."""
    kind = reason.get("Reason", "Success")
    if kind == "Success":
        return None
    if kind == "TaskKilled":
        return reason.get("Kill Reason") or "killed"
    if kind == "ExceptionFailure":
        full = reason.get("Full Stack Trace")
        if full:
            return full
        return f"{reason.get('Class Name', '')}: {reason.get('Description', '')}"
    if kind == "FetchFailed":
        bm = reason.get("Block Manager Address") or {}
        return (f"FetchFailed({bm.get('Executor ID')}, shuffleId={reason.get('Shuffle ID')}, "
                f"mapIndex={reason.get('Map Index')}, reduceId={reason.get('Reduce ID')}, "
                f"message=\n{reason.get('Message', '')}\n)")
    if kind == "ExecutorLostFailure":
        return (f"ExecutorLostFailure (executor {reason.get('Executor ID')} exited "
                f"{'caused' if reason.get('Exit Caused By App', True) else 'unrelated'} by one "
                f"of the running tasks) Reason: {reason.get('Loss Reason', '')}")
    if kind == "TaskResultLost":
        return "TaskResultLost (result lost from block manager)"
    return f"{kind}"


class AppStatusListener:
    """Turns event dicts into live entities (see the module docstring)."""

    def __init__(self, retained_jobs: int = 1000, retained_stages: int = 1000,
                 retained_tasks: int = 100000) -> None:
        self.retained_jobs = retained_jobs
        self.retained_stages = retained_stages
        self.retained_tasks = retained_tasks
        self.app: dict[str, Any] = {}
        self.environment: dict[str, Any] = {}
        self.jobs: dict[int, Job] = {}
        self.stages: dict[tuple[int, int], Stage] = {}
        self.executors: dict[str, Executor] = {}
        self.rdds: dict[int, RDD] = {}
        self.last_update = 0
        self.events = 0
        self._handlers: dict[str, Callable[[dict], None]] = {
            "SparkListenerLogStart": self._log_start,
            "SparkListenerApplicationStart": self._app_start,
            "SparkListenerApplicationEnd": self._app_end,
            "SparkListenerEnvironmentUpdate": self._environment,
            "SparkListenerExecutorAdded": self._executor_added,
            "SparkListenerExecutorRemoved": self._executor_removed,
            "SparkListenerBlockManagerAdded": self._block_manager_added,
            "SparkListenerJobStart": self._job_start,
            "SparkListenerJobEnd": self._job_end,
            "SparkListenerStageSubmitted": self._stage_submitted,
            "SparkListenerStageCompleted": self._stage_completed,
            "SparkListenerTaskStart": self._task_start,
            "SparkListenerTaskGettingResult": self._task_getting_result,
            "SparkListenerTaskEnd": self._task_end,
            "SparkListenerBlockUpdated": self._block_updated,
            "SparkListenerUnpersistRDD": self._unpersist_rdd,
        }

    def on_event(self, event: dict) -> None:
        handler = self._handlers.get(event.get("Event", ""))
        self.events += 1
        if handler is not None:
            handler(event)

    def _seen(self, ms: Any) -> None:
        if isinstance(ms, int) and ms > self.last_update:
            self.last_update = ms

    # -- application ---------------------------------------------------------------------------
    def _log_start(self, e: dict) -> None:
        self.app["sparkVersion"] = e.get("Spark Version", "")

    def _app_start(self, e: dict) -> None:
        self.app.update({"id": e.get("App ID"), "name": e.get("App Name", ""),
                         "attemptId": e.get("App Attempt ID"), "startTime": e.get("Timestamp"),
                         "user": e.get("User", ""), "driverLogs": e.get("Driver Logs") or {}})
        self._seen(e.get("Timestamp"))

    def _app_end(self, e: dict) -> None:
        self.app["endTime"] = e.get("Timestamp")
        if "ExitCode" in e:
            self.app["exitCode"] = e["ExitCode"]
        self._seen(e.get("Timestamp"))

    def _environment(self, e: dict) -> None:
        self.environment = {k: v for k, v in e.items() if k != "Event"}

    # -- executors -----------------------------------------------------------------------------
    def _executor(self, exec_id: str, host: str = "") -> Executor:
        ex = self.executors.get(exec_id)
        if ex is None:
            ex = self.executors[exec_id] = Executor(exec_id, host)
        return ex

    def _executor_added(self, e: dict) -> None:
        info = e.get("Executor Info") or {}
        ex = self._executor(e["Executor ID"], info.get("Host", ""))
        ex.host = info.get("Host", ex.host)
        ex.total_cores = info.get("Total Cores", 0)
        ex.add_time = e.get("Timestamp")
        ex.log_urls = info.get("Log Urls") or {}
        ex.attributes = info.get("Attributes") or {}
        ex.resources = info.get("Resources") or {}
        ex.resource_profile_id = info.get("Resource Profile Id", 0)
        ex.is_active = True
        self._seen(e.get("Timestamp"))

    def _executor_removed(self, e: dict) -> None:
        ex = self.executors.get(e.get("Executor ID"))
        if ex is not None:
            ex.is_active = False
            ex.remove_time = e.get("Timestamp")
            ex.remove_reason = e.get("Removed Reason")
        self._seen(e.get("Timestamp"))

    def _block_manager_added(self, e: dict) -> None:
        bm = e.get("Block Manager ID") or {}
        ex = self._executor(bm.get("Executor ID", ""), bm.get("Host", ""))
        ex.port = bm.get("Port")
        ex.host = ex.host or bm.get("Host", "")
        ex.max_memory = e.get("Maximum Memory", 0)
        ex.max_onheap = e.get("Maximum Onheap Memory", ex.max_memory)
        ex.max_offheap = e.get("Maximum Offheap Memory", 0)
        if ex.add_time is None:
            ex.add_time = e.get("Timestamp")

    # -- jobs and stages -----------------------------------------------------------------------
    def _stage_for(self, info: dict) -> Stage:
        key = (info["Stage ID"], info.get("Stage Attempt ID", 0))
        stage = self.stages.get(key)
        if stage is None:
            stage = self.stages[key] = Stage(key[0], key[1], info.get("Stage Name", ""),
                                             info.get("Number of Tasks", 0))
        stage.update_info(info)
        return stage

    def _job_start(self, e: dict) -> None:
        infos = e.get("Stage Infos") or []
        props = e.get("Properties") or {}
        last = max(infos, key=lambda i: i["Stage ID"]) if infos else None
        num_tasks = sum(i.get("Number of Tasks", 0) for i in infos
                        if i.get("Completion Time") is None)
        tags = props.get("spark.job.tags")
        job = Job(e["Job ID"], last.get("Stage Name", "") if last else "",
                  props.get("spark.job.description"), e.get("Submission Time"),
                  list(e.get("Stage IDs") or [i["Stage ID"] for i in infos]),
                  props.get("spark.jobGroup.id"), num_tasks,
                  job_tags=sorted(t for t in tags.split(",") if t) if tags else [],
                  call_site=props.get("callSite.short"))
        self.jobs[job.job_id] = job
        for info in infos:
            self._stage_for(info).job_ids.add(job.job_id)
        self._seen(e.get("Submission Time"))

    def _job_end(self, e: dict) -> None:
        job = self.jobs.get(e.get("Job ID"))
        if job is None:
            return
        result = (e.get("Job Result") or {}).get("Result", "JobSucceeded")
        job.status = "SUCCEEDED" if result == "JobSucceeded" else "FAILED"
        job.completion_time = e.get("Completion Time")
        # stages of the job that did not run for it were skipped (their output existed):
        # Spark's are new PENDING stages; a reused stage (same id, already COMPLETE) counts
        # as skipped for this job only
        for stage in list(self.stages.values()):
            if stage.stage_id not in job.stage_ids or stage.stage_id in job.submitted_stages:
                continue
            if stage.status == "PENDING":
                stage.status = "SKIPPED"
            if stage.stage_id not in job.skipped_stages:
                job.skipped_stages.add(stage.stage_id)
                job.skipped_tasks += stage.num_tasks
        self._seen(e.get("Completion Time"))
        self._cleanup_jobs()
        self._cleanup_stages()

    def _jobs_of(self, stage: Stage) -> list[Job]:
        return [self.jobs[j] for j in stage.job_ids if j in self.jobs]

    def _stage_submitted(self, e: dict) -> None:
        info = e["Stage Info"]
        stage = self._stage_for(info)
        props = e.get("Properties") or {}
        stage.status = "ACTIVE"
        stage.pool = props.get("spark.scheduler.pool") or "default"
        stage.description = props.get("spark.job.description")
        stage.job_ids |= {j.job_id for j in self.jobs.values()
                          if j.status == "RUNNING" and stage.stage_id in j.stage_ids}
        for job in self._jobs_of(stage):
            job.completed_stages.discard(stage.stage_id)
            job.active_stages += 1
            if job.status == "RUNNING":
                job.submitted_stages.add(stage.stage_id)
        for rdd in stage.rdd_infos:
            level = rdd.get("Storage Level")
            if is_cached_level(level) and rdd.get("RDD ID") not in self.rdds:
                self.rdds[rdd["RDD ID"]] = RDD(rdd["RDD ID"], rdd.get("Name", ""),
                                               rdd.get("Number of Partitions", 0),
                                               storage_level_description(level))
        self._seen(stage.submission_time)

    def _stage_completed(self, e: dict) -> None:
        info = e["Stage Info"]
        stage = self._stage_for(info)
        if info.get("Failure Reason") is not None:
            stage.status = "FAILED"
        elif info.get("Submission Time") is not None:
            stage.status = "COMPLETE"
        else:
            stage.status = "SKIPPED"
        for job in self._jobs_of(stage):
            if stage.status == "COMPLETE":
                job.completed_stages.add(stage.stage_id)
            elif stage.status == "SKIPPED":
                job.skipped_stages.add(stage.stage_id)
                job.skipped_tasks += stage.num_tasks
            else:
                job.failed_stages += 1
            job.active_stages -= 1
        self._seen(stage.completion_time)
        self._cleanup_stages()

    # -- tasks ---------------------------------------------------------------------------------
    def _task_start(self, e: dict) -> None:
        info = e["Task Info"]
        key = (e["Stage ID"], e.get("Stage Attempt ID", 0))
        stage = self.stages.get(key)
        task = Task(info["Task ID"], info.get("Index", 0), info.get("Attempt", 0),
                    info.get("Partition ID", info.get("Index", 0)), info.get("Launch Time", 0),
                    str(info.get("Executor ID", "")), info.get("Host", ""),
                    info.get("Locality", "PROCESS_LOCAL"), bool(info.get("Speculative")), key)
        ex = self._executor(task.executor_id, task.host)
        ex.active_tasks += 1
        self._seen(task.launch_time)
        if stage is None:
            return
        stage.tasks[task.task_id] = task
        stage.active_tasks += 1
        if stage.first_task_launched is None or task.launch_time < stage.first_task_launched:
            stage.first_task_launched = task.launch_time
        for job in self._jobs_of(stage):
            job.active_tasks += 1
        if len(stage.tasks) > self.retained_tasks:
            self._cleanup_tasks(stage)

    def _task_getting_result(self, e: dict) -> None:
        info = e.get("Task Info") or {}
        for stage in self.stages.values():
            task = stage.tasks.get(info.get("Task ID"))
            if task is not None:
                task.getting_result_at = info.get("Getting Result Time", 0)
                return

    def _task_end(self, e: dict) -> None:
        info = e["Task Info"]
        reason = e.get("Task End Reason") or {"Reason": "Success"}
        kind = reason.get("Reason", "Success")
        key = (e["Stage ID"], e.get("Stage Attempt ID", 0))
        stage = self.stages.get(key)
        task = stage.tasks.get(info["Task ID"]) if stage else None
        if task is None:
            task = Task(info["Task ID"], info.get("Index", 0), info.get("Attempt", 0),
                        info.get("Partition ID", info.get("Index", 0)),
                        info.get("Launch Time", 0), str(info.get("Executor ID", "")),
                        info.get("Host", ""), info.get("Locality", "PROCESS_LOCAL"),
                        bool(info.get("Speculative")), key)
            started = False
        else:
            started = True
        task.finish_time = info.get("Finish Time", 0)
        task.getting_result_at = info.get("Getting Result Time", 0)
        if kind == "Success":
            task.status, done, failed, killed = "SUCCESS", 1, 0, 0
        elif kind in ("TaskKilled", "TaskCommitDenied"):
            task.status, done, failed, killed = "KILLED", 0, 0, 1
        else:
            task.status, done, failed, killed = "FAILED", 0, 1, 0
        task.error_message = task_error_message(reason)
        if e.get("Task Metrics") is not None:
            task.metrics = M.parse(e["Task Metrics"])
            task.has_metrics = True
        m = task.metrics
        duration = task.duration or 0
        self._seen(task.finish_time)

        ex = self._executor(task.executor_id, task.host)
        if started:
            ex.active_tasks -= 1
        ex.completed_tasks += done
        ex.failed_tasks += failed
        ex.killed_tasks += killed
        ex.total_duration += duration
        ex.total_gc_time += m["jvmGcTime"]
        ex.total_input_bytes += m["inputBytes"]
        ex.total_shuffle_read += M.shuffle_read_bytes(m)
        ex.total_shuffle_write += m["shuffleWriteBytes"]
        if stage is None:
            return
        stage.tasks[task.task_id] = task
        if started:
            stage.active_tasks -= 1
        stage.completed_tasks += done
        stage.failed_tasks += failed
        stage.killed_tasks += killed
        if done:
            stage.completed_indices.add(task.index)
        M.add_into(stage.metrics, m)
        es = stage.executor_summaries.get(task.executor_id)
        if es is None:
            es = stage.executor_summaries[task.executor_id] = ExecutorStageSummary()
        es.task_time += duration
        es.succeeded += done
        es.failed += failed
        es.killed += killed
        M.add_into(es.metrics, m)
        for job in self._jobs_of(stage):
            if started:
                job.active_tasks -= 1
            job.completed_tasks += done
            job.failed_tasks += failed
            job.killed_tasks += killed
            if done:
                job.completed_indices.add((stage.stage_id, task.index))
        if len(stage.tasks) > self.retained_tasks:
            self._cleanup_tasks(stage)

    # -- storage -------------------------------------------------------------------------------
    def _block_updated(self, e: dict) -> None:
        info = e.get("Block Updated Info") or {}
        block = str(info.get("Block ID", ""))
        if not block.startswith("rdd_"):
            return
        bm = info.get("Block Manager ID") or {}
        exec_id = bm.get("Executor ID", "")
        ex = self._executor(exec_id, bm.get("Host", ""))
        level = info.get("Storage Level")
        mem, disk = info.get("Memory Size", 0), info.get("Disk Size", 0)
        rdd_id = int(block.split("_")[1])
        rdd = self.rdds.get(rdd_id)
        if rdd is None:
            if not is_cached_level(level):
                return
            rdd = self.rdds[rdd_id] = RDD(rdd_id, f"RDD {rdd_id}", 0,
                                          storage_level_description(level))
        old = rdd.blocks.pop(block, None)
        if old is not None:
            old_ex = self.executors.get(old[0])
            if old_ex is not None:
                old_ex.rdd_blocks -= 1
                old_ex.memory_used -= old[1]
                old_ex.disk_used -= old[2]
        if is_cached_level(level):  # Spark: a valid level keeps the block, whatever its size
            rdd.blocks[block] = (exec_id, mem, disk, storage_level_description(level))
            ex.rdd_blocks += 1
            ex.memory_used += mem
            ex.disk_used += disk

    def _unpersist_rdd(self, e: dict) -> None:
        rdd = self.rdds.pop(e.get("RDD ID"), None)
        if rdd is None:
            return
        for exec_id, mem, disk, _lvl in rdd.blocks.values():
            ex = self.executors.get(exec_id)
            if ex is not None:
                ex.rdd_blocks -= 1
                ex.memory_used -= mem
                ex.disk_used -= disk

    # -- retention -----------------------------------------------------------------------------
    def _cleanup_jobs(self) -> None:
        finished = [j for j in self.jobs.values() if j.status != "RUNNING"]
        excess = len(self.jobs) - self.retained_jobs
        if excess <= 0:
            return
        count = max(self.retained_jobs // 10, excess)
        for job in sorted(finished, key=lambda j: j.job_id)[:count]:
            del self.jobs[job.job_id]

    def _cleanup_stages(self) -> None:
        excess = len(self.stages) - self.retained_stages
        if excess <= 0:
            return
        count = max(self.retained_stages // 10, excess)
        finished = sorted((s for s in self.stages.values() if s.status in FINISHED_STAGE),
                          key=lambda s: s.key)
        for stage in finished[:count]:
            del self.stages[stage.key]

    def _cleanup_tasks(self, stage: Stage) -> None:
        excess = len(stage.tasks) - self.retained_tasks
        count = max(self.retained_tasks // 10, excess)
        done = [t for t in stage.tasks.values() if t.status != "RUNNING"]
        done.sort(key=lambda t: t.task_id)
        for task in done[:count]:
            del stage.tasks[task.task_id]
