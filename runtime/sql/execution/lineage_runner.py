"""Running a physical plan as stages on the executors: the plan becomes lineage nodes.

The same per-partition functions the in-process runner calls (local_runner.py) become
lineage nodes (runtime/lineage), which the DAG scheduler cuts into stages and runs as tasks
on local[N] and spark:// executors alike:

* a source is a :class:`SqlScan` node whose ``compute`` reads one partition;
* a chain of narrow operators is one :class:`MapPartitions` node per operator, fused by the
  lineage into one function per partition (one task);
* an Exchange is a :class:`Shuffled` node over an Arrow IPC shuffle
  (``ShuffleSpec(data_format=ARROW)``) whose partitioner evaluates the partitioning
  expressions on each batch: the row hash of the keys (hash), bounds from a sample of the
  keys taken by a first small job (range), ``row % n`` (round robin) or 0 (one partition);
* a broadcast exchange is computed by its own job and travels with the join's tasks;
* a shuffled join or a set operation is a :class:`ZipPartitions` node over two shuffles
  with the same partition count; Union and Coalesce are the lineage's own nodes.

With ``spark.sql.adaptive.enabled`` an exchange whose input is estimated under the minimum
partition size gets one reducer at once; any other (but ``repartition(n)``'s) is built with
``spark.sql.shuffle.partitions`` reducers, its map stage runs first, and the reducers are
coalesced by the bytes they got (adaptive.py, Spark's AQE coalescing). A shuffled
equi-join first runs the map stage of the side that may build alone; when that output is
within ``spark.sql.adaptive.autoBroadcastJoinThreshold`` it is read back and broadcast and
the other side is never shuffled (Spark's AQE join conversion; ``_shuffled_join``). Results come to the driver as Arrow
tables (the task result format tag). Everything app-wide (ids, running a job) comes in
through :class:`JobHooks`; nothing here knows the API package.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

from runtime.dataformat import ARROW
from runtime.lineage.dependency import OneToOneDependency
from runtime.lineage.narrow import Coalesced, MapPartitions, Union
from runtime.lineage.node import Node
from runtime.lineage.shuffled import Shuffled
from runtime.shuffle.partitioner import ArrowRangePartitioner, RowHashPartitioner, SortKey
from runtime.shuffle.spec import ShuffleSpec
from runtime.sql.execution import allocators
from runtime.sql.execution import operators as P
from runtime.sql.execution.adaptive import (
    MIN_PARTITION_SIZE, CoalescedShuffled, MapStages, coalesce_groups, read_nothing)
from runtime.sql.execution.exchange import (
    HashPartitioning, RangePartitioning, RoundRobinPartitioning, SinglePartition)
from runtime.sql.execution.local_runner import InMemoryTableScanExec
from runtime.sql.execution.operators import positions_of, schema_of
from runtime.sql.execution.size_estimates import build_estimate, estimate, grouped
from runtime.sql.execution.spill import SpillResources
from runtime.sql.execution.tracking import count_rows
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.io.scan import FileScanExec
from runtime.task_env import io_metrics

__all__ = ["JobHooks", "LineageRunner"]


@dataclass
class JobHooks:
    new_rdd_id: Callable[[], int]
    new_shuffle_id: Callable[[], int]
    run_job: Callable[..., list]  # (node, func(iterator) -> result, partitions) -> results
    on_shuffle: Callable[[Node, int], None] | None = None  # cleanup when the node is gone
    enabled: Callable[[], bool] = lambda: True  # False: the session runs queries in-process
    # bytes per reducer of a finished shuffle (AQE's statistics), None when unknown
    map_output_sizes: Callable[[int], list | None] | None = None
    executions: Any = None  # a tracking.ExecutionTracker: the SQL tab's executions
    # (zero, param) -> a new accumulator; (accumulator) -> the driver forgets it
    new_accumulator: Callable[[Any, Any], Any] | None = None
    drop_accumulator: Callable[[Any], None] | None = None


class SqlScan(Node):
    """The partitions of a physical source operator (a scan, a range, local rows)."""

    rdd_class = "SQLExecutionRDD"

    def __init__(self, id: int, source: Any, ansi: bool, tz: str):
        super().__init__(id, [], source.num_partitions)
        self.source, self.ansi, self.tz = source, ansi, tz

    def compute(self, split: int, tc: Any) -> Iterator:
        allocators.tune()  # once per process (allocators.py)
        ectx = EvalContext(self.ansi, self.tz, split)
        if isinstance(self.source, FileScanExec):  # files read count as the task's input
            return self.source.read(split, ectx, io_metrics(tc))
        return self.source.read(split, ectx)


class TaskFunction(Node):
    """One value per partition: ``func(split, batches, io)`` over the parent's partition,
    with the task's input/output metrics (a file write counts its output there)."""

    rdd_class = "MapPartitionsRDD"

    def __init__(self, id: int, prev: Node, func: Callable):
        super().__init__(id, [OneToOneDependency(prev)], prev.num_partitions)
        self.prev, self.func = prev, func

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter([self.func(split, tc.iterate(self.prev, split), io_metrics(tc))])


