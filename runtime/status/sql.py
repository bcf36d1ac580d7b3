"""What the SQL / DataFrame tab and ``/api/v1/.../sql`` show: one entry per SQL execution.

Spark's SQLAppStatusListener, fed the same event-log dicts as the rest of the store (so the
history server replays it from the event log):

* ``SparkListenerSQLExecutionStart`` creates the execution: id, description (the action's
  call site), details, the plan text (``physicalPlanDescription``), submission time and the
  operator graph built from ``sparkPlanInfo`` as Spark's SparkPlanGraph: nodes numbered in
  pre-order from 0 (``nodeId``, ``nodeName``, ``simpleString``, ``metrics`` as name +
  accumulator id), one edge from each child to its parent (``fromId`` child, ``toId``
  parent);
* a JobStart whose properties carry ``spark.sql.execution.id`` ties the job to the
  execution (RUNNING), JobEnd sets its result (SUCCEEDED or FAILED);
* ``SparkListenerDriverAccumUpdates`` adds metric values (summed per accumulator, Spark's
  "sum" metrics);
* ``SparkListenerSQLExecutionEnd`` sets the completion time and the error message (empty on
  success, as Spark 4 writes it).

Status as Spark's REST API computes it: RUNNING without a completion time, FAILED with a
non-empty error message, else COMPLETED. Retention: ``spark.sql.ui.retainedExecutions``
(1000) finished executions; the oldest finished ones are dropped first. Queries return the
REST API's ExecutionData shape (:meth:`SQLStatus.execution_data`); the pages read the same
dicts plus :meth:`SQLStatus.graph`.
"""

from __future__ import annotations

import collections
from typing import Any

from runtime.status.dates import api_date

__all__ = ["SQL_STATUSES", "SQLStatus", "metric_text"]

_UI = "org.apache.spark.sql.execution.ui."
START = _UI + "SparkListenerSQLExecutionStart"
END = _UI + "SparkListenerSQLExecutionEnd"
ACCUM = _UI + "SparkListenerDriverAccumUpdates"
EXECUTION_ID = "spark.sql.execution.id"
SQL_STATUSES = ("RUNNING", "COMPLETED", "FAILED")
DEFAULT_RETAINED = 1000


def metric_text(value: int) -> str:
    """A "sum" metric as Spark prints it (US grouping: ``1,000``)."""
    return f"{value:,}"


def _graph(info: dict) -> tuple[list[dict], list[dict]]:
    nodes: list[dict] = []
    edges: list[dict] = []

    def visit(node: dict) -> int:
        node_id = len(nodes)
        nodes.append({"nodeId": node_id, "nodeName": node.get("nodeName", ""),
                      "simpleString": node.get("simpleString", ""),
                      "metrics": [{"name": m.get("name", ""),
                                   "accumulatorId": m.get("accumulatorId"),
                                   "metricType": m.get("metricType", "sum")}
                                  for m in node.get("metrics") or []]})
        for child in node.get("children") or []:
            edges.append({"fromId": visit(child), "toId": node_id})
        return node_id

    if info:
        visit(info)
    return nodes, edges


class _Execution:
    def __init__(self, e: dict) -> None:
        self.id = int(e["executionId"])
        self.root_id = e.get("rootExecutionId", self.id)
        self.description = e.get("description", "")
        self.details = e.get("details", "")
        self.plan_description = e.get("physicalPlanDescription", "")
        self.submission_time = int(e.get("time") or 0)
        self.completion_time: int | None = None
        self.error_message: str | None = None
        self.query_id = e.get("queryId")
        self.modified_configs = dict(e.get("modifiedConfigs") or {})
        self.nodes, self.edges = _graph(e.get("sparkPlanInfo") or {})
        self.jobs: dict[int, str] = {}  # job id -> RUNNING | SUCCEEDED | FAILED
        self.values: dict[int, int] = {}  # accumulator id -> value

    @property
    def status(self) -> str:
        if self.completion_time is None:
            return "RUNNING"
        return "FAILED" if self.error_message else "COMPLETED"


