"""A session's SQL state and the query pipeline: analyze -> optimize -> plan -> run.

``SessionState`` holds what a SparkSession's queries share: the configuration reader
(``conf_get``, passed in by the session: ``spark.conf`` lookups with defaults), the temporary
views, the cached plans, and the default parallelism of the context (for ``spark.range`` and
createDataFrame); the warehouse's tables and persistent views are looked up on each use.
``QueryExecution`` is one query's plans (analyzed, optimized, physical) and
the text ``explain()`` prints; ``collect_batches`` runs it.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from runtime.lazy import SQL_VIEWS
from runtime.sql.expressions.outer_references import OuterScopeMissing
from runtime.sql.plan.pending_outer import PendingOuter
from runtime.sql.analysis.analyzer import Analyzer
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.local_runner import LocalRunner
from runtime.sql.execution.planner import PlannerConf, plan_physical
from runtime.sql.formatting.explain import explain_string
from runtime.sql.expressions.registry import BindContext, EvalContext
from runtime.sql.execution.collect_metrics import BatchListParam, LocalSink, attach, publish
from runtime.sql.plan import logical as L
from runtime.sql.analysis.resolve import ExpressionResolver
from runtime.sql.execution.lineage_runner import LineageRunner
from runtime.sql.optimizer import optimize
from runtime.sql.io.scan import plan_scan
from runtime.sql.io.splits import FileSplitConf
from runtime.sql.statements.variables import SessionVariables, refreshed
from runtime.sql.warehouse import Warehouse

__all__ = ["QueryExecution", "SessionState", "local_time_zone"]


def local_time_zone() -> str:
    """The machine's IANA zone (the JVM's default, which Spark's session time zone takes)."""
    tz = os.environ.get("TZ")
    if tz:
        return tz.lstrip(":")
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


_DEFAULTS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.caseSensitive": "false",
    "spark.sql.shuffle.partitions": "200",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.autoBroadcastJoinThreshold": str(10 * 1024 * 1024),
    "spark.sql.adaptive.advisoryPartitionSizeInBytes": str(64 << 20),
    "spark.sql.adaptive.coalescePartitions.minPartitionSize": str(1 << 20),
}


def _size(text: str) -> int:
    t = text.strip().lower()
    for suffix, mult in (("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10),
                         ("m", 1 << 20), ("g", 1 << 30), ("b", 1)):
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * mult)
    return int(t)


class SessionState:
    def __init__(self, conf_get: Callable[[str], str | None],
                 default_parallelism: Callable[[], int], job_hooks: Any = None):
        self._conf_get = conf_get
        self.default_parallelism = default_parallelism
        self.job_hooks = job_hooks  # a lineage_runner.JobHooks: run stages on the executors
        self.temp_views: dict[str, L.LogicalPlan] = {}
        self.global_temp_views: dict[str, L.LogicalPlan] = {}
        self.current_database = "default"  # USE db; tables in the warehouse directory
        self.variables = SessionVariables()  # DECLARE VARIABLE (statements/variables.py)
        self.observed_metrics: dict[str, dict] = {}  # df.observe("name", ...): the last row

    def conf(self, key: str) -> str:
        value = self._conf_get(key)
        if value is None:
            value = _DEFAULTS.get(key)
        if value is None and key == "spark.sql.session.timeZone":
            value = local_time_zone()
        return value if value is not None else ""

    def flag(self, key: str) -> bool:
        return self.conf(key).strip().lower() == "true"

    def bind_context(self) -> BindContext:
        return BindContext(self.flag("spark.sql.ansi.enabled"),
                           self.flag("spark.sql.caseSensitive"),
                           self.conf("spark.sql.session.timeZone"),
                           self.flag("spark.sql.timeType.enabled"), self.current_database,
                           self.variables)

    def planner_conf(self) -> PlannerConf:
        threshold = _size(self.conf("spark.sql.autoBroadcastJoinThreshold"))
        return PlannerConf(int(self.conf("spark.sql.shuffle.partitions")),
                           threshold if threshold >= 0 else -1, self.default_parallelism())

    def file_split_conf(self) -> FileSplitConf:
        """Spark's file partitioning settings (io/splits.py)."""
        n = self.conf("spark.sql.files.minPartitionNum")
        return FileSplitConf(_size(self.conf("spark.sql.files.maxPartitionBytes") or "128m"),
                             _size(self.conf("spark.sql.files.openCostInBytes") or "4m"),
                             int(n) if n else self.default_parallelism())

    def lookup_relation(self, name: tuple) -> L.LogicalPlan | None:
        return self._lookup(name, self.current_database, True, 0)

    def _lookup(self, name: tuple, current_db: str, temps: bool,
                depth: int) -> L.LogicalPlan | None:
        """A relation by name: temporary views first (when ``temps``: not inside a persistent
        view), then the warehouse's tables and persistent views (runtime/sql/views.py)."""
        cs = self.flag("spark.sql.caseSensitive")
        key = name[-1] if cs else name[-1].lower()
        if temps and len(name) == 2 and name[0].lower() == "global_temp":
            found = self.global_temp_views.get(key)
            return None if found is None else refreshed(found, self.variables)
        if temps and len(name) == 1 and key in self.temp_views:
            return refreshed(self.temp_views[key], self.variables)
        if len(name) > 3 or (len(name) == 3 and name[0].lower() != "spark_catalog"):
            return None
        db = name[-2].lower() if len(name) >= 2 else current_db
        wh = self.warehouse()
        meta = wh.get(db, name[-1])
        if meta is None:
            return None
        if meta.is_view:
            depth_limit = int(self.conf("spark.sql.view.maxNestedViewDepth") or SQL_VIEWS.MAX_DEPTH)
            return SQL_VIEWS.view_plan(meta, self.bind_context(), lambda n: self._lookup(
                n, meta.view_database, False, depth + 1), depth, depth_limit)
        return wh.relation(meta)

    def warehouse(self) -> Warehouse:
        """The session catalog's tables under spark.sql.warehouse.dir (./spark-warehouse)."""
        return Warehouse(self.conf("spark.sql.warehouse.dir") or "spark-warehouse")

    def view_key(self, name: str) -> str:
        return name if self.flag("spark.sql.caseSensitive") else name.lower()

    def analyzer_exprs(self) -> Any:
        return ExpressionResolver(self.bind_context())

    def analyze(self, plan: L.LogicalPlan) -> L.LogicalPlan:
        """The analyzed plan; an AnalysisException names the plan it failed on, as
        Spark's does (``...SQLSTATE: 42703;`` then the plan)."""
        try:
            return Analyzer(self.bind_context(), self.lookup_relation).analyze(plan)
        except AnalysisException as e:
            if ";\n" not in e._message and not isinstance(e, OuterScopeMissing):
                e._message += ";\n" + plan.tree_string().rstrip("\n")
                e.args = (e._message,)
            raise

    def execution(self, plan: L.LogicalPlan) -> QueryExecution:
        if isinstance(plan, PendingOuter):  # outer() columns read alone (pending_outer.py)
            plan = plan.local()
        return QueryExecution(self, plan)

    def runner(self) -> Any:
        """Where queries run: as stages on the executors (lineage nodes, when the session
        gave job hooks and they are enabled), else in this process."""
        args = (self.flag("spark.sql.ansi.enabled"), self.conf("spark.sql.session.timeZone"),
                self.flag("spark.sql.adaptive.enabled"),
                _size(self.conf("spark.sql.adaptive.advisoryPartitionSizeInBytes")))
        if self.job_hooks is not None and self.job_hooks.enabled():
            return LineageRunner(self.job_hooks, *args, self.default_parallelism(), _size(
                self.conf("spark.sql.adaptive.coalescePartitions.minPartitionSize")),
                _size(self.conf("spark.sql.adaptive.autoBroadcastJoinThreshold") or
                      self.conf("spark.sql.autoBroadcastJoinThreshold")))
        return LocalRunner(*args)


