"""``/api/v1``: Spark's monitoring REST API over status stores (paths and fields as Spark's).

The routes take an :class:`Apps` — anything that lists applications and finds the store of
one (the driver UI has one live store; the history server one replayed store per event log)
— so the driver and the history server answer with the same code:

    /api/v1/version                                            {"spark": version}
    /api/v1/applications[?status=running|completed&limit=N]    ApplicationInfo list
    /api/v1/applications/{app}                                 ApplicationInfo
    /api/v1/applications/{app}/jobs[?status=...]               JobData list (newest first)
    /api/v1/applications/{app}/jobs/{job}
    /api/v1/applications/{app}/stages[?status=&details=&withSummaries=]
    /api/v1/applications/{app}/stages/{stage}[?details=&withSummaries=]     all attempts
    /api/v1/applications/{app}/stages/{stage}/{attempt}
    /api/v1/applications/{app}/stages/{stage}/{attempt}/taskSummary[?quantiles=0.5,0.99]
    /api/v1/applications/{app}/stages/{stage}/{attempt}/taskList[?offset=&length=&sortBy=&status=]
    /api/v1/applications/{app}/executors | allexecutors
    /api/v1/applications/{app}/executors/{executor}/threads    (a running application only)
    /api/v1/applications/{app}/storage/rdd[/{rdd}]
    /api/v1/applications/{app}/environment
    /api/v1/applications/{app}/sql[?details=&planDescription=&offset=&length=]
    /api/v1/applications/{app}/sql/{execution}[?details=&planDescription=]
    /api/v1/applications/{app}/streaming/statistics | receivers[/{stream}]
    /api/v1/applications/{app}/streaming/batches[?status=COMPLETED|PROCESSING|QUEUED]
    /api/v1/applications/{app}/streaming/batches/{batch}[/operations[/{op}]]

``status`` may repeat or be comma-separated, case-insensitive, as Spark's. Unknown
applications, jobs, stages and RDDs answer 404 with Spark's text ("unknown app: ...");
a bad parameter answers 400.
"""

from __future__ import annotations

from typing import Protocol

from runtime.status.metrics import DEFAULT_SUMMARY_QUANTILES
from runtime.status.store import JOB_STATUSES, STAGE_STATUSES, AppStatusStore
from runtime.status.streaming import BATCH_STATUSES
from runtime.ui.server import Response, json_response, text_response

API = "/api/v1"
APP = API + r"/applications/(?P<app>[^/]+)"


class Apps(Protocol):
    spark_version: str

    def list_applications(self) -> list[dict]:
        """ApplicationInfo of every application, newest first."""

    def store(self, app_id: str) -> AppStatusStore | None:
        """The status store of ``app_id`` (None when unknown)."""


class BadRequest(Exception):
    pass


def _flag(query: dict, name: str, default: bool) -> bool:
    values = query.get(name)
    if not values:
        return default
    return values[-1].lower() in ("true", "1", "yes")


