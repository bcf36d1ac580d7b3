"""The application status store (Spark's AppStatusStore): what the UI pages and ``/api/v1`` read.

:class:`AppStatusStore` owns an :class:`~runtime.status.listener.AppStatusListener` and one
lock. Writers call :meth:`AppStatusStore.post` with an event dict (from the driver's bus, an
event log replay, or a test); readers call the query methods, which build fresh dicts in the
REST API's shapes (Spark's api.scala field names and order) under the same lock, so a reader
never sees half an event and never holds a reference into live state. Totals are kept
incrementally by the listener, so listing stages of a 10,000-task application does not walk
its tasks; only the task-level queries (task list, summaries, stage details) do.

Queries mirror the REST API: :meth:`application`, :meth:`jobs` (``status`` filter),
:meth:`job`, :meth:`stages` (``status`` filter, ``details``, ``with_summaries``),
:meth:`stage_attempts`, :meth:`stage_attempt`, :meth:`task_summary`, :meth:`task_list`
(offset, length, sortBy ``ID``/``runtime``/``-runtime``, status), :meth:`executors` (active
only or all), :meth:`rdds`, :meth:`rdd`, :meth:`environment` (secrets redacted). The pages
also read :meth:`summary` (counts for the Jobs tab) and :meth:`property_sources` (the engine
knows where each Spark property came from; Spark's API has no field for it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any, Callable

from runtime.status import metrics as M
from runtime.status import redact
from runtime.status.listener import AppStatusListener
from runtime.status.model import Stage, Task, api_date
from runtime.status.sql import SQLStatus
from runtime.status.structured import StructuredStreamingStatus

JOB_STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "UNKNOWN")
STAGE_STATUSES = ("ACTIVE", "COMPLETE", "FAILED", "PENDING", "SKIPPED")
END_OF_TIME = -1


def _now_ms() -> int:
    return int(time.time() * 1000)


def _int_conf(conf: dict[str, str] | None, key: str, default: int) -> int:
    try:
        return int((conf or {}).get(key, default))
    except (TypeError, ValueError):
        return default


def retention_from_conf(conf: dict[str, str] | None) -> dict[str, int]:
    conf = conf or {}

    def get(key: str, default: int) -> int:
        try:
            return int(conf.get(key, default))
        except (TypeError, ValueError):
            return default

    return {"retained_jobs": get("spark.ui.retainedJobs", 1000),
            "retained_stages": get("spark.ui.retainedStages", 1000),
            "retained_tasks": get("spark.ui.retainedTasks", 100000)}


class AppStatusStore:
    """Thread-safe status of one application, built from Spark event-log JSON dicts."""

    def __init__(self, conf: dict[str, str] | None = None,
                 clock: Callable[[], int] = _now_ms, live: bool = True) -> None:
        self._lock = threading.RLock()
        self._listener = AppStatusListener(**retention_from_conf(conf))
        self._clock = clock
        self.live = live
        self.resource_profiles: list[dict] = []
        # the SQL tab's executions (runtime/status/sql.py): in the event log, so replayed too
        self.sql = SQLStatus(_int_conf(conf, "spark.sql.ui.retainedExecutions", 1000))
        # the Structured Streaming tab's queries (runtime/status/structured.py), replayed too
        self.structured = StructuredStreamingStatus(
            _int_conf(conf, "spark.sql.streaming.ui.retainedQueries", 100),
            _int_conf(conf, "spark.sql.streaming.ui.retainedProgressUpdates", 100))
        # a running StreamingContext's progress (runtime/status/streaming.py), live only:
        # streaming events are not in the event log, as in Spark
        self.streaming: Any = None

    # -- writing -------------------------------------------------------------------------------
    def post(self, event: dict) -> None:
        with self._lock:
            if event.get("Event") == "SparkListenerResourceProfileAdded":
                self._resource_profile(event)
            self._listener.on_event(event)
            self.sql.on_event(event)
            self.structured.on_event(event, self._clock if self.live else None)
            if self.streaming is not None:
                self.streaming.on_spark_event(event)

    def post_all(self, events: Iterable[dict]) -> None:
        with self._lock:
            for event in events:
                self.post(event)

    def _resource_profile(self, e: dict) -> None:
        def res(d: dict, task: bool) -> dict:
            out = {}
            for name, r in (d or {}).items():
                out[name] = ({"resourceName": r.get("Resource Name", name),
                              "amount": r.get("Amount")} if task else
                             {"resourceName": r.get("Resource Name", name),
                              "amount": r.get("Amount"),
                              "discoveryScript": r.get("Discovery Script", ""),
                              "vendor": r.get("Vendor", "")})
            return out

        self.resource_profiles.append({
            "id": e.get("Resource Profile Id", 0),
            "executorResources": res(e.get("Executor Resource Requests"), False),
            "taskResources": res(e.get("Task Resource Requests"), True)})

    # -- application ---------------------------------------------------------------------------
    @property
    def app_id(self) -> str | None:
        with self._lock:
            return self._listener.app.get("id")

    def application(self, last_updated: int | None = None) -> dict:
        """ApplicationInfo; an application without ApplicationEnd is not completed."""
        with self._lock:
            app = dict(self._listener.app)
            last_seen = self._listener.last_update
        start = app.get("startTime") or 0
        end = app.get("endTime")
        completed = end is not None
        if last_updated is None:
            last_updated = start if self.live else (end or last_seen or start)
        duration = (end - start) if completed else (
            self._clock() - start if self.live else max(0, last_seen - start))
        attempt: dict[str, Any] = {}
        if app.get("attemptId") is not None:
            attempt["attemptId"] = app["attemptId"]
        attempt.update({
            "startTime": api_date(start), "endTime": api_date(end if completed else -1),
            "lastUpdated": api_date(last_updated), "duration": duration,
            "sparkUser": app.get("user", ""), "completed": completed,
            "appSparkVersion": app.get("sparkVersion", "")})
        if "exitCode" in app:
            attempt["exitCode"] = app["exitCode"]
        attempt.update({"startTimeEpoch": start,
                        "endTimeEpoch": end if completed else END_OF_TIME,
                        "lastUpdatedEpoch": last_updated})
        return {"id": app.get("id"), "name": app.get("name", ""), "attempts": [attempt]}

    def app_start_end(self) -> tuple[int | None, int | None]:
        with self._lock:
            return self._listener.app.get("startTime"), self._listener.app.get("endTime")

    # -- jobs ----------------------------------------------------------------------------------
    def jobs(self, statuses: Sequence[str] = ()) -> list[dict]:
        wanted = {s.upper() for s in statuses}
        with self._lock:
            jobs = sorted(self._listener.jobs.values(), key=lambda j: -j.job_id)
            return [j.api() for j in jobs if not wanted or j.status in wanted]

    def job(self, job_id: int) -> dict | None:
        with self._lock:
            job = self._listener.jobs.get(job_id)
            return job.api() if job else None

    def job_call_sites(self) -> dict[int, str]:
        with self._lock:
            return {j.job_id: j.call_site for j in self._listener.jobs.values() if j.call_site}

    def summary(self) -> dict:
        """Counts for the Jobs and Stages tabs."""
        with self._lock:
            jobs = list(self._listener.jobs.values())
            stages = list(self._listener.stages.values())
        count = {s: 0 for s in JOB_STATUSES}
        for j in jobs:
            count[j.status] = count.get(j.status, 0) + 1
        scount = {s: 0 for s in STAGE_STATUSES}
        for s in stages:
            scount[s.status] += 1
        return {"jobs": count, "stages": scount}

    # -- stages --------------------------------------------------------------------------------
    def _stage_api(self, stage: Stage, details: bool, with_summaries: bool,
                   quantiles: Sequence[float] = M.DISTRIBUTION_QUANTILES) -> dict:
        out = dict(stage.api())  # the stage's cached dict stays as it is
        if details:
            logs = {e: x.log_urls for e, x in self._listener.executors.items()}
            out["tasks"] = {str(t.task_id): t.api(logs.get(t.executor_id))
                            for t in sorted(stage.tasks.values(), key=lambda t: t.task_id)}
            out["executorSummary"] = {e: s.api() for e, s in
                                      sorted(stage.executor_summaries.items())}
        if with_summaries:
            out["taskMetricsDistributions"] = M.task_summary(self._successful(stage), quantiles)
            out["executorMetricsDistributions"] = self._executor_distributions(stage, quantiles)
        return out

    @staticmethod
    def _successful(stage: Stage) -> list[Task]:
        return [t for t in stage.tasks.values() if t.status == "SUCCESS"]

    @staticmethod
    def _executor_distributions(stage: Stage, qs: Sequence[float]) -> dict:
        summaries = [s.api() for s in stage.executor_summaries.values()]
        keys = ("taskTime", "failedTasks", "succeededTasks", "killedTasks", "inputBytes",
                "inputRecords", "outputBytes", "outputRecords", "shuffleRead",
                "shuffleReadRecords", "shuffleWrite", "shuffleWriteRecords",
                "memoryBytesSpilled", "diskBytesSpilled")
        out: dict[str, Any] = {"quantiles": [float(q) for q in qs]}
        for key in keys:
            out[key] = M.quantiles((s[key] for s in summaries), qs)
        return out

    def stages(self, statuses: Sequence[str] = (), details: bool = False,
               with_summaries: bool = False) -> list[dict]:
        wanted = {s.upper() for s in statuses}
        with self._lock:
            stages = sorted(self._listener.stages.values(),
                            key=lambda s: (-s.stage_id, -s.attempt_id))
            return [self._stage_api(s, details, with_summaries) for s in stages
                    if not wanted or s.status in wanted]

    def stage_attempts(self, stage_id: int, details: bool = True,
                       with_summaries: bool = False) -> list[dict]:
        with self._lock:
            attempts = sorted((s for s in self._listener.stages.values()
                               if s.stage_id == stage_id), key=lambda s: s.attempt_id)
            return [self._stage_api(s, details, with_summaries) for s in attempts]

    def stage_attempt(self, stage_id: int, attempt_id: int, details: bool = True,
                      with_summaries: bool = False) -> dict | None:
        with self._lock:
            stage = self._listener.stages.get((stage_id, attempt_id))
            return self._stage_api(stage, details, with_summaries) if stage else None

    def stage_jobs(self, stage_id: int) -> list[int]:
        with self._lock:
            return sorted({j for s in self._listener.stages.values() if s.stage_id == stage_id
                           for j in s.job_ids})

    def stage_graph(self, stage_id: int, attempt_id: int = 0) -> dict | None:
        """RDD infos and parents of one stage (for the DAG picture)."""
        with self._lock:
            stage = self._listener.stages.get((stage_id, attempt_id))
            if stage is None:
                return None
            return {"stageId": stage.stage_id, "rdds": [dict(r) for r in stage.rdd_infos],
                    "parentIds": list(stage.parent_ids), "status": stage.status,
                    "name": stage.name}

    def task_summary(self, stage_id: int, attempt_id: int,
                     quantiles: Sequence[float] = M.DEFAULT_SUMMARY_QUANTILES) -> dict | None:
        with self._lock:
            stage = self._listener.stages.get((stage_id, attempt_id))
            if stage is None:
                return None
            return M.task_summary(self._successful(stage), quantiles)

    def task_count(self, stage_id: int, attempt_id: int) -> int:
        """How many tasks of the stage attempt the store holds (bounded by retainedTasks)."""
        with self._lock:
            stage = self._listener.stages.get((stage_id, attempt_id))
            return len(stage.tasks) if stage is not None else 0

    def task_list(self, stage_id: int, attempt_id: int, offset: int = 0, length: int = 20,
                  sort_by: str = "ID", status: str | None = None) -> list[dict] | None:
        with self._lock:
            stage = self._listener.stages.get((stage_id, attempt_id))
            if stage is None:
                return None
            tasks = list(stage.tasks.values())
            if status:
                tasks = [t for t in tasks if t.status == status.upper()]
            if sort_by == "runtime":
                tasks.sort(key=lambda t: (t.metrics["executorRunTime"], t.task_id))
            elif sort_by == "-runtime":
                tasks.sort(key=lambda t: (-t.metrics["executorRunTime"], t.task_id))
            else:
                tasks.sort(key=lambda t: t.task_id)
            logs = {e: x.log_urls for e, x in self._listener.executors.items()}
            return [t.api(logs.get(t.executor_id))
                    for t in tasks[max(0, offset):max(0, offset) + max(0, length)]]

    # -- SQL executions -----------------------------------------------------------------------------
    def sql_executions(self, details: bool = True, plan_description: bool = True,
                       offset: int = 0, length: int = 1 << 31) -> list[dict]:
        with self._lock:
            return self.sql.list(details, plan_description, offset, length, self._now())

    def sql_execution(self, execution_id: int, details: bool = True,
                      plan_description: bool = True) -> dict | None:
        with self._lock:
            return self.sql.get(execution_id, details, plan_description, self._now())

    def has_sql(self) -> bool:
        with self._lock:
            return bool(self.sql.executions)

    def sql_rows(self) -> list[dict]:
        with self._lock:
            return self.sql.all_rows(self._now())

    def sql_graph(self, execution_id: int) -> dict | None:
        with self._lock:
            return self.sql.graph(execution_id)

    def has_streaming_queries(self) -> bool:
        with self._lock:
            return bool(self.structured)

    def streaming_queries(self) -> list[dict]:
        with self._lock:
            return self.structured.queries(self._now())

    def streaming_query(self, run_id: str) -> dict | None:
        with self._lock:
            return self.structured.query(run_id, self._now())

    def _now(self) -> int:
        """Now for a running thing's duration: the clock live, the last event replayed."""
        if self.live:
            return self._clock()
        end = self._listener.app.get("endTime")
        return end if end is not None else self._listener.last_update

    # -- executors, storage, environment ---------------------------------------------------------
    def executors(self, active_only: bool = True) -> list[dict]:
        cpus = self._task_cpus()
        with self._lock:
            execs = list(self._listener.executors.values())
            return [e.api(cpus) for e in execs if e.is_active or not active_only]

    def _task_cpus(self) -> int:
        props = self.spark_properties()
        try:
            return int(props.get("spark.task.cpus", 1))
        except ValueError:
            return 1

    def rdds(self) -> list[dict]:
        with self._lock:
            execs = self._listener.executors
            return [r.api(execs) for _i, r in sorted(self._listener.rdds.items()) if r.blocks]

    def rdd(self, rdd_id: int) -> dict | None:
        with self._lock:
            rdd = self._listener.rdds.get(rdd_id)
            return rdd.api(self._listener.executors) if rdd else None

    def spark_properties(self) -> dict[str, str]:
        with self._lock:
            return dict(self._listener.environment.get("Spark Properties") or {})

    def property_sources(self) -> dict[str, str]:
        with self._lock:
            return dict(self._listener.environment.get("Spark Property Sources") or {})

    def environment(self) -> dict:
        with self._lock:
            env = dict(self._listener.environment)
            profiles = [dict(p) for p in self.resource_profiles]
        jvm = env.get("JVM Information") or {}
        spark = env.get("Spark Properties") or {}
        pat = redact.pattern(spark)

        def pairs(d: dict | None, secret: bool = False) -> list[list[str]]:
            items = sorted((d or {}).items())
            if secret:
                items = redact.redact_pairs(items, pat)
            return [[k, v] for k, v in items]

        return {"runtime": {"javaVersion": jvm.get("Java Version", ""),
                            "javaHome": jvm.get("Java Home", ""),
                            "scalaVersion": jvm.get("Scala Version", "")},
                "sparkProperties": pairs(spark, True),
                "hadoopProperties": pairs(env.get("Hadoop Properties"), True),
                "systemProperties": pairs(env.get("System Properties"), True),
                "metricsProperties": pairs(env.get("Metrics Properties")),
                "classpathEntries": pairs(env.get("Classpath Entries")),
                "resourceProfiles": profiles}
