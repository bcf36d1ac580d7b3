"""Streaming aggregation: the batch's partial aggregates merged into a state store.

For a query ``...groupBy(keys).agg(...)`` over a stream, each micro-batch:

1. runs the aggregate's child over the batch's new rows as stages on the runtime, ending in
   a partial :class:`HashAggregateExec` per partition (the same operator as a batch
   aggregation's map side), so the executors reduce the new rows to one partial row per key;
2. drops late keys: with a watermark on the event-time grouping key (the column itself or a
   window over it), keys at or before the batch's watermark are too late (Spark's
   ``eventTime <= watermark``; for a window its end);
3. merges the partial rows into the state (per state partition: the stored partial rows and
   the new ones, grouped by key with each aggregate's merge function: sum of counts and sums,
   min of mins...), remembering which keys the batch touched;
4. emits by output mode: ``complete`` every key, ``update`` the touched keys, ``append`` the
   keys the watermark has passed (which leave the state then); ``update`` also evicts keys
   behind the watermark, without emitting them;
5. finishes the emitted partial rows into the aggregate's output (the final
   HashAggregateExec: averages divided, result types cast) as a LocalRelation with the
   aggregate's own output attributes, so the plan above the aggregate runs unchanged.

Only aggregates that merge (sum, count, min, max, avg, first, last, bool_and/or...) and are
not DISTINCT can keep state this way; the others are refused at start() with one line. The
state lives in the driver (a StateStore, snapshotted under the checkpoint per batch); the
executors compute the partial aggregates.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.aggregate import (
    HashAggregateExec, _group_by_struct_keys, collect_aggregates)
from runtime.sql.execution.operators import LocalTableScanExec, schema_of
from runtime.sql.expressions.aggregates import MERGE, decomposable
from runtime.sql.expressions.base import Alias, AttributeReference
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan import logical as L
from runtime.sql.streaming.state_store import StateStore

__all__ = ["StatefulAggregate", "check_aggregate"]


def check_aggregate(agg: L.Aggregate) -> None:
    for a in collect_aggregates(list(agg.aggregates)):
        if not decomposable(a):
            raise AnalysisException(
                f"[STREAMING_AGGREGATE_NOT_SUPPORTED] {a.sql()} is not supported in a "
                "streaming aggregation yet (supported: count, sum, avg, min, max, "
                "first, last, bool_and, bool_or; no DISTINCT).",
                errorClass="STREAMING_AGGREGATE_NOT_SUPPORTED")


def _derived(plan: L.LogicalPlan, ids: set[int]) -> set[int]:
    """``ids`` plus the attributes computed from them below ``plan`` (a sliding window's
    generated column, a projection's alias of the event time)."""
    out = set(ids)
    for c in plan.children:
        out |= _derived(c, ids)
    if isinstance(plan, L.Generate) and plan.generator.references() & out:
        out |= {a.expr_id for a in plan.gen_output}
    if isinstance(plan, L.Project):
        for e in plan.exprs:
            if isinstance(e, Alias) and e.child.references() & out:
                out.add(e.expr_id)
    return out


def event_time_key(agg: L.Aggregate, event_time_ids: set[int]) -> int | None:
    """The position of the grouping key that carries the watermark, or None."""
    event_time_ids = _derived(agg.child, event_time_ids) if event_time_ids else set()
    for i, g in enumerate(agg.groupings):
        refs = g.references() if hasattr(g, "references") else set()
        if isinstance(g, AttributeReference) and g.expr_id in event_time_ids:
            return i
        if refs & event_time_ids and isinstance(g.dtype, (T.StructType, T.TimestampType)):
            return i
    return None


class StatefulAggregate:
    def __init__(self, op_id: int, agg: L.Aggregate, event_time_ids: set[int],
                 state_dir: str | None, num_partitions: int):
        check_aggregate(agg)
        self.op_id = op_id
        self.agg = agg
        self.key_count = len(agg.groupings)
        self.wm_key = event_time_key(agg, event_time_ids)
        probe = HashAggregateExec(list(agg.groupings), list(agg.aggregates),
                                  (LocalTableScanExec(list(agg.child.output), [[]]),),
                                  "partial")
        self.partial_attrs = probe.output
        self.final = HashAggregateExec(list(agg.groupings), list(agg.aggregates),
                                       (LocalTableScanExec(self.partial_attrs, [[]]),), "final")
        self.store = StateStore(state_dir, num_partitions, schema_of(self.partial_attrs),
                                self.key_count)
        self.metrics: dict[str, int] = {}

    @property
    def has_watermark(self) -> bool:
        return self.wm_key is not None

    # -- one batch ----------------------------------------------------------------------------
    def run(self, child_physical: Any, runner: Any, mode: str, watermark_ms: int,
            ectx: EvalContext) -> L.LocalRelation:
        import pyarrow as pa

        partial = HashAggregateExec(list(self.agg.groupings), list(self.agg.aggregates),
                                    (child_physical,), "partial")
        schema = schema_of(self.partial_attrs)
        batches = [b for part in runner.partitions(partial) for b in part]
        new = pa.Table.from_batches(batches, schema=schema) if batches \
            else schema.empty_table()
        if self.wm_key is not None and watermark_ms > 0:
            new = new.filter(self._after(new, watermark_ms))
        emitted, tables, changed = [], [], []
        updated = removed = 0
        for p, (old, fresh) in enumerate(zip(self.store.tables, self.store.split(new))):
            merged, flags = self._merge(old, fresh)
            updated += sum(flags)
            keep = None
            if self.wm_key is not None and watermark_ms > 0 and mode != "complete":
                keep = self._after(merged, watermark_ms)
            if mode == "complete":
                emitted.append(merged)
            elif mode == "update":
                emitted.append(merged.filter(pa.array(flags, pa.bool_())))
            else:
                emitted.append(merged.filter(_not(keep)) if keep is not None
                               else merged.slice(0, 0))
            if keep is not None:
                before = merged.num_rows
                merged = merged.filter(keep)
                removed += before - merged.num_rows
            tables.append(merged)
            changed.append(bool(fresh.num_rows) or merged.num_rows != old.num_rows)
        self.store.commit(self.store.version + 1, tables, changed)
        self.metrics = {"numRowsTotal": sum(t.num_rows for t in tables),
                        "numRowsUpdated": updated, "numRowsRemoved": removed,
                        "numShufflePartitions": self.store.num_partitions,
                        "numStateStoreInstances": self.store.num_partitions}
        out = pa.concat_tables(emitted).combine_chunks()
        attrs = tuple(self.agg.output)
        if out.num_rows == 0:
            return L.LocalRelation(attrs, ())
        result = list(self.final.run(0, iter(out.to_batches()), ectx))
        return L.LocalRelation(attrs, tuple(result))

    def _after(self, table: Any, watermark_ms: int) -> Any:
        """Rows whose event-time key is later than the watermark (the others are late)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        col = table.column(self.wm_key)
        if pa.types.is_struct(col.type):
            col = pc.struct_field(col, [1])  # a window: its end
        limit = pa.scalar(watermark_ms * 1000, pa.timestamp("us", tz="UTC")).cast(col.type)
        return pc.fill_null(pc.greater(col, limit), True)

    def _merge(self, old: Any, fresh: Any) -> tuple[Any, list[bool]]:
        """State rows and the batch's partial rows merged per key; and per merged row,
        whether the batch touched it."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if fresh.num_rows == 0:
            return old, [False] * old.num_rows
        both = pa.concat_tables([old, fresh.cast(old.schema)])
        flag = pa.array([False] * old.num_rows + [True] * fresh.num_rows)
        n = self.key_count
        cols: dict[str, Any] = {f"k{i}": both.column(i) for i in range(n)}
        specs: list[tuple] = []
        for offset, (_name, _src, fn, k, j, _idx) in enumerate(self.final._specs):
            col = f"p{offset}"
            cols[col] = both.column(n + offset)
            merge = MERGE[fn]
            if fn in ("count", "count_all"):
                opts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)
            elif merge in ("first", "last"):
                opts = self.final._options(j, k)
            else:
                opts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=1)
            specs.append((col, merge, opts) if opts is not None else (col, merge))
        cols["__upd"] = flag
        specs.append(("__upd", "max"))
        keys = [f"k{i}" for i in range(n)]
        if not keys:
            cols["__g"] = pa.repeat(pa.scalar(0, pa.int8()), both.num_rows)
            keys = ["__g"]
        structs = {k: cols[k] for k in keys if pa.types.is_struct(cols[k].type)}
        if structs:  # a window() key: group by its fields (as the batch aggregate does)
            grouped = _group_by_struct_keys(cols, keys, structs, specs)
        else:
            grouped = pa.table(cols).group_by(keys, use_threads=False).aggregate(specs)
        arrays = [grouped.column(f"k{i}") for i in range(n)]
        for offset, spec in enumerate(specs[:-1]):
            arrays.append(grouped.column(f"p{offset}_{spec[1]}"))
        fixed = [a.cast(f.type) if a.type != f.type else a for a, f in zip(arrays, old.schema)]
        merged = pa.Table.from_arrays(fixed, schema=old.schema)
        return merged, grouped.column("__upd_max").to_pylist()


def _not(mask: Any) -> Any:
    import pyarrow.compute as pc

    return pc.invert(mask)
