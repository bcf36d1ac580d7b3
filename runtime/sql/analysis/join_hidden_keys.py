"""The hidden key columns of a ``USING``/``NATURAL`` join (Spark's hidden output of a join).

``nt1 JOIN nt2 USING (k)`` shows one ``k`` (the left one; the right one for a RIGHT join;
``coalesce(nt1.k, nt2.k)`` for a FULL join), yet ``nt2.k`` (and ``nt1.k`` after a RIGHT or
FULL join) still names the side's own column, and ``nt2.*`` lists it. The join's projection
(made by sqltext/joins.py) is a ``Project`` whose ``hidden`` field holds those key attributes
of its child that its output leaves out. When a query above it names one by its qualified
name, or expands a qualified star over its side, :func:`expose_keys` puts the hidden
attributes back into that projection's output (reached through the operators that pass
their input's columns through unchanged: filter, sort, limit, offset, sample), in USING order
ahead of the first other column of their side, so ``nt2.*`` lists the keys first as Spark
(the projection keeps them in ``hidden``: once selected as ``nt2.k`` a bare ``k`` above, as
in ``ORDER BY k``, still means the shown one, :func:`qualified_only`); the unqualified
``*`` of that query still leaves them out (the ids it returns). Names that the output
already gives are never taken from the hidden keys.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from runtime.sql.expressions.base import (
    AttributeReference, Expression, UnresolvedAttribute, UnresolvedStar,
)
from runtime.sql.plan import logical as L

__all__ = ["expose_keys", "hidden_keys_of", "qualified_only"]

_PASS_THROUGH = (L.Filter, L.Sort, L.Limit, L.Offset, L.Sample)


def hidden_keys_of(plan: L.LogicalPlan) -> tuple:
    """The hidden key attributes of the USING-join projection under ``plan``."""
    while isinstance(plan, _PASS_THROUGH):
        plan = plan.children[0]
    return plan.hidden if isinstance(plan, L.Project) else ()


def qualified_only(plan: L.LogicalPlan) -> set[int]:
    """Ids of the hidden keys under the projections and pass-through operators at the top of
    ``plan``: a bare name above (``ORDER BY k``) does not mean them even once selected."""
    out: set[int] = set()
    while isinstance(plan, _PASS_THROUGH + (L.Project,)):
        if isinstance(plan, L.Project):
            out |= {a.expr_id for a in plan.hidden}
        plan = plan.children[0]
    return out


def _low(s: str) -> str:
    return s.lower()


def _names_one(e: Expression, hidden: tuple, output: list) -> bool:
    if isinstance(e, UnresolvedStar) and getattr(e, "target", None):
        q = _low(e.target[-1])
        return any(a.qualifier and _low(a.qualifier[-1]) == q for a in hidden)
    if isinstance(e, UnresolvedAttribute) and len(e.parts) >= 2:
        q, n = _low(e.parts[0]), _low(e.parts[1])
        shown = any(a.qualifier and _low(a.qualifier[-1]) == q and _low(a.name) == n
                    for a in output)
        return not shown and any(a.qualifier and _low(a.qualifier[-1]) == q
                                 and _low(a.name) == n for a in hidden)
    return any(_names_one(c, hidden, output) for c in e.children)


def _placed(visible: list, hidden: tuple) -> list:
    ids = {h.expr_id for h in hidden}
    out = list(visible)
    for h in hidden:  # in USING order, ahead of the first non-key column of its side
        at = next((i for i, a in enumerate(out) if getattr(a, "qualifier", None) == h.qualifier
                   and getattr(a, "expr_id", None) not in ids), len(out))
        out.insert(at, h)
    return out


def _exposed(plan: L.LogicalPlan) -> L.LogicalPlan:
    if isinstance(plan, _PASS_THROUGH):
        return plan.with_children((_exposed(plan.children[0]),))
    assert isinstance(plan, L.Project)
    exprs = _placed(list(plan.exprs), plan.hidden)
    return replace(plan, exprs=tuple(exprs))  # still ``hidden``: bare names skip them


def expose_keys(exprs: Iterable[Expression], child: L.LogicalPlan
                ) -> tuple[L.LogicalPlan, set[int]]:
    """``child`` with the USING join's hidden keys in its output if ``exprs`` name one, and
    the ids the unqualified ``*`` must leave out."""
    hidden = hidden_keys_of(child)
    if not hidden:
        return child, set()
    exprs = list(exprs)
    if not any(_names_one(e, hidden, child.output) for e in exprs):
        return child, set()
    return _exposed(child), {a.expr_id for a in hidden}