class ZipPartitions(Node):
    """Partition i of two co-partitioned parents, combined by ``func(split, a, b)``."""

    rdd_class = "ZippedPartitionsRDD2"

    def __init__(self, id: int, a: Node, b: Node, func: Callable):
        super().__init__(id, [OneToOneDependency(a), OneToOneDependency(b)], a.num_partitions)
        self.a, self.b, self.func = a, b, func

    def compute(self, split: int, tc: Any) -> Iterator:
        allocators.tune()
        return iter(self.func(split, tc.iterate(self.a, split), tc.iterate(self.b, split), tc))


class SqlOperator(Node):
    """A narrow operator that takes memory from the running task (aggregate, sort): it
    gets the task context's memory, spill directory and metrics as SpillResources."""

    rdd_class = "MapPartitionsRDD"

    def __init__(self, id: int, prev: Node, func: Callable):
        super().__init__(id, [OneToOneDependency(prev)], prev.num_partitions)
        self.prev, self.func = prev, func

    def compute(self, split: int, tc: Any) -> Iterator:
        allocators.tune()
        return iter(self.func(split, tc.iterate(self.prev, split), SpillResources.of_task(tc)))


@dataclass
class ExprPartitioner:
    """Arrow shuffle partitioner over evaluated expressions (hash, range, round robin, one)."""

    kind: str
    exprs: list
    positions: dict
    ansi: bool
    tz: str
    inner: Any = None

    def _keys(self, batch: Any) -> Any:
        import pyarrow as pa

        ectx = EvalContext(self.ansi, self.tz)
        cols = [materialize(evaluate(e, batch, self.positions, ectx), batch.num_rows)
                for e in self.exprs]
        return pa.RecordBatch.from_arrays(cols, names=[f"k{i}" for i in range(len(cols))])

    def partition_ids(self, batch: Any, num_partitions: int) -> Any:
        import numpy as np

        if self.kind == "single" or num_partitions == 1:
            return np.zeros(batch.num_rows, dtype=np.int64)
        if self.kind == "roundrobin":
            return np.arange(batch.num_rows, dtype=np.int64) % num_partitions
        return self.inner.partition_ids(self._keys(batch), num_partitions)


_plan_ids = itertools.count()


def _scope(node: Node, plan: P.PhysicalPlan) -> None:
    """Spark's operation scope for the RDDs a physical operator made,
    ``{"id":"spark_plan_7","name":"HashAggregate"}`` (StageInfo's RDD infos; the UI's DAG
    draws a box per scope): ``node`` and its ancestors up to the nodes of the operators
    below, which have theirs already. Narrow operators fused into one node show the top
    one's, as Spark's WholeStageCodegen groups them."""
    scope = None
    todo = [node]
    while todo:
        n = todo.pop()
        if n.scope is not None:
            continue
        if scope is None:
            scope = json.dumps({"id": f"spark_plan_{next(_plan_ids)}",
                                "name": plan.node_name()}, separators=(",", ":"))
        n.scope = scope
        todo.extend(d.rdd for d in n.dependencies if d.rdd is not None)


def _collector(plan: P.PhysicalPlan) -> Callable[[Iterator], Any]:
    """The task function that brings one partition of ``plan`` to the driver as a Table."""
    schema = schema_of(plan.output)

    def collect(it: Iterator) -> Any:
        import pyarrow as pa

        batches = [b for b in it if b.num_rows or b.num_columns == 0]
        # a union's partitions come with the names of the child they are from
        batches = [b if b.schema.names == schema.names else b.rename_columns(schema.names)
                   for b in batches]
        return pa.Table.from_batches(batches, schema=schema) if batches \
            else schema.empty_table()

    return collect


