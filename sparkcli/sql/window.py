"""``pyspark.sql.Window`` and ``WindowSpec``: the OVER clause of a window function.

A ``WindowSpec`` is immutable: ``Window.partitionBy("k").orderBy("t")`` builds one,
``.rowsBetween(start, end)`` / ``.rangeBetween(start, end)`` a copy with a frame (offsets
relative to the current row; ``Window.unboundedPreceding``, ``Window.unboundedFollowing``
and ``Window.currentRow`` as in PySpark). ``Column.over(spec)`` turns a window function or
an aggregate into a window expression; the analyzer gives it Spark's default frame and name.

>>> from pyspark.sql import Window, functions as F
>>> F.row_number().over(Window.partitionBy("k").orderBy("t"))
Column<'row_number() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST)'>
>>> F.sum("v").over(Window.orderBy("t").rowsBetween(-1, Window.currentRow))
Column<'sum(v) OVER (ORDER BY t ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND CURRENT ROW)'>
"""

from __future__ import annotations

import sys
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import PySparkTypeError
from runtime.sql.expressions.base import Expression, SortOrder
from runtime.sql.expressions.window_base import (
    CURRENT_ROW, UNBOUNDED_FOLLOWING, UNBOUNDED_PRECEDING, FrameBound, WindowFrame,
    WindowSpecDefinition, offset_bound)
from sparkcli.sql.column import to_expr

__all__ = ["Window", "WindowSpec"]

_JAVA_MIN_LONG = -(1 << 63)
_JAVA_MAX_LONG = (1 << 63) - 1


def _cols(cols: tuple) -> list:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        return list(cols[0])
    return list(cols)


def _order(c: Any) -> Expression:
    e = to_expr(c)
    return e if isinstance(e, SortOrder) else SortOrder((e,), True)


def _bound(value: Any, lower: bool, kind: str) -> FrameBound:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PySparkTypeError(
            f"[NOT_INT] Argument `{'start' if lower else 'end'}` should be an int, got "
            f"{type(value).__name__}.", errorClass="NOT_INT")
    if value <= Window._PRECEDING_THRESHOLD:
        return UNBOUNDED_PRECEDING
    if value >= Window._FOLLOWING_THRESHOLD:
        return UNBOUNDED_FOLLOWING
    if value == 0:
        return CURRENT_ROW
    return offset_bound(value, False, T.IntegerType() if kind == "rows" else T.LongType())


class WindowSpec:
    """PARTITION BY, ORDER BY and frame of a window (see the module docstring)."""

    def __init__(self, partition: tuple = (), orders: tuple = (),
                 frame: WindowFrame | None = None):
        self._partition = tuple(partition)
        self._orders = tuple(orders)
        self._frame = frame

    def partitionBy(self, *cols: Any) -> WindowSpec:
        """The window's partitioning columns (names or Columns)."""
        return WindowSpec(tuple(to_expr(c) for c in _cols(cols)), self._orders, self._frame)

    def orderBy(self, *cols: Any) -> WindowSpec:
        """The ordering within a partition (names, Columns, ``F.desc(...)``)."""
        return WindowSpec(self._partition, tuple(_order(c) for c in _cols(cols)), self._frame)

    def rowsBetween(self, start: int, end: int) -> WindowSpec:
        """A ROWS frame from ``start`` to ``end`` rows relative to the current row."""
        return WindowSpec(self._partition, self._orders, WindowFrame(
            "rows", _bound(start, True, "rows"), _bound(end, False, "rows")))

    def rangeBetween(self, start: int, end: int) -> WindowSpec:
        """A RANGE frame: rows whose ORDER BY value lies within [value + start, value + end]."""
        return WindowSpec(self._partition, self._orders, WindowFrame(
            "range", _bound(start, True, "range"), _bound(end, False, "range")))

    def _definition(self) -> WindowSpecDefinition:
        return WindowSpecDefinition(self._partition + self._orders, len(self._partition),
                                    self._frame)

    def __repr__(self) -> str:
        return f"<WindowSpec {self._definition().sql()}>"


class Window:
    """Builds ``WindowSpec``s: ``Window.partitionBy(...)``, ``Window.orderBy(...)``."""

    _JAVA_MIN_LONG = _JAVA_MIN_LONG
    _JAVA_MAX_LONG = _JAVA_MAX_LONG
    _PRECEDING_THRESHOLD = max(-sys.maxsize, _JAVA_MIN_LONG)
    _FOLLOWING_THRESHOLD = min(sys.maxsize, _JAVA_MAX_LONG)
    unboundedPreceding: int = _JAVA_MIN_LONG
    unboundedFollowing: int = _JAVA_MAX_LONG
    currentRow: int = 0

    @staticmethod
    def partitionBy(*cols: Any) -> WindowSpec:
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols: Any) -> WindowSpec:
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rangeBetween(start, end)
