"""The application's pages (Spark's Jobs, Stages, Storage, Environment and Executors tabs).

Each page is a jinja2 template (``runtime/ui/templates``, autoescaping on, all extending
``layout.html``) rendered from what the status store's queries return — the same dicts the
REST API serves, so a page and ``/api/v1`` never disagree. :func:`page_routes` gives the
routes under a prefix: ``""`` for the driver UI on :4040, ``/history/<app id>`` for the
history server. Spark's paths:

    {prefix}/jobs/                       summary, event timeline, active/completed/failed jobs
    {prefix}/jobs/job/?id=N              one job: its stages and its DAG
    {prefix}/stages/                     active/pending/completed/skipped/failed stages
    {prefix}/stages/stage/?id=N&attempt=M  DAG, summary metrics percentiles, per-executor
                                         aggregates, task table
    {prefix}/storage/  {prefix}/storage/rdd/?id=N
    {prefix}/environment/                runtime, Spark properties with their source, system
                                         properties, classpath
    {prefix}/executors/                  per-executor tasks, time, I/O, storage, log links
    {prefix}/executors/threadDump/?executorId=driver|N  (running application) its threads
    {prefix}/streaming/                  (with a running StreamingContext) statistics, charts,
                                         receivers, active and completed batches
    {prefix}/streaming/batch/?id=T       one batch: its delays and output operations
    {prefix}/SQL/                        (once a query ran) running/completed/failed queries
    {prefix}/SQL/execution/?id=N         one query: its plan as a graph with metrics, its text
    {prefix}/StreamingQuery/             (once a streaming query started) active and completed
                                         Structured Streaming queries
    {prefix}/StreamingQuery/statistics/?id=RUN  one run: input/process rates, input rows,
                                         batch and operation durations as charts

jinja2 is imported on the first page rendered, never when the UI starts.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable

from runtime.status.store import AppStatusStore
from runtime.status.structured import parse_timestamp
from runtime.ui import charts, svg
from runtime.ui import formatting as fmt
from runtime.ui.server import Response, redirect, static_asset, text_response

TABS = (("jobs", "Jobs"), ("stages", "Stages"), ("storage", "Storage"),
        ("environment", "Environment"), ("executors", "Executors"))
STREAMING_TAB = ("streaming", "Streaming")
SQL_TAB = ("SQL", "SQL / DataFrame")
STRUCTURED_TAB = ("StreamingQuery", "Structured Streaming")
SUMMARY_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_TASK_ROWS = 1000  # the most rows one page of a stage's task table shows
TASK_PAGE_SIZE = 100  # Spark's task.pageSize default

_env_lock = threading.Lock()
_env: Any = None


def environment() -> Any:
    """The jinja2 Environment (built once, on first use)."""
    global _env
    with _env_lock:
        if _env is None:
            import jinja2  # lazy: only when a page is rendered

            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__),
                                                            "templates")),
                autoescape=True, trim_blocks=True, lstrip_blocks=True)
            env.filters.update({"duration": fmt.duration, "size": fmt.size,
                                "mb": fmt.megabytes,
                                "date": fmt.date, "ms": fmt.parse_api_date})
            env.globals["percent"] = fmt.percent
            _env = env
        return _env


def render(template: str, **context: Any) -> Response:
    return Response(200, environment().get_template(template).render(**context))


def _arg(query: dict, name: str, default: int | None = None) -> int | None:
    try:
        return int(query[name][-1])
    except (KeyError, IndexError, ValueError):
        return default


def _span(item: dict, now: int) -> tuple[int | None, int | None]:
    start = fmt.parse_api_date(item.get("submissionTime"))
    end = fmt.parse_api_date(item.get("completionTime"))
    return start, (end - start if start is not None and end is not None else
                   (now - start if start is not None else None))


def job_rows(store: AppStatusStore, jobs: list[dict], now: int) -> list[dict]:
    sites = store.job_call_sites()
    rows = []
    for j in jobs:
        start, took = _span(j, now)
        total_stages = len(j["stageIds"]) - j["numSkippedStages"]
        rows.append({**j, "start": start, "took": took, "callSite": sites.get(j["jobId"]),
                     "stagesTotal": total_stages,
                     "tasksTotal": j["numTasks"] - j["numSkippedTasks"]})
    return rows


def stage_rows(stages: list[dict], now: int) -> list[dict]:
    rows = []
    for s in stages:
        start, took = _span(s, now)
        rows.append({**s, "start": start, "took": took})
    return rows


def summary_metrics(summary: dict) -> list[tuple[str, list[str]]]:
    """The stage page's "Summary Metrics for N Completed Tasks" rows."""
    def times(values):
        return [fmt.duration(v) for v in values]

    def sizes(values):
        return [fmt.size(v) for v in values]

    def size_records(b, r):
        return [f"{fmt.size(x)} / {int(y)}" for x, y in zip(b, r)]

    sr, sw = summary["shuffleReadMetrics"], summary["shuffleWriteMetrics"]
    im, om = summary["inputMetrics"], summary["outputMetrics"]
    return [
        ("Duration", times(summary["duration"])),
        ("Scheduler Delay", times(summary["schedulerDelay"])),
        ("Task Deserialization Time", times(summary["executorDeserializeTime"])),
        ("GC Time", times(summary["jvmGcTime"])),
        ("Result Serialization Time", times(summary["resultSerializationTime"])),
        ("Getting Result Time", times(summary["gettingResultTime"])),
        ("Peak Execution Memory", sizes(summary["peakExecutionMemory"])),
        ("Result Size", sizes(summary["resultSize"])),
        ("Input Size / Records", size_records(im["bytesRead"], im["recordsRead"])),
        ("Output Size / Records", size_records(om["bytesWritten"], om["recordsWritten"])),
        ("Shuffle Read Size / Records", size_records(sr["readBytes"], sr["readRecords"])),
        ("Shuffle Write Size / Records", size_records(sw["writeBytes"], sw["writeRecords"])),
        ("Spill (Memory)", sizes(summary["memoryBytesSpilled"])),
        ("Spill (Disk)", sizes(summary["diskBytesSpilled"])),
    ]


