"""SQL text's ``OVER (...)`` (sqlglot's ``exp.Window``) to a ``WindowExpression``.

The expression converter (runtime/sql/parser.py) hands each ``exp.Window`` here with its
own ``convert`` for the sub-expressions: ``PARTITION BY``, ``ORDER BY`` and the ``ROWS`` /
``RANGE BETWEEN`` frame become a ``WindowSpecDefinition`` (``n PRECEDING`` keeps Spark's
SQL naming, ``1 PRECEDING`` rather than the API's ``-1 FOLLOWING``); ``IGNORE NULLS`` on
first/last/first_value/last_value/nth_value becomes their ignoreNulls argument (an
``ignorenulls`` option of lag/lead). ``OVER w``
looks ``w`` up in ``named`` (the statement's ``WINDOW w AS (...)`` clause, converted the
same way), else ``[MISSING_WINDOW_SPECIFICATION]``-style error.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import (
    Expression, Literal, SortOrder, UnresolvedFunction)
from runtime.sql.expressions.window_base import (
    CURRENT_ROW, UNBOUNDED_FOLLOWING, UNBOUNDED_PRECEDING, FrameBound, WindowExpression,
    WindowFrame, WindowSpecDefinition)

__all__ = ["spec_from_sqlglot", "window_from_sqlglot"]


def _bound(value: Any, side: Any, convert: Callable[[Any], Expression]) -> FrameBound:
    text = value if isinstance(value, str) else None
    if text is not None and text.upper() == "UNBOUNDED":
        return UNBOUNDED_PRECEDING if str(side).lower() == "preceding" else UNBOUNDED_FOLLOWING
    if text is not None and text.upper() == "CURRENT ROW":
        return CURRENT_ROW
    lit = convert(value)
    if not isinstance(lit, Literal) or lit.value is None:
        raise AnalysisException(
            f"[INVALID_WINDOW_SPEC_FOR_AGGREGATION_FUNC] Frame bound {value} must be a "
            "constant literal.", errorClass="INVALID_WINDOW_SPEC_FOR_AGGREGATION_FUNC")
    if str(side).lower() == "preceding":
        return FrameBound("offset", -lit.value, True, lit.dtype)
    return FrameBound("offset", lit.value, False, lit.dtype)


def spec_from_sqlglot(e: Any, convert: Callable[[Any], Expression],
                      base: WindowSpecDefinition | None = None) -> WindowSpecDefinition:
    partition = [convert(p) for p in e.args.get("partition_by") or []]
    order = e.args.get("order")
    orders = [convert(o) for o in order.expressions] if order is not None else []
    orders = [o if isinstance(o, SortOrder) else SortOrder((o,), True) for o in orders]
    frame = None
    spec = e.args.get("spec")
    if spec is not None:
        kind = str(spec.args.get("kind") or "rows").lower()
        lower = _bound(spec.args.get("start"), spec.args.get("start_side"), convert)
        end = spec.args.get("end")
        upper = _bound(end, spec.args.get("end_side"), convert) if end is not None \
            else CURRENT_ROW
        frame = WindowFrame(kind, lower, upper)
    if base is not None:  # OVER (w ORDER BY ...): the named window, refined
        partition = partition or list(base.partition)
        orders = orders or list(base.orders)
        frame = frame or base.frame
    return WindowSpecDefinition(tuple(partition) + tuple(orders), len(partition), frame)


def window_from_sqlglot(e: Any, convert: Callable[[Any], Expression],
                        named: dict | None = None) -> Expression:
    from sqlglot import exp

    fn = e.this
    ignore = False
    if isinstance(fn, exp.IgnoreNulls):
        fn, ignore = fn.this, True
    elif isinstance(fn, exp.RespectNulls):
        fn = fn.this
    func = convert(fn)
    if ignore and isinstance(func, UnresolvedFunction) and func.name.lower() in ("lag", "lead"):
        func = UnresolvedFunction(func.name, func.children, func.distinct,
                                  func.options + (("ignorenulls", True),))
    elif ignore and isinstance(func, UnresolvedFunction):
        func = UnresolvedFunction(func.name, func.children + (Literal(True, T.BooleanType()),),
                                  func.distinct, func.options)
    alias = e.args.get("alias")
    base = None
    if alias is not None:
        name = alias.name
        base = (named or {}).get(name.lower())
        if base is None:
            raise AnalysisException(
                f"[MISSING_WINDOW_SPECIFICATION] Window specification {name} is not defined "
                "in the WINDOW clause. SQLSTATE: 42P20",
                errorClass="MISSING_WINDOW_SPECIFICATION")
    return WindowExpression((func, spec_from_sqlglot(e, convert, base)))
