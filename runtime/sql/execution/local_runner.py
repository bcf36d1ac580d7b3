"""The in-process runner: executes a physical plan in the driver, stage by stage.

This is the interim executor of DataFrame jobs until the engine-owned lineage nodes and the
Arrow IPC shuffle are on main (then the planner's stages run as tasks on the executors). It
runs exactly the per-partition functions the distributed runner will ship:

* a partition of a source, then the chain of narrow operators above it, fused: each
  operator's ``run(index, batches, ectx)`` consumes its child's iterator lazily;
* an Exchange is a stage boundary: its child's partitions are computed in full, then
  redistributed in memory (hash, range, round robin or one partition) and cached for the
  operators above, which read partition i of the result;
* a broadcast exchange gathers its child whole, once; joins read a stream partition and the
  broadcast side (or partition i of both shuffled sides);
* ``spark.sql.adaptive.enabled`` (AQE) coalesces shuffle outputs by size (at least one
  partition per ``target_bytes``), so a small groupBy runs one partition, not 200.

State: ``_exchanges`` (exchange node id -> its output partitions), kept for one query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution import operators as P
from runtime.sql.execution.exchange import (
    HashPartitioning, RangePartitioning, RoundRobinPartitioning, SinglePartition)
from runtime.sql.execution.operators import positions_of, schema_of
from runtime.sql.execution.sort import sort_indices
from runtime.sql.execution.tracking import count_rows
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.task_env import InputOutputMetrics

__all__ = ["CachedData", "InMemoryTableScanExec", "LocalRunner"]


class CachedData:
    """A cached DataFrame's partitions (lists of batches), computed on first use."""

    def __init__(self) -> None:
        self.partitions: list | None = None


@dataclass(eq=False)
class InMemoryTableScanExec(P.PhysicalPlan):
    attrs: list
    cache: CachedData
    cached_plan: P.PhysicalPlan
    kind = "source"
    children = ()

    @property
    def output(self) -> list:
        return self.attrs

    @property
    def num_partitions(self) -> int:
        return len(self.cache.partitions or [])

    def read(self, index: int, ectx: EvalContext) -> Iterator[Any]:
        return iter(self.cache.partitions[index])  # type: ignore[index]

    def node_name(self) -> str:
        return "InMemoryTableScan"

    def arg_string(self) -> str:
        return P._attrs(self.attrs)


