"""SQL text expressions: the ``expr()`` converter plus what only whole queries have.

``SqlExpressionConverter`` extends the expression converter of ``runtime.sql.parser`` with
query parameters (``:name`` and ``?``, turned into typed literals from the Python values
given to ``spark.sql(args=...)``), ``EXTRACT(field FROM x)`` (Spark's ``year(x)`` and
friends), ``x::type``, ``X'1F'`` binary literals, ``IDENTIFIER('name')`` and subqueries. A subquery is not converted here: the converter calls
the ``on_subquery`` hook its binder gives (``hook(kind, node, negated)``), which plans the
subquery, joins it onto the query being bound and returns the expression that stands for its
value (see ``subqueries.py``). Without a hook a subquery is a clear error.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, ParseException
from runtime.sql.expressions.base import (
    Call, Expression, Literal, UnresolvedAttribute, UnresolvedFunction)
from runtime.sql.expressions.registry import lookup
from runtime.sql.inference import infer_type
from runtime.sql.parser import _Converter

__all__ = ["SqlExpressionConverter", "has_agg", "is_agg", "python_literal",
           "split_identifier"]

_EXTRACT = {
    "YEAR": "year", "YEARS": "year", "Y": "year", "MONTH": "month", "MONTHS": "month",
    "MON": "month", "DAY": "day", "DAYS": "day", "D": "day", "HOUR": "hour", "HOURS": "hour",
    "MINUTE": "minute", "MINUTES": "minute", "SECOND": "second", "SECONDS": "second",
    "QUARTER": "quarter", "QTR": "quarter", "WEEK": "weekofyear", "WEEKS": "weekofyear",
    "DAYOFWEEK": "dayofweek", "DOW": "dayofweek", "DOY": "dayofyear",
    "DAYOFYEAR": "dayofyear",
}


def split_identifier(text: str) -> list[str]:
    """A multi-part name as IDENTIFIER('a.`b.c`') takes it: dots outside backticks split."""
    parts, cur, quoted, i = [], "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == "`":
            if quoted and text[i + 1:i + 2] == "`":
                cur += "`"
                i += 1
            else:
                quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
        i += 1
    return parts + [cur.strip()]


def python_literal(value: Any) -> Literal:
    """A Python value as a typed literal (Spark's types for query parameters)."""
    if value is None:
        return Literal(None, T.NullType())
    dtype = infer_type(value)
    if isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value < 2**31:
        dtype = T.IntegerType()
    return Literal(value, dtype)


class SqlExpressionConverter(_Converter):
    def __init__(self, args: Any = None,
                 on_subquery: Callable[[str, Any, bool], Expression] | None = None,
                 position: list | None = None):
        self.args = args
        self.position = position if position is not None else [0]  # shared by a statement
        self.on_subquery = on_subquery

    def convert(self, e: Any) -> Expression:
        from sqlglot import exp

        if isinstance(e, exp.Placeholder):
            return self._parameter(e)
        if isinstance(e, exp.HexString):  # X'1F': a BINARY literal (odd digits: a leading 0)
            digits = str(e.this)
            return Literal(bytes.fromhex(digits.rjust(len(digits) + len(digits) % 2, "0")),
                           T.BinaryType())
        if isinstance(e, exp.Anonymous) and e.name.lower() == "identifier" and \
                len(e.expressions) == 1:
            name = self.convert(e.expressions[0])
            if isinstance(name, Literal) and isinstance(name.value, str):
                return UnresolvedAttribute(tuple(split_identifier(name.value)))
        if isinstance(e, exp.Extract):
            unit = e.this.name.upper()
            fn = _EXTRACT.get(unit)
            if fn is None:
                raise ParseException(
                    f"[INVALID_EXTRACT_FIELD] Cannot extract {unit} from "
                    f"{e.expression.sql(dialect='spark')}. SQLSTATE: 42601",
                    errorClass="INVALID_EXTRACT_FIELD")
            return UnresolvedFunction(fn, (self.convert(e.expression),))
        if isinstance(e, (exp.Subquery, exp.Select, exp.SetOperation)):
            return self._subquery("scalar", e, False)
        if isinstance(e, exp.Exists):
            return self._subquery("exists", e, False)
        if isinstance(e, exp.In) and e.args.get("query") is not None:
            return self._subquery("in", e, False)
        if isinstance(e, exp.Not):
            inner = e.this
            if isinstance(inner, exp.Paren):
                inner = inner.this
            if isinstance(inner, exp.Exists):
                return self._subquery("exists", inner, True)
            if isinstance(inner, exp.In) and inner.args.get("query") is not None:
                return self._subquery("in", inner, True)
        return super().convert(e)

    def _subquery(self, kind: str, node: Any, negated: bool) -> Expression:
        if self.on_subquery is None:
            raise AnalysisException(
                "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] Subqueries are only supported in "
                "the WHERE and HAVING clauses of a query and in the SELECT list. "
                "SQLSTATE: 0A000", errorClass="UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY")
        return self.on_subquery(kind, node, negated)

    def _parameter(self, e: Any) -> Expression:
        name = e.this if isinstance(e.this, str) else None
        if name:
            if not isinstance(self.args, dict) or name not in self.args:
                raise AnalysisException(
                    f"[UNBOUND_SQL_PARAMETER] Found the unbound parameter: {name}. Please, fix "
                    "`args` and provide a mapping of the parameter to either a SQL literal or "
                    "collection constructor functions such as `map()`, `array()`, `struct()`. "
                    "SQLSTATE: 42P02", errorClass="UNBOUND_SQL_PARAMETER",
                    messageParameters={"name": name})
            return python_literal(_column_value(self.args[name]))
        i = self.position[0]
        self.position[0] += 1
        if not isinstance(self.args, (list, tuple)) or i >= len(self.args):
            raise AnalysisException(
                f"[UNBOUND_SQL_PARAMETER] Found the unbound parameter: _{i + 1}. Please, fix "
                "`args` and provide a mapping of the parameter to either a SQL literal or "
                "collection constructor functions such as `map()`, `array()`, `struct()`. "
                "SQLSTATE: 42P02", errorClass="UNBOUND_SQL_PARAMETER",
                messageParameters={"name": f"_{i + 1}"})
        return python_literal(_column_value(self.args[i]))


def _column_value(v: Any) -> Any:
    """A parameter given as ``lit(x)`` (a Column over a literal) gives its value."""
    inner = getattr(v, "_expr", None)
    if isinstance(inner, Literal):
        return inner.value
    return v


def is_agg(name: str) -> bool:
    try:
        return lookup(name).agg is not None
    except AnalysisException:
        return False


def has_agg(e: Expression) -> bool:
    """Whether a select item aggregates (an aggregate call outside a window's OVER)."""
    if type(e).__name__ == "WindowExpression":  # sum(x) OVER (...) is not an aggregation
        return any(has_agg(c) for c in e.children[0].children)
    if isinstance(e, UnresolvedFunction) and is_agg(e.name):
        return True
    if isinstance(e, Call) and e.spec.agg is not None:
        return True
    return type(e).__name__ == "AggCall" or any(has_agg(c) for c in e.children)
