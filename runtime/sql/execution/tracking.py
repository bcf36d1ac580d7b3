"""SQL executions: what the SQL tab sees of each DataFrame action and ``spark.sql`` query.

Spark wraps every action of a Dataset in ``SQLExecution.withNewExecutionId``; this is the
same. :meth:`ExecutionTracker.run` takes one query (its physical plan, the text its
``explain("formatted")`` prints) and the function that runs it, and around that function:

1. gives the execution the next id (0, 1, ... per application) and sets the thread's local
   property ``spark.sql.execution.id`` (and ``spark.sql.execution.root.id``), so every job
   the query starts carries it in its JobStart properties: that is how the status store
   ties jobs to executions;
2. creates one "number of output rows" metric per physical operator that has one in Spark
   (no Project, Sort, Union, limits; an Exchange's is "records read"), an accumulator from
   the session (it travels with the tasks, each successful task's count comes back to the
   driver and is added once, as any accumulator), and posts
   ``SparkListenerSQLExecutionStart`` with Spark's fields: ``executionId``,
   ``rootExecutionId``, ``description`` (the action's call site, ``collect at app.py:12``,
   or the job description when one is set), ``details`` (the long call site),
   ``physicalPlanDescription``, ``sparkPlanInfo`` (the operator tree: ``nodeName``,
   ``simpleString``, ``children``, ``metadata``, ``metrics`` with their accumulator ids)
   and ``time``;
3. runs the query (the runner counts each operator's output rows into its metric: see
   ``LineageRunner.metrics``), then posts ``SparkListenerDriverAccumUpdates`` with the final
   value of every metric (so the event log alone, replayed by the history server, has the
   numbers) and ``SparkListenerSQLExecutionEnd`` (``time``, and ``errorMessage`` when the
   query failed, else empty, as Spark 4 writes it; ``queryId``); the metrics' accumulators
   are then forgotten by the driver.

An action run inside another execution (a nested action, e.g. ``df.rdd`` collected inside
a query) belongs to the outer one, as in Spark: no second execution.

Events go on the application's listener bus as :class:`SQLListenerEvent` (a listener's
``onOtherEvent``, as Spark delivers them); their ``to_json`` is the event-log dict with
Spark's class names (``org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart``).
The plan text and tree of the start event are computed when the event is first read (on
the bus's thread), so an action does not wait ~3 ms for them; the metrics' accumulator ids
are fixed before the query runs. Everything app-wide comes in through :class:`ExecutionHooks`; nothing here knows the API
package.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

__all__ = ["EXECUTION_ID", "ExecutionHooks", "ExecutionTracker", "SQLListenerEvent",
           "count_rows", "plan_info", "SQL_EXECUTION_START", "SQL_EXECUTION_END", "DRIVER_ACCUM_UPDATES"]

EXECUTION_ID = "spark.sql.execution.id"
ROOT_EXECUTION_ID = "spark.sql.execution.root.id"
_UI = "org.apache.spark.sql.execution.ui."
SQL_EXECUTION_START = _UI + "SparkListenerSQLExecutionStart"
SQL_EXECUTION_END = _UI + "SparkListenerSQLExecutionEnd"
DRIVER_ACCUM_UPDATES = _UI + "SparkListenerDriverAccumUpdates"
OUTPUT_ROWS = "number of output rows"


class SQLListenerEvent:
    """A SQL event on the listener bus (a listener's ``onOtherEvent``); its fields are
    readable as attributes (``event.executionId``), as on Spark's case classes."""

    METHOD = "onOtherEvent"

    def __init__(self, payload: dict) -> None:
        self._payload = payload

    def _resolved(self) -> dict:
        """The payload with its lazy fields (callables) computed, once: the plan text and
        tree are built on the listener bus's thread, off the action's path."""
        if any(callable(v) for v in self._payload.values()):
            self._payload = {k: v() if callable(v) else v for k, v in self._payload.items()}
        return self._payload

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._resolved()[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_json(self) -> dict:
        return dict(self._resolved())

    def __repr__(self) -> str:
        return f"{self._payload['Event'].rsplit('.', 1)[-1]}({self._payload.get('executionId')})"


@dataclass
class ExecutionHooks:
    post: Callable[[Any], None]  # an event onto the listener bus
    get_property: Callable[[str], Any]  # the thread's local properties
    set_property: Callable[[str, Any], None]
    new_metric: Callable[[], Any]  # an accumulator of ints: .add(n), .value
    drop_metric: Callable[[Any], None]  # the driver forgets it
    call_site: Callable[[], tuple[str, str]]  # (short, long) of the user's action
    clock: Callable[[], float] = time.time


def _simple_string(node: Any) -> str:
    args = node.arg_string()
    return f"{node.node_name()} {args}" if args else node.node_name()


# the operators Spark counts output rows for, and the metric's name there (an Exchange's
# rows are counted where its reducers read them)
_ROW_METRICS = {"Exchange": "records read"}
_NO_ROW_METRIC = frozenset({"Project", "Sort", "Union", "Coalesce", "GlobalLimit", "LocalLimit",
                            "CollectLimit", "TakeOrderedAndProject", "Window", "Deduplicate"})


def metric_name(node: Any) -> str | None:
    """The name of the row-count metric Spark shows on ``node`` (None: Spark shows none)."""
    name = node.node_name()
    if name in _NO_ROW_METRIC:
        return None
    return _ROW_METRICS.get(name, OUTPUT_ROWS)


def plan_info(node: Any, metrics: dict) -> dict:
    """Spark's SparkPlanInfo of the physical tree ``node``; ``metrics`` maps an operator to
    its output-rows accumulator (operators without one list no metrics)."""
    children = list(node.children)
    cached = getattr(node, "cached_plan", None)
    if node.kind == "source" and cached is not None:
        children = [cached]
    metric = metrics.get(node)
    return {"nodeName": node.node_name(), "simpleString": _simple_string(node),
            "children": [plan_info(c, metrics) for c in children], "metadata": {},
            "metrics": [{"name": metric_name(node), "accumulatorId": metric.aid,
                         "metricType": "sum"}] if metric is not None else []}


def _operators(node: Any) -> list:
    out = [node]
    children = list(node.children)
    cached = getattr(node, "cached_plan", None)
    if node.kind == "source" and cached is not None:
        children = [cached]
    for c in children:
        out.extend(_operators(c))
    return out


def count_rows(batches: Iterator, metric: Any) -> Iterator:
    """``batches`` unchanged, each one's rows added to ``metric`` as it passes."""
    for batch in batches:
        metric.add(batch.num_rows)
        yield batch


class ExecutionTracker:
    """Executions of one application (see the module docstring)."""

    def __init__(self, hooks: ExecutionHooks) -> None:
        self.hooks = hooks
        self._ids = itertools.count()
        self._lock = threading.Lock()

    def run(self, physical: Any, plan_text: Callable[[], str], runner: Any,
            fn: Callable[[Any], Any], description: str | None = None) -> Any:
        """``fn(runner)`` as one SQL execution of ``physical`` (or inside the current one)."""
        h = self.hooks
        if h.get_property(EXECUTION_ID) is not None:
            return fn(runner)  # nested: part of the running execution
        with self._lock:
            execution_id = next(self._ids)
        metrics = {op: h.new_metric() for op in _operators(physical) if metric_name(op)}
        short, long = h.call_site()
        job_description = h.get_property("spark.job.description")

        def text() -> str:
            try:
                return plan_text()
            except Exception as e:  # noqa: BLE001 - the plan text must never fail a query
                return f"(no plan description: {e})"
        query_id = str(uuid.uuid4())
        h.post(SQLListenerEvent({
            "Event": SQL_EXECUTION_START, "executionId": execution_id,
            "rootExecutionId": execution_id,
            "description": description or job_description or short, "details": long,
            "physicalPlanDescription": text,
            "sparkPlanInfo": lambda: plan_info(physical, metrics),
            "time": int(h.clock() * 1000), "modifiedConfigs": {}, "jobTags": [],
            "jobGroupId": h.get_property("spark.jobGroup.id"), "queryId": query_id}))
        h.set_property(EXECUTION_ID, str(execution_id))
        h.set_property(ROOT_EXECUTION_ID, str(execution_id))
        if hasattr(runner, "metrics"):
            runner.metrics = metrics
        error: BaseException | None = None
        try:
            return fn(runner)
        except BaseException as e:
            error = e
            raise
        finally:
            h.set_property(EXECUTION_ID, None)
            h.set_property(ROOT_EXECUTION_ID, None)
            h.post(SQLListenerEvent({
                "Event": DRIVER_ACCUM_UPDATES, "executionId": execution_id,
                "accumUpdates": [[m.aid, int(m.value)] for m in metrics.values()]}))
            h.post(SQLListenerEvent({
                "Event": SQL_EXECUTION_END, "executionId": execution_id,
                "time": int(h.clock() * 1000),
                "errorMessage": "" if error is None else str(error) or type(error).__name__,
                "queryId": query_id}))
            for m in metrics.values():
                h.drop_metric(m)
