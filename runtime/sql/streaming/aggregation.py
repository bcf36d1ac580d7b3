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
   HashAggregateExec: averages divided, result types cast); the driver makes them a
   LocalRelation with the aggregate's own output attributes, so the plan above the
   aggregate runs unchanged.

Only aggregates that merge (sum, count, min, max, avg, first, last, bool_and/or...; and the
collecting ones: collect_list, collect_set, min_by, max_by keep lists that concatenate) and
are not DISTINCT can keep state this way; stddev/variance are kept as power sums and
approx_count_distinct as a set (:func:`mergeable_aggregates`); the others are refused at
start() with one line.

Where it runs: step 1 is a job's map stage; steps 2-4 run per state partition in the
executors (state_rdd.py: the partial rows are shuffled by key into the state partitions, and
each task updates its partition's state store, state_store.py, commits the next version and
runs step 5 on the rows it emits); only the finished rows come back to the driver. The
per-partition part is :class:`AggregateStateUpdate`, a picklable callable shipped with the
tasks; :class:`StatefulAggregate` is the driver's side (the operator's state version, its
number of partitions and where each partition ran last).
"""

from __future__ import annotations

from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.aggregate import (
    HashAggregateExec, _group_by_struct_keys, collect_aggregates)
from runtime.sql.execution.operators import LocalTableScanExec, schema_of
from runtime.sql.expressions.aggregates import MERGE, decomposable
from runtime.sql.expressions.base import AggCall, Alias, AttributeReference, Cast, transform_up
from runtime.sql.expressions.registry import BindContext, EvalContext, lookup
from runtime.sql.plan import logical as L
from runtime.sql.streaming.state_rdd import StatefulOperator, info_of, run_stateful, with_info
from runtime.sql.streaming.state_store import PROVIDERS, StateStoreConf, StateStoreId

__all__ = ["AggregateStateUpdate", "StatefulAggregate", "check_aggregate", "derived_ids",
           "merge_partials"]


#: Spark's name of the aggregation buffer field that holds each kind of partial result
_BUFFER_NAMES = {"count": "count", "count_all": "count", "sum": "sum", "min": "min",
                 "max": "max", "first": "first", "last": "last", "all": "min", "any": "max"}


#: partial results kept as lists in the state (merged by concatenating them)
COLLECTED = ("list", "distinct")


def _keeps_state(a: Any) -> bool:
    """Whether the aggregate's partial results can live in the state and merge there."""
    return decomposable(a) or (not a.distinct and all(
        fn in MERGE or fn in COLLECTED for _, fn, _ in a.spec.agg.parts(a)))


#: aggregates whose partial result does not merge, and the mergeable form a streaming
#: state keeps instead: the variances from power sums (covar_samp/covar_pop of x with
#: itself, aggregate_moments.py; a standard deviation is its square root), and
#: approx_count_distinct as the size of the set of values (exact, as the batch form)
_VARIANCES = {"stddev": ("covar_samp", True), "stddev_samp": ("covar_samp", True),
              "stddev_pop": ("covar_pop", True), "variance": ("covar_samp", False),
              "var_samp": ("covar_samp", False), "var_pop": ("covar_pop", False)}


def mergeable_aggregates(exprs: list) -> list:
    """``exprs`` (the aggregate's named outputs) with each aggregate that cannot keep its
    partial result in a state replaced by an equal one that can (same names and ids)."""
    ctx = BindContext()

    def swap(e: Any) -> Any:
        if not isinstance(e, AggCall) or e.distinct:
            return None
        name = e.spec.name
        if name in _VARIANCES:
            fn, root = _VARIANCES[name]
            x = e.children[0]
            out = lookup(fn).bind([x, x], ctx)
            return lookup("sqrt").bind([out], ctx) if root else out
        if name == "approx_count_distinct":
            values = lookup("collect_set").bind([e.children[0]], ctx)
            return Cast((lookup("size").bind([values], ctx),), T.LongType())
        return None

    return [transform_up(e, swap) for e in exprs]