def structured_metrics(progress: list[dict]) -> list[dict]:
    """The charts of a streaming query's page, from its retained progress."""
    points = [(parse_timestamp(p.get("timestamp")) or 0, p) for p in progress]
    out = []
    for key, label, unit, get in (
            ("inputRate", "Input Rate", "records/sec", lambda p: p.get("inputRowsPerSecond")),
            ("processRate", "Process Rate", "records/sec",
             lambda p: p.get("processedRowsPerSecond")),
            ("inputRows", "Input Rows", "records", lambda p: p.get("numInputRows")),
            ("batchDuration", "Batch Duration", "ms", lambda p: p.get("batchDuration"))):
        values = [(t, get(p)) for t, p in points]
        nums = [v for _t, v in values if isinstance(v, (int, float))]
        out.append({"key": key, "label": label, "unit": unit,
                    "avg": sum(nums) / len(nums) if nums else None,
                    "timeline": charts.timeline(values, unit, label),
                    "histogram": charts.histogram([v for _t, v in values], unit, label)})
    ops = sorted({k for _t, p in points for k in (p.get("durationMs") or {})})
    out.append({"key": "operationDuration", "label": "Operation Duration", "unit": "ms",
                "avg": None, "histogram": "",
                "timeline": charts.multi_timeline(
                    {op: [(t, (p.get("durationMs") or {}).get(op)) for t, p in points]
                     for op in ops}, "ms", "Operation Duration")})
    return out


