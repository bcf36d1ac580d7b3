"""Stream-stream joins: Spark's symmetric hash join, with both sides' rows in state stores.

For ``left.join(right, condition, how)`` where both sides are streams, each micro-batch:

1. both children run over their new rows; their rows are tagged with their side (``__side``
   0 or 1), given the equi-join key values (``__k0..``, the ``l = r`` conjuncts of the
   condition) and shuffled together by those keys into the state partitions (one union
   input of state_rdd.py), so partition ``p`` holds both sides' rows of its keys;
2. in partition ``p``'s task (:class:`JoinStateUpdate`), late rows are dropped: a side whose
   output carries a watermarked event-time column drops rows at or before the watermark;
3. the new rows of each side are joined with everything the other side holds (its state and
   its new rows): the pairs that have at least one new row, filtered by the whole condition,
   are emitted (inner), or, for a left semi join, each left row at its first match;
4. the new rows join their side's state, and every row that found a match (new or stored)
   is marked ``matched``;
5. eviction: a side's rows that no future row of the other side can match leave the state.
   With a time-range condition (``rt >= lt`` and ``rt <= lt + interval 15 seconds``, as
   conjuncts comparing the two sides' watermarked columns plus or minus interval
   constants), the left rows with ``lt <= watermark + lower bound`` and the right rows with
   ``rt <= watermark + its own bound`` go; when the event-time columns are join keys, rows at
   or before the watermark go. For an outer join, the evicted rows of the outer side(s) that
   never matched are emitted padded with NULLs (Spark: only once the watermark passes them).

Without a usable watermark a side's state grows for ever (inner joins; outer joins are
refused at start() by checks.py, as Spark's).

State per side and partition (``state/<op>/left/<p>``, ``state/<op>/right/<p>``): rows
``__uid`` (the store's key: batch version and row number), ``__matched``, the key values,
then the side's columns. The watermark is the query's (the minimum of the inputs'
watermarks, Spark's default multipleWatermarkPolicy).
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.joins import join_batches
from runtime.sql.execution.operators import schema_of
from runtime.sql.execution.planner import and_all, equi_keys, split_conjuncts
from runtime.sql.expressions.base import Alias, AttributeReference, Call, Cast, Literal
from runtime.sql.expressions.binding import cast_to
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan import logical as L
from runtime.sql.streaming.aggregation import derived_ids
from runtime.sql.streaming.dedup import total_metrics
from runtime.sql.streaming.state_rdd import StatefulOperator, run_stateful, with_info
from runtime.sql.streaming.state_store import PROVIDERS, StateStoreConf, StateStoreId

__all__ = ["JoinStateUpdate", "StatefulStreamJoin", "range_bounds"]

_INTERVAL = (T.DayTimeIntervalType,)
_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


# -- the time-range condition ------------------------------------------------------------------
def _linear(e: Any) -> tuple[str, dict, float] | None:
    """``e`` as (unit, {expr_id: coefficient}, constant) when it is timestamps and constants
    added and subtracted: unit ``us`` for timestamps plus intervals (constants in
    microseconds), ``s`` for timestamps cast to numbers plus numbers (seconds); else None."""
    if isinstance(e, AttributeReference):
        return ("us", {e.expr_id: 1}, 0) if isinstance(e.dtype, T.TimestampType) else None
    if isinstance(e, Literal) and e.value is not None:
        v = e.value
        if isinstance(e.dtype, _INTERVAL):
            return ("us", {}, v.total_seconds() * 1e6 if hasattr(v, "total_seconds") else v)
        if isinstance(e.dtype, T.NumericType) and not isinstance(v, bool):
            return ("s", {}, float(v))
        return None
    if isinstance(e, Alias):
        return _linear(e.children[0])
    if not isinstance(e, (Call, Cast)):
        return None
    name = "cast" if isinstance(e, Cast) else e.spec.name
    opts = dict(e.options) if getattr(e, "options", None) else {}
    if name in ("cast", "try_cast") and len(e.children) == 1:
        inner = _linear(e.children[0])
        if inner is None:
            return None
        if isinstance(e.dtype, T.TimestampType):
            return inner
        if isinstance(e.dtype, T.NumericType) and inner[0] == "us":  # seconds since epoch
            return ("s", inner[1], inner[2] / 1e6)
        return inner if isinstance(e.dtype, T.NumericType) else None
    symbol = opts.get("symbol", name)
    if symbol in ("+", "-") and len(e.children) == 2:
        a, b = (_linear(c) for c in e.children)
        if a is None or b is None:
            return None
        if a[0] != b[0]:
            return None
        sign = -1 if symbol == "-" else 1
        terms = dict(a[1])
        for k, v in b[1].items():
            terms[k] = terms.get(k, 0) + sign * v
        return (a[0], {k: v for k, v in terms.items() if v}, a[2] + sign * b[2])
    return None


def range_bounds(condition: Any, left_time: int, right_time: int) -> tuple[int | None,
                                                                        int | None]:
    """From the conjuncts ``lt - rt (>|>=|<|<=) c`` of the condition: (lower bound of
    ``lt - rt``, upper bound of ``lt - rt``) in microseconds, None where unbounded."""
    lo = hi = None
    for c in split_conjuncts(condition):
        if not isinstance(c, Call) or c.spec.name not in _FLIP or len(c.children) != 2:
            continue
        a, b = (_linear(x) for x in c.children)
        if a is None or b is None or a[0] != b[0]:
            continue
        terms = dict(a[1])  # a - b (op) 0
        for k, v in b[1].items():
            terms[k] = terms.get(k, 0) - v
        terms = {k: v for k, v in terms.items() if v}
        const = a[2] - b[2]
        op = c.spec.name
        if terms == {left_time: 1, right_time: -1}:  # lt - rt + const (op) 0
            pass
        elif terms == {left_time: -1, right_time: 1}:  # flip sides: lt - rt - const (op') 0
            const, op = -const, _FLIP[op]
        else:
            continue
        bound = int(round(-const * (1e6 if a[0] == "s" else 1)))  # lt - rt (op) bound
        if op in (">", ">="):
            lo = bound if lo is None else max(lo, bound)
        else:
            hi = bound if hi is None else min(hi, bound)
    return lo, hi


def _event_column(plan: L.LogicalPlan, watermarks: list) -> int | None:
    out = list(plan.output)
    for w in watermarks:
        derived = derived_ids(plan, {w.event_time.expr_id})
        for i, a in enumerate(out):
            if a.expr_id in derived and isinstance(a.dtype, T.TimestampType):
                return i
    return None


# -- the operator ------------------------------------------------------------------------------
class StatefulStreamJoin(StatefulOperator):
    """The driver's side of one stream-stream join (see the module doc)."""

    operator_name = "symmetricHashJoin"

    def __init__(self, op_id: int, join: L.Join, watermarks: list, state_dir: str,
                 num_partitions: int, conf: StateStoreConf = StateStoreConf()):
        import pyarrow as pa

        self.op_id = op_id
        self.node = join
        self.join_type = join.join_type
        left, right = list(join.left.output), list(join.right.output)
        self.left_attrs, self.right_attrs = left, right
        lk, rk, residual = equi_keys(join)
        if not lk:
            raise AnalysisException(
                "Stream-stream join without equality predicate is not supported.;\n" +
                join.tree_string().rstrip("\n"))
        self.left_keys, self.right_keys = lk, rk
        self.residual = and_all(residual)
        self.left_event = _event_column(join.left, watermarks)
        self.right_event = _event_column(join.right, watermarks)
        # eviction: a side's rows go when its event time <= watermark + bound
        self.left_bound: int | None = None
        self.right_bound: int | None = None
        if self.left_event is not None and self.right_event is not None:
            lt, rt = left[self.left_event].expr_id, right[self.right_event].expr_id
            for a, b in zip(lk, rk):
                if isinstance(a, AttributeReference) and isinstance(b, AttributeReference) \
                        and a.expr_id == lt and b.expr_id == rt:
                    self.left_bound = self.right_bound = 0
            lo, hi = range_bounds(join.condition, lt, rt)
            if lo is not None:  # lt >= rt + lo, future rt > wm: lt <= wm + lo never matches
                self.left_bound = lo if self.left_bound is None else max(self.left_bound, lo)
            if hi is not None:  # rt >= lt - hi, future lt > wm: rt <= wm - hi never matches
                self.right_bound = -hi if self.right_bound is None \
                    else max(self.right_bound, -hi)
        self.key_types = [a.dtype for a in lk]
        key_fields = [pa.field(f"__k{i}", f.type)
                      for i, f in enumerate(schema_of(_key_attrs(lk)))]
        meta = [pa.field("__uid", pa.int64()), pa.field("__matched", pa.bool_())]
        self.left_schema = pa.schema(meta + key_fields + list(schema_of(left)))
        self.right_schema = pa.schema(meta + key_fields + list(schema_of(right)))
        self._init_state(state_dir, num_partitions, conf)
        self.input_attrs: list = []

    @property
    def has_watermark(self) -> bool:
        return self.left_bound is not None or self.right_bound is not None

    key_count = 1  # of :attr:`schema`: the row id

    @property
    def schema(self) -> Any:
        """Both sides' state rows as one schema (the checkpoint's state schema check)."""
        import pyarrow as pa

        fields = [self.left_schema.field(0)]
        for side, sch in (("left", self.left_schema), ("right", self.right_schema)):
            fields += [f.with_name(f"{side}.{f.name}") for f in list(sch)[1:]]
        return pa.schema(fields)

    def state_roots(self) -> list[str]:
        return [os.path.join(self.state_dir, "left"), os.path.join(self.state_dir, "right")]

    def input_plan(self, children: list[L.LogicalPlan]) -> L.LogicalPlan:
        """Both sides' new rows as one input: side, key values, left columns, right columns
        (NULL on the other side's rows)."""
        left, right = children
        keys = len(self.left_keys)
        names = ["__side"] + [f"__k{i}" for i in range(keys)]
        lnull = [Alias((Literal(None, a.dtype),), a.name) for a in self.left_attrs]
        rnull = [Alias((Literal(None, a.dtype),), a.name) for a in self.right_attrs]

        def proj(side: int, keys_of: list, plan: L.LogicalPlan, body: list) -> L.Project:
            head = [Alias((Literal(side, T.ByteType()),), names[0])]
            head += [Alias((cast_to(k, t),), names[1 + i])
                     for i, (k, t) in enumerate(zip(keys_of, self.key_types))]
            return L.Project(tuple(head + body), (plan,))

        lp = proj(0, self.left_keys, left, list(self.left_attrs) + rnull)
        rp = proj(1, self.right_keys, right, lnull + list(self.right_attrs))
        union = L.Union((lp, rp))
        self.input_attrs = list(union.output)
        return union

    # -- one batch ----------------------------------------------------------------------------
    def run(self, child_physical: Any, runner: Any, mode: str, watermark_ms: int,
            ectx: EvalContext) -> L.LocalRelation:
        import pyarrow as pa

        update = JoinStateUpdate(self, watermark_ms, ectx)
        keys = tuple(range(1, 1 + len(self.left_keys)))
        tables = run_stateful(runner, child_physical, keys, self.partitions, update,
                              self.locations)
        self.version += 1
        self.metrics = dict(total_metrics(tables), numShufflePartitions=self.partitions,
                            numStateStoreInstances=self.partitions * 4)
        attrs = tuple(self.node.output)
        schema = schema_of(list(attrs))
        out = pa.concat_tables([t.replace_schema_metadata(None).cast(schema)
                                for t in tables]).combine_chunks()
        if out.num_rows == 0:
            return L.LocalRelation(attrs, ())
        return L.LocalRelation(attrs, tuple(b for b in out.to_batches() if b.num_rows))


