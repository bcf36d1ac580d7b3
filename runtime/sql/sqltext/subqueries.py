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
  (``correlation_keys``). The "count bug" is handled as Spark's
  RewriteCorrelatedScalarSubquery does: when the subquery's value over no rows is not NULL
  (``count(*)`` is 0, ``count(*) + 1`` is 1: the aggregate expression with each aggregate
  replaced by its empty-input result, folded), an outer row without a match gets that value,
  told apart by a correlation key of the subquery being NULL. Uncorrelated, a subquery that is
  not a global aggregate is checked at run time: more than one row raises
  ``[SCALAR_SUBQUERY_TOO_MANY_ROWS]`` (an aggregate over it counts its rows).

A subquery inside an expression of another kind (``a OR EXISTS (...)``) is reported as not
supported. ``Pending`` records scalar subqueries met before the plan they join exists (HAVING:
the aggregate is built after its condition is read) and applies them afterwards.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.execution.planner import and_all
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Call, CaseWhen, Expression, Literal, UnresolvedAttribute,
    UnresolvedFunction, UnresolvedStar, transform_up)
from runtime.sql.expressions.registry import EvalContext, FunctionSpec
from runtime.sql.plan import logical as L
from runtime.sql.analysis.decorrelate import empty_input_value

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
    width = len(q.output) - len(correlation_keys(corr, q)) if corr else len(q.output)
    if width != 1:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH] Cannot resolve "({value.sql()} '
            f'IN (listquery()))" due to data type mismatch: The number of columns in the '
            f"left hand side of an IN subquery does not match the number of columns in the "
            f"output of subquery. Left hand side columns(length: 1): [{value.sql()}], right "
            f"hand side columns(length: {width}). SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH")
    col = q.output[0]
    eq = b.resolve(UnresolvedFunction("=", (value, col)), cur.output + q.output)
    if negated and (value.nullable or col.nullable):
        eq = b.resolve(UnresolvedFunction("or", (eq, UnresolvedFunction("isnull", (eq,)))),
                       cur.output + q.output)
    holder[0] = b.an.analyze(L.Join(jt, and_all([eq] + corr), (cur, q)))


def scalar(b: Any, holder: list, node: Any) -> Expression:
    cur = holder[0]
    q, corr = b.bind(node, list(cur.output), "scalar")
    if not corr and len(q.output) != 1:
        raise AnalysisException(
            "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN] "
            "Invalid subquery: Scalar subquery must return only one column, but got "
            f"{len(q.output)}. SQLSTATE: 42823", errorClass="INVALID_SUBQUERY_EXPRESSION."
            "SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
            messageParameters={"number": str(len(q.output))})
    if not corr and not _one_row(q):
        q = _checked_single_row(b, q)
    empty = _empty_value(b, q, q.output[0]) if corr and len(q.output) > 1 else None
    # the subquery's columns get names of their own (its value is Spark's scalarsubquery(),
    # its correlation keys hidden), so they never clash with the outer query's names
    renamed = [Alias((q.output[0],), "scalarsubquery()")] + \
        [Alias((k,), b.hidden_name()) for k in q.output[1:]]
    q = b.an.analyze(L.Project(tuple(renamed), (q,)))
    ids = {old.expr_id: new for old, new in zip([r.children[0] for r in renamed], q.output)}
    cond = transform_up(and_all(corr), lambda x: ids.get(x.expr_id) if isinstance(
        x, AttributeReference) else None) if corr else None
    holder[0] = b.an.analyze(L.Join("left", cond, (cur, q)))
    value = q.output[0]
    if empty is None:
        return value
    marker = q.output[-1]  # a correlation key: NULL only when no subquery row matched
    return b.resolve(CaseWhen((UnresolvedFunction("isnull", (marker,)), empty, value), True),
                     holder[0].output)


def _empty_value(b: Any, q: L.LogicalPlan, value: Any) -> Literal | None:
    """The subquery's value over no input rows when it is not NULL (the count bug)."""
    found = _defining(q, value.expr_id)
    return None if found is None else empty_input_value(found, b.ctx, value.dtype)


def _defining(plan: L.LogicalPlan, expr_id: int) -> Expression | None:
    """The aggregate expression an Aggregate of ``plan`` names ``expr_id``."""
    if isinstance(plan, L.Aggregate):
        for e in plan.aggregates:
            if isinstance(e, Alias) and e.expr_id == expr_id:
                return e.children[0]
    for c in plan.children:
        found = _defining(c, expr_id)
        if found is not None:
            return found
    if isinstance(plan, L.Project):  # a projection renaming the aggregate's column
        for e in plan.exprs:
            if isinstance(e, Alias) and e.expr_id == expr_id and e.children[0].references():
                inner = next(iter(e.children[0].references()))
                return _defining(plan.children[0], inner)
    return None


def _one_row(q: L.LogicalPlan) -> bool:
    """A global aggregate (no GROUP BY) gives exactly one row."""
    node = q
    while isinstance(node, (L.Project, L.Sort, L.SubqueryAlias, L.Limit)):
        if isinstance(node, L.Limit) and node.n <= 1:
            return True
        node = node.children[0]
    return isinstance(node, L.Aggregate) and not node.groupings


def _too_many_rows(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n, value = args
    if isinstance(n, pa.Scalar):
        bad = n.is_valid and n.as_py() > 1
    else:
        bad = bool(pc.any(pc.greater(n, 1)).as_py())
    if bad:
        raise SparkRuntimeException(
            "[SCALAR_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as "
            "an expression. SQLSTATE: 21000", errorClass="SCALAR_SUBQUERY_TOO_MANY_ROWS")
    return value


_SINGLE_ROW = FunctionSpec("scalar_subquery_single_row", None, _too_many_rows,
                           lambda c: c.children[1].sql())


def _checked_single_row(b: Any, q: L.LogicalPlan) -> L.LogicalPlan:
    """``q`` aggregated to its first value and row count; the count is checked."""
    value = q.output[0]
    agg = b.an.analyze(L.Aggregate((), (
        Alias((UnresolvedFunction("first", (value, Literal(True, T.BooleanType()))),),
              value.name),
        Alias((UnresolvedFunction("count", (UnresolvedStar(),)),), "__rows")), (q,)))
    v, n = agg.output
    check = Call(_SINGLE_ROW, (n, v), v.dtype, True)
    return b.an.analyze(L.Project((Alias((check,), value.name),), (agg,)))


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