def page_routes(lookup: Callable[[Any], AppStatusStore | None], prefix: str = "",
                now: Callable[[], int] | None = None, back_link: str | None = None,
                thread_dump: Callable[[str], list | None] | None = None) -> list:
    """Routes of the application pages under ``prefix`` (a regex; ``lookup(match)`` finds the
    store, None = unknown application); with ``thread_dump`` (a running application's:
    executor id -> its threads) the Executors tab links each executor's thread dump."""
    def clock(store: AppStatusStore) -> int:
        _start, end = store.app_start_end()
        if end is not None:
            return end
        return now() if now else store._clock()

    def page(fn: Callable[..., Response]):
        def run(m, query) -> Response:
            store = lookup(m)
            if store is None:
                return text_response("unknown application\n", 404)
            app = store.application()
            tabs = TABS + ((SQL_TAB,) if store.has_sql() else ()) + \
                ((STRUCTURED_TAB,) if store.has_streaming_queries() else ()) + \
                ((STREAMING_TAB,) if store.streaming is not None else ())
            common = {"base": m.group("base"), "app": app, "tabs": tabs, "back_link": back_link,
                      "attempt": app["attempts"][0]}
            return fn(store, query, common, clock(store))
        return run

    def jobs(store, q, c, t):
        allj = job_rows(store, store.jobs(), t)
        start, _end = store.app_start_end()
        timeline = svg.timeline(
            [{"id": j["jobId"], "label": j.get("description") or j["name"],
              "status": j["status"], "start": j["start"] or start or t,
              "end": (j["start"] or t) + (j["took"] or 0)} for j in reversed(allj)],
            [{"id": e["id"], "add": fmt.parse_api_date(e.get("addTime")),
              "remove": fmt.parse_api_date(e.get("removeTime"))}
             for e in store.executors(active_only=False)],
            start or t, max(t, start or t))
        props = store.spark_properties()
        return render("jobs.html", **c, tab="jobs", timeline=timeline,
                      uptime=t - (start or t),
                      mode=props.get("spark.scheduler.mode", "FIFO"),
                      active=[j for j in allj if j["status"] == "RUNNING"],
                      completed=[j for j in allj if j["status"] == "SUCCEEDED"],
                      failed=[j for j in allj if j["status"] == "FAILED"])

    def job(store, q, c, t):
        job_id = _arg(q, "id")
        info = store.job(job_id) if job_id is not None else None
        if info is None:
            return text_response(f"unknown job: {job_id}\n", 404)
        [row] = job_rows(store, [info], t)
        stages = stage_rows([s for s in store.stages() if s["stageId"] in info["stageIds"]], t)
        graphs = [g for g in (store.stage_graph(sid) for sid in info["stageIds"]) if g]
        return render("job.html", **c, tab="jobs", job=row, stages=stages,
                      dag=svg.job_dag(graphs) if graphs else "")

    def stages(store, q, c, t):
        rows = stage_rows(store.stages(), t)
        groups = [(label, [s for s in rows if s["status"] == status]) for label, status in
                  (("Active", "ACTIVE"), ("Pending", "PENDING"), ("Completed", "COMPLETE"),
                   ("Skipped", "SKIPPED"), ("Failed", "FAILED"))]
        return render("stages.html", **c, tab="stages", groups=groups)

    def stage(store, q, c, t):
        sid, att = _arg(q, "id"), _arg(q, "attempt", 0)
        info = store.stage_attempt(sid, att, details=False) if sid is not None else None
        if info is None:
            return text_response(f"unknown stage: {sid} attempt {att}\n", 404)
        [row] = stage_rows([info], t)
        summary = store.task_summary(sid, att, SUMMARY_QUANTILES)
        details = store.stage_attempt(sid, att, details=True) or {}
        total = store.task_count(sid, att)
        size = max(1, min(_arg(q, "task.pageSize", TASK_PAGE_SIZE) or TASK_PAGE_SIZE,
                          MAX_TASK_ROWS))
        pages_n = max(1, -(-total // size))
        page_no = min(max(1, _arg(q, "task.page", 1) or 1), pages_n)
        tasks = store.task_list(sid, att, (page_no - 1) * size, size) or []
        graph = store.stage_graph(sid, att)
        return render("stage.html", **c, tab="stages", stage=row,
                      jobs=store.stage_jobs(sid),
                      completed_tasks=info["numCompleteTasks"],
                      metrics=summary_metrics(summary) if info["numCompleteTasks"] else [],
                      executors=sorted((details.get("executorSummary") or {}).items()),
                      tasks=tasks, dag=svg.stage_dag(graph) if graph else "",
                      task_page={"page": page_no, "pages": pages_n, "size": size,
                                 "total": total, "first": (page_no - 1) * size + 1,
                                 "last": (page_no - 1) * size + len(tasks)})

    def storage(store, q, c, t):
        return render("storage.html", **c, tab="storage", rdds=store.rdds())

    def rdd(store, q, c, t):
        rid = _arg(q, "id")
        info = store.rdd(rid) if rid is not None else None
        if info is None:
            return text_response(f"unknown rdd: {rid}\n", 404)
        return render("rdd.html", **c, tab="storage", rdd=info)

    def env(store, q, c, t):
        return render("environment.html", **c, tab="environment", env=store.environment(),
                      sources=store.property_sources())

    def executors(store, q, c, t):
        execs = store.executors(active_only=False)
        totals = {}
        for label, pick in (("Active", lambda e: e["isActive"]),
                            ("Dead", lambda e: not e["isActive"]), ("Total", lambda e: True)):
            sel = [e for e in execs if pick(e)]
            totals[label] = {k: sum(e[k] for e in sel) for k in (
                "rddBlocks", "memoryUsed", "maxMemory", "diskUsed", "totalCores",
                "activeTasks", "failedTasks", "completedTasks", "totalTasks", "totalDuration",
                "totalGCTime", "totalInputBytes", "totalShuffleRead", "totalShuffleWrite")}
            totals[label]["count"] = len(sel)
        return render("executors.html", **c, tab="executors", executors=execs, totals=totals,
                      thread_dumps=thread_dump is not None)

    def threads(store, q, c, t):
        exec_id = (q.get("executorId") or [""])[-1]
        dump = thread_dump(exec_id) if thread_dump is not None and exec_id else None
        if dump is None:
            return text_response(f"Executor {exec_id} does not exist or is not active\n", 404)
        states: dict[str, int] = {}
        for th in dump:
            states[th["threadState"]] = states.get(th["threadState"], 0) + 1
        return render("threaddump.html", **c, tab="executors", executor_id=exec_id,
                      threads=dump, states=sorted(states.items()), updated=t)

    def streaming(store, q, c, t):
        progress = store.streaming
        if progress is None:
            return text_response("no streaming listener attached\n", 404)
        stats, points = progress.statistics(), progress.charts()
        metrics = []
        for key, label, unit, avg in (
                ("inputRate", "Input Rate", "records/sec", stats["avgInputRate"]),
                ("schedulingDelay", "Scheduling Delay", "ms", stats["avgSchedulingDelay"]),
                ("processingTime", "Processing Time", "ms", stats["avgProcessingTime"]),
                ("totalDelay", "Total Delay", "ms", stats["avgTotalDelay"])):
            values = [p[key] for p in points]
            metrics.append({"key": key, "label": label, "unit": unit, "avg": avg,
                            "timeline": charts.timeline(
                                [(p["batchTime"], p[key]) for p in points], unit, label),
                            "histogram": charts.histogram(values, unit, label)})
        batches = progress.batches()
        return render("streaming.html", **c, tab="streaming", stats=stats, metrics=metrics,
                      receivers=progress.receivers(),
                      start=fmt.parse_api_date(stats["startTime"]),
                      running_for=t - (fmt.parse_api_date(stats["startTime"]) or t),
                      active=[b for b in batches if b["status"] != "COMPLETED"],
                      completed=[b for b in batches if b["status"] == "COMPLETED"])

    def streaming_batch(store, q, c, t):
        progress = store.streaming
        batch_id = _arg(q, "id")
        info = progress.batch(batch_id) if progress is not None and batch_id is not None \
            else None
        if info is None:
            return text_response(f"unknown batch: {batch_id}\n", 404)
        ops = progress.operations(batch_id) or []
        jobs = {j["jobId"]: j for j in job_rows(store, store.jobs(), t)}
        rows = [{**op, "jobs": [jobs[j] for j in op["jobIds"] if j in jobs]} for op in ops]
        return render("streaming_batch.html", **c, tab="streaming", batch=info, ops=rows)

    def sql(store, q, c, t):
        rows = [{**x, "jobIds": sorted(x["runningJobIds"] + x["successJobIds"]
                                       + x["failedJobIds"])} for x in store.sql_rows()]
        groups = [(f"{s.lower()}-queries", label, [x for x in rows if x["status"] == s])
                  for s, label in (("RUNNING", "Running Queries"),
                                   ("COMPLETED", "Completed Queries"),
                                   ("FAILED", "Failed Queries"))]
        return render("sql.html", **c, tab="SQL", groups=groups)

    def sql_execution(store, q, c, t):
        eid = _arg(q, "id")
        info = store.sql_execution(eid) if eid is not None else None
        graph = store.sql_graph(eid) if info is not None else None
        if info is None or graph is None:
            return text_response(f"unknown query: {eid}\n", 404)
        return render("sql_execution.html", **c, tab="SQL", x=info, graph=graph,
                      svg=svg.plan_graph(graph["nodes"], graph["edges"]))

    def structured(store, q, c, t):
        rows = store.streaming_queries()
        groups = [("active-queries", "Active Streaming Queries",
                   [r for r in rows if r["status"] == "RUNNING"], False),
                  ("completed-queries", "Completed Streaming Queries",
                   [r for r in rows if r["status"] != "RUNNING"], True)]
        return render("structured.html", **c, tab="StreamingQuery", groups=groups)

    def structured_query(store, q, c, t):
        run_id = (q.get("id") or [""])[-1]
        info = store.streaming_query(run_id)
        if info is None:
            return text_response(f"Failed to find streaming query {run_id}\n", 404)
        return render("structured_query.html", **c, tab="StreamingQuery", q=info,
                      metrics=structured_metrics(info["progress"]))

    def root(m, q):
        return redirect(m.group("base") + "/jobs/")

    b = f"(?P<base>{prefix})"
    return [
        (b + "/?", root),
        (b + "/jobs", page(jobs)),
        (b + "/jobs/job", page(job)),
        (b + "/stages", page(stages)),
        (b + "/stages/stage", page(stage)),
        (b + "/storage", page(storage)),
        (b + "/storage/rdd", page(rdd)),
        (b + "/environment", page(env)),
        (b + "/executors", page(executors)),
        (b + "/executors/threadDump", page(threads)),
        (b + "/SQL", page(sql)),
        (b + "/SQL/execution", page(sql_execution)),
        (b + "/StreamingQuery", page(structured)),
        (b + "/StreamingQuery/statistics", page(structured_query)),
        (b + "/streaming", page(streaming)),
        (b + "/streaming/batch", page(streaming_batch)),
    ]


def static_routes() -> list:
    return [(r"/static/(?P<name>[^/]+)", lambda m, q: static_asset(m.group("name")))]
