"""Streaming session windows: ``groupBy(session_window(ts, gap), keys).agg(...)`` on a stream.

A session of a key is a run of its events each within ``gap`` of the previous one: every
row opens ``[t, t + gap)`` (the gap a literal or a per-row column, Spark's dynamic gap), and
the sessions of a key that overlap or touch merge (``start <= running end``, as the batch
operator runtime/sql/execution/sessions.py merges them). A session can grow and merge with
another in any later batch, so the state keeps, per key, its open sessions with their
partial aggregate buffers; each micro-batch:

1. runs the aggregate's child over the new rows and a partial :class:`HashAggregateExec`
   grouped by the keys and each row's own session (rows with the same key and the same
   ``[t, t + gap)`` are one partial row already);
2. shuffles the partial rows by the other keys into the state partitions (state_rdd.py),
   where per partition (:class:`SessionStateUpdate`, in the executors):
3. drops late rows: with a watermark on the session's time column, a row whose own
   session ends at or before the watermark (Spark's predicate on the session's end);
   they count as ``numRowsDroppedByWatermark``;
4. merges the new rows into the stored sessions, vectorised (no Python step per row):
   both sorted by key, start (the stored row first on a tie); the running maximum of the
   ends restarts per key (a cumulative max over ``dense rank of the end + key index *
   number of ranks``); a row starts a session when its key changes or its start is after
   the running end of the rows before it; ``np.maximum.reduceat`` gives each session's
   end and whether a new row is in it, and one Arrow group-by on the session number merges
   the buffers (aggregation.py's :func:`merge_partials`);
5. writes back only the sessions a new row reached (their stored pieces removed, the
   merged session put), and emits by output mode: ``complete`` every session, ``append``
   the sessions whose end the watermark has passed, which leave the state then. ``update``
   is refused at start() as Spark refuses it, and so is a session window without another
   grouping key (Spark's "Global aggregation with session window").

The task finishes the emitted partial rows (averages divided, result types cast), as for
any streaming aggregation.

State layout: a state partition's rows are the partial aggregate's rows, ``(keys...,
session_window struct<start, end>, buffers...)``, keyed by the keys and the session (Spark's
StreamingSessionWindowStateManager keys a session by the keys and its start, and lists the
starts per key: the same content). Progress metrics are Spark's: ``numRowsUpdated`` counts
the sessions of every key the batch touched (Spark rewrites a touched key's sessions),
``numRowsRemoved`` the stored sessions that merged into one with an earlier start, plus the
sessions evicted in append mode; the operator is ``sessionWindowStateStoreSaveExec``.
"""

from __future__ import annotations

from typing import Any, Iterator

from runtime.sql.errors import AnalysisException
from runtime.sql.execution.aggregate import HashAggregateExec
from runtime.sql.execution.sessions import session_grouping
from runtime.sql.plan import logical as L
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.streaming.aggregation import (
    AggregateStateUpdate, StatefulAggregate, derived_ids, merge_partials)
from runtime.sql.streaming.state_rdd import with_info
from runtime.sql.streaming.state_store import PROVIDERS, StateStoreConf, StateStoreId

__all__ = ["SessionStateUpdate", "StatefulSessionAggregate", "merge_sessions"]

GLOBAL_SESSION_ERROR = "Global aggregation with session window in streaming query is not " \
                       "supported."


