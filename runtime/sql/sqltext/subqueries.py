"""Subqueries rewritten into joins while their query is bound (Spark's
RewritePredicateSubquery and RewriteCorrelatedScalarSubquery, done at binding time).

The binder keeps the plan being built in a one-element ``holder`` list; planning a subquery
joins it onto ``holder[0]`` and replaces the holder's plan:

* ``EXISTS (q)`` / ``NOT EXISTS (q)`` as a WHERE conjunct: a left semi / left anti join of the
  query with ``q``'s FROM/WHERE, on ``q``'s correlated conditions (none: every row matches when
  ``q`` has a row).
* ``x IN (q)`` / ``x NOT IN (q)``: a semi join on ``x = q.col`` (plus the correlated
  conditions); NOT IN is null-aware as in Spark: the anti join's condition is
  ``x = q.col OR isnull(x = q.col)``, so a NULL on either side removes the row, unless both
  sides are non-nullable (then a plain equi anti join).
* a scalar subquery ``(q)`` anywhere in an expression: a left outer join with ``q``, whose
  single column then stands for the subquery. Correlated, ``q``'s correlated equalities
  ``inner = outer`` become grouping keys of its aggregate and the join condition
  (``correlation_keys``); Spark's "count bug" (a count over no rows is 0, not NULL) is not
  handled.

A subquery inside an expression of another kind (``a OR EXISTS (...)``) is reported as not
supported. ``Pending`` records scalar subqueries met before the plan they join exists (HAVING:
the aggregate is built after its condition is read) and applies them afterwards.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import AnalysisException
from runtime.sql.execution.planner import and_all
from runtime.sql.expressions.base import (
    Call, Expression, UnresolvedAttribute, UnresolvedFunction, transform_up)
from runtime.sql.plan import logical as L

__all__ = ["Pending", "apply_predicate", "contains_subquery", "correlation_keys", "hook",
           "is_predicate", "substitute"]


def contains_subquery(node: Any) -> bool:
    from sqlglot import exp

    return node.find(exp.Subquery, exp.Exists) is not None


def _strip(node: Any) -> tuple[Any, bool]:
    from sqlglot import exp

    negated = False
    while True:
        if isinstance(node, exp.Paren):
            node = node.this
        elif isinstance(node, exp.Not):
            negated = not negated
            node = node.this
        else:
            return node, negated


def is_predicate(node: Any) -> bool:
    from sqlglot import exp

    inner, _ = _strip(node)
    return isinstance(inner, exp.Exists) or (
        isinstance(inner, exp.In) and inner.args.get("query") is not None)


def _unsupported(what: str) -> AnalysisException:
    return AnalysisException(
        f"[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] Unsupported subquery expression: {what} "
        "(an IN or EXISTS subquery is supported as a conjunct of WHERE, not nested in another "
        "expression). SQLSTATE: 0A000", errorClass="UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY")


def apply_predicate(b: Any, holder: list, node: Any) -> None:
    from sqlglot import exp

    inner, negated = _strip(node)
    cur = holder[0]
    jt = "anti" if negated else "semi"
    if isinstance(inner, exp.Exists):
        q, corr = b.bind(inner.this, list(cur.output), "exists")
        cond = and_all(corr) if corr else None
        holder[0] = b.an.analyze(L.Join(jt, cond, (cur, q)))
        return
    value = b.resolve(b.expr(inner.this), cur.output)
    q, corr = b.bind(inner.args["query"], list(cur.output), "in")
    col = q.output[0]
    eq = b.resolve(UnresolvedFunction("=", (value, col)), cur.output + q.output)
    if negated and (value.nullable or col.nullable):
        eq = b.resolve(UnresolvedFunction("or", (eq, UnresolvedFunction("isnull", (eq,)))),
                       cur.output + q.output)
    holder[0] = b.an.analyze(L.Join(jt, and_all([eq] + corr), (cur, q)))


def scalar(b: Any, holder: list, node: Any) -> Expression:
    cur = holder[0]
    q, corr = b.bind(node, list(cur.output), "scalar")
    cond = and_all(corr) if corr else None
    holder[0] = b.an.analyze(L.Join("left", cond, (cur, q)))
    return q.output[0]


def hook(b: Any, holder: list) -> Any:
    """The converter's subquery hook over the plan in ``holder`` (applied at once)."""

    def on_subquery(kind: str, node: Any, negated: bool) -> Expression:
        if kind != "scalar":
            raise _unsupported(node.sql(dialect="spark")[:60])
        return scalar(b, holder, node)

    return on_subquery


class Pending:
    """A subquery hook that records scalar subqueries and applies them later."""

    def __init__(self, b: Any):
        self.b = b
        self.items: list[tuple[str, Any]] = []

    def __call__(self, kind: str, node: Any, negated: bool) -> Expression:
        if kind != "scalar":
            raise _unsupported(node.sql(dialect="spark")[:60])
        name = self.b.hidden_name()
        self.items.append((name, node))
        return UnresolvedAttribute((name,))

    def apply(self, holder: list) -> dict:
        return {name: scalar(self.b, holder, node) for name, node in self.items}


def substitute(e: Expression, values: dict) -> Expression:
    return transform_up(e, lambda x: values.get(x.parts[0])
                        if isinstance(x, UnresolvedAttribute) and len(x.parts) == 1 else None)


def correlation_keys(corr: list, plan: L.LogicalPlan) -> list:
    """The subquery-side expressions of correlated equalities (its grouping keys)."""
    inner = {a.expr_id for a in plan.output}
    keys = []
    for c in corr:
        if isinstance(c, Call) and c.spec.name == "=":
            a, b = c.children
            if a.references() and a.references() <= inner:
                keys.append(a)
                continue
            if b.references() and b.references() <= inner:
                keys.append(b)
                continue
        raise AnalysisException(
            "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_"
            f"PREDICATE] Correlated column is not allowed in predicate: {c.sql()}. "
            "SQLSTATE: 0A000", errorClass="UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY")
    return keys
