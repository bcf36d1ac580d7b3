"""``pyspark.sql.GroupedData``: what ``df.groupBy(...)`` returns.

``agg`` takes aggregate Columns (``F.sum("x").alias("total")``) or a dict of column name to
function name (``{"age": "max"}`` gives ``max(age)``); ``count``, ``sum``, ``avg``/``mean``,
``min`` and ``max`` are shortcuts. The result has the grouping columns first.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import PySparkNotImplementedError, PySparkTypeError
from runtime.sql.expressions.base import Alias, Expression, UnresolvedFunction, UnresolvedStar
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column, name_expr

__all__ = ["GroupedData"]


class GroupedData:
    def __init__(self, df: Any, groupings: list[Expression]):
        self._df = df
        self._groupings = groupings

    def agg(self, *exprs: Any) -> Any:
        """Aggregate each group: Columns, or one dict ``{column: function name}``."""
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            aggs = [UnresolvedFunction(_func(f), (name_expr(c) if c != "*" else UnresolvedStar(),))
                    for c, f in exprs[0].items()]
        else:
            if not exprs:
                raise PySparkTypeError("[CANNOT_BE_EMPTY] At least one agg expression is "
                                       "required.", errorClass="CANNOT_BE_EMPTY")
            aggs = []
            for e in exprs:
                if not isinstance(e, Column):
                    raise PySparkTypeError(
                        "[NOT_COLUMN] Argument `exprs` should be a Column, got "
                        f"{type(e).__name__}.", errorClass="NOT_COLUMN")
                aggs.append(e._expr)
        return self._aggregate(aggs)

    def _aggregate(self, aggs: list[Expression]) -> Any:
        groupings = tuple(self._groupings)
        outputs = tuple(_grouping_output(g) for g in groupings) + tuple(aggs)
        return self._df._with(L.Aggregate(groupings, outputs, (self._df._plan,)))

    def count(self) -> Any:
        """The number of rows of each group, as column ``count``."""
        return self._aggregate([Alias((UnresolvedFunction("count", (UnresolvedStar(),)),),
                                      "count")])

    def _numeric(self, fn: str, cols: tuple) -> Any:
        if not cols:
            numeric = [a for a in self._df._plan.output
                       if a.dtype.__class__.__name__ in _NUMERIC]
            return self._aggregate([UnresolvedFunction(fn, (a,)) for a in numeric])
        return self._aggregate([UnresolvedFunction(fn, (name_expr(c),)) for c in cols])

    def sum(self, *cols: str) -> Any:
        return self._numeric("sum", cols)

    def avg(self, *cols: str) -> Any:
        return self._numeric("avg", cols)

    def mean(self, *cols: str) -> Any:
        return self._numeric("avg", cols)

    def min(self, *cols: str) -> Any:
        return self._numeric("min", cols)

    def max(self, *cols: str) -> Any:
        return self._numeric("max", cols)

    def pivot(self, pivot_col: str, values: list | None = None) -> Any:
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] GroupedData.pivot is not available in sparkcli yet.",
            errorClass="NOT_IMPLEMENTED")

    def applyInPandas(self, func: Any, schema: Any) -> Any:
        raise PySparkNotImplementedError(
            "[NOT_IMPLEMENTED] applyInPandas comes with pandas UDFs (not available yet).",
            errorClass="NOT_IMPLEMENTED")


_NUMERIC = {"ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType",
            "DecimalType"}


def _func(name: str) -> str:
    return {"mean": "avg"}.get(name.lower(), name.lower())


def _grouping_output(g: Expression) -> Expression:
    return g
