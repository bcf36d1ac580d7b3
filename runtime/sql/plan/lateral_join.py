"""``LateralJoin``: a lateral join as analyzed, as Spark's explain shows it.

``left LATERAL JOIN sub`` is rewritten into ordinary joins when it is built
(analysis/decorrelate.py); the node keeps what was written for explain: the subquery, reading
``outer(x)`` columns of the left side, printed above the left side as Spark prints a subquery
(``:  +- ``), and the line ``LateralJoin lateral-subquery#7 [c1#0 && c2#1], LeftOuter,
(cond)``. What runs is its one child, the rewrite: analyzer rules see through it, and the
optimizer starts from the rewrite (``without_lateral``).
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.sql.expressions.base import AttributeReference, Expression, debug_sql
from runtime.sql.plan.logical import LogicalPlan

__all__ = ["LateralJoin", "without_lateral"]


@dataclass(frozen=True, eq=False)
class LateralJoin(LogicalPlan):
    """``left`` LATERAL JOIN ``sub`` as analyzed (Spark's LateralJoin, as explain shows it:
    the subquery reading ``outer(x)`` above the left side). What runs is its one child, the
    rewrite into ordinary joins (analysis/decorrelate.py); the optimizer starts from it."""
    left: LogicalPlan
    sub: LogicalPlan
    outer: tuple  # the left side's attributes the subquery reads
    join_type: str  # Inner | LeftOuter | Cross
    condition: Expression | None
    sub_id: int  # Spark's lateral-subquery#id
    children: tuple  # (the rewritten plan,)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def tree_children(self) -> tuple:
        return (self.left,)

    def tree_subqueries(self) -> tuple:
        return (self.sub,)

    def arg_string(self) -> str:
        cond = f", {debug_sql(self.condition)}" if self.condition is not None else ""
        outer = " && ".join(a.debug() for a in self.outer)
        return f"lateral-subquery#{self.sub_id} [{outer}], {self.join_type}{cond}"


def without_lateral(plan: LogicalPlan) -> LogicalPlan:
    """``plan`` with each LateralJoin replaced by the ordinary joins it was rewritten into."""
    while isinstance(plan, LateralJoin):
        plan = plan.child
    kids = tuple(without_lateral(c) for c in plan.children)
    if any(a is not b for a, b in zip(kids, plan.children)):
        plan = plan.with_children(kids)
    return plan
