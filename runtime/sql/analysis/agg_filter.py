"""Aggregate functions with a ``FILTER (WHERE cond)`` clause (Spark's AggregateExpression
filter): ``count(*) FILTER (WHERE a > 1)``, ``sum(b) FILTER (WHERE b > 1)``.

The parser (runtime/sql/parser.py) appends the condition as the call's last child and marks
the call with the option ``agg_filter``. :func:`filtered` takes the resolved aggregate and
the resolved condition and feeds the aggregate only the rows the condition keeps: each input
becomes ``CASE WHEN cond THEN x END``, which the aggregates skip as they skip NULLs
(``count(*)`` counts ``CASE WHEN cond THEN 1 END``). The call keeps Spark's name,
``count(1) FILTER (WHERE (a > 1))``, in its ``filter_sql`` option (AggCall.sql reads it).
Aggregates that see NULL inputs (``first``/``last``/``any_value`` keep a NULL value unless
they ignore nulls) get each kept value boxed instead: ``CASE WHEN cond THEN struct(x) END``
(``cond AND x IS NOT NULL`` when ignoring nulls), aggregated ignoring NULLs, so a NULL is
a row the filter dropped; the ``boxed`` option tells the aggregate to unbox its result
(aggregates.py). A condition that is not a BOOLEAN is
Spark's ``INVALID_AGGREGATE_FILTER.NOT_BOOLEAN``; ``FILTER`` on a function that is not an
aggregate is refused with Spark's error.
"""

from __future__ import annotations

from dataclasses import replace

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import AggCall, CaseWhen, Expression
from runtime.sql.expressions.registry import BindContext, lookup

__all__ = ["FILTER_OPTION", "filtered"]

FILTER_OPTION = "agg_filter"
_SEES_NULLS = {"first", "last", "first_value", "last_value", "any_value"}


def filtered(agg: Expression, cond: Expression, name: str) -> Expression:
    if not isinstance(agg, AggCall):
        raise AnalysisException(
            "[INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX] Invalid SQL syntax: The "
            f"function `{name}` does not support FILTER CLAUSE. SQLSTATE: 42000",
            errorClass="INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX",
            messageParameters={"prettyName": f"`{name}`", "syntax": "FILTER CLAUSE"})
    if not isinstance(cond.dtype, (T.BooleanType, T.NullType)):
        raise AnalysisException(
            f'[INVALID_AGGREGATE_FILTER.NOT_BOOLEAN] The FILTER expression "{cond.sql()}" in '
            "an aggregate function is invalid. Expected a FILTER expression of the BOOLEAN "
            "type. SQLSTATE: 42903", errorClass="INVALID_AGGREGATE_FILTER.NOT_BOOLEAN",
            messageParameters={"filterExpr": f'"{cond.sql()}"'})
    shown = f"{agg.sql()} FILTER (WHERE {cond.sql()})"
    if agg.spec.name.lower() in _SEES_NULLS:
        x = agg.children[0]
        ctx = BindContext()
        if dict(agg.options).get("ignorenulls"):
            cond = lookup("and").bind([cond, lookup("isnotnull").bind([x], ctx)], ctx)
        box = lookup("struct").bind([x], ctx)
        kept = CaseWhen((cond, box), False, box.dtype, True)
        return replace(agg, children=(kept,), nullable=True, options=tuple(agg.options) + (
            ("ignorenulls", True), ("boxed", True), ("filter_sql", shown)))
    kids = tuple(CaseWhen((cond, c), False, c.dtype, True) for c in agg.children)
    return replace(agg, children=kids, nullable=True,
                   options=tuple(agg.options) + (("filter_sql", shown),))
