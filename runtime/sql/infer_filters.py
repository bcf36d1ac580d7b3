"""Spark's inferred ``isnotnull`` filters (InferFiltersFromConstraints), one optimizer rule.

A conjunct that is *null-intolerant* (a comparison, arithmetic, NOT, LIKE/startswith...:
NULL in any input column gives NULL, which a filter drops) can only keep rows where every
column it reads is not NULL. Spark's optimizer states that as ``isnotnull(col)`` conjuncts,
and so does this rule, for the plans Spark prints them in:

* a Filter: ``Filter (isnotnull(x) AND (x > 5))``: the inferred conjuncts, in the order their
  columns first appear, ANDed together, then the original condition; only nullable columns,
  only those the Filter (or what is below it) does not already say are not NULL. Nothing for
  ``OR``, ``<=>``, ``IN`` or a function that tolerates NULL;
* a join: the columns of its null-intolerant condition conjuncts become a Filter on their
  side (both sides of inner, cross and semi joins; only the side that may drop rows of an
  outer join, e.g. the right of a left join), which the pushdown then moves down that side.

Results never change: each added conjunct drops only rows the condition drops anyway.
``not_null_ids`` (what a plan already guarantees) keeps the rule from adding a filter twice
while the optimizer runs to a fixed point.
"""

from __future__ import annotations

from runtime.sql import types as T
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Call, Cast, Expression, debug_sql)
from runtime.sql.expressions.registry import lookup
from runtime.sql.plan import logical as L

__all__ = ["NULL_INTOLERANT", "infer_filter", "infer_join", "intolerant_attrs", "not_null"]

NULL_INTOLERANT = {"=", "<", "<=", ">", ">=", "!=", "<>", "+", "-", "*", "/", "%", "not",
                   "negative", "startswith", "endswith", "contains", "like"}


def _name(e: Expression) -> str:
    return getattr(getattr(e, "spec", None), "name", "")


def _attrs_read(e: Expression, out: list) -> None:
    if isinstance(e, AttributeReference):
        if all(a.expr_id != e.expr_id for a in out):
            out.append(e)
    elif isinstance(e, Cast) or (isinstance(e, Call) and _name(e) in NULL_INTOLERANT):
        for c in e.children:
            _attrs_read(c, out)


def intolerant_attrs(conjuncts: list) -> list:
    """The columns the null-intolerant conjuncts read, in order of first appearance."""
    attrs: list = []
    for c in conjuncts:
        if isinstance(c, Call) and _name(c) in NULL_INTOLERANT and _deterministic(c):
            _attrs_read(c, attrs)
    return attrs


def _deterministic(e: Expression) -> bool:
    if isinstance(e, Call) and not e.spec.deterministic:
        return False
    return all(_deterministic(c) for c in e.children)


def not_null(a: AttributeReference) -> Expression:
    return Call(lookup("isnotnull"), (a,), T.BooleanType(), False)


def _explicit(conjuncts: list) -> set[int]:
    return {c.children[0].expr_id for c in conjuncts
            if _name(c) == "isnotnull" and isinstance(c.children[0], AttributeReference)}


def not_null_ids(plan: L.LogicalPlan) -> set[int]:
    """Expr ids of output columns ``plan`` guarantees are not NULL."""
    if isinstance(plan, L.Filter):
        cs = _conjuncts(plan.condition)
        return (not_null_ids(plan.child) | _explicit(cs) |
                {a.expr_id for a in intolerant_attrs(cs)})
    if isinstance(plan, L.Project):
        below = not_null_ids(plan.child)
        tested = _tested_exprs(plan.child)
        out = set()
        for e in plan.exprs:
            inner = e.child if isinstance(e, Alias) else e
            if isinstance(inner, AttributeReference) and inner.expr_id in below:
                out.add(e.expr_id)
            elif tested and _deterministic(inner) and debug_sql(inner) in tested:
                out.add(e.expr_id)  # isnotnull(v) pushed below as isnotnull((x + 1))
        return out
    if isinstance(plan, L.Join):
        left, right = not_null_ids(plan.left), not_null_ids(plan.right)
        return {"inner": left | right, "cross": left | right, "left": left, "right": right,
                "semi": left, "anti": left}.get(plan.join_type, set())
    return {a.expr_id for a in plan.output if not a.nullable}


def _tested_exprs(plan: L.LogicalPlan) -> set[str]:
    """Expressions (other than columns) the Filters right below test with ``isnotnull``:
    what a pushed-down ``isnotnull(alias)`` becomes, so the alias above is known not NULL
    and the rule does not infer (and push down) the same filter on every optimizer pass."""
    out: set[str] = set()
    while isinstance(plan, L.Filter):
        out |= {debug_sql(c.children[0]) for c in _conjuncts(plan.condition)
                if _name(c) == "isnotnull" and not isinstance(c.children[0], AttributeReference)}
        plan = plan.child
    return out


def _conjuncts(e: Expression | None) -> list:
    if e is None:
        return []
    if _name(e) == "and":
        return _conjuncts(e.children[0]) + _conjuncts(e.children[1])
    return [e]


def _and(exprs: list) -> Expression:
    out = exprs[0]
    for e in exprs[1:]:
        out = Call(lookup("and"), (out, e), T.BooleanType(), False)
    return out


def _missing(attrs: list, plan: L.LogicalPlan, also: set[int]) -> list:
    known = not_null_ids(plan) | also
    return [a for a in attrs if a.nullable and a.expr_id not in known]


def infer_filter(f: L.Filter) -> L.Filter | None:
    cs = _conjuncts(f.condition)
    add = _missing(intolerant_attrs(cs), f.child, _explicit(cs))
    if not add:
        return None
    return L.Filter(_and([_and([not_null(a) for a in add]), f.condition]), f.children)


_SIDES = {"inner": (True, True), "cross": (True, True), "semi": (True, True),
          "left": (False, True), "right": (True, False)}


def infer_join(j: L.Join) -> L.Join | None:
    sides = _SIDES.get(j.join_type)
    if sides is None or j.condition is None:
        return None
    attrs = intolerant_attrs(_conjuncts(j.condition))
    kids = list(j.children)
    for i, side in enumerate(kids):
        if not sides[i]:
            continue
        ids = {a.expr_id for a in side.output}
        add = _missing([a for a in attrs if a.expr_id in ids], side, set())
        if add:
            kids[i] = L.Filter(_and([not_null(a) for a in add]), (side,))
    if all(a is b for a, b in zip(kids, j.children)):
        return None
    return L.Join(j.join_type, j.condition, tuple(kids), j.hint)
