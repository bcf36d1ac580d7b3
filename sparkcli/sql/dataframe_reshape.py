"""Reshaping methods of ``DataFrame`` (a mixin; see dataframe.py): rollup, cube,
groupingSets, unpivot/melt, transpose and withMetadata.

Rollup, cube and grouping sets return a ``GroupedData`` whose aggregation is an Aggregate
over an Expand (runtime/sql/analysis/grouping_sets.py). ``unpivot`` is an Expand too: one
projection per value column, ``(ids..., column name, value)``, the values cast to their
least common type, rows in Spark's order (each input row's values in column order).
``transpose`` collects the (small) input and builds the transposed table on the driver,
as Spark does.

>>> df = spark.createDataFrame([(1, 11, 1.1), (2, 12, 1.2)], ["id", "int", "double"])
>>> df.unpivot("id", ["int", "double"], "var", "val").collect()[:2]
[Row(id=1, var='int', val=11.0), Row(id=1, var='double', val=1.1)]
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.analysis.grouping_sets import cube_sets, rollup_sets
from runtime.sql.errors import AnalysisException, PySparkTypeError
from runtime.sql.expressions.base import Alias, AttributeReference, Expression, Literal
from runtime.sql.expressions.binding import cast_to
from runtime.sql.expressions.coercion import common_type
from runtime.sql.formatting.values import format_value
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column, to_expr
from sparkcli.sql.group import GroupedData

__all__ = ["DataFrameReshape"]


def _list(cols: Any) -> list:
    if cols is None:
        return []
    if isinstance(cols, (list, tuple)):
        return list(cols)
    return [cols]


def _flat(cols: tuple) -> list:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        return list(cols[0])
    return list(cols)


class DataFrameReshape:
    _plan: L.LogicalPlan
    _session: Any

    # -- grouping sets ----------------------------------------------------------------------------
    def rollup(self, *cols: Any) -> GroupedData:
        """Group by each prefix of the columns (subtotals and a grand total):
        ``rollup("a", "b")`` groups by (a, b), (a) and ()."""
        exprs = [to_expr(c) for c in _flat(cols)]
        return GroupedData(self, exprs, rollup_sets(len(exprs)))

    def cube(self, *cols: Any) -> GroupedData:
        """Group by every subset of the columns."""
        exprs = [to_expr(c) for c in _flat(cols)]
        return GroupedData(self, exprs, cube_sets(len(exprs)))

    def groupingSets(self, groupingSets: Any, *cols: Any) -> GroupedData:
        """Group by each of the given sets of columns:
        ``groupingSets([["a", "b"], ["a"], []], "a", "b")``."""
        exprs = [to_expr(c) for c in _flat(cols)]
        keys = [e.sql() for e in exprs]
        sets = []
        for gs in groupingSets:
            s = []
            for c in _list(gs):
                e = to_expr(c)
                if e.sql() not in keys:
                    exprs.append(e)
                    keys.append(e.sql())
                s.append(keys.index(e.sql()))
            sets.append(s)
        return GroupedData(self, exprs, sets)

    # -- unpivot ----------------------------------------------------------------------------------
    def unpivot(self, ids: Any, values: Any, variableColumnName: str,
                valueColumnName: str) -> Any:
        """Wide to long: one row per input row and value column, with the ids, the value
        column's name (``variableColumnName``) and its value (``valueColumnName``);
        ``values=None`` takes every column that is not an id."""
        id_cols = _list(ids)
        resolved_ids = self._resolved(id_cols)
        if values is None:
            taken = {e.expr_id for e in resolved_ids if isinstance(e, AttributeReference)}
            resolved_values: list[Expression] = [
                a for a in self._plan.output if a.expr_id not in taken]
        else:
            resolved_values = self._resolved(_list(values))
        if not resolved_values:
            raise AnalysisException(
                "[UNPIVOT_REQUIRES_VALUE_COLUMNS] At least one value column needs to be "
                "specified for UNPIVOT, all columns specified as ids. SQLSTATE: 42K0A",
                errorClass="UNPIVOT_REQUIRES_VALUE_COLUMNS")
        t = _least_common([e.dtype for e in resolved_values])
        if t is None:
            shown = ", ".join(f'"{e.dtype.simpleString().upper()}" (`{_name(e)}`)'
                              for e in resolved_values)
            raise AnalysisException(
                "[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least "
                f"common type, some types do not: [{shown}]. SQLSTATE: 42K09",
                errorClass="UNPIVOT_VALUE_DATA_TYPE_MISMATCH")
        id_exprs = [_unalias(e) for e in resolved_ids]
        projections = tuple(
            tuple(id_exprs) + (Literal(_name(v), T.StringType()), cast_to(_unalias(v), t))
            for v in resolved_values)
        attrs = tuple(AttributeReference(_name(e), e.dtype, e.nullable) for e in resolved_ids) \
            + (AttributeReference(variableColumnName, T.StringType(), False),
               AttributeReference(valueColumnName, t, any(v.nullable for v in resolved_values)))
        return self._with(L.Expand(projections, attrs, (self._plan,)))  # type: ignore

    def melt(self, ids: Any, values: Any, variableColumnName: str,
             valueColumnName: str) -> Any:
        """An alias of ``unpivot``."""
        return self.unpivot(ids, values, variableColumnName, valueColumnName)

    def _resolved(self, cols: list) -> list[Expression]:
        if not cols:
            return []
        for c in cols:
            if not isinstance(c, (str, Column)):
                raise PySparkTypeError(
                    f"[NOT_COLUMN_OR_STR] Argument `col` should be a Column or str, got "
                    f"{type(c).__name__}.", errorClass="NOT_COLUMN_OR_STR")
        plan = self._session._state().analyze(  # type: ignore[attr-defined]
            L.Project(tuple(to_expr(c) for c in cols), (self._plan,)))
        return list(plan.exprs)

    # -- transpose --------------------------------------------------------------------------------
    def transpose(self, indexColumn: Any = None) -> Any:
        """Columns become rows: the index column's values (non-NULL, ascending) name the new
        columns; the other columns' names go into column ``key``."""
        out = self._plan.output
        index = self._resolved([indexColumn])[0] if indexColumn is not None else out[0]
        index = _unalias(index)
        rest = [a for a in out if not (isinstance(index, AttributeReference)
                                       and a.expr_id == index.expr_id)]
        if not isinstance(index.dtype, _ORDERABLE):
            raise AnalysisException(
                f"[TRANSPOSE_INVALID_INDEX_COLUMN] Invalid index column for TRANSPOSE because: "
                f"Index column must be of atomic type, but found: "
                f"{index.dtype.simpleString().upper()}. SQLSTATE: 42804",
                errorClass="TRANSPOSE_INVALID_INDEX_COLUMN")
        t: T.DataType | None = rest[0].dtype if rest else T.StringType()
        for a in rest[1:]:
            w = _least_common([t, a.dtype])  # type: ignore[list-item]
            if w is None:
                raise AnalysisException(
                    "[TRANSPOSE_NO_LEAST_COMMON_TYPE] Transpose requires non-index columns to "
                    f'share a least common type, but "{t.simpleString().upper()}" and '  # type: ignore
                    f'"{a.dtype.simpleString().upper()}" do not. SQLSTATE: 42K09',
                    errorClass="TRANSPOSE_NO_LEAST_COMMON_TYPE")
            t = w
        cols = [Column(Alias((index,), "__index"))] + [
            Column(Alias((cast_to(a, t),), a.name)) for a in rest]
        rows = [r for r in self.select(*cols).collect() if r[0] is not None]  # type: ignore
        rows.sort(key=lambda r: r[0])
        from_fmt = _label(index.dtype)
        names = [from_fmt(r[0]) for r in rows]
        schema = T.StructType([T.StructField("key", T.StringType(), False)] +
                              [T.StructField(n, t, True) for n in names])
        data = [[a.name] + [r[i + 1] for r in rows] for i, a in enumerate(rest)]
        return self._session.createDataFrame(data, schema)

    def withMetadata(self, columnName: str, metadata: dict) -> Any:
        """The same rows with ``metadata`` on column ``columnName``."""
        if not isinstance(metadata, dict):
            raise PySparkTypeError(
                "[NOT_DICT] Argument `metadata` should be a dict, got "
                f"{type(metadata).__name__}.", errorClass="NOT_DICT")
        target = self[columnName]._expr  # [UNRESOLVED_COLUMN] for an unknown name
        exprs = tuple(Alias((a,), a.name, metadata=(("metadata", metadata),))
                      if a.expr_id == getattr(target, "expr_id", None) else a
                      for a in self._plan.output)
        return self._with(L.Project(exprs, (self._plan,)))


_ORDERABLE = (T.NumericType, T.StringType, T.BooleanType, T.DateType, T.TimestampType,
              T.TimestampNTZType)


def _least_common(types: list[T.DataType]) -> T.DataType | None:
    """The common type without promoting to string (a string meets only strings)."""
    strings = [isinstance(t, T.StringType) for t in types]
    if any(strings) and not all(strings):
        return None
    return common_type(types)


def _label(dtype: T.DataType):
    return lambda v: format_value(v, dtype)


def _name(e: Expression) -> str:
    if isinstance(e, (Alias, AttributeReference)):
        return e.name
    return e.sql()


def _unalias(e: Expression) -> Expression:
    return e.child if isinstance(e, Alias) else e
