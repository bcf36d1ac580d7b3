"""Streaming deduplication: ``dropDuplicates`` (and ``distinct``) and
``dropDuplicatesWithinWatermark`` on a stream, with their keys in a state store.

Spark's StreamingDeduplicateExec and StreamingDeduplicateWithinWatermarkExec, per micro-batch:

1. the operator's child runs over the batch's new rows as stages on the runtime, and its rows
   are shuffled by the hash of the keys into the state partitions (state_rdd.py), each one
   a task next to its state store (state_store.py);
2. in the task, late rows are dropped: when the child's output carries a watermarked
   event-time column, a row whose event time is at or before the batch's watermark is too
   late (Spark's ``eventTime <= watermark``), whether or not that column is a key;
3. the first row of each key that is not in the state is emitted and its key put in the
   state; later rows of a key (in this batch or a later one) are dropped;
4. eviction, after the batch's rows: ``dropDuplicates`` removes the keys whose event-time key
   column (when one of the keys is the watermarked column) is at or before the watermark;
   without that, its state grows for ever, as Spark's. ``dropDuplicatesWithinWatermark``
   stores with each key the time it expires (the first row's event time plus the
   watermark's delay) and removes the keys whose expiry is at or before the watermark.

State rows (the StateStore's layout): the key columns ``k0..kn`` (struct keys kept whole,
grouped by their fields) and, within the watermark, ``expiresAt`` (timestamp, microseconds).
Steps 2-4 are :class:`DedupStateUpdate`, a picklable callable shipped with the tasks;
:class:`StatefulDeduplicate` is the driver's side (the state version, the number of
partitions, where each partition ran last).

The result of a batch is a LocalRelation of the emitted rows with the operator's own output
attributes (the child's), so the plan above the operator runs unchanged. Metrics follow
Spark's progress fields (``dedupe`` / ``dedupeWithinWatermark``): numRowsTotal,
numRowsUpdated (keys added), numRowsRemoved (keys evicted), numRowsDroppedByWatermark.
"""

from __future__ import annotations

from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.execution.operators import schema_of
from runtime.sql.expressions.base import AttributeReference
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan import logical as L
from runtime.sql.streaming.aggregation import derived_ids
from runtime.sql.streaming.relation import DeduplicateWithinWatermark
from runtime.sql.streaming.state_rdd import StatefulOperator, info_of, run_stateful, with_info
from runtime.sql.streaming.state_store import (
    PROVIDERS, StateStoreConf, StateStoreId)

__all__ = ["DedupStateUpdate", "StatefulDeduplicate", "dedup_keys", "total_metrics"]

_BIG = 2 ** 62


def dedup_keys(node: L.LogicalPlan) -> list[AttributeReference]:
    """The key attributes of a Deduplicate, DeduplicateWithinWatermark or Distinct node."""
    if isinstance(node, L.Distinct):
        return list(node.child.output)
    return list(node.keys)  # type: ignore[attr-defined]


class StatefulDeduplicate(StatefulOperator):
    """The driver's side of one streaming deduplication (see the module doc)."""

    def __init__(self, op_id: int, node: L.LogicalPlan, watermarks: list, state_dir: str,
                 num_partitions: int, conf: StateStoreConf = StateStoreConf()):
        import pyarrow as pa

        self.op_id = op_id
        self.node = node
        self.within = isinstance(node, DeduplicateWithinWatermark)
        self.operator_name = "dedupeWithinWatermark" if self.within else "dedupe"
        child_out = list(node.child.output)
        keys = dedup_keys(node)
        ids = [a.expr_id for a in child_out]
        self.key_positions = tuple(ids.index(k.expr_id) for k in keys)
        self.event_col: int | None = None  # the watermarked column in the child's output
        self.delay_ms = 0
        for w in watermarks:
            derived = derived_ids(node.child, {w.event_time.expr_id})
            for i, a in enumerate(child_out):
                if a.expr_id in derived and isinstance(a.dtype, T.TimestampType):
                    self.event_col, self.delay_ms = i, w.delay_ms
                    break
            if self.event_col is not None:
                break
        self.evict_key: int | None = None  # dropDuplicates: the key that is the event time
        if not self.within and self.event_col is not None:
            evt = child_out[self.event_col].expr_id
            for j, k in enumerate(keys):
                if k.expr_id == evt:
                    self.evict_key = j
        fields = [pa.field(f"k{j}", f.type) for j, f in enumerate(schema_of(keys))]
        if self.within:
            fields.append(pa.field("expiresAt", pa.timestamp("us", tz="UTC")))
        self.key_count = len(keys)
        self.schema = pa.schema(fields)
        self.input_schema = schema_of(child_out)
        self._init_state(state_dir, num_partitions, conf)

    @property
    def has_watermark(self) -> bool:
        return self.event_col is not None

    # -- one batch ----------------------------------------------------------------------------
    def run(self, child_physical: Any, runner: Any, mode: str, watermark_ms: int,
            ectx: EvalContext) -> L.LocalRelation:
        import pyarrow as pa

        update = DedupStateUpdate(self, watermark_ms)
        tables = run_stateful(runner, child_physical, self.key_positions, self.partitions,
                              update, self.locations)
        self.version += 1
        self.metrics = dict(total_metrics(tables), numShufflePartitions=self.partitions,
                            numStateStoreInstances=self.partitions)
        out = pa.concat_tables([t.replace_schema_metadata(None).cast(self.input_schema)
                                for t in tables]).combine_chunks()
        attrs = tuple(self.node.output)
        if out.num_rows == 0:
            return L.LocalRelation(attrs, ())
        return L.LocalRelation(attrs, tuple(b for b in out.to_batches() if b.num_rows))