def check_aggregate(agg: L.Aggregate) -> None:
    for a in collect_aggregates(mergeable_aggregates(list(agg.aggregates))):
        if not _keeps_state(a):
            raise AnalysisException(
                f"[STREAMING_AGGREGATE_NOT_SUPPORTED] {a.sql()} is not supported in a "
                "streaming aggregation yet (supported: count, sum, avg, min, max, "
                "first, last, bool_and, bool_or, collect_list, collect_set, min_by, max_by, "
                "stddev, variance, approx_count_distinct...; no DISTINCT).",
                errorClass="STREAMING_AGGREGATE_NOT_SUPPORTED")


def derived_ids(plan: L.LogicalPlan, ids: set[int]) -> set[int]:
    """``ids`` plus the attributes computed from them below ``plan`` (a sliding window's
    generated column, a projection's alias of the event time)."""
    out = set(ids)
    for c in plan.children:
        out |= derived_ids(c, ids)
    if isinstance(plan, L.Generate) and plan.generator.references() & out:
        out |= {a.expr_id for a in plan.gen_output}
    if isinstance(plan, L.Project):
        for e in plan.exprs:
            if isinstance(e, Alias) and e.child.references() & out:
                out.add(e.expr_id)
    return out


def event_time_key(agg: L.Aggregate, event_time_ids: set[int]) -> int | None:
    """The position of the grouping key that carries the watermark, or None."""
    event_time_ids = derived_ids(agg.child, event_time_ids) if event_time_ids else set()
    for i, g in enumerate(agg.groupings):
        refs = g.references() if hasattr(g, "references") else set()
        if isinstance(g, AttributeReference) and g.expr_id in event_time_ids:
            return i
        if refs & event_time_ids and isinstance(g.dtype, (T.StructType, T.TimestampType)):
            return i
    return None


class StatefulAggregate(StatefulOperator):
    """The driver's side of one streaming aggregation (see the module doc)."""

    operator_name = "stateStoreSave"  # its name in the progress' stateOperators

    def __init__(self, op_id: int, agg: L.Aggregate, event_time_ids: set[int],
                 state_dir: str, num_partitions: int,
                 conf: StateStoreConf = StateStoreConf()):
        check_aggregate(agg)
        self.op_id = op_id
        self.agg = agg
        self.node = agg
        self.key_count = len(agg.groupings)
        self.wm_key = event_time_key(agg, event_time_ids)
        self.aggregates = mergeable_aggregates(list(agg.aggregates))
        probe = HashAggregateExec(list(agg.groupings), self.aggregates,
                                  (LocalTableScanExec(list(agg.child.output), [[]]),),
                                  "partial")
        self.partial_attrs = probe.output
        self.final = HashAggregateExec(list(agg.groupings), self.aggregates,
                                       (LocalTableScanExec(self.partial_attrs, [[]]),), "finish")
        self.schema = schema_of(self.partial_attrs)
        self._init_state(state_dir, num_partitions, conf)

    @property
    def has_watermark(self) -> bool:
        return self.wm_key is not None

    def runs_no_data_batch(self, mode: str) -> bool:
        return self.has_watermark and mode != "complete"

    @property
    def state_keys(self) -> tuple[int, ...]:
        """The columns of the partial rows that choose their state partition."""
        return tuple(range(self.key_count))

    def _update(self, mode: str, watermark_ms: int, ectx: EvalContext) -> AggregateStateUpdate:
        return AggregateStateUpdate(self.final, self.key_count, self.wm_key, mode,
                                    watermark_ms, self.schema, self.state_dir, self.run_id,
                                    self.version, self.conf, ectx)

    def recorded_schema(self) -> Any:
        """The state schema as Spark records it: each value field named after Spark's
        aggregation buffer (``count``, ``sum``, ``min``...; a count's is not nullable)."""
        import pyarrow as pa

        fields = list(self.schema)
        out = fields[:self.key_count]
        for f, (_name, _src, fn, _k, j, _idx) in zip(fields[self.key_count:],
                                                     self.final._specs):
            name = _BUFFER_NAMES.get(fn, f.name)
            counting = name == "count" and self.final._aggs[j].spec.name == "count"
            out.append(f.with_name(name).with_nullable(f.nullable and not counting))
        return pa.schema(out)

    # -- one batch ----------------------------------------------------------------------------
    def run(self, child_physical: Any, runner: Any, mode: str, watermark_ms: int,
            ectx: EvalContext) -> L.LocalRelation:
        partial = HashAggregateExec(list(self.agg.groupings), self.aggregates,
                                    (child_physical,), "partial")
        tables = run_stateful(runner, partial, self.state_keys, self.partitions,
                              self._update(mode, watermark_ms, ectx), self.locations)
        self.version += 1
        totals = {"numRowsTotal": 0, "numRowsUpdated": 0, "numRowsRemoved": 0}
        for t in tables:
            for k, v in info_of(t)["metrics"].items():
                totals[k] = totals.get(k, 0) + v
        self.metrics = dict(totals, numShufflePartitions=self.partitions,
                            numStateStoreInstances=self.partitions)
        schema = schema_of(self.final.output)
        result = [b for t in tables
                  for b in t.replace_schema_metadata(None).cast(schema).to_batches()
                  if b.num_rows]
        return L.LocalRelation(tuple(self.agg.output), tuple(result))


