"""The logical leaves and markers of a streaming query, and the per-batch substitution.

A streaming DataFrame is an ordinary resolved logical plan with a :class:`StreamingRelation`
leaf per source: the source object and the attributes it produces (their expression ids stay
the same for the whole query, so the plan analyzed once at ``readStream.load()`` is reused for
every micro-batch). ``withWatermark`` wraps its child in :class:`EventTimeWatermark` (the event
time attribute and the delay), a marker that passes rows through.
``dropDuplicatesWithinWatermark`` is the :class:`DeduplicateWithinWatermark` node (streaming
only; dedup.py runs it).

For one micro-batch, :func:`substitute` replaces every StreamingRelation by the leaf its source
gives for the batch's offset range (a LocalRelation of rows, or a FileRelation of the new
files) with the same attributes, and drops the watermark markers: the result is a batch plan
the ordinary optimizer, planner and runner execute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from runtime.sql.expressions.base import AttributeReference
from runtime.sql.plan import logical as L
from runtime.sql.plan.logical import _attrs

__all__ = ["DeduplicateWithinWatermark", "EventTimeWatermark", "StreamingRelation", "find", "is_streaming", "substitute"]


@dataclass(frozen=True, eq=False)
class StreamingRelation(L.LogicalPlan):
    source: Any  # a runtime.sql.streaming.sources.Source
    attrs: tuple
    children: tuple = ()

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_name(self) -> str:
        return "StreamingRelation"

    def arg_string(self) -> str:
        return f"{self.source.description()}, {_attrs(list(self.attrs))}"


@dataclass(frozen=True, eq=False)
class EventTimeWatermark(L.LogicalPlan):
    event_time: AttributeReference
    delay_ms: int
    delay_text: str
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def arg_string(self) -> str:
        return f"{self.event_time.debug()}, {self.delay_text}"


@dataclass(frozen=True, eq=False)
class DeduplicateWithinWatermark(L.Deduplicate):
    """``dropDuplicatesWithinWatermark(keys)``: a Deduplicate whose keys expire with the
    watermark; streaming only (batch DataFrames refuse it where it is made)."""


def find(plan: L.LogicalPlan, kind: type) -> list:
    """The nodes of that type in the plan, left to right (pre-order)."""
    out = [plan] if isinstance(plan, kind) else []
    for c in plan.children:
        out.extend(find(c, kind))
    return out


def is_streaming(plan: L.LogicalPlan) -> bool:
    return bool(find(plan, StreamingRelation))


def substitute(plan: L.LogicalPlan, leaf_for: Callable[[StreamingRelation], L.LogicalPlan],
               replace: Callable[[L.LogicalPlan], L.LogicalPlan | None] | None = None
               ) -> L.LogicalPlan:
    """The plan with each StreamingRelation replaced by ``leaf_for(it)``, watermark markers
    removed, and any node for which ``replace(node)`` gives a plan replaced by that plan."""
    if replace is not None:
        got = replace(plan)
        if got is not None:
            return got
    if isinstance(plan, StreamingRelation):
        return leaf_for(plan)
    if isinstance(plan, EventTimeWatermark):
        return substitute(plan.child, leaf_for, replace)
    if not plan.children:
        return plan
    return plan.with_children(tuple(substitute(c, leaf_for, replace) for c in plan.children))