class LocalRunner:
    def __init__(self, ansi: bool = True, time_zone: str = "UTC", adaptive: bool = True,
                 target_bytes: int = 64 << 20):
        self.ansi = ansi
        self.time_zone = time_zone
        self.adaptive = adaptive
        self.target_bytes = target_bytes
        self._exchanges: dict[int, list] = {}
        self._broadcasts: dict[int, list] = {}
        self.metrics: dict = {}  # operator -> its output-rows metric (tracking.py), per query

    def ectx(self, index: int) -> EvalContext:
        return EvalContext(self.ansi, self.time_zone, index)

    # -- whole results -------------------------------------------------------------------------
    def partitions(self, plan: P.PhysicalPlan) -> list[list[Any]]:
        return [list(self.iterate(plan, i)) for i in range(self.num_partitions(plan))]

    def map_partitions(self, plan: P.PhysicalPlan, func: Any) -> list:
        """``func(split, batches, io)`` per partition of ``plan``, here (scratch metrics)."""
        return [func(i, self.iterate(plan, i), InputOutputMetrics())
                for i in range(self.num_partitions(plan))]

    def num_partitions(self, plan: P.PhysicalPlan) -> int:
        kind = plan.kind
        if kind == "source":
            if isinstance(plan, InMemoryTableScanExec):
                self._ensure_cached(plan)
            return plan.num_partitions  # type: ignore[attr-defined]
        if kind == "exchange":
            return len(self._exchange(plan))
        if kind == "union":
            return sum(self.num_partitions(c) for c in plan.children)
        if kind == "coalesce":
            return max(1, min(plan.num_partitions,  # type: ignore[attr-defined]
                              self.num_partitions(plan.children[0])))
        if kind == "join":  # a shuffled join reads all of both sides in one partition here
            if plan.children[1].kind == "broadcast":
                return self.num_partitions(plan.children[0])
            return 1
        if kind == "setop":
            return 1
        return self.num_partitions(plan.children[0])

    def _ensure_cached(self, plan: InMemoryTableScanExec) -> None:
        if plan.cache.partitions is None:
            plan.cache.partitions = self.partitions(plan.cached_plan)

    # -- one partition ---------------------------------------------------------------------------
    def iterate(self, plan: P.PhysicalPlan, i: int) -> Iterator[Any]:
        """Partition ``i`` of ``plan``; an operator with a metric counts its output rows."""
        metric = self.metrics.get(plan)
        it = self._iterate(plan, i)
        return it if metric is None else count_rows(it, metric)

    def _iterate(self, plan: P.PhysicalPlan, i: int) -> Iterator[Any]:
        kind = plan.kind
        if kind == "source":
            if isinstance(plan, InMemoryTableScanExec):
                self._ensure_cached(plan)
            return plan.read(i, self.ectx(i))  # type: ignore[attr-defined]
        if kind == "exchange":
            return iter(self._exchange(plan)[i])
        if kind == "union":
            names = [a.name for a in plan.output]
            for c in plan.children:
                n = self.num_partitions(c)
                if i < n:  # batches take the union's names (a child's may differ)
                    return (b if b.schema.names == names else b.rename_columns(names)
                            for b in self.iterate(c, i))
                i -= n
            raise IndexError(i)
        if kind == "coalesce":
            child = plan.children[0]
            n_in, n_out = self.num_partitions(child), self.num_partitions(plan)
            lo, hi = n_in * i // n_out, n_in * (i + 1) // n_out
            return (b for j in range(lo, hi) for b in self.iterate(child, j))
        if kind == "join":
            left, right = plan.children
            if right.kind == "broadcast":
                build = self._broadcast(right)
                stream = self.iterate(left, i)
            else:
                build = [b for p in self.partitions(right) for b in p]
                stream = iter([b for p in self.partitions(left) for b in p])
            return plan.join(i, stream, build, self.ectx(i))  # type: ignore
        if kind == "setop":
            left, right = plan.children
            return plan.combine(list(self.iterate(left, 0)),  # type: ignore[attr-defined]
                                list(self.iterate(right, 0)), self.ectx(0))
        return plan.run(i, self.iterate(plan.children[0], i), self.ectx(i))

    def _broadcast(self, plan: P.PhysicalPlan) -> list:
        key = id(plan)
        if key not in self._broadcasts:
            child = plan.children[0]
            self._broadcasts[key] = [b for p in self.partitions(child) for b in p]
            if plan in self.metrics:
                self.metrics[plan].add(sum(b.num_rows for b in self._broadcasts[key]))
        return self._broadcasts[key]

    # -- exchanges -----------------------------------------------------------------------------
    def _exchange(self, plan: P.PhysicalPlan) -> list:
        key = id(plan)
        if key in self._exchanges:
            return self._exchanges[key]
        import pyarrow as pa

        child = plan.children[0]
        attrs = child.output
        batches = [b for p in self.partitions(child) for b in p if b.num_rows]
        part = plan.partitioning  # type: ignore[attr-defined]
        table = pa.Table.from_batches(batches, schema=schema_of(attrs)) if batches else None
        n = part.num_partitions
        if table is None or table.num_rows == 0:
            out: list = [[] for _ in range(1 if self.adaptive or
                                           isinstance(part, SinglePartition) else n)]
        elif isinstance(part, SinglePartition):
            out = [table.combine_chunks().to_batches()]
        else:
            if self.adaptive and not isinstance(part, RoundRobinPartitioning):
                n = max(1, min(n, math.ceil(table.nbytes / self.target_bytes)))
            out = self._split(table, part, n, attrs)
        self._exchanges[key] = out
        return out

    def _split(self, table: Any, part: Any, n: int, attrs: list) -> list:
        import pyarrow as pa
        import pyarrow.compute as pc

        rows = table.num_rows
        if n == 1:
            if isinstance(part, RangePartitioning):
                table = table.take(sort_indices(table, list(part.orders), positions_of(attrs),
                                                self.ectx(0)))
            return [table.combine_chunks().to_batches()]
        if isinstance(part, RangePartitioning):
            table = table.take(sort_indices(table, list(part.orders), positions_of(attrs),
                                            self.ectx(0)))
            return [table.slice(rows * j // n, rows * (j + 1) // n - rows * j // n)
                    .combine_chunks().to_batches() for j in range(n)]
        if isinstance(part, RoundRobinPartitioning):
            ids = pc.cast(pa.array(range(rows), pa.int64()), pa.int64())
        else:
            assert isinstance(part, HashPartitioning)
            batch = table.combine_chunks().to_batches()[0]
            ids = None
            for k in part.keys:
                v = materialize(evaluate(k, batch, positions_of(attrs), self.ectx(0)), rows)
                codes = pc.cast(pc.fill_null(pc.dictionary_encode(v).indices, -1), pa.int64())
                ids = codes if ids is None else pc.add(pc.multiply(ids, 1000003), codes)
            if ids is None:
                ids = pa.repeat(pa.scalar(0, pa.int64()), rows)
        bucket = pc.cast(pc.abs(pc.divide(ids, 1)), pa.int64())
        bucket = pc.subtract(bucket, pc.multiply(pc.divide(bucket, n), n))
        out = []
        for j in range(n):
            out.append(table.filter(pc.equal(bucket, j)).combine_chunks().to_batches())
        return out
