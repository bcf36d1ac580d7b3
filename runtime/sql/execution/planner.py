"""The physical planner: an optimized logical plan to physical operators.

Per logical operator (Spark's strategies, simplified where noted):
* Aggregate -> ``HashAggregate`` over ``Exchange hashpartitioning(keys)`` (or a single
  partition for a global aggregate); Distinct and dropDuplicates are aggregates too;
* Sort (global) -> ``Sort`` over ``Exchange rangepartitioning``; sortWithinPartitions -> Sort;
* Limit -> ``LocalLimit`` per partition, one partition, ``LocalLimit`` again; Offset alike;
  a limit of a global sort is Spark's TakeOrderedAndProject (topk.py);
* Join -> equi-join keys split from the condition; a broadcast hash join when the right side
  is estimated under ``spark.sql.autoBroadcastJoinThreshold`` (and the join type allows
  building on the right), else a shuffled hash join with both sides hash-partitioned on their
  keys (joins without keys: nested loop / cartesian);
* repartition(n) -> ``Exchange RoundRobinPartitioning``; repartition(n, cols) -> hash;
  coalesce(n) -> ``Coalesce`` (no shuffle);
* everything else maps one to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from runtime.sql.execution import operators as P
from runtime.sql.execution.operators import split_conjuncts
from runtime.sql.execution.aggregate import HashAggregateExec, SortExec, collect_aggregates
from runtime.sql.expressions.aggregates import decomposable
from runtime.sql.execution.exchange import (
    BroadcastExchangeExec, HashPartitioning, RangePartitioning, RoundRobinPartitioning,
    ShuffleExchangeExec, SinglePartition)
from runtime.sql.execution.joins import JoinExec
from runtime.sql.execution.sessions import plan_session_aggregate, session_grouping
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Call, Expression, SortOrder)
from runtime.sql.expressions.registry import lookup
from runtime.sql.plan import logical as L
from runtime.sql.expressions.base import Call as C
from runtime.sql import types as T
from runtime.sql.types import BooleanType
from runtime.sql.execution.local_runner import InMemoryTableScanExec
from runtime.sql.execution.setops import SetOpExec
from runtime.sql.execution.topk import TakeOrderedExec
from runtime.sql.execution.expand import ExpandExec
from runtime.sql.execution.collect_metrics import CollectMetricsExec
from runtime.sql.execution.window import WindowExec
from runtime.sql.execution.python_udtf import PythonUDTFExec, is_udtf
from runtime.sql.execution.python_udf_map import FlatMapGroupsInPandasExec, MapInBatchesExec

__all__ = ["PlannerConf", "plan_physical", "split_conjuncts"]


@dataclass(frozen=True)
class PlannerConf:
    shuffle_partitions: int = 200
    broadcast_threshold: int = 10 * 1024 * 1024
    default_parallelism: int = 2


def and_all(exprs: list[Expression]) -> Expression | None:
    out = None
    for e in exprs:
        out = e if out is None else C(lookup("and"), (out, e), BooleanType())
    return out


def equi_keys(p: L.Join) -> tuple[list[Expression], list[Expression], list[Expression]]:
    """(left keys, right keys, the other conjuncts) of a join's condition: each ``l = r``
    conjunct with one side over the left input and the other over the right is a key."""
    left_ids = {a.expr_id for a in p.left.output}
    right_ids = {a.expr_id for a in p.right.output}
    lk, rk, residual = [], [], []
    for c in split_conjuncts(p.condition):
        if isinstance(c, Call) and c.spec.name == "=":
            a, b = c.children
            ra, rb = a.references(), b.references()
            if ra and rb and ra <= left_ids and rb <= right_ids:
                lk.append(a)
                rk.append(b)
                continue
            if ra and rb and ra <= right_ids and rb <= left_ids:
                lk.append(b)
                rk.append(a)
                continue
        residual.append(c)
    return lk, rk, residual


def estimate_size(plan: L.LogicalPlan) -> int:
    if isinstance(plan, L.LocalRelation):
        return plan.size_in_bytes()
    if isinstance(plan, L.Range):
        return plan.count() * 8
    if isinstance(plan, L.FileRelation):  # Spark: the files' bytes, scaled to the columns read
        return sum(f[1] for f in plan.files) * row_size(plan.output) // row_size(list(plan.attrs))
    if isinstance(plan, L.Project):  # Spark's visitUnaryNode: scaled by the row sizes
        child = estimate_size(plan.child)
        return child if child >= 1 << 62 else \
            child * row_size(plan.output) // row_size(plan.child.output)
    if isinstance(plan, L.InMemoryRelation):
        parts = plan.cache.partitions
        if parts is not None:
            return sum(b.nbytes for p in parts for b in p)
        return estimate_size(plan.plan)
    if isinstance(plan, (L.Limit,)):
        return min(estimate_size(plan.child), 1 << 20)
    if not plan.children:
        return 1 << 62
    return sum(estimate_size(c) for c in plan.children)


def _default_size(t: Any) -> int:
    """Spark's DataType.defaultSize, which its size estimates use."""
    sizes = {T.BooleanType: 1, T.ByteType: 1, T.ShortType: 2, T.IntegerType: 4,
             T.LongType: 8, T.FloatType: 4, T.DoubleType: 8, T.DateType: 4,
             T.TimestampType: 8, T.TimestampNTZType: 8, T.StringType: 20, T.BinaryType: 100,
             T.NullType: 1}
    for cls, n in sizes.items():
        if isinstance(t, cls):
            return n
    if isinstance(t, T.DecimalType):
        return 8 if t.precision <= 18 else 16
    if isinstance(t, T.ArrayType):
        return _default_size(t.elementType)
    if isinstance(t, T.MapType):
        return _default_size(t.keyType) + _default_size(t.valueType)
    if isinstance(t, T.StructType):
        return sum(_default_size(f.dataType) for f in t.fields)
    return 16


