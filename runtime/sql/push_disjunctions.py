"""Predicates a disjunction implies on one side of a join (Spark's
PushPredicateThroughJoin with ``extractPredicatesWithinOutputSet``, SPARK-31705).

A filter above an inner join (or the join's own condition) that is an OR of ANDs over both sides, as TPC-H Q7's
``(n1.n_name = 'FRANCE' AND n2.n_name = 'GERMANY') OR (n1.n_name = 'GERMANY' AND
n2.n_name = 'FRANCE')``, cannot be pushed to either side, but it implies one predicate per
side: the OR of each disjunct's part on that side (``n1.n_name = 'FRANCE' OR n1.n_name =
'GERMANY'``), provided every disjunct has such a part. Those implied predicates go below the
join as extra filters (the optimizer's ordinary pushdown then carries them further down, to
the scans); the original filter stays where it is, so the answer cannot change, and the join
no longer pairs every nation with every row.

:func:`push_implied_predicates` is one pass over a plan, run once after the optimizer's rules
have settled (each run would add the same implied predicates again). Only deterministic
conjuncts, only inner and cross joins (an outer join's null-extended side must not lose rows).

No state.
"""

from __future__ import annotations

from runtime.sql.execution.planner import and_all, split_conjuncts
from runtime.sql.expressions.base import Call, Expression
from runtime.sql.expressions.evaluate import is_deterministic
from runtime.sql.expressions.registry import lookup
from runtime.sql.plan import logical as L
from runtime.sql.types import BooleanType

__all__ = ["push_implied_predicates"]


def push_implied_predicates(plan: L.LogicalPlan) -> L.LogicalPlan:
    kids = tuple(push_implied_predicates(c) for c in plan.children)
    if any(a is not b for a, b in zip(kids, plan.children)):
        plan = plan.with_children(kids)
    if isinstance(plan, L.Filter) and isinstance(plan.child, L.Join):
        join, condition = plan.child, plan.condition
    elif isinstance(plan, L.Join):
        join, condition = plan, plan.condition
    else:
        return plan
    if join.join_type not in ("inner", "cross") or condition is None:
        return plan
    ors = [c for c in split_conjuncts(condition) if _is(c, "or") and is_deterministic(c)]
    sides = []
    for side in (join.left, join.right):
        ids = {a.expr_id for a in side.output}
        implied = [p for p in (_within(c, ids) for c in ors) if p is not None]
        sides.append(L.Filter(and_all(implied), (side,)) if implied else side)
    if sides[0] is join.left and sides[1] is join.right:
        return plan
    joined = L.Join(join.join_type, join.condition, tuple(sides), join.hint)
    return L.Filter(plan.condition, (joined,)) if isinstance(plan, L.Filter) else joined


def _is(e: Expression, name: str) -> bool:
    return isinstance(e, Call) and e.spec.name == name


def _within(e: Expression, ids: set[int]) -> Expression | None:
    """What ``e`` implies on the columns ``ids`` alone (None: nothing)."""
    refs = e.references()
    if refs and refs <= ids:
        return e
    if _is(e, "or"):
        left, right = (_within(c, ids) for c in e.children)
        if left is None or right is None:
            return None
        return Call(lookup("or"), (left, right), BooleanType())
    if _is(e, "and"):
        return and_all([p for p in (_within(c, ids) for c in e.children) if p is not None])
    return None