class DedupStateUpdate:
    """One state partition's step of a batch, in a task (steps 2-4 of the module doc):
    the batch's rows of the partition in, the rows to emit out."""

    def __init__(self, op: StatefulDeduplicate, watermark_ms: int):
        self.key_positions = op.key_positions
        self.key_count = op.key_count
        self.within = op.within
        self.event_col = op.event_col
        self.evict_key = op.evict_key
        self.delay_ms = op.delay_ms
        self.schema = op.schema
        self.input_schema = op.input_schema
        self.state_dir = op.state_dir
        self.run_id = op.run_id
        self.version = op.version
        self.conf = op.conf
        self.watermark_ms = watermark_ms

    def __call__(self, split: int, batches: Iterator, executor_id: str) -> Any:
        import pyarrow as pa

        rows = [b for b in batches if b.num_rows]
        new = pa.Table.from_batches(rows).cast(self.input_schema) if rows \
            else self.input_schema.empty_table()
        provider = PROVIDERS.get(StateStoreId(self.state_dir, split, self.run_id),
                                 self.schema, self.key_count, self.conf)
        store = provider.get_store(self.version)
        wm = self.watermark_ms
        dropped = 0
        if self.event_col is not None and wm > 0 and new.num_rows:
            before = new.num_rows
            new = new.filter(_after(new.column(self.event_col), wm))
            dropped = before - new.num_rows
        positions, added = self.novel(store.table, self.state_rows(new))
        store.upsert(added)
        if wm > 0 and (self.within or self.evict_key is not None):
            state = store.table
            if state.num_rows:
                col = state.column(self.key_count if self.within else self.evict_key)
                store.remove_rows(state.filter(pc_invert(_after(col, wm))))
        store.commit()
        emitted = new.take(pa.array(positions, pa.int64()))
        return with_info(emitted, executor_id,
                         dict(store.metrics(), numRowsDroppedByWatermark=dropped))

    def state_rows(self, new: Any) -> Any:
        """The new rows in the state's layout (keys, then the expiry within the watermark)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        cols = [new.column(p) for p in self.key_positions]
        if self.within:
            evt = new.column(self.event_col).cast(pa.timestamp("us", tz="UTC"))
            cols.append(pc.add(evt, pa.scalar(self.delay_ms * 1000, pa.duration("us"))))
        return pa.Table.from_arrays(cols, schema=self.schema)

    def novel(self, old: Any, fresh: Any) -> tuple[list[int], Any]:
        """(the positions in ``fresh`` of the first row of each key not in ``old``, in order;
        those rows)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if fresh.num_rows == 0:
            return [], fresh
        n = self.key_count
        src = pa.concat_arrays([pa.repeat(pa.scalar(0, pa.int8()), old.num_rows),
                                pa.repeat(pa.scalar(1, pa.int8()), fresh.num_rows)])
        pos = pa.concat_arrays([pa.repeat(pa.scalar(_BIG, pa.int64()), old.num_rows),
                                pa.array(range(fresh.num_rows), pa.int64())])
        keys = _flat_keys([pa.concat_arrays([_arr(old.column(j)),
                                             _arr(fresh.column(j).cast(old.schema[j].type))])
                           for j in range(n)])
        cols = {f"g{i}": a for i, a in enumerate(keys)}
        if not keys:
            cols["g"] = pa.repeat(pa.scalar(0, pa.int8()), len(src))
        cols["__src"], cols["__pos"] = src, pos
        grouped = pa.table(cols).group_by([c for c in cols if c[0] == "g"],
                                          use_threads=False).aggregate(
            [("__src", "min"), ("__pos", "min")])
        first = grouped.column("__pos_min").filter(pc.equal(grouped.column("__src_min"), 1))
        take = pc.take(first, pc.sort_indices(first))
        return take.to_pylist(), fresh.take(take)


def total_metrics(tables: list) -> dict[str, int]:
    """The state store metrics of a batch's partitions, summed."""
    totals: dict[str, int] = {}
    for t in tables:
        for k, v in info_of(t)["metrics"].items():
            totals[k] = totals.get(k, 0) + v
    return totals


def _arr(col: Any) -> Any:
    return col.combine_chunks() if hasattr(col, "combine_chunks") else col


def _flat_keys(arrays: list) -> list:
    """Key arrays pyarrow can group by: a struct key as its validity and its fields."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = []
    for a in arrays:
        if pa.types.is_struct(a.type):
            out.append(a.is_valid())
            out.extend(_flat_keys([pc.struct_field(a, [i]) for i in range(a.type.num_fields)]))
        else:
            out.append(a)
    return out


def pc_invert(mask: Any) -> Any:
    import pyarrow.compute as pc

    return pc.invert(mask)


def _after(col: Any, watermark_ms: int) -> Any:
    """Rows whose event time is later than the watermark (a null time is never late)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = pa.scalar(watermark_ms * 1000, pa.timestamp("us", tz="UTC")).cast(col.type)
    return pc.fill_null(pc.greater(col, limit), True)