def row_size(attrs: list) -> int:
    """Spark's EstimationUtils.getSizePerRow: 8 bytes of row overhead plus each column's
    default size."""
    return 8 + sum(_default_size(a.dtype) for a in attrs)


class Planner:
    def __init__(self, conf: PlannerConf, scan_planner: Callable[..., Any] | None):
        self.conf = conf
        self.scan_planner = scan_planner

    def plan(self, p: L.LogicalPlan) -> P.PhysicalPlan:
        method = getattr(self, "_" + type(p).__name__.lower())
        return method(p)

    def _localrelation(self, p: L.LocalRelation) -> P.PhysicalPlan:
        return P.LocalTableScanExec(list(p.attrs), [[b] for b in p.batches] or [[]])

    def _range(self, p: L.Range) -> P.PhysicalPlan:
        return P.RangeExec(p.attr, p.start, p.end, p.step, p.num_partitions, p.count())

    def _filerelation(self, p: L.FileRelation, filters: tuple = ()) -> P.PhysicalPlan:
        """``scan_planner(relation, conjuncts of the Filter above)``: the scan may push
        them into the reader (Parquet row groups); the Filter stays."""
        assert self.scan_planner is not None
        return self.scan_planner(p, filters)

    def _inmemoryrelation(self, p: L.InMemoryRelation) -> P.PhysicalPlan:
        return InMemoryTableScanExec(list(p.attrs), p.cache, self.plan(p.plan))

    def _project(self, p: L.Project) -> P.PhysicalPlan:
        child = self.plan(p.child)
        if [getattr(e, "expr_id", None) for e in p.exprs] == \
                [a.expr_id for a in child.output] and \
                all(isinstance(e, AttributeReference) for e in p.exprs):
            return child  # Spark's RemoveRedundantProjects: the child has this output
        return P.ProjectExec(list(p.exprs), (child,))

    def _filter(self, p: L.Filter) -> P.PhysicalPlan:
        if isinstance(p.child, L.FileRelation):
            scan = self._filerelation(p.child, tuple(split_conjuncts(p.condition)))
            return P.FilterExec(p.condition, (scan,))
        return P.FilterExec(p.condition, (self.plan(p.child),))

    def _subqueryalias(self, p: L.SubqueryAlias) -> P.PhysicalPlan:
        return self.plan(p.child)

    def _collectmetrics(self, p: L.CollectMetrics) -> P.PhysicalPlan:
        return CollectMetricsExec(p.name, list(p.metrics), p.publish, (self.plan(p.child),))

    def _generate(self, p: L.Generate) -> P.PhysicalPlan:
        if is_udtf(p.generator):
            return PythonUDTFExec(p.generator, p.outer, list(p.gen_output),
                                  (self.plan(p.child),), p.required)
        return P.GenerateExec(p.generator, p.outer, list(p.gen_output), (self.plan(p.child),),
                              p.required)

    def _expand(self, p: L.Expand) -> P.PhysicalPlan:
        return ExpandExec(p.projections, list(p.attrs), (self.plan(p.child),))

    def _sample(self, p: L.Sample) -> P.PhysicalPlan:
        return P.SampleExec(p.lower, p.upper, p.with_replacement, p.seed, (self.plan(p.child),))

    def _aggregate(self, p: L.Aggregate) -> P.PhysicalPlan:
        """Partial aggregation before the exchange and final after it when every aggregate
        merges (sum, count, min, max, avg...); else all rows of a group are shuffled to one
        task and aggregated there (DISTINCT, collect_list, stddev...)."""
        child = self.plan(p.child)
        session = session_grouping(list(p.groupings))
        if session is not None:  # groupBy(session_window(...)): sessions merge first
            return plan_session_aggregate(list(p.groupings), list(p.aggregates), child, session,
                                          self.conf.shuffle_partitions)
        aggs = collect_aggregates(list(p.aggregates))
        if (aggs or p.groupings) and all(decomposable(a) for a in aggs):
            partial = HashAggregateExec(list(p.groupings), list(p.aggregates), (child,),
                                        "partial")
            keys = partial.partial_keys
            part = HashPartitioning(tuple(keys), self.conf.shuffle_partitions) \
                if keys else SinglePartition()
            ex = ShuffleExchangeExec(part, (partial,))
            return HashAggregateExec(list(p.groupings), list(p.aggregates), (ex,), "final")
        part = HashPartitioning(tuple(p.groupings), self.conf.shuffle_partitions) \
            if p.groupings else SinglePartition()
        ex = ShuffleExchangeExec(part, (child,))
        return HashAggregateExec(list(p.groupings), list(p.aggregates), (ex,))

    def _window(self, p: L.Window) -> P.PhysicalPlan:
        """Rows of a window partition meet in one task (hash exchange on the partition keys,
        one partition without keys), sorted by partition and order keys."""
        child = self.plan(p.child)
        part = HashPartitioning(tuple(p.partition), self.conf.shuffle_partitions) \
            if p.partition else SinglePartition()
        ex = ShuffleExchangeExec(part, (child,))
        orders = [SortOrder((k,), True) for k in p.partition] + list(p.orders)
        below = SortExec(orders, False, (ex,)) if orders else ex
        return WindowExec(list(p.window_exprs), list(p.partition), list(p.orders), (below,))

    def _mapinbatches(self, p: Any) -> P.PhysicalPlan:
        return MapInBatchesExec(p.func, p.mode, list(p.attrs), (self.plan(p.child),))

    def _flatmapgroupsinpandas(self, p: Any) -> P.PhysicalPlan:
        """Each group's rows in one task (hash exchange on the keys), sorted by the keys."""
        part = HashPartitioning(tuple(p.groupings), self.conf.shuffle_partitions) \
            if p.groupings else SinglePartition()
        ex = ShuffleExchangeExec(part, (self.plan(p.child),))
        orders = [SortOrder((k,), True) for k in p.groupings]
        below = SortExec(orders, False, (ex,)) if orders else ex
        return FlatMapGroupsInPandasExec(list(p.groupings), p.func, list(p.attrs), (below,))

    def _distinct(self, p: L.Distinct) -> P.PhysicalPlan:
        out = p.child.output
        return self._aggregate(L.Aggregate(tuple(out), tuple(out), p.children))

    def _deduplicate(self, p: L.Deduplicate) -> P.PhysicalPlan:
        keys = {a.expr_id for a in p.keys}
        aggs = []
        for a in p.child.output:
            if a.expr_id in keys:
                aggs.append(a)
            else:
                first = AggCall(lookup("first"), (a,), a.dtype, True)
                aggs.append(Alias((first,), a.name, a.expr_id))
        return self._aggregate(L.Aggregate(tuple(p.keys), tuple(aggs), p.children))

    def _sort(self, p: L.Sort) -> P.PhysicalPlan:
        child = self.plan(p.child)
        if p.is_global:
            child = ShuffleExchangeExec(
                RangePartitioning(tuple(p.orders), self.conf.shuffle_partitions), (child,))
        return SortExec(list(p.orders), p.is_global, (child,))

    def _limit(self, p: L.Limit) -> P.PhysicalPlan:
        child, project = p.child, None
        if isinstance(child, L.Project) and isinstance(child.child, L.Sort):
            child, project = child.child, list(child.exprs)
        if isinstance(child, L.Sort) and child.is_global:  # Spark's TakeOrderedAndProject
            local = TakeOrderedExec(p.n, list(child.orders), (self.plan(child.child),))
            single = ShuffleExchangeExec(SinglePartition(), (local,))
            return TakeOrderedExec(p.n, list(child.orders), (single,), project)
        local = P.LocalLimitExec(p.n, (self.plan(p.child),))
        single = ShuffleExchangeExec(SinglePartition(), (local,))
        return GlobalLimitExec(p.n, (single,))

    def _offset(self, p: L.Offset) -> P.PhysicalPlan:
        single = ShuffleExchangeExec(SinglePartition(), (self.plan(p.child),))
        return P.LocalLimitExec(-1, (single,), offset=p.n)

    def _tail(self, p: L.Tail) -> P.PhysicalPlan:
        single = ShuffleExchangeExec(SinglePartition(), (self.plan(p.child),))
        return TailExec(p.n, (single,))

    def _union(self, p: L.Union) -> P.PhysicalPlan:
        return P.UnionExec(tuple(self.plan(c) for c in p.children), p.output)

    def _repartition(self, p: L.Repartition) -> P.PhysicalPlan:
        child = self.plan(p.child)
        if p.shuffle:
            return ShuffleExchangeExec(RoundRobinPartitioning(p.num_partitions), (child,),
                                       "REPARTITION_BY_NUM")
        return P.CoalesceExec(p.num_partitions, (child,))

    def _coalesce(self, p: L.Coalesce) -> P.PhysicalPlan:
        return P.CoalesceExec(p.num_partitions, (self.plan(p.child),))

    def _repartitionbyexpression(self, p: L.RepartitionByExpression) -> P.PhysicalPlan:
        n = p.num_partitions or self.conf.shuffle_partitions
        child = self.plan(p.child)
        if p.exprs and all(isinstance(e, SortOrder) for e in p.exprs):
            return ShuffleExchangeExec(RangePartitioning(tuple(p.exprs), n), (child,),
                                       "REPARTITION_BY_COL")
        return ShuffleExchangeExec(HashPartitioning(tuple(p.exprs), n), (child,),
                                   "REPARTITION_BY_NUM" if p.num_partitions
                                   else "REPARTITION_BY_COL")

    def _join(self, p: L.Join) -> P.PhysicalPlan:
        lk, rk, residual = equi_keys(p)
        left, right = self.plan(p.left), self.plan(p.right)
        can_build_right = p.join_type in ("inner", "cross", "left", "semi", "anti")
        threshold = self.conf.broadcast_threshold
        lsize, rsize = estimate_size(p.left), estimate_size(p.right)
        build_left = p.hint == "broadcast_left" and p.join_type in ("inner", "cross", "right")
        if build_left or (p.hint is None and p.join_type in ("inner", "cross") and lk and
                          lsize <= threshold and lsize < rsize):
            # Spark's BuildLeft: the smaller (or hinted) side is broadcast; here the sides swap
            # (a right outer join becomes a left one) and a projection puts the columns back
            swapped = "left" if p.join_type == "right" else p.join_type
            join = JoinExec(swapped, rk, lk, and_all(residual),
                            (right, BroadcastExchangeExec((left,), tuple(lk))), "broadcast",
                            list(p.right.output) + list(p.left.output))
            return P.ProjectExec(list(p.output), (join,))
        small = p.hint == "broadcast" or (  # SQL's join hints (Join.hint) decide first
            p.hint is None and rsize <= threshold)
        if can_build_right and small:
            return JoinExec(p.join_type, lk, rk, and_all(residual),
                            (left, BroadcastExchangeExec((right,), tuple(rk))), "broadcast",
                            p.output)
        n = self.conf.shuffle_partitions
        lpart = HashPartitioning(tuple(lk), n) if lk else SinglePartition()
        rpart = HashPartitioning(tuple(rk), n) if rk else SinglePartition()
        return JoinExec(p.join_type, lk, rk, and_all(residual),
                        (ShuffleExchangeExec(lpart, (left,)), ShuffleExchangeExec(rpart, (right,))),
                        "shuffled", p.output, p.hint)

    def _setoperation(self, p: L.SetOperation) -> P.PhysicalPlan:
        left, right = (self.plan(c) for c in p.children)
        return SetOpExec(p.kind, p.is_all,
                         (ShuffleExchangeExec(SinglePartition(), (left,)),
                          ShuffleExchangeExec(SinglePartition(), (right,))))


@dataclass(eq=False)
class GlobalLimitExec(P.LocalLimitExec):
    def node_name(self) -> str:
        return "GlobalLimit"

    def arg_string(self) -> str:
        return f"{self.n}, 0"


@dataclass(eq=False)
class TailExec(P.PhysicalPlan):
    n: int
    children: tuple

    def run(self, index: int, batches: Any, ectx: Any) -> Any:
        import pyarrow as pa

        bs = list(batches)
        if not bs:
            return
        t = pa.Table.from_batches(bs)
        yield from t.slice(max(t.num_rows - self.n, 0)).combine_chunks().to_batches()

    def node_name(self) -> str:
        return "CollectTail"

    def arg_string(self) -> str:
        return str(self.n)


def plan_physical(plan: L.LogicalPlan, conf: PlannerConf,
                  scan_planner: Callable[..., Any] | None = None) -> P.PhysicalPlan:
    return Planner(conf, scan_planner).plan(plan)


_unused = AttributeReference
