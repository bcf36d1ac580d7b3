"""Size estimates of physical plans, for the adaptive decisions of the lineage runner.

* :func:`estimate`: the bytes of a plan's inputs (files, local rows, a range's ids, a
  cache), summed over its sources (a semi/anti join: its left side only). AQE gives an
  exchange over less than the minimum partition size one reducer at once.
* :func:`build_estimate`: which side of a shuffled join AQE tries first as its broadcast
  side (lineage_runner.py): the same guesses a planner without statistics makes.
* :func:`grouped`: is a plan a grouped aggregate under projections and filters (an ``IN
  (SELECT k ... GROUP BY k HAVING ...)`` subquery, which usually keeps few rows)?

Guesses only decide the order of work, never an answer.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.execution import operators as P
from runtime.sql.execution.local_runner import InMemoryTableScanExec
from runtime.sql.expressions.base import Call

__all__ = ["build_estimate", "estimate", "grouped"]


def estimate(plan: P.PhysicalPlan) -> int:
    if isinstance(plan, P.LocalTableScanExec):
        return sum(b.nbytes for p in plan.partitions for b in p)
    if isinstance(plan, P.RangeExec):
        return plan.count * 8
    if hasattr(plan, "splits"):
        return sum(f[1] for s in plan.splits for f in s)  # type: ignore[attr-defined]
    if isinstance(plan, InMemoryTableScanExec):
        parts = plan.cache.partitions
        return sum(b.nbytes for p in parts for b in p) if parts else estimate(plan.cached_plan)
    if plan.kind == "join" and plan.join_type in ("semi", "anti"):  # type: ignore
        return estimate(plan.children[0])  # at most the left side's rows
    return sum(estimate(c) for c in plan.children)


def build_estimate(plan: P.PhysicalPlan) -> float:
    """Which side of a join to try first as AQE's build side: :func:`estimate` with the
    guesses a planner without statistics makes: a file scan scaled to the columns read, a
    filter halving per condition (other than ``isnotnull``; at most to an eighth), a
    grouped aggregate or a semi/anti join halving, a broadcast join its stream side."""
    if hasattr(plan, "relation") and hasattr(plan, "splits"):
        rel = plan.relation  # type: ignore[attr-defined]
        return estimate(plan) * len(rel.output) / max(1, len(rel.attrs))
    if plan.kind == "source" or not plan.children:
        return float(estimate(plan))
    child = build_estimate(plan.children[0])
    if isinstance(plan, P.FilterExec):
        conds = [c for c in _conjuncts(plan.condition)
                 if not (isinstance(c, Call) and c.spec.name == "isnotnull")]
        return child * max(0.5 ** len(conds), 0.125)
    if plan.kind == "join":
        if plan.join_type in ("semi", "anti"):  # type: ignore[attr-defined]
            return child * 0.5
        if plan.strategy == "broadcast":  # type: ignore[attr-defined]
            return child
    if getattr(plan, "mode", None) in ("final", "complete") and \
            getattr(plan, "groupings", None):
        return child * 0.5
    return child + sum(build_estimate(c) for c in plan.children[1:])


def grouped(plan: P.PhysicalPlan) -> bool:
    while isinstance(plan, (P.ProjectExec, P.FilterExec)):
        plan = plan.children[0]
    return getattr(plan, "mode", None) in ("final", "complete") and \
        bool(getattr(plan, "groupings", None))


def _conjuncts(e: Any) -> list:
    if isinstance(e, Call) and e.spec.name == "and":
        return _conjuncts(e.children[0]) + _conjuncts(e.children[1])
    return [e]
