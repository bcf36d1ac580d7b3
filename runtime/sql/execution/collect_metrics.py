"""``df.observe(...)``'s metrics, aggregated while the action's own rows flow (Spark's
CollectMetricsExec).

``CollectMetricsExec`` is a narrow operator: its partition's batches pass through unchanged,
and each one, as it passes, is aggregated into a partial result of the metric expressions
(a one-row batch: the partial aggregate's state when every metric's aggregate merges,
else the batch's columns the metrics read). The partial results go into ``sink``: an
accumulator made for this run of the query (:func:`attach`), so they travel with each
successful task's result and the driver merges them, as any accumulator's updates; in the
in-process runner a plain :class:`LocalSink`. When the job is over, :func:`publish` finishes
the aggregation over every partial result on the driver (the final mode of the same
aggregate; over no rows at all a global aggregate still gives its one row: count 0) and hands
the metrics' one row to the node's ``publish``.

Only the rows that pass are counted: a partition a ``show()``/``take`` never runs adds
nothing, and below a ``LocalLimit`` of ``n`` (``limit`` here, set by :func:`attach`) only the
first ``n`` rows of the partition count, as Spark counts rows one at a time. One job, the
input read once: a nondeterministic input's metrics agree with the rows the action returned.

State: ``sink`` (None until :func:`attach`), ``limit`` (None: every row), ``_partial`` (the
partial aggregate run per batch, or None when some metric does not merge: then the batches
themselves, narrowed to the columns read, are the partial results and the driver aggregates
them completely).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from runtime.sql import types as T
from runtime.sql.arrow_types import batch_to_rows
from runtime.sql.execution.aggregate import HashAggregateExec, collect_aggregates
from runtime.sql.execution.operators import PhysicalPlan, ProjectExec, _attrs
from runtime.sql.expressions.aggregates import decomposable
from runtime.sql.expressions.registry import EvalContext

__all__ = ["BatchListParam", "CollectMetricsExec", "LocalSink", "attach", "publish"]


@dataclass(eq=False)
class _Input(PhysicalPlan):
    """Stands for an aggregate's input columns (the real child never travels twice)."""
    attrs: list
    children = ()

    @property
    def output(self) -> list:
        return self.attrs


class BatchListParam:
    """The accumulator parameter of a metrics sink: lists of partial-result batches."""

    def zero(self, value: Any) -> list:
        return []

    def addInPlace(self, a: list, b: list) -> list:
        return a + b


class LocalSink:
    """A sink for the in-process runner (an accumulator's ``add`` and ``value``)."""

    def __init__(self) -> None:
        self.value: list = []

    def add(self, term: list) -> None:
        self.value = self.value + term


@dataclass(eq=False)
class CollectMetricsExec(PhysicalPlan):
    name: str
    metrics: list  # named aggregate expressions over the child's output
    publish_to: Any  # callable(dict) on the driver
    children: tuple
    sink: Any = None
    limit: int | None = None

    def __post_init__(self) -> None:
        child = self.children[0].output
        aggs = collect_aggregates(list(self.metrics))
        self._partial = None
        if aggs and all(decomposable(a) for a in aggs):
            self._partial = HashAggregateExec([], list(self.metrics), (_Input(child),),
                                              "partial")
        needed = set().union(*(m.references() for m in self.metrics)) if self.metrics \
            else set()
        self._read = [i for i, a in enumerate(child) if a.expr_id in needed]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["publish_to"] = None  # a driver-side callback: tasks never call it
        return state

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        if self.sink is None:  # not run by a QueryExecution (a streaming batch): no metrics
            yield from batches
            return
        seen = 0
        for batch in batches:
            counted = batch
            if self.limit is not None:
                counted = batch.slice(0, max(0, min(batch.num_rows, self.limit - seen)))
            if counted.num_rows:
                seen += counted.num_rows
                self.sink.add([self._state(counted, ectx)])
            yield batch

    def _state(self, batch: Any, ectx: EvalContext) -> Any:
        import pyarrow as pa

        if self._partial is not None:
            out = list(self._partial.run(0, iter([batch]), ectx))
            return pa.Table.from_batches(out).combine_chunks().to_batches()[0]
        return pa.RecordBatch.from_arrays([batch.column(i) for i in self._read],
                                          [batch.schema.names[i] for i in self._read])

    def final(self, parts: list, ectx: EvalContext) -> Any:
        """The metrics' one-row batch from every partial result."""
        child = self.children[0].output
        if self._partial is not None:
            agg = HashAggregateExec([], list(self.metrics), (_Input(self._partial.output),),
                                    "final")
        else:
            agg = HashAggregateExec([], list(self.metrics),
                                    (_Input([child[i] for i in self._read]),))
        return list(agg.run(0, iter(parts), ectx))[0]

    def node_name(self) -> str:
        return "CollectMetrics"

    def arg_string(self) -> str:
        return f"{self.name}, {_attrs(list(self.metrics))}"


def _walk(plan: PhysicalPlan) -> Iterator[PhysicalPlan]:
    yield plan
    for c in plan.children:
        yield from _walk(c)


def attach(physical: PhysicalPlan, new_sink: Callable[[], Any]) -> list:
    """Give each CollectMetricsExec of ``physical`` a fresh sink (and the limit of a
    LocalLimit right above it, through projections); the operators, for :func:`publish`."""
    found = []
    for op in _walk(physical):
        if isinstance(op, CollectMetricsExec):
            op.sink = new_sink()
            op.limit = None
            found.append(op)
    for op in _walk(physical):
        if op.node_name() == "LocalLimit":
            below = op.children[0]
            while isinstance(below, ProjectExec):
                below = below.children[0]
            if isinstance(below, CollectMetricsExec):
                below.limit = op.n + op.offset  # type: ignore[attr-defined]
    return found


def publish(ops: list, ectx: EvalContext) -> None:
    """Finish the metrics of each operator :func:`attach` returned and publish their row
    (a dict of Python values, as ``Row.asDict``)."""
    for op in ops:
        parts = [b for b in op.sink.value if b.num_rows]
        attrs = [m.to_attribute() for m in op.metrics]
        schema = T.StructType([T.StructField(a.name, a.dtype, a.nullable) for a in attrs])
        row = batch_to_rows(op.final(parts, ectx), schema)[0]
        op.sink.value = []
        op.publish_to(row.asDict(recursive=False))