def _collect_limit(plan: P.PhysicalPlan) -> bool:
    """A GlobalLimit (no offset) over the single-partition exchange of a LocalLimit: the
    planner's form of a limit, which Spark runs as CollectLimitExec at the top of a query."""
    if plan.node_name() != "GlobalLimit" or getattr(plan, "offset", 0):
        return False
    ex = plan.children[0]
    return (ex.kind == "exchange" and isinstance(ex.partitioning, SinglePartition)  # type: ignore
            and isinstance(ex.children[0], P.LocalLimitExec)
            and ex.children[0].node_name() == "LocalLimit")


def _sample_keys(batches: Iterator, exprs: list, positions: dict, ansi: bool, tz: str) -> Any:
    import pyarrow as pa

    part = ExprPartitioner("range", exprs, positions, ansi, tz)
    keys = [part._keys(b) for b in batches if b.num_rows]
    if not keys:
        return None
    table = pa.Table.from_batches(keys)
    step = max(1, table.num_rows // 200)
    return table.take(list(range(0, table.num_rows, step)))


class LineageRunner:
    def __init__(self, hooks: JobHooks, ansi: bool = True, time_zone: str = "UTC",
                 adaptive: bool = True, target_bytes: int = 64 << 20,
                 min_partitions: int = 2, min_partition_size: int = MIN_PARTITION_SIZE,
                 broadcast_threshold: int = -1):
        self.hooks = hooks
        self.broadcast_threshold = broadcast_threshold
        self.ansi = ansi
        self.tz = time_zone
        self.adaptive = adaptive
        self.target_bytes = target_bytes
        self.min_partitions = min_partitions
        self.min_partition_size = min_partition_size
        self.metrics: dict = {}  # operator -> its output-rows metric (tracking.py), per query

    # -- results --------------------------------------------------------------------------------
    def partitions(self, plan: P.PhysicalPlan) -> list[list[Any]]:
        if _collect_limit(plan):
            return [self._take(plan)]
        tables = self.hooks.run_job(self.build(plan), _collector(plan), None)
        return [t.to_batches() if t.num_rows else [] for t in tables]

    def _take(self, plan: P.PhysicalPlan) -> list[Any]:
        """A limit at the top of a query (show, take, head, first, limit().collect()) runs as
        Spark's CollectLimitExec.executeTake: no exchange, but jobs over more and more of
        the partitions below it: the first ``spark.sql.limit.initialNumPartitions`` (1), then
        up to ``spark.sql.limit.scaleUpFactor`` (4) times as many as were scanned, fewer when
        the rows so far tell how many are still needed; the limit then applies to the rows
        got. ``spark.range(10).show()`` runs one task, a show() of a big scan a few."""
        local = plan.children[0].children[0]
        node, collect = self.build(local), _collector(local)
        n, total = plan.n, node.num_partitions  # type: ignore[attr-defined]
        rows, scanned, got = 0, 0, []
        while rows < n and scanned < total:
            if scanned == 0:
                k = 1
            elif rows == 0:
                k = scanned * 4
            else:
                k = min(math.ceil(1.5 * (n - rows) * scanned / rows), scanned * 4)
            parts = list(range(scanned, min(scanned + max(k, 1), total)))
            for t in self.hooks.run_job(node, collect, parts):
                got.extend(t.to_batches() if t.num_rows else [])
                rows += t.num_rows
            scanned += len(parts)
        return list(plan.run(0, iter(got), EvalContext(self.ansi, self.tz, 0)))

    def map_partitions(self, plan: P.PhysicalPlan, func: Callable) -> list:
        """``func(split, batches, io)`` in the task of each partition of ``plan`` (``io``:
        the task's input/output metrics, e.g. a file write's); the results, in order."""
        node = TaskFunction(self.hooks.new_rdd_id(), self.build(plan), func)
        return [r for part in self.hooks.run_job(node, list, None) for r in part]

    def _collect_all(self, plan: P.PhysicalPlan) -> list:
        return [b for p in self.partitions(plan) for b in p]

    # -- plan -> nodes ------------------------------------------------------------------------------
    def build(self, plan: P.PhysicalPlan) -> Node:
        """The lineage of ``plan``; an operator with a metric counts its output rows. The
        nodes made for the operator carry its scope (see :func:`_scope`)."""
        node = self._build(plan)
        metric = self.metrics.get(plan)
        if metric is not None:
            def counted(split: int, it: Iterator) -> Iterator:
                return count_rows(it, metric)

            node = MapPartitions(self.hooks.new_rdd_id(), node, counted)
        _scope(node, plan)
        return node

    def _build(self, plan: P.PhysicalPlan) -> Node:
        kind = plan.kind
        ids = self.hooks.new_rdd_id
        if kind == "source":
            if isinstance(plan, InMemoryTableScanExec):
                if plan.cache.partitions is None:
                    plan.cache.partitions = self.partitions(plan.cached_plan)
                plan = P.LocalTableScanExec(plan.attrs, plan.cache.partitions or [[]])
            return SqlScan(ids(), plan, self.ansi, self.tz)
        if kind == "exchange":
            node = self._shuffle(plan)
            if plan.reason == "REPARTITION_BY_NUM":  # type: ignore[attr-defined]
                return node
            return self._coalesce([node])[0]
        if kind == "union":
            return Union(ids(), [self.build(c) for c in plan.children])
        if kind == "coalesce":
            child = self.build(plan.children[0])
            return Coalesced(ids(), child, max(1, min(plan.num_partitions,  # type: ignore
                                                      child.num_partitions)))
        if kind == "join":
            left, right = plan.children
            ansi, tz = self.ansi, self.tz
            if right.kind == "broadcast":
                build = self._collect_all(right.children[0])
                if right in self.metrics:  # the broadcast's rows, counted on the driver
                    self.metrics[right].add(sum(b.num_rows for b in build))

                def bjoin(split: int, it: Iterator) -> Iterator:
                    return plan.join(split, it, build, EvalContext(ansi, tz, split))

                return MapPartitions(ids(), self.build(left), bjoin)
            converted, shuffles = self._shuffled_join(plan)
            if converted is not None:
                return converted
            a, b = self._coalesce(shuffles)

            def sjoin(split: int, it: Iterator, other: Iterator, tc: Any) -> Iterator:
                return plan.join(split, it, other, EvalContext(ansi, tz, split),
                                 SpillResources.of_task(tc))

            return ZipPartitions(ids(), a, b, sjoin)
        if kind == "setop":
            a, b = self._coalesce(list(self._co_shuffles(*plan.children)))
            ansi, tz = self.ansi, self.tz

            def combine(split: int, it: Iterator, other: Iterator, tc: Any) -> Iterator:
                return plan.combine(list(it), list(other), EvalContext(ansi, tz, split))

            return ZipPartitions(ids(), a, b, combine)
        child = self.build(plan.children[0])
        ansi, tz = self.ansi, self.tz
        if getattr(plan, "spillable", False):
            def run_spilling(split: int, it: Iterator, res: Any) -> Iterator:
                return plan.run(split, it, EvalContext(ansi, tz, split), res)

            return SqlOperator(ids(), child, run_spilling)

        def run(split: int, it: Iterator) -> Iterator:
            allocators.tune()
            return plan.run(split, it, EvalContext(ansi, tz, split))

        return MapPartitions(ids(), child, run)

    def _reduce_partitions(self, plan: P.PhysicalPlan, requested: int) -> int:
        """With AQE, an input estimated under the minimum partition size gets one reducer
        at once (no map-stage job, no sampling); otherwise the requested count, coalesced
        after the map stage (adaptive.py)."""
        if not self.adaptive:
            return requested
        if estimate(plan) <= self.min_partition_size:
            return 1
        return requested

    def _coalesce(self, nodes: list[Node]) -> list[Node]:
        """AQE: run the shuffles' map stages, then merge small adjacent reducers."""
        sizes_of = self.hooks.map_output_sizes
        if not self.adaptive or sizes_of is None or nodes[0].num_partitions <= 1:
            return nodes
        self.hooks.run_job(MapStages(self.hooks.new_rdd_id(), nodes), read_nothing, [0])
        sizes = [sizes_of(n.spec.shuffle_id) for n in nodes]  # type: ignore[attr-defined]
        if any(s is None for s in sizes):
            return nodes
        total = [sum(col) for col in zip(*sizes)]  # type: ignore[misc]
        groups = coalesce_groups(total, self.target_bytes, self.min_partitions,
                                 self.min_partition_size)
        if len(groups) == nodes[0].num_partitions:
            return nodes
        return [CoalescedShuffled(self.hooks.new_rdd_id(), n, groups) for n in nodes]

    # -- AQE: a shuffled join whose side turned out small becomes a broadcast join ----------------
    def _shuffled_join(self, plan: Any) -> tuple[Node | None, list[Node]]:
        """Spark's AQE join conversion (its planner re-run on a finished query stage's
        statistics), one side at a time: a side that may build (the right one of a left
        join, the left one of a right join, either of an inner, cross, semi or anti join:
        the smaller ``build_estimate`` of an inner or cross join first, the left side
        of a semi or anti join first unless its right side is grouped) runs its map stage
        alone; when its shuffle output is at
        most ``spark.sql.adaptive.autoBroadcastJoinThreshold`` (by default
        ``spark.sql.autoBroadcastJoinThreshold``) bytes, its rows are read back whole and
        broadcast, and the other side is joined where it stands, never shuffled (or read
        from its shuffle when its map stage ran first). A semi or anti join built on its
        left side runs as :meth:`_left_semi`. Otherwise (and for hinted, keyless and full
        outer joins) -> (None, the two shuffles), those whose map stage ran reused."""
        left, right = plan.children
        n = max(self._reduce_partitions(left, left.partitioning.num_partitions),
                self._reduce_partitions(right, right.partitioning.num_partitions))
        built: dict = {}
        for side in self._build_sides(plan):
            built[side] = node = self._shuffle(plan.children[side], n)
            rows = self._small_output(node, plan.children[side])
            if rows is None:
                continue
            other = built.get(1 - side)
            stream = self._coalesce([other])[0] if other is not None else \
                self.build(plan.children[1 - side].children[0])
            if side == 0 and plan.join_type in ("semi", "anti"):
                return self._left_semi(plan, rows, stream), []
            return self._broadcast_join(plan, side, rows, stream), []
        a = built[0] if 0 in built else self._shuffle(left, n)
        b = built[1] if 1 in built else self._shuffle(right, n)
        return None, [a, b]

    def _build_sides(self, plan: Any) -> list[int]:
        if not self.adaptive or self.broadcast_threshold < 0 or plan.hint is not None or \
                not plan.left_keys or self.hooks.map_output_sizes is None:
            return []
        if plan.join_type in ("semi", "anti"):  # EXISTS / IN over a big table, under a
            # filtered query: the query's rows usually fit, but those of a grouped subquery
            # (IN (... GROUP BY ... HAVING ...)) usually fit better
            return [1, 0] if grouped(plan.children[1].children[0]) else [0, 1]
        if plan.join_type in ("inner", "cross"):
            first = build_estimate(plan.children[0]) <= build_estimate(plan.children[1])
            return [0, 1] if first else [1, 0]
        return [1] if plan.join_type == "left" else [0] if plan.join_type == "right" else []

    def _small_output(self, node: Node, ex: P.PhysicalPlan) -> list | None:
        """The batches of a shuffle whose map output is within the broadcast threshold
        (read by one task), else None."""
        self.hooks.run_job(MapStages(self.hooks.new_rdd_id(), [node]), read_nothing, [0])
        sizes = self.hooks.map_output_sizes(node.spec.shuffle_id)  # type: ignore
        if sizes is None or sum(sizes) > self.broadcast_threshold:
            return None
        whole = CoalescedShuffled(self.hooks.new_rdd_id(), node, [(0, node.num_partitions)])
        tables = self.hooks.run_job(whole, _collector(ex), None)
        return [b for t in tables for b in t.to_batches() if b.num_rows]

    def _broadcast_join(self, plan: Any, side: int, rows: list, stream: Node) -> Node:
        """``plan`` as a broadcast join of ``rows`` (its side ``side``) with ``stream``; a
        left build side (inner, cross, right joins) swaps the sides, as the planner's
        BuildLeft does, and puts the columns back in order."""
        ansi, tz = self.ansi, self.tz
        if side == 1:
            bplan = replace(plan, strategy="broadcast")
            perm = None
        else:
            nl = len(plan.children[0].output)
            jt = "left" if plan.join_type == "right" else plan.join_type
            bplan = replace(plan, join_type=jt, left_keys=plan.right_keys,
                            right_keys=plan.left_keys, children=plan.children[::-1],
                            strategy="broadcast", attrs=plan.attrs[nl:] + plan.attrs[:nl])
            nr = len(plan.attrs) - nl
            perm = list(range(nr, nr + nl)) + list(range(nr))

        def bjoin(split: int, it: Iterator) -> Iterator:
            out = bplan.join(split, it, rows, EvalContext(ansi, tz, split))
            if perm is None:
                return out
            return (b.select(perm) for b in out)

        return MapPartitions(self.hooks.new_rdd_id(), stream, bjoin)

    def _left_semi(self, plan: Any, rows: list, stream: Node) -> Node:
        """A semi/anti join whose left side turned out small: each task of the right side
        (``stream``) tells which left rows its rows match (JoinExec.left_matches), the
        driver ORs the answers and keeps the left rows that matched (semi) or did not
        (anti), as local partitions. Spark has no such join (its BroadcastHashJoin builds a
        semi join's right side only); the answer is the same, and the big right side of
        TPC-H Q4's and Q21's EXISTS is never shuffled."""
        import numpy as np
        import pyarrow as pa

        ansi, tz = self.ansi, self.tz
        attrs = list(plan.children[0].output)
        schema = schema_of(attrs)
        whole = pa.Table.from_batches(rows, schema=schema).combine_chunks().to_batches()
        lb = whole[0] if whole else pa.RecordBatch.from_pylist([], schema=schema)

        def matches(split: int, it: Iterator, io: Any) -> Any:
            return plan.left_matches(lb, it, EvalContext(ansi, tz, split))

        node = TaskFunction(self.hooks.new_rdd_id(), stream, matches)
        masks = [m for part in self.hooks.run_job(node, list, None) for m in part]
        hit = np.logical_or.reduce(masks) if masks else np.zeros(lb.num_rows, dtype=bool)
        out = lb.filter(pa.array(hit if plan.join_type == "semi" else ~hit))
        step = max(1, math.ceil(out.num_rows / max(1, self.min_partitions)))
        parts = [[out.slice(i, step)] for i in range(0, out.num_rows, step)] or [[]]
        return SqlScan(self.hooks.new_rdd_id(), P.LocalTableScanExec(attrs, parts),
                       self.ansi, self.tz)

    def _co_shuffles(self, left: P.PhysicalPlan, right: P.PhysicalPlan) -> tuple[Node, Node]:
        n = max(self._reduce_partitions(left, left.partitioning.num_partitions),  # type: ignore
                self._reduce_partitions(right, right.partitioning.num_partitions))  # type: ignore
        return self._shuffle(left, n), self._shuffle(right, n)

    def _shuffle(self, ex: P.PhysicalPlan, n: int | None = None) -> Node:
        part = ex.partitioning  # type: ignore[attr-defined]
        child_plan = ex.children[0]
        child = self.build(child_plan)
        pos = positions_of(child_plan.output)
        if isinstance(part, SinglePartition):
            n, p = 1, ExprPartitioner("single", [], pos, self.ansi, self.tz)
        elif isinstance(part, RoundRobinPartitioning):
            n = n or part.num_partitions
            p = ExprPartitioner("roundrobin", [], pos, self.ansi, self.tz)
        elif isinstance(part, HashPartitioning):
            n = n or self._reduce_partitions(child_plan, part.num_partitions)
            keys = list(part.keys)
            p = ExprPartitioner("hash", keys, pos, self.ansi, self.tz,
                                RowHashPartitioner(list(range(len(keys)))))
        else:
            assert isinstance(part, RangePartitioning)
            n = n or self._reduce_partitions(child_plan, part.num_partitions)
            exprs = [o.child for o in part.orders]
            sort_keys = [SortKey(f"k{i}", o.ascending, o.nulls_first_effective)
                         for i, o in enumerate(part.orders)]
            inner = None
            if n > 1:
                ansi, tz = self.ansi, self.tz
                samples = self.hooks.run_job(
                    child, lambda it: _sample_keys(it, exprs, pos, ansi, tz), None)
                import pyarrow as pa

                got = [s for s in samples if s is not None]
                sample = pa.concat_tables(got) if got else None
                inner = ArrowRangePartitioner.from_sample(sample, sort_keys, n) \
                    if sample is not None else None
            p = ExprPartitioner("range" if inner else "single", exprs, pos, self.ansi,
                                self.tz, inner)
        spec = ShuffleSpec(self.hooks.new_shuffle_id(), n, data_format=ARROW, partitioner=p)
        node = Shuffled(self.hooks.new_rdd_id(), child, spec)
        if self.hooks.on_shuffle is not None:
            self.hooks.on_shuffle(node, spec.shuffle_id)
        return node
