"""``orderBy(...).limit(n)`` as Spark runs it: ``TakeOrderedAndProject``.

A global sort followed by a limit does not need the whole sorted result: each partition
keeps its own first ``n`` rows in the sort order (a running top-n: every incoming batch is
sorted together with the rows kept so far and cut to ``n``), those few rows go to one
partition, and the same top-n there gives the answer. No range-partitioning sample job, no
shuffle of every row. The planner emits a local ``TakeOrderedExec`` per partition, an
Exchange to a single partition, and a final one (which also applies the projection of
``orderBy(...).select(...).limit(n)``, when there is one); explain shows the three as
Spark's single ``TakeOrderedAndProject(limit=n, orderBy=[...], output=[...])``.

Sorting is sort.py's (Spark's NULL and NaN ordering); ties keep their input order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.operators import (
    PhysicalPlan, _expr_str, positions_of, schema_of)
from runtime.sql.execution.sort import sort_indices
from runtime.sql.expressions.base import Alias
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan.logical import _order

__all__ = ["TakeOrderedExec"]


@dataclass(eq=False)
class TakeOrderedExec(PhysicalPlan):
    n: int
    orders: list
    children: tuple
    project: list | None = None  # the final one's output expressions (None: its input)

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._out = list(self.children[0].output) if self.project is None else \
            [e.to_attribute() if isinstance(e, Alias) else e for e in self.project]

    @property
    def output(self) -> list:
        return self._out

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        schema = schema_of(self.children[0].output)
        kept = None
        for b in batches:
            if not b.num_rows:
                continue
            t = pa.Table.from_batches([b], schema=schema) if kept is None else \
                pa.concat_tables([kept, pa.Table.from_batches([b], schema=schema)])
            t = t.combine_chunks()
            if t.num_rows > 1 and self.n > 0:
                t = t.take(sort_indices(t, self.orders, self._pos, ectx)[:self.n])
            kept = t.slice(0, max(self.n, 0))
        if kept is None or not kept.num_rows:
            return
        batch = kept.combine_chunks().to_batches()[0]
        if self.project is None:
            yield batch
            return
        out_schema = schema_of(self._out)
        cols = []
        for e, f in zip(self.project, out_schema):
            v = materialize(evaluate(e, batch, self._pos, ectx), batch.num_rows)
            cols.append(v if v.type == f.type else v.cast(f.type))
        yield pa.RecordBatch.from_arrays(cols, schema=out_schema)

    def node_name(self) -> str:
        return "TakeOrderedAndProject"

    def arg_string(self) -> str:
        orders = ",".join(_order(o) for o in self.orders)
        out = ",".join(_expr_str(a) for a in self._out)
        return f"(limit={self.n}, orderBy=[{orders}], output=[{out}])"