class AggregateStateUpdate:
    """One state partition's step of a batch, in a task: the partial rows of the batch
    merged into the state store, the emitted rows returned (steps 2-4 of the module doc)."""

    def __init__(self, final: HashAggregateExec, key_count: int, wm_key: int | None,
                 mode: str, watermark_ms: int, schema: Any, state_dir: str, run_id: str,
                 version: int, conf: StateStoreConf, ectx: EvalContext = EvalContext()):
        self.final = final
        self.ectx = ectx
        self.key_count = key_count
        self.wm_key = wm_key
        self.mode = mode
        self.watermark_ms = watermark_ms
        self.schema = schema
        self.state_dir = state_dir
        self.run_id = run_id
        self.version = version
        self.conf = conf

    def __call__(self, split: int, batches: Iterator, executor_id: str) -> Any:
        import pyarrow as pa

        schema = self.schema
        rows = [b for b in batches if b.num_rows]
        fresh = pa.Table.from_batches(rows).cast(schema) if rows else schema.empty_table()
        provider = PROVIDERS.get(StateStoreId(self.state_dir, split, self.run_id), schema,
                                 self.key_count, self.conf)
        store = provider.get_store(self.version)
        mode, wm = self.mode, self.watermark_ms
        late = self.wm_key is not None and wm > 0
        if late:
            fresh = fresh.filter(self._after(fresh, wm))
        merged, touched = self._merge(store.table, fresh)
        keep = self._after(merged, wm) if late and mode != "complete" else None
        if mode == "complete":
            emitted = merged
        elif mode == "update":
            emitted = merged.filter(touched)
        else:
            emitted = merged.filter(_not(keep)) if keep is not None else merged.slice(0, 0)
        store.upsert(merged.filter(touched))
        if keep is not None:
            store.remove_rows(merged.filter(_not(keep)))
        store.commit()
        return with_info(self._finish(emitted), executor_id, store.metrics())

    def _finish(self, emitted: Any) -> Any:
        """The emitted partial rows as the aggregate's output rows (step 5)."""
        import pyarrow as pa

        out_schema = schema_of(self.final.output)
        if emitted.num_rows == 0:
            return out_schema.empty_table()
        return pa.Table.from_batches(
            list(self.final.run(0, iter(emitted.combine_chunks().to_batches()), self.ectx)),
            schema=out_schema)

    def _after(self, table: Any, watermark_ms: int) -> Any:
        """Rows whose event-time key is later than the watermark (the others are late)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        col = table.column(self.wm_key)
        if pa.types.is_struct(col.type):
            col = pc.struct_field(col, [1])  # a window: its end
        limit = pa.scalar(watermark_ms * 1000, pa.timestamp("us", tz="UTC")).cast(col.type)
        return pc.fill_null(pc.greater(col, limit), True)

    def _merge(self, old: Any, fresh: Any) -> tuple[Any, Any]:
        """State rows and the batch's partial rows merged per key; and per merged row,
        whether the batch touched it (a boolean array). Each partial merges with its
        MERGE function (sum of counts, min of mins...); a collected one (collect_list's
        list, collect_set's distinct values, min_by/max_by's lists) concatenates the lists
        of its group's rows (keeping the distinct values for a set)."""
        import numpy as np
        import pyarrow as pa

        if fresh.num_rows == 0:
            return old, pa.array(np.zeros(old.num_rows, dtype=bool))
        both = pa.concat_tables([old, fresh.cast(old.schema)]).combine_chunks()
        flag = pa.array(np.arange(both.num_rows) >= old.num_rows)
        return merge_partials(self.final, both, self.key_count, flag)


