"""``DataFrame.lateralJoin``: each row of this DataFrame joined with the rows ``other``
computes for it, ``other`` reading the row's columns as ``col("x").outer()``.

``other`` is typically unanalyzed: a DataFrame built over ``outer()`` columns cannot resolve
them on its own, so it keeps its plan as written (Spark Classic's lazy analysis of
``outer()``). Here that plan is analyzed with this DataFrame's columns as the outer scope,
then rewritten into ordinary joins (runtime/sql/analysis/decorrelate.py).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.analysis.analyzer import Analyzer
from runtime.sql.analysis.decorrelate import lateral_join
from runtime.sql.errors import AnalysisException, PySparkTypeError
from runtime.sql.expressions.outer_references import OuterScopeMissing
from runtime.sql.plan import logical as L
from runtime.sql.plan.pending_outer import PendingOuter, has_pending
from sparkcli.sql.column import Column

__all__ = ["LateralJoinMethod", "analyze_lazily"]


def analyze_lazily(state: Any, plan: L.LogicalPlan) -> L.LogicalPlan:
    """The analyzed plan, or ``plan`` as written, wrapped in ``PendingOuter``, when it
    reads ``outer()`` columns (``lateralJoin`` analyzes it; used alone, its ``outer(x)``
    reads its own ``x``: runtime/sql/plan/pending_outer.py)."""
    if has_pending(plan):
        return PendingOuter(plan, state.analyze)
    try:
        return state.analyze(plan)
    except OuterScopeMissing:
        return PendingOuter(plan, state.analyze)

_HOW = {"inner": "inner", "cross": "cross", "left": "left", "leftouter": "left",
        "left_outer": "left"}


class LateralJoinMethod:
    """``DataFrame.lateralJoin`` (a mixin of DataFrame)."""

    def lateralJoin(self, other: Any, on: Column | None = None, how: str | None = None
                    ) -> Any:
        """Lateral join with ``other``, whose columns marked ``.outer()`` read this
        DataFrame's current row; ``how``: ``inner`` (default), ``cross``, ``left``,
        ``leftouter`` or ``left_outer``.

        >>> from pyspark.sql import functions as sf
        >>> t1 = spark.createDataFrame([(0, 1), (1, 2)], ["c1", "c2"])
        >>> t2 = spark.createDataFrame([(0, 2), (0, 3)], ["c1", "c2"])
        >>> t1.alias("a").lateralJoin(
        ...     t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select("c2")
        ... ).show()
        +---+---+---+
        | c1| c2| c2|
        +---+---+---+
        |  0|  1|  2|
        |  0|  1|  3|
        +---+---+---+
        """
        if on is not None and not isinstance(on, Column):
            raise PySparkTypeError(
                "[NOT_COLUMN] Argument `on` should be a Column, got "
                f"{type(on).__name__}.", errorClass="NOT_COLUMN")
        key = (how or "inner").lower().replace(" ", "")
        jt = _HOW.get(key)
        if jt is None:
            raise AnalysisException(
                f"[UNSUPPORTED_JOIN_TYPE] Unsupported join type '{how}'. Supported join "
                "types include: 'inner', 'leftouter', 'left', 'left_outer', 'cross'. "
                "SQLSTATE: 0A000", errorClass="UNSUPPORTED_JOIN_TYPE")
        state = self._session._state()  # type: ignore[attr-defined]
        left = self._plan  # type: ignore[attr-defined]
        an = Analyzer(state.bind_context(), state.lookup_relation)
        an.exprs.outer = list(left.output)
        sub = an.analyze(other._plan)
        an.exprs.outer = None
        cond = None
        if on is not None:
            cond = an.exprs.resolve(on._expr, list(left.output) + list(sub.output))
        plan = lateral_join(an, left, sub, jt, cond)
        return self._with(plan)  # type: ignore[attr-defined]
