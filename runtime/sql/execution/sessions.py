"""Session windows in a batch aggregation: ``groupBy(session_window(ts, gap), keys)``.

The sessions of the rows with the same other keys merge: sorted by start, a row's session
whose start is at or before the current session's end joins it (``end`` = the latest end),
as Spark's MergingSessionsIterator. :class:`MergeSessionsExec` does this per partition
after a hash exchange on the other keys (so all rows of a key meet in one task): it appends
the merged session of each row as a new column (rows without a session, NULL time or no
positive gap, are dropped), and :func:`plan_session_aggregate` groups by that column instead
of the expression. The scan over the sorted sessions is a Python loop (one step per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.aggregate import HashAggregateExec
from runtime.sql.execution.exchange import HashPartitioning, ShuffleExchangeExec, SinglePartition
from runtime.sql.execution.operators import PhysicalPlan, positions_of, schema_of
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Expression, debug_sql, transform_up)
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.expressions.session_window import is_session_window

__all__ = ["MergeSessionsExec", "plan_session_aggregate", "session_grouping"]


@dataclass(eq=False)
class MergeSessionsExec(PhysicalPlan):
    """Rows of a partition (all rows of their other grouping keys) with their merged session
    appended as ``attr``; rows without a session are dropped."""

    keys: list  # the other grouping expressions
    session: Expression  # the session_window call
    attr: AttributeReference
    children: tuple
    kind = "narrow"

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.children[0].output) + [self.attr]

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        attrs = list(self.children[0].output)
        rows = [b for b in batches if b.num_rows]
        if not rows:
            return
        table = pa.Table.from_batches(rows).combine_chunks()
        batch = table.to_batches()[0]
        pos = positions_of(attrs)
        own = materialize(evaluate(self.session, batch, pos, ectx), batch.num_rows)
        keep = own.is_valid()
        batch, own = batch.filter(keep), own.filter(keep)
        if batch.num_rows == 0:
            return
        cols = {f"k{i}": materialize(evaluate(k, batch, pos, ectx), batch.num_rows)
                for i, k in enumerate(self.keys)}
        start = pc.struct_field(own, [0]).cast(pa.int64())
        end = pc.struct_field(own, [1]).cast(pa.int64())
        cols["__s"], cols["__e"] = start, end
        cols["__row"] = pa.array(np.arange(batch.num_rows, dtype=np.int64))
        t = pa.table(cols)
        order = t.sort_by([(c, "ascending") for c in cols if c.startswith("k")] +
                          [("__s", "ascending")])
        s = order.column("__s").to_numpy()
        e = order.column("__e").to_numpy()
        same = np.ones(len(s), dtype=bool)  # the row's other keys equal the previous row's
        same[0] = False
        for i in range(len(self.keys)):
            k = order.column(f"k{i}").combine_chunks()
            prev, cur = k.slice(0, len(k) - 1), k.slice(1)
            eq = pc.fill_null(pc.equal(prev, cur), False)
            both_null = pc.and_(prev.is_null(), cur.is_null())
            same[1:] &= np.asarray(pc.or_(eq, both_null).to_numpy(zero_copy_only=False))
        sess_start = np.empty(len(s), np.int64)
        sess_id = np.empty(len(s), np.int64)
        ends: list[int] = []
        cur_start = cur_end = 0
        for i in range(len(s)):  # a linear scan over the sorted sessions
            if same[i] and s[i] <= cur_end:
                cur_end = max(cur_end, int(e[i]))
                ends[-1] = cur_end
            else:
                cur_start, cur_end = int(s[i]), int(e[i])
                ends.append(cur_end)
            sess_start[i] = cur_start
            sess_id[i] = len(ends) - 1
        final_end = np.asarray(ends, np.int64)[sess_id]
        rows_of = order.column("__row").to_numpy()
        out_s = np.empty(len(s), np.int64)
        out_e = np.empty(len(s), np.int64)
        out_s[rows_of], out_e[rows_of] = sess_start, final_end
        ts_type = own.type.field(0).type
        merged = pa.StructArray.from_arrays(
            [pa.array(out_s).cast(ts_type), pa.array(out_e).cast(ts_type)],
            names=["start", "end"])
        schema = schema_of(self.output)
        yield pa.RecordBatch.from_arrays(list(batch.columns) + [merged], schema=schema)

    def node_name(self) -> str:
        return "MergingSessions"

    def arg_string(self) -> str:
        return f"[{', '.join(debug_sql(k) for k in self.keys)}], {debug_sql(self.session)}"


def session_grouping(groupings: list) -> int | None:
    """The position of a session_window(...) grouping expression, or None."""
    for i, g in enumerate(groupings):
        if is_session_window(g.children[0] if isinstance(g, Alias) else g):
            return i
    return None


def replace_session(exprs: list, session: Expression, attr: AttributeReference) -> list:
    """``exprs`` with the session_window call replaced by the merged session column."""
    text = debug_sql(session)

    def swap(x: Expression) -> Expression | None:
        return attr if is_session_window(x) and debug_sql(x) == text else None

    return [transform_up(e, swap) for e in exprs]


def plan_session_aggregate(groupings: list, aggregates: list, child: PhysicalPlan, i: int,
                           shuffle_partitions: int) -> PhysicalPlan:
    """The physical plan of an Aggregate whose grouping ``i`` is a session_window call."""
    g = groupings[i]
    session = g.children[0] if isinstance(g, Alias) else g
    attr = AttributeReference("session_window", session.dtype, False)
    others = [x for j, x in enumerate(groupings) if j != i]
    part = HashPartitioning(tuple(others), shuffle_partitions) if others else SinglePartition()
    merged = MergeSessionsExec(others, session, attr, (ShuffleExchangeExec(part, (child,)),))
    new_groupings = replace_session(list(groupings), session, attr)
    new_aggs = replace_session(list(aggregates), session, attr)
    return HashAggregateExec(new_groupings, new_aggs, (merged,))
