"""A DataFrame plan that reads ``outer()`` columns no query around it has supplied yet.

``col("c1").outer()`` names a column of the left side of a ``lateralJoin`` that is not known
when the DataFrame holding it is built, so that DataFrame keeps its plan as written, wrapped
in ``PendingOuter`` (Spark Classic's lazy analysis of ``outer()``). Two ways out:

* ``lateralJoin`` analyzes ``raw`` with its left side's columns as the outer scope
  (the analyzer unwraps the node when an outer scope is set);
* anything else (``show()``, ``collect()``, ``schema``, ``explain()``, another DataFrame
  built on it and used alone) analyzes it with each ``outer(x)`` read as the plan's own
  column ``x``, as Spark resolves a lazy outer reference it meets outside a lateral join
  (``df.where(col("c1").outer() > 0)`` keeps the rows with ``c1 > 0``). A name the plan
  does not have is Spark's ``[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION]``.

State: ``raw`` (the plan as written) and ``analyze`` (the session's analyzer entry, which
returns the locally resolved plan for this node); ``local()`` caches that plan. The node
prints as ``raw`` does.
"""

from __future__ import annotations

from typing import Callable

from runtime.sql.plan.logical import LogicalPlan

__all__ = ["PendingOuter", "has_pending"]


class PendingOuter(LogicalPlan):
    def __init__(self, raw: LogicalPlan, analyze: Callable[[LogicalPlan], LogicalPlan]):
        self.raw = raw
        self._analyze = analyze
        self._local: LogicalPlan | None = None

    @property
    def children(self) -> tuple:  # type: ignore[override]
        return self.raw.children

    @property
    def resolved(self) -> bool:
        return False

    def local(self) -> LogicalPlan:
        """The plan analyzed with ``outer(x)`` read as its own column ``x``."""
        if self._local is None:
            self._local = self._analyze(self)
        return self._local

    @property
    def output(self) -> list:
        return self.local().output

    def node_name(self) -> str:
        return self.raw.node_name()

    def arg_string(self) -> str:
        return self.raw.arg_string()

    def tree_string(self) -> str:
        return self.raw.tree_string()


def has_pending(plan: LogicalPlan) -> bool:
    """``plan`` (as written, over DataFrame plans) holds a ``PendingOuter``: analyzed
    plans never do, so the walk stops at resolved nodes."""
    if isinstance(plan, PendingOuter):
        return True
    if plan.resolved:
        return False
    return any(has_pending(c) for c in plan.children)