class StatefulSessionAggregate(StatefulAggregate):
    """The driver's side of one streaming session window aggregation (see the module doc):
    a streaming aggregation whose state partitions are chosen by the other keys and whose
    per-partition step merges sessions."""

    operator_name = "sessionWindowStateStoreSaveExec"

    def __init__(self, op_id: int, agg: L.Aggregate, event_time_ids: set[int],
                 state_dir: str, num_partitions: int,
                 conf: StateStoreConf = StateStoreConf()):
        groupings = list(agg.groupings)
        self.session_key = session_grouping(groupings)
        self.other_keys = tuple(i for i in range(len(groupings)) if i != self.session_key)
        if not self.other_keys:
            raise AnalysisException(GLOBAL_SESSION_ERROR, errorClass="_LEGACY_ERROR_TEMP_3068")
        ids = derived_ids(agg.child, event_time_ids) if event_time_ids else set()
        self.watermarked = bool(groupings[self.session_key].references() & ids)
        super().__init__(op_id, agg, event_time_ids, state_dir, num_partitions, conf)

    @property
    def has_watermark(self) -> bool:
        return self.watermarked

    @property
    def state_keys(self) -> tuple[int, ...]:
        return self.other_keys

    def _update(self, mode: str, watermark_ms: int, ectx: EvalContext) -> SessionStateUpdate:
        return SessionStateUpdate(self.final, self.key_count, self.session_key, mode,
                                  watermark_ms if self.watermarked else 0, self.schema,
                                  self.state_dir, self.run_id, self.version, self.conf, ectx)


class SessionStateUpdate(AggregateStateUpdate):
    """One state partition's step of a batch, in a task (steps 3-5 of the module doc);
    ``wm_key`` is the session's position, ``watermark_ms`` 0 without a watermark on it."""

    def __call__(self, split: int, batches: Iterator, executor_id: str) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        schema, session = self.schema, self.wm_key
        rows = [b for b in batches if b.num_rows]
        fresh = pa.Table.from_batches(rows).cast(schema) if rows else schema.empty_table()
        fresh = fresh.filter(fresh.column(session).is_valid())  # a NULL time: no session
        dropped = 0
        wm = self.watermark_ms
        if wm > 0 and fresh.num_rows:
            on_time = pc.greater(_ends(fresh, session), wm * 1000)
            dropped = fresh.num_rows - pc.sum(on_time).as_py()
            fresh = fresh.filter(on_time)
        provider = PROVIDERS.get(StateStoreId(self.state_dir, split, self.run_id), schema,
                                 self.key_count, self.conf)
        store = provider.get_store(self.version)
        m = merge_sessions(store.table, fresh, self.key_count, session, self.final)
        store.remove_rows(m.replaced)
        store.upsert(m.sessions.filter(pa.array(m.touched)))
        removed = m.removed
        if self.mode == "complete":
            emitted = m.sessions
        elif wm > 0:  # append: the sessions the watermark passed, out of the state
            emitted = m.sessions.filter(pc.less_equal(_ends(m.sessions, session), wm * 1000))
            store.remove_rows(emitted)
            removed += emitted.num_rows
        else:
            emitted = m.sessions.slice(0, 0)
        store.commit()
        metrics = {"numRowsTotal": store.table.num_rows, "numRowsUpdated": m.updated,
                   "numRowsRemoved": removed, "numRowsDroppedByWatermark": dropped}
        return with_info(self._finish(emitted), executor_id, metrics)