def _key_attrs(keys: list) -> list[AttributeReference]:
    return [AttributeReference(f"__k{i}", k.dtype) for i, k in enumerate(keys)]


class JoinStateUpdate:
    """One state partition's step of a batch, in a task (steps 2-5 of the module doc)."""

    def __init__(self, op: StatefulStreamJoin, watermark_ms: int, ectx: EvalContext):
        self.join_type = op.join_type
        self.left_attrs, self.right_attrs = op.left_attrs, op.right_attrs
        self.left_keys, self.right_keys = op.left_keys, op.right_keys
        self.residual = op.residual
        self.left_event, self.right_event = op.left_event, op.right_event
        self.left_bound, self.right_bound = op.left_bound, op.right_bound
        self.left_schema, self.right_schema = op.left_schema, op.right_schema
        self.out_schema = schema_of(list(op.node.output))
        self.state_dir, self.run_id, self.version = op.state_dir, op.run_id, op.version
        self.conf = op.conf
        self.watermark_ms = watermark_ms
        self.ectx = ectx

    def _store(self, side: str, split: int, schema: Any) -> Any:
        sid = StateStoreId(os.path.join(self.state_dir, side), split, self.run_id)
        return PROVIDERS.get(sid, schema, 1, self.conf).get_store(self.version)

    def __call__(self, split: int, batches: Iterator, executor_id: str) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        rows = [b for b in batches if b.num_rows]
        table = pa.Table.from_batches(rows).combine_chunks() if rows else None
        nk = len(self.left_keys)
        nl = len(self.left_attrs)
        wm = self.watermark_ms
        dropped = 0
        sides = []
        for s, (schema, event, first, width) in enumerate(
                ((self.left_schema, self.left_event, 1 + nk, nl),
                 (self.right_schema, self.right_event, 1 + nk + nl, len(self.right_attrs)))):
            if table is None:
                new = schema.empty_table().drop_columns(["__uid", "__matched"])
            else:
                mine = table.filter(pc.equal(table.column(0), s))
                cols = [mine.column(i) for i in range(1, 1 + nk)] + \
                    [mine.column(first + j) for j in range(width)]
                new = pa.Table.from_arrays(cols, schema=pa.schema(list(schema)[2:]))
            if event is not None and wm > 0 and new.num_rows:
                before = new.num_rows
                new = new.filter(_after(new.column(nk + event), wm))
                dropped += before - new.num_rows
            sides.append(new)
        lstore = self._store("left", split, self.left_schema)
        rstore = self._store("right", split, self.right_schema)
        uid0 = (self.version + 1) << 32
        alls = []
        for new, store, schema in ((sides[0], lstore, self.left_schema),
                                   (sides[1], rstore, self.right_schema)):
            n = new.num_rows
            fresh = pa.Table.from_arrays(
                [pa.array(np.arange(uid0, uid0 + n, dtype=np.int64)),
                 pa.array(np.zeros(n, dtype=bool))] + list(new.columns), schema=schema)
            old = store.table
            both = pa.concat_tables([old.cast(schema), fresh]).combine_chunks()
            is_new = np.concatenate([np.zeros(old.num_rows, bool), np.ones(n, bool)])
            alls.append((both, is_new))
        (lall, lnew), (rall, rnew) = alls
        lid, rid = self._pairs(lall, rall, nk)
        keep = lnew[lid] | rnew[rid] if len(lid) else np.zeros(0, bool)
        plid, prid = lid[keep], rid[keep]
        out = []
        if self.join_type == "semi":
            was = np.asarray(lall.column("__matched").to_numpy(zero_copy_only=False), bool)
            first = np.unique(plid)
            first = first[~was[first]]
            out.append(self._rows(lall, first, nk, None, None))
        elif len(plid):
            out.append(self._rows(lall, plid, nk, rall, prid))
        lmatched = _matched(lall, lid)
        rmatched = _matched(rall, rid)
        lall = lall.set_column(1, "__matched", pa.array(lmatched))
        rall = rall.set_column(1, "__matched", pa.array(rmatched))
        removed = 0
        for all_, store, event, bound, outer, flag in (
                (lall, lstore, self.left_event, self.left_bound,
                 self.join_type in ("left", "full"), lmatched),
                (rall, rstore, self.right_event, self.right_bound,
                 self.join_type in ("right", "full"), rmatched)):
            changed = all_.filter(pa.array(flag | _is_new(all_, uid0)))
            store.upsert(changed)
            if event is None or bound is None or all_.num_rows == 0:
                continue
            limit = wm * 1000 + bound
            col = all_.column(2 + nk + event)
            gone = pc.fill_null(pc.less_equal(_micros(col), limit), False)
            gone_rows = all_.filter(gone)
            if gone_rows.num_rows:
                store.remove_rows(gone_rows)
                removed += gone_rows.num_rows
                if outer:
                    lonely = np.nonzero(np.asarray(gone) & ~flag)[0]
                    if len(lonely):
                        if store is lstore:
                            out.append(self._rows(lall, lonely, nk, None, None, pad="right"))
                        else:
                            out.append(self._rows(None, None, nk, rall, lonely, pad="left"))
        updated = sum(int(x) for x in (lnew.sum(), rnew.sum()))
        lstore.commit()
        rstore.commit()
        total = lstore.table.num_rows + rstore.table.num_rows
        result = pa.concat_tables(out) if out else self.out_schema.empty_table()
        return with_info(result, executor_id,
                         {"numRowsTotal": total, "numRowsUpdated": updated,
                          "numRowsRemoved": removed, "numRowsDroppedByWatermark": dropped})

    def _pairs(self, lall: Any, rall: Any, nk: int) -> tuple[Any, Any]:
        """Row numbers of the matching (left, right) pairs under the whole condition."""
        import numpy as np

        lo = list(self.left_attrs) + [_POS_L]
        ro = list(self.right_attrs) + [_POS_R]
        lb = _side_batch(lall, nk, len(self.left_attrs), _POS_L)
        rb = _side_batch(rall, nk, len(self.right_attrs), _POS_R)
        schema = schema_of(lo + ro)
        joined = join_batches(lb, rb, lo, ro, self.left_keys, self.right_keys, self.residual,
                              "inner", schema, self.ectx)
        lid = joined.column(len(lo) - 1).to_numpy(zero_copy_only=False)
        rid = joined.column(len(lo) + len(ro) - 1).to_numpy(zero_copy_only=False)
        return np.asarray(lid, np.int64), np.asarray(rid, np.int64)

    def _rows(self, lall: Any, lid: Any, nk: int, rall: Any, rid: Any,
              pad: str | None = None) -> Any:
        """Output rows: left columns then right columns (NULLs for a padded side)."""
        import pyarrow as pa

        cols = []
        n = len(lid) if lid is not None else len(rid)
        if self.join_type == "semi":
            sel = lall.take(pa.array(lid, pa.int64()))
            cols = [sel.column(2 + nk + j) for j in range(len(self.left_attrs))]
        else:
            for all_, ids, width in ((lall, lid, len(self.left_attrs)),
                                     (rall, rid, len(self.right_attrs))):
                if ids is None:
                    start = len(cols)
                    cols.extend(pa.nulls(n, self.out_schema[start + j].type)
                                for j in range(width))
                else:
                    sel = all_.take(pa.array(ids, pa.int64()))
                    cols.extend(sel.column(2 + nk + j) for j in range(width))
        fixed = [c.cast(f.type) for c, f in zip(cols, self.out_schema)]
        return pa.Table.from_arrays(fixed, schema=self.out_schema)


