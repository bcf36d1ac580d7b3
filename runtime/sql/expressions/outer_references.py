"""References from a correlated (LATERAL) subquery to a column of the query around it.

Spark marks such a column ``outer(c1#1)`` (its ``OuterReference``). Two forms live here:

* ``UnresolvedOuterReference(expr)``: ``col("t.c1").outer()`` in the DataFrame API. It
  cannot resolve on its own: the columns it names belong to the left side of a
  ``lateralJoin`` not known yet, so the DataFrame holding it stays unanalyzed until the
  lateral join supplies that scope (Spark Classic's lazy analysis of ``outer()``).
* ``OuterReference(attr)``: resolved; it stands for the value of the outer query's column
  ``attr`` for the current outer row. It is a leaf whose ``references()`` are empty, so the
  subquery's own operators treat it as a constant; analysis/decorrelate.py removes every one
  of them before a plan runs (a join on the outer values takes its place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import AttributeReference, Expression, transform_up

__all__ = ["OuterReference", "OuterScopeMissing", "UnresolvedOuterReference", "is_constant",
           "outer_references", "strip_outer"]


@dataclass(frozen=True, eq=False)
class UnresolvedOuterReference(Expression):
    children = ()
    expr: Expression
    nullable = True

    def sql(self) -> str:
        return f"outer({self.expr.sql()})"


@dataclass(frozen=True, eq=False)
class OuterReference(Expression):
    children = ()
    attr: AttributeReference
    resolved = True

    @property
    def dtype(self) -> T.DataType:  # type: ignore[override]
        return self.attr.dtype

    @property
    def nullable(self) -> bool:
        return self.attr.nullable

    @property
    def name(self) -> str:
        return self.attr.name

    def foldable(self) -> bool:
        return False

    def debug_text(self) -> str:  # in plans: outer(c1#0)
        return f"outer({self.attr.debug()})"

    def sql(self) -> str:  # Spark names it by its qualified name: outer(t.c1)
        return "outer(" + ".".join((*self.attr.qualifier, self.attr.name)) + ")"


def outer_references(e: Expression) -> list[AttributeReference]:
    """The outer attributes ``e`` reads, in order of appearance."""
    found: dict[int, AttributeReference] = {}

    def visit(x: Expression) -> None:
        if isinstance(x, OuterReference):
            found.setdefault(x.attr.expr_id, x.attr)
        for c in x.children:
            visit(c)

    visit(e)
    return list(found.values())


def is_constant(e: Expression) -> bool:
    """``e`` reads no column, of its own query or of an outer one."""
    return not e.references() and not outer_references(e)


def strip_outer(e: Expression, mapping: dict[int, Any]) -> Expression:
    """``e`` with each ``outer(a)`` replaced by ``mapping[a.expr_id]``."""
    return transform_up(e, lambda x: mapping[x.attr.expr_id]
                        if isinstance(x, OuterReference) else None)


class OuterScopeMissing(AnalysisException):
    """An ``outer()`` column met outside a lateral join: the DataFrame stays unanalyzed
    until ``lateralJoin`` gives it the outer query's columns."""

    def __init__(self, what: str):
        super().__init__(
            f"[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter "
            f"with name {what} cannot be resolved. SQLSTATE: 42703",
            errorClass="UNRESOLVED_COLUMN.WITHOUT_SUGGESTION")