class SQLStatus:
    """The SQL executions of one application (the store's lock guards it)."""

    def __init__(self, retained: int = DEFAULT_RETAINED) -> None:
        self.retained = max(1, int(retained))
        self.executions: collections.OrderedDict[int, _Execution] = collections.OrderedDict()

    # -- events ----------------------------------------------------------------------------------
    def on_event(self, e: dict) -> None:
        kind = e.get("Event")
        if kind == START:
            ex = _Execution(e)
            self.executions[ex.id] = ex
            self._cleanup()
        elif kind == END:
            ex = self.executions.get(e.get("executionId"))
            if ex is not None:
                ex.completion_time = int(e.get("time") or 0)
                ex.error_message = e.get("errorMessage") or None
                ex.query_id = e.get("queryId", ex.query_id)
                self._cleanup()
        elif kind == ACCUM:
            ex = self.executions.get(e.get("executionId"))
            if ex is not None:
                for aid, value in e.get("accumUpdates") or []:
                    ex.values[aid] = ex.values.get(aid, 0) + int(value)
        elif kind == "SparkListenerJobStart":
            props = e.get("Properties") or {}
            try:
                ex = self.executions.get(int(props.get(EXECUTION_ID)))
            except (TypeError, ValueError):
                return
            if ex is not None:
                ex.jobs[int(e["Job ID"])] = "RUNNING"
        elif kind == "SparkListenerJobEnd":
            job_id = e.get("Job ID")
            result = (e.get("Job Result") or {}).get("Result", "JobSucceeded")
            for ex in reversed(self.executions.values()):
                if job_id in ex.jobs:
                    ex.jobs[job_id] = "SUCCEEDED" if result == "JobSucceeded" else "FAILED"
                    break

    def _cleanup(self) -> None:
        finished = [i for i, x in self.executions.items() if x.completion_time is not None]
        extra = len(finished) - self.retained
        for i in finished[:max(0, extra)]:
            del self.executions[i]

    # -- queries ---------------------------------------------------------------------------------
    def execution_data(self, ex: _Execution, details: bool = True,
                       plan_description: bool = True, now: int = 0) -> dict:
        """Spark's ExecutionData (the REST API's /sql entries)."""
        end = ex.completion_time
        out: dict[str, Any] = {
            "id": ex.id, "status": ex.status, "description": ex.description,
            "planDescription": ex.plan_description if plan_description else "",
            "submissionTime": api_date(ex.submission_time),
            "duration": (end if end is not None else max(now, ex.submission_time))
            - ex.submission_time,
            "runningJobIds": sorted(j for j, s in ex.jobs.items() if s == "RUNNING"),
            "successJobIds": sorted(j for j, s in ex.jobs.items() if s == "SUCCEEDED"),
            "failedJobIds": sorted(j for j, s in ex.jobs.items() if s == "FAILED"),
            "nodes": [], "edges": []}
        if details:  # Spark lists the nodes leaves first (descending ids)
            out["nodes"] = [{"nodeId": n["nodeId"], "nodeName": n["nodeName"],
                             "metrics": [{"name": m["name"],
                                          "value": metric_text(ex.values.get(
                                              m["accumulatorId"], 0))}
                                         for m in n["metrics"]],
                             "desc": n["simpleString"]}
                            for n in reversed(ex.nodes)]
            out["edges"] = [dict(e) for e in ex.edges]
        out.update({"queryId": ex.query_id, "errorMessage": ex.error_message or "",
                    "rootExecutionId": ex.root_id, "modifiedConfigs": ex.modified_configs})
        return out

    def list(self, details: bool = True, plan_description: bool = True, offset: int = 0,
             length: int = 1 << 31, now: int = 0) -> list[dict]:
        rows = list(self.executions.values())[max(0, offset):max(0, offset) + max(0, length)]
        return [self.execution_data(x, details, plan_description, now) for x in rows]

    def get(self, execution_id: int, details: bool = True, plan_description: bool = True,
            now: int = 0) -> dict | None:
        ex = self.executions.get(execution_id)
        return self.execution_data(ex, details, plan_description, now) if ex else None

    def all_rows(self, now: int) -> list[dict]:
        """Every retained execution, newest first, for the SQL tab's tables."""
        return [self.execution_data(x, False, False, now)
                for x in reversed(self.executions.values())]

    def graph(self, execution_id: int) -> dict | None:
        """The plan graph of one execution: nodes with their metric values, edges, and the
        details (long call site) for its page."""
        ex = self.executions.get(execution_id)
        if ex is None:
            return None
        nodes = [{**n, "metrics": [{**m, "value": metric_text(ex.values.get(
            m["accumulatorId"], 0))} for m in n["metrics"]]} for n in ex.nodes]
        return {"nodes": nodes, "edges": [dict(e) for e in ex.edges], "details": ex.details,
                "errorMessage": ex.error_message}