def _ends(table: Any, session_key: int) -> Any:
    """The sessions' ends in microseconds."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.struct_field(table.column(session_key), [1]).cast(pa.int64())


class MergedSessions:
    """What :func:`merge_sessions` gives: ``sessions`` (the state's schema, one row per
    merged session), ``touched`` (per session, whether a new row is in it), ``replaced``
    (the stored rows that are pieces of a touched session), ``updated`` and ``removed``
    (Spark's metrics, see the module doc)."""

    def __init__(self, sessions: Any, touched: Any, replaced: Any, updated: int,
                 removed: int):
        self.sessions = sessions
        self.touched = touched
        self.replaced = replaced
        self.updated = updated
        self.removed = removed


def merge_sessions(old: Any, fresh: Any, key_count: int, session_key: int,
                   final: HashAggregateExec) -> MergedSessions:
    """The stored sessions ``old`` and the batch's partial rows ``fresh`` (same schema)
    merged per key (step 4 of the module doc)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = old.schema
    both = pa.concat_tables([old, fresh]).combine_chunks()
    n = both.num_rows
    if n == 0 or fresh.num_rows == 0:
        return MergedSessions(old, np.zeros(old.num_rows, bool), old.slice(0, 0), 0, 0)
    sess = both.column(session_key)
    cols = _flat_keys(both, [i for i in range(key_count) if i != session_key])
    cols["__s"] = pc.struct_field(sess, [0]).cast(pa.int64())
    cols["__e"] = pc.struct_field(sess, [1]).cast(pa.int64())
    cols["__new"] = pa.array(np.arange(n) >= old.num_rows)
    keys = [c for c in cols if not c.startswith("__")]
    order = pc.sort_indices(pa.table(cols), [(c, "ascending") for c in keys] +
                            [("__s", "ascending"), ("__new", "ascending")])
    both = both.take(order)
    s = cols["__s"].take(order).to_numpy()
    e = cols["__e"].take(order).to_numpy()
    new = cols["__new"].take(order).to_numpy(zero_copy_only=False)
    first_of_key = _key_changes([cols[c].take(order) for c in keys], n)
    gid = np.cumsum(first_of_key) - 1
    ranks, inverse = np.unique(np.concatenate([s, e]), return_inverse=True)
    s_rank, e_rank = inverse[:n], inverse[n:]
    shift = gid * len(ranks)
    running_end = np.maximum.accumulate(e_rank + shift) - shift
    opens = first_of_key.copy()
    opens[1:] |= s_rank[1:] > running_end[:-1]
    firsts = np.flatnonzero(opens)
    sid = np.cumsum(opens) - 1
    ends = np.maximum.reduceat(e, firsts)
    touched = np.maximum.reduceat(new.astype(np.int8), firsts).astype(bool)
    # the buffers merged per session
    keyed = pa.Table.from_arrays([pa.array(sid)] + both.columns[key_count:],
                                 names=["__sid"] + both.column_names[key_count:])
    grouped, _ = merge_partials(final, keyed, 1, pa.array(new))
    grouped = grouped.sort_by("__sid")
    heads = both.take(pa.array(firsts))
    ts_type = sess.type.field(0).type
    merged_sess = pa.StructArray.from_arrays(
        [pa.array(s[firsts]).cast(ts_type), pa.array(ends).cast(ts_type)],
        fields=list(sess.type))
    arrays = [merged_sess if i == session_key else heads.column(i) for i in range(key_count)]
    arrays += grouped.columns[1:]
    fixed = [a.cast(f.type) if a.type != f.type else a for a, f in zip(arrays, schema)]
    sessions = pa.Table.from_arrays(fixed, schema=schema)
    # what changes in the state
    stored_in_touched = ~new & touched[sid]
    replaced = both.filter(pa.array(stored_in_touched))
    removed = int(np.count_nonzero(stored_in_touched & ~opens))
    key_touched = np.zeros(int(gid[-1]) + 1, bool)
    key_touched[gid[firsts][touched]] = True
    updated = int(np.count_nonzero(key_touched[gid[firsts]]))
    return MergedSessions(sessions, touched, replaced, updated, removed)


def _flat_keys(table: Any, positions: list[int]) -> dict[str, Any]:
    """The key columns as sortable arrays (a struct key: its validity and its fields)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[str, Any] = {}
    for i in positions:
        col = table.column(i)
        if pa.types.is_struct(col.type):
            out[f"k{i}_valid"] = col.is_valid()
            for j in range(col.type.num_fields):
                out[f"k{i}_{j}"] = pc.struct_field(col, [j])
        else:
            out[f"k{i}"] = col
    return out


def _key_changes(columns: list[Any], n: int) -> Any:
    """Per row of sorted key columns, whether its key differs from the previous row's
    (NULLs equal to each other, as grouping keys)."""
    import numpy as np
    import pyarrow.compute as pc

    changes = np.zeros(n, dtype=bool)
    changes[0] = True
    for col in columns:
        prev, cur = col.slice(0, n - 1), col.slice(1)
        same = pc.or_(pc.fill_null(pc.equal(prev, cur), False),
                      pc.and_(prev.is_null(), cur.is_null()))
        changes[1:] |= ~np.asarray(same.to_numpy(zero_copy_only=False))
    return changes