def _int(query: dict, name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        return int(values[-1])
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {values[-1]!r}") from None


def _statuses(query: dict, allowed: tuple[str, ...]) -> list[str]:
    out = []
    for value in query.get("status", []):
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if part not in allowed:
                raise BadRequest(f"Illegal status {part!r}; expected one of "
                                 f"{', '.join(allowed)}")
            out.append(part)
    return out


def _quantiles(query: dict, default: tuple[float, ...]) -> tuple[float, ...]:
    values = query.get("quantiles")
    if not values:
        return default
    try:
        qs = tuple(float(q) for q in values[-1].split(",") if q.strip())
    except ValueError:
        raise BadRequest(f"Bad value for parameter \"quantiles\": {values[-1]}") from None
    if not qs or any(q < 0 or q > 1 for q in qs):
        raise BadRequest(f"Bad value for parameter \"quantiles\": {values[-1]}")
    return qs


def api_routes(apps: Apps) -> list:
    def guarded(fn):
        def run(m, query) -> Response:
            try:
                return fn(m, query)
            except BadRequest as e:
                return text_response(f"{e}\n", 400)
        return run

    def with_store(fn):
        def run(m, query) -> Response:
            app_id = m.group("app")
            store = apps.store(app_id)
            if store is None:
                return text_response(f"unknown app: {app_id}\n", 404)
            return fn(store, m, query)
        return guarded(run)

    def found(value, what: str) -> Response:
        if value is None:
            return text_response(f"unknown {what}\n", 404)
        return json_response(value)

    def version(m, q):
        return json_response({"spark": apps.spark_version})

    def applications(m, q):
        apps_list = apps.list_applications()
        wanted = {s.lower() for v in q.get("status", []) for s in v.split(",") if s}
        if wanted:
            apps_list = [a for a in apps_list if
                         ("completed" if a["attempts"][0]["completed"] else "running") in wanted]
        limit = _int(q, "limit", len(apps_list))
        return json_response(apps_list[:max(0, limit)])

    def application(m, q):
        app_id = m.group("app")
        for info in apps.list_applications():
            if info["id"] == app_id:
                return json_response(info)
        return text_response(f"unknown app: {app_id}\n", 404)

    def jobs(store, m, q):
        return json_response(store.jobs(_statuses(q, JOB_STATUSES)))

    def job(store, m, q):
        return found(store.job(int(m.group("job"))), f"job: {m.group('job')}")

    def stages(store, m, q):
        return json_response(store.stages(_statuses(q, STAGE_STATUSES),
                                          details=_flag(q, "details", False),
                                          with_summaries=_flag(q, "withSummaries", False)))

    def stage(store, m, q):
        attempts = store.stage_attempts(int(m.group("stage")), _flag(q, "details", True),
                                        _flag(q, "withSummaries", False))
        return found(attempts or None, f"stage: {m.group('stage')}")

    def stage_attempt(store, m, q):
        return found(store.stage_attempt(int(m.group("stage")), int(m.group("attempt")),
                                         _flag(q, "details", True),
                                         _flag(q, "withSummaries", False)),
                     f"attempt {m.group('attempt')} of stage {m.group('stage')}")

    def task_summary(store, m, q):
        qs = _quantiles(q, DEFAULT_SUMMARY_QUANTILES)
        return found(store.task_summary(int(m.group("stage")), int(m.group("attempt")), qs),
                     f"attempt {m.group('attempt')} of stage {m.group('stage')}")

    def task_list(store, m, q):
        sort_by = (q.get("sortBy") or ["ID"])[-1]
        if sort_by not in ("ID", "runtime", "-runtime"):
            raise BadRequest(f"sortBy must be ID, runtime or -runtime, got {sort_by!r}")
        status = (q.get("status") or [None])[-1]
        return found(store.task_list(int(m.group("stage")), int(m.group("attempt")),
                                     _int(q, "offset", 0), _int(q, "length", 20), sort_by,
                                     status),
                     f"attempt {m.group('attempt')} of stage {m.group('stage')}")

    def executors(store, m, q):
        return json_response(store.executors(active_only=True))

    def threads(store, m, q):
        dump_of = getattr(apps, "thread_dump", None)  # only a running application has one
        exec_id = m.group("executor")
        dump = dump_of(exec_id) if dump_of is not None else None
        if dump is None:
            return text_response(f"Executor {exec_id} does not exist.\n", 404)
        return json_response(dump)

    def all_executors(store, m, q):
        return json_response(store.executors(active_only=False))

    def rdds(store, m, q):
        return json_response(store.rdds())

    def rdd(store, m, q):
        return found(store.rdd(int(m.group("rdd"))), f"rdd: {m.group('rdd')}")

    def environment(store, m, q):
        return json_response(store.environment())

    def sql_list(store, m, q):
        return json_response(store.sql_executions(
            _flag(q, "details", True), _flag(q, "planDescription", True),
            _int(q, "offset", 0), _int(q, "length", 1 << 31)))

    def sql_one(store, m, q):
        return found(store.sql_execution(int(m.group("execution")), _flag(q, "details", True),
                                         _flag(q, "planDescription", True)),
                     f"execution id: {m.group('execution')}")

    def streaming(fn):
        def run(store, m, query) -> Response:
            if store.streaming is None:  # Spark's answer without a StreamingContext
                return text_response("no streaming listener attached to "
                                     f"{store.application()['name']}\n", 404)
            return fn(store.streaming, m, query)
        return with_store(run)

    def stream_statistics(progress, m, q):
        return json_response(progress.statistics())

    def stream_receivers(progress, m, q):
        return json_response(progress.receivers())

    def stream_receiver(progress, m, q):
        return found(progress.receiver(int(m.group("stream"))),
                     f"receiver: {m.group('stream')}")

    def stream_batches(progress, m, q):
        return json_response(progress.batches(_statuses(q, BATCH_STATUSES)))

    def stream_batch(progress, m, q):
        return found(progress.batch(int(m.group("batch"))), f"batch: {m.group('batch')}")

    def stream_operations(progress, m, q):
        return found(progress.operations(int(m.group("batch"))),
                     f"batch: {m.group('batch')}")

    def stream_operation(progress, m, q):
        ops = progress.operations(int(m.group("batch"))) or []
        op_id = int(m.group("op"))
        return found(next((o for o in ops if o["outputOpId"] == op_id), None),
                     f"output operation: {op_id}")

    stage_path = APP + r"/stages/(?P<stage>\d+)"
    attempt_path = stage_path + r"/(?P<attempt>\d+)"
    batch_path = APP + r"/streaming/batches/(?P<batch>\d+)"
    return [
        (API + "/version", guarded(version)),
        (API + "/applications", guarded(applications)),
        (APP, guarded(application)),
        (APP + "/jobs", with_store(jobs)),
        (APP + r"/jobs/(?P<job>\d+)", with_store(job)),
        (APP + "/stages", with_store(stages)),
        (stage_path, with_store(stage)),
        (attempt_path, with_store(stage_attempt)),
        (attempt_path + "/taskSummary", with_store(task_summary)),
        (attempt_path + "/taskList", with_store(task_list)),
        (APP + "/executors", with_store(executors)),
        (APP + r"/executors/(?P<executor>[^/]+)/threads", with_store(threads)),
        (APP + "/allexecutors", with_store(all_executors)),
        (APP + "/storage/rdd", with_store(rdds)),
        (APP + r"/storage/rdd/(?P<rdd>\d+)", with_store(rdd)),
        (APP + "/environment", with_store(environment)),
        (APP + "/sql", with_store(sql_list)),
        (APP + r"/sql/(?P<execution>\d+)", with_store(sql_one)),
        (APP + "/streaming/statistics", streaming(stream_statistics)),
        (APP + "/streaming/receivers", streaming(stream_receivers)),
        (APP + r"/streaming/receivers/(?P<stream>\d+)", streaming(stream_receiver)),
        (APP + "/streaming/batches", streaming(stream_batches)),
        (batch_path, streaming(stream_batch)),
        (batch_path + "/operations", streaming(stream_operations)),
        (batch_path + r"/operations/(?P<op>\d+)", streaming(stream_operation)),
    ]
