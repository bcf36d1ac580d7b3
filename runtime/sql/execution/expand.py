"""``ExpandExec``: every input row once per projection (Spark's ExpandExec), narrow.

Rollup, cube and grouping sets run as an Expand (one projection per grouping set: the
grouping columns that the set leaves out are NULL, plus the set's ``spark_grouping_id``)
under the usual partial/final hash aggregate; unpivot is an Expand with one projection per
value column. Rows come out in Spark's order: all projections of input row 0, then of row 1,
and so on (unpivot's output order depends on it). Each projection is evaluated on the whole
batch with the vectorized kernels; the interleaving is one ``take`` with indices computed by
numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.operators import PhysicalPlan, _attrs, positions_of, schema_of
from runtime.sql.expressions.base import AttributeReference, Literal
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext

__all__ = ["ExpandExec"]


@dataclass(eq=False)
class ExpandExec(PhysicalPlan):
    projections: tuple
    attrs: list
    children: tuple

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._schema = schema_of(self.attrs)

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa

        offset = 0
        m = len(self.projections)
        for b in batches:
            n = b.num_rows
            ctx = EvalContext(ectx.ansi, ectx.time_zone, index, offset)
            offset += n
            parts = []
            for proj in self.projections:
                cols = []
                for e, f in zip(proj, self._schema):
                    v = materialize(evaluate(e, b, self._pos, ctx), n)
                    cols.append(v if v.type == f.type else v.cast(f.type))
                parts.append(pa.RecordBatch.from_arrays(cols, schema=self._schema))
            if not n or not m:
                continue
            table = pa.Table.from_batches(parts, schema=self._schema)
            idx = np.arange(n * m, dtype=np.int64)
            order = (idx % m) * n + idx // m
            yield from table.take(pa.array(order)).combine_chunks().to_batches()

    def node_name(self) -> str:
        return "Expand"

    def arg_string(self) -> str:
        return "[" + ", ".join("[" + ", ".join(
            "null" if isinstance(e, Literal) and e.value is None else _attrs([e])[1:-1]
            for e in p) + "]" for p in self.projections) + "], " + _attrs(self.attrs)