def merge_partials(final: HashAggregateExec, both: Any, n: int, flag: Any) -> tuple[Any, Any]:
    """The rows of ``both`` (``n`` key columns, then the partial results of ``final``'s
    aggregates) merged per key, in ``both``'s schema; and per merged row, whether a row
    ``flag`` marks is in it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cols: dict[str, Any] = {f"k{i}": both.column(i) for i in range(n)}
    specs: list[tuple] = []
    out_names: list[str | None] = []  # per partial: its merged column, None: collected
    for offset, (_name, _src, fn, k, j, _idx) in enumerate(final._specs):
        col = f"p{offset}"
        if fn in COLLECTED:
            out_names.append(None)
            continue
        cols[col] = both.column(n + offset)
        merge = MERGE[fn]
        if fn in ("count", "count_all"):
            opts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)
        elif merge in ("first", "last"):
            opts = final._options(j, k)
        else:
            opts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=1)
        specs.append((col, merge, opts) if opts is not None else (col, merge))
        out_names.append(f"{col}_{merge}")
    cols["__upd"] = flag
    specs.append(("__upd", "max"))
    if None in out_names:
        cols["__row"] = pa.array(np.arange(both.num_rows, dtype=np.int64))
        specs.append(("__row", "list"))
    keys = [f"k{i}" for i in range(n)]
    if not keys:
        cols["__g"] = pa.repeat(pa.scalar(0, pa.int8()), both.num_rows)
        keys = ["__g"]
    structs = {k: cols[k] for k in keys if pa.types.is_struct(cols[k].type)}
    if structs:  # a window() key: group by its fields (as the batch aggregate does)
        grouped = _group_by_struct_keys(cols, keys, structs, specs)
    else:
        grouped = pa.table(cols).group_by(keys, use_threads=False).aggregate(specs)
    rows = grouped.column("__row_list").combine_chunks() if None in out_names else None
    arrays = [grouped.column(f"k{i}") for i in range(n)]
    for offset, name in enumerate(out_names):
        if name is not None:
            arrays.append(grouped.column(name))
        else:
            fn = final._specs[offset][2]
            arrays.append(_concat_lists(both.column(n + offset).combine_chunks(), rows,
                                        distinct=fn == "distinct"))
    fixed = [a.cast(f.type) if a.type != f.type else a for a, f in zip(arrays, both.schema)]
    merged = pa.Table.from_arrays(fixed, schema=both.schema)
    return merged, grouped.column("__upd_max").combine_chunks()


def _concat_lists(lists: Any, rows: Any, distinct: bool) -> Any:
    """Per group, the concatenation of ``lists`` at the group's row numbers (``rows``: one
    list of row numbers per group); with ``distinct``, each value once."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    order = pc.list_flatten(rows)
    groups = np.asarray(pc.list_parent_indices(rows))
    taken = lists.take(order)
    lens = np.asarray(pc.fill_null(pc.list_value_length(taken), 0), dtype=np.int64)
    values = pc.list_flatten(taken)
    ngroups = len(rows)
    if distinct and len(values):
        owner = np.repeat(groups, lens)
        t = pa.table({"g": pa.array(owner), "v": values}).group_by(
            ["g", "v"], use_threads=False).aggregate([])
        t = t.sort_by("g")  # stable: first appearance within a group
        values = t.column("v").combine_chunks()
        totals = np.bincount(np.asarray(t.column("g")), minlength=ngroups)
    else:
        totals = np.bincount(groups, weights=lens, minlength=ngroups).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(totals)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _not(mask: Any) -> Any:
    import pyarrow.compute as pc

    return pc.invert(mask)
