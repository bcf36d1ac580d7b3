"""``pyspark.sql.GroupedData``: what ``df.groupBy(...)``, ``rollup``, ``cube`` and
``groupingSets`` return.

``agg`` takes aggregate Columns (``F.sum("x").alias("total")``) or a dict of column name to
function name (``{"age": "max"}`` gives ``max(age)``); ``count``, ``sum``, ``avg``/``mean``,
``min`` and ``max`` are shortcuts. The result has the grouping columns first.

Rollup/cube/grouping sets aggregate over an Expand (runtime/sql/analysis/grouping_sets.py).
``pivot(col, values)`` turns each value of ``col`` into columns: it aggregates by the
grouping columns plus ``col``, then picks each value's result per group (Spark's
PivotFirst), so a value absent from a group gives NULL, ``count`` included. Without
``values`` the distinct values are computed first, sorted (at most
``spark.sql.pivotMaxValues``, 10000).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.analysis.grouping_sets import grouping_sets_aggregate
from runtime.sql.errors import AnalysisException, PySparkNotImplementedError, PySparkTypeError
from runtime.sql.expressions.base import (
    Alias, CaseWhen, Expression, Literal, UnresolvedFunction, UnresolvedStar)
from runtime.sql.formatting.values import format_value
from runtime.sql.plan import logical as L
from runtime.sql.types import BooleanType
from sparkcli.sql.column import Column, lit_expr, name_expr, to_expr
from sparkcli.sql.pandas_udf import apply_in_pandas
from sparkcli.sql.not_provided import not_provided

__all__ = ["GroupedData"]


class GroupedData:
    # PySpark names not provided (sparkcli/sql/not_provided.py)
    apply = not_provided("GroupedData.apply", "use applyInPandas")
    applyInArrow = not_provided("GroupedData.applyInArrow")
    applyInPandasWithState = not_provided("GroupedData.applyInPandasWithState")
    cogroup = not_provided("GroupedData.cogroup")
    transformWithState = not_provided("GroupedData.transformWithState")
    transformWithStateInPandas = not_provided("GroupedData.transformWithStateInPandas")

    def __init__(self, df: Any, groupings: list[Expression],
                 sets: list[list[int]] | None = None, pivot: tuple | None = None):
        self._df = df
        self._groupings = groupings
        self._sets = sets  # grouping sets (rollup/cube/groupingSets), else None
        self._pivot = pivot  # (pivot expression, values) after pivot()

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
        if self._pivot is not None:
            return self._pivoted(aggs)
        if self._sets is not None:
            state = self._df._session._state()
            return self._df._with(grouping_sets_aggregate(
                state.analyzer_exprs(), self._df._plan, list(self._groupings), self._sets,
                list(aggs)))
        groupings = tuple(self._groupings)
        outputs = tuple(_grouping_output(g) for g in groupings) + tuple(aggs)
        return self._df._with(L.Aggregate(groupings, outputs, (self._df._plan,)))

    def applyInPandas(self, func: Any, schema: Any) -> Any:
        """``func(pdf)`` or ``func(key, pdf)`` per group, returning a pandas DataFrame of
        ``schema``."""
        return apply_in_pandas(self, func, schema)

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

    def pivot(self, pivot_col: Any, values: list | None = None) -> GroupedData:
        """One output column per value of ``pivot_col`` (and per aggregate when there are
        several: ``2012_sum(x)``); values computed (sorted, distinct) when not given."""
        if self._sets is not None or self._pivot is not None:
            raise PySparkNotImplementedError(
                "[NOT_IMPLEMENTED] pivot is only available after groupBy.",
                errorClass="NOT_IMPLEMENTED")
        expr = to_expr(pivot_col)
        if values is None:
            limit = int(self._df._session.conf.get("spark.sql.pivotMaxValues", "10000"))
            col = Column(expr)
            found = [r[0] for r in self._df.select(col).distinct().limit(limit + 1)
                     .orderBy(col).collect()]
            if len(found) > limit:
                raise AnalysisException(
                    f"[_LEGACY_ERROR_TEMP_1324] The pivot column {expr.sql()} has more than "
                    f"{limit} distinct values, this could indicate an error. If this was "
                    "intended, set spark.sql.pivotMaxValues to at least the number of "
                    "distinct values of the pivot column.", errorClass="_LEGACY_ERROR_TEMP_1324")
            values = found
        return GroupedData(self._df, self._groupings, None, (expr, list(values)))

    def _pivoted(self, aggs: list[Expression]) -> Any:
        pivot, values = self._pivot  # type: ignore[misc]
        k = len(self._groupings)
        first = self._df._with(L.Aggregate(
            tuple(self._groupings) + (pivot,),
            tuple(_grouping_output(g) for g in self._groupings) + (pivot,) + tuple(aggs),
            (self._df._plan,)))
        out = first._plan.output
        keys, pcol, results = out[:k], out[k], out[k + 1:]
        outputs: list[Expression] = list(keys)
        for v in values:
            label = "null" if v is None else format_value(v, pcol.dtype)
            for a in results:
                pick = CaseWhen((UnresolvedFunction("<=>", (pcol, lit_expr(v))), a))
                name = label if len(results) == 1 else f"{label}_{a.name}"
                outputs.append(Alias((UnresolvedFunction(
                    "first", (pick, Literal(True, _BOOL))),), name))
        return first._with(L.Aggregate(tuple(keys), tuple(outputs), (first._plan,)))


_BOOL = BooleanType()

_NUMERIC = {"ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType",
            "DecimalType"}


def _func(name: str) -> str:
    return {"mean": "avg"}.get(name.lower(), name.lower())


def _grouping_output(g: Expression) -> Expression:
    return g