class QueryExecution:
    """One query: its analyzed, optimized and physical plans, computed on demand."""

    def __init__(self, state: SessionState, analyzed: L.LogicalPlan):
        self.state = state
        self.analyzed = analyzed
        self._optimized: L.LogicalPlan | None = None
        self._physical: Any = None

    @property
    def optimized(self) -> L.LogicalPlan:
        if self._optimized is None:
            self._optimized = optimize(self.analyzed, self.state.bind_context())
        return self._optimized

    @property
    def physical(self) -> Any:
        if self._physical is None:
            files = self.state.file_split_conf()
            self._physical = plan_physical(self.optimized, self.state.planner_conf(),
                                           lambda rel, filters: plan_scan(rel, files, filters))
        return self._physical

    def collect_batches(self) -> list[Any]:
        return [b for part in self.partitions() for b in part]

    def partitions(self) -> list[list[Any]]:
        """Run the query: one SQL execution (runtime/sql/execution/tracking.py) when the
        session tracks them."""
        runner = self.state.runner()
        observed = self._observe(runner)
        tracker = getattr(self.state.job_hooks, "executions", None)
        if tracker is None:
            parts = runner.partitions(self.physical)
        else:
            parts = tracker.run(self.physical, self.plan_description, runner,
                                lambda r: r.partitions(self.physical))
        self._publish(observed)
        return parts

    def _observe(self, runner: Any) -> list:
        """df.observe(...)'s operators, each with a fresh sink for this run: an accumulator
        on the executors' runner (execution/collect_metrics.py)."""
        hooks = self.state.job_hooks
        if isinstance(runner, LineageRunner) and hooks.new_accumulator is not None:
            return attach(self.physical, lambda: hooks.new_accumulator([], BatchListParam()))
        return attach(self.physical, LocalSink)

    def _publish(self, observed: list) -> None:
        if not observed:
            return
        publish(observed, EvalContext(self.state.flag("spark.sql.ansi.enabled"),
                                      self.state.conf("spark.sql.session.timeZone"), 0))
        drop = getattr(self.state.job_hooks, "drop_accumulator", None)
        for op in observed:
            if drop is not None and not isinstance(op.sink, LocalSink):
                drop(op.sink)

    def map_partitions(self, func: Any) -> list:
        """Run the query with ``func(split, batches, io)`` in each partition's task (a file
        write: runtime/sql/io/writer.py); their results, in partition order. One SQL
        execution, as :meth:`partitions`."""
        runner = self.state.runner()
        observed = self._observe(runner)
        tracker = getattr(self.state.job_hooks, "executions", None)
        if tracker is None:
            out = runner.map_partitions(self.physical, func)
        else:
            out = tracker.run(self.physical, self.plan_description, runner,
                              lambda r: r.map_partitions(self.physical, func))
        self._publish(observed)
        return out

    def plan_description(self) -> str:
        """The SQL tab's plan text: ``explain("formatted")``, as spark.sql.ui.explainMode."""
        return explain_string(self, "formatted")