_POS_L = AttributeReference("__lpos", T.LongType(), False)
_POS_R = AttributeReference("__rpos", T.LongType(), False)


def _side_batch(all_: Any, nk: int, width: int, pos: AttributeReference) -> Any:
    import numpy as np
    import pyarrow as pa

    cols = [all_.column(2 + nk + j).combine_chunks() for j in range(width)]
    cols.append(pa.array(np.arange(all_.num_rows, dtype=np.int64)))
    names = [f"c{j}" for j in range(width)] + [pos.name]
    t = pa.Table.from_arrays(cols, names=names).combine_chunks()
    batches = t.to_batches()
    return batches[0] if batches else pa.RecordBatch.from_arrays(cols, names=names)


def _matched(all_: Any, ids: Any) -> Any:
    import numpy as np

    flag = np.asarray(all_.column("__matched").to_numpy(zero_copy_only=False), bool).copy()
    if len(ids):
        flag[np.unique(ids)] = True
    return flag


def _is_new(all_: Any, uid0: int) -> Any:
    import numpy as np

    return np.asarray(all_.column("__uid").to_numpy(), np.int64) >= uid0


def _micros(col: Any) -> Any:
    import pyarrow as pa

    return col.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())


def _after(col: Any, watermark_ms: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = pa.scalar(watermark_ms * 1000, pa.timestamp("us", tz="UTC")).cast(col.type)
    return pc.fill_null(pc.greater(col, limit), True)
