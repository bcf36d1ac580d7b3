"""Window expressions: ``f(...) OVER (PARTITION BY ... ORDER BY ... frame)``.

Three pieces, as in Spark's catalyst:

* ``FrameBound``: one end of a frame. ``kind`` is ``"unbounded_preceding"``,
  ``"unbounded_following"``, ``"current"`` or ``"offset"`` (``value`` rows, or a distance
  on the single ORDER BY key for RANGE); ``preceding`` marks an offset written ``n
  PRECEDING`` in SQL (Spark's ``UnaryMinus(n)``), which prints differently from the API's
  ``rowsBetween(-1, ...)`` (``-1 FOLLOWING``), exactly as Spark names the columns.
* ``WindowSpecDefinition``: children are the partition expressions then the ``SortOrder``s;
  ``frame`` is a ``WindowFrame`` (``"rows"``/``"range"`` with two bounds) or None until the
  analyzer fills Spark's default.
* ``WindowExpression``: children ``(function, spec)``; the function is an ``AggCall`` (any
  aggregate) or a window-function ``Call`` (``spec.extra["window"]`` set: row_number, rank,
  lag...). Its name is ``<function> OVER (<spec>)``.

``bind_window(expr)`` is the analyzer's step once the children are resolved: it checks the
function may be windowed, fills the frame (a ranking or offset function has its own fixed
frame and rejects another one; an aggregate gets ``RANGE BETWEEN UNBOUNDED PRECEDING AND
CURRENT ROW`` with an ORDER BY and the whole partition without), and validates the frame
with Spark's error classes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import AggCall, Call, Expression, SortOrder
from runtime.sql.formatting.values import literal_sql

__all__ = [
    "CURRENT_ROW", "FrameBound", "UNBOUNDED_FOLLOWING", "UNBOUNDED_PRECEDING", "WindowExpression",
    "WindowFrame", "WindowSpecDefinition", "bind_window", "contains_window", "is_window_function",
]


@dataclass(frozen=True)
class FrameBound:
    kind: str
    value: Any = None
    preceding: bool = False  # written "n PRECEDING" (SQL): value is already negative
    dtype: T.DataType = T.IntegerType()

    def sql(self) -> str:
        if self.kind == "unbounded_preceding":
            return "UNBOUNDED PRECEDING"
        if self.kind == "unbounded_following":
            return "UNBOUNDED FOLLOWING"
        if self.kind == "current":
            return "CURRENT ROW"
        if self.preceding:
            return f"{literal_sql(-self.value, self.dtype)} PRECEDING"
        return f"{literal_sql(self.value, self.dtype)} FOLLOWING"

    def order(self) -> float:
        """Where the bound lies relative to the current row (for the lower <= upper check)."""
        if self.kind == "unbounded_preceding":
            return float("-inf")
        if self.kind == "unbounded_following":
            return float("inf")
        return 0.0 if self.kind == "current" else float(self.value)


UNBOUNDED_PRECEDING = FrameBound("unbounded_preceding")
UNBOUNDED_FOLLOWING = FrameBound("unbounded_following")
CURRENT_ROW = FrameBound("current")


def offset_bound(value: Any, preceding: bool = False, dtype: T.DataType | None = None
                 ) -> FrameBound:
    if value == 0 and not preceding:
        return CURRENT_ROW
    return FrameBound("offset", value, preceding, dtype or T.IntegerType())


@dataclass(frozen=True)
class WindowFrame:
    kind: str  # "rows" | "range"
    lower: FrameBound
    upper: FrameBound

    def sql(self) -> str:
        return f"{self.kind.upper()} BETWEEN {self.lower.sql()} AND {self.upper.sql()}"

    def debug(self) -> str:
        def b(x: FrameBound) -> str:
            return {"unbounded_preceding": "unboundedpreceding$()",
                    "unbounded_following": "unboundedfollowing$()",
                    "current": "currentrow$()"}.get(x.kind, str(x.value))
        frame = "RowFrame" if self.kind == "rows" else "RangeFrame"
        return f"specifiedwindowframe({frame}, {b(self.lower)}, {b(self.upper)})"


WHOLE_PARTITION = WindowFrame("rows", UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING)
RUNNING_RANGE = WindowFrame("range", UNBOUNDED_PRECEDING, CURRENT_ROW)
RUNNING_ROWS = WindowFrame("rows", UNBOUNDED_PRECEDING, CURRENT_ROW)


@dataclass(frozen=True, eq=False)
class WindowSpecDefinition(Expression):
    children: tuple  # partition expressions, then SortOrders
    num_partition: int
    frame: WindowFrame | None = None
    dtype: T.DataType = T.NullType()

    @property
    def partition(self) -> tuple:
        return self.children[:self.num_partition]

    @property
    def orders(self) -> tuple:
        return self.children[self.num_partition:]

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return all(c.resolved for c in self.children)

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def foldable(self) -> bool:
        return False

    def sql(self) -> str:
        parts = []
        if self.partition:
            parts.append("PARTITION BY " + ", ".join(c.sql() for c in self.partition))
        if self.orders:
            parts.append("ORDER BY " + ", ".join(c.sql() for c in self.orders))
        if self.frame is not None:
            parts.append(self.frame.sql())
        return "(" + " ".join(parts) + ")"


@dataclass(frozen=True, eq=False)
class WindowExpression(Expression):
    children: tuple  # (function, WindowSpecDefinition)

    @property
    def function(self) -> Expression:
        return self.children[0]

    @property
    def spec(self) -> WindowSpecDefinition:
        return self.children[1]

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return self.function.resolved and self.spec.resolved and self.spec.frame is not None

    @property
    def dtype(self) -> T.DataType:  # type: ignore[override]
        return self.function.dtype

    @property
    def nullable(self) -> bool:
        return bool(getattr(self.function, "nullable", True))

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def foldable(self) -> bool:
        return False

    def is_aggregate(self) -> bool:
        return any(c.is_aggregate() for c in self.function.children)

    def sql(self) -> str:
        return f"{self.function.sql()} OVER {self.spec.sql()}"


def is_window_function(e: Expression) -> bool:
    return isinstance(e, Call) and "window" in e.spec.extra


def contains_window(e: Expression) -> bool:
    return isinstance(e, WindowExpression) or any(contains_window(c) for c in e.children)


# -- binding ---------------------------------------------------------------------------------------
def _mismatch(sub: str, text: str, frame: WindowFrame, **params: str) -> AnalysisException:
    return AnalysisException(
        f'[DATATYPE_MISMATCH.{sub}] Cannot resolve "{frame.sql()}" due to data type mismatch: '
        f"{text} SQLSTATE: 42K09", errorClass=f"DATATYPE_MISMATCH.{sub}",
        messageParameters=params)


def bind_window(expr: WindowExpression) -> WindowExpression:
    fn, spec = expr.function, expr.spec
    if not isinstance(fn, AggCall) and not is_window_function(fn):
        raise AnalysisException(
            f'[UNSUPPORTED_EXPR_FOR_WINDOW] Expression "{fn.sql()}" not supported within a '
            "window function. SQLSTATE: 42P20", errorClass="UNSUPPORTED_EXPR_FOR_WINDOW",
            messageParameters={"sqlExpr": f'"{fn.sql()}"'})
    if isinstance(fn, AggCall) and fn.distinct and spec.orders:
        raise AnalysisException(
            "[DISTINCT_WINDOW_FUNCTION_UNSUPPORTED] Distinct window functions are not "
            f"supported: {fn.sql()}. SQLSTATE: 0A000",
            errorClass="DISTINCT_WINDOW_FUNCTION_UNSUPPORTED")
    fixed = fn.spec.extra.get("window_frame") if is_window_function(fn) else None
    if fixed is not None:
        if fn.spec.extra.get("needs_order", True) and not spec.orders:
            name = fn.spec.name
            raise AnalysisException(
                f"[WINDOW_FUNCTION_FRAME_NOT_ORDERED] Window function {name} requires the "
                "window to be ordered. You need to add an ORDER BY clause. For example: "
                f"SELECT {name.upper()}() OVER (PARTITION BY window_partition ORDER BY "
                "window_ordering) FROM table. SQLSTATE: 42601",
                errorClass="WINDOW_FUNCTION_FRAME_NOT_ORDERED")
        want = fixed(fn)
        if spec.frame is not None and spec.frame != want:
            raise AnalysisException(
                f"[WINDOW_FUNCTION_AND_FRAME_MISMATCH] `{fn.spec.name}` function can only be "
                f"evaluated in an ordered row-based window frame with a single offset: "
                f"{spec.frame.sql()}. SQLSTATE: 42K0E",
                errorClass="WINDOW_FUNCTION_AND_FRAME_MISMATCH")
        frame = want
    elif spec.frame is not None:
        frame = spec.frame
        _check_frame(frame, spec)
    else:
        frame = RUNNING_RANGE if spec.orders else WHOLE_PARTITION
    return WindowExpression((fn, replace(spec, frame=frame)))


def _check_frame(frame: WindowFrame, spec: WindowSpecDefinition) -> None:
    lo, hi = frame.lower, frame.upper
    if lo.kind == "unbounded_following" or hi.kind == "unbounded_preceding" or \
            lo.order() > hi.order():
        raise _mismatch("SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                        "The lower bound of a window frame must be less than or equal to the "
                        "upper bound.", frame)
    if frame.kind != "range" or (lo.kind != "offset" and hi.kind != "offset"):
        return
    orders = spec.orders
    if len(orders) != 1:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER] Cannot resolve "{frame.sql()}" due '
            "to data type mismatch: A range window frame with value boundaries cannot be used "
            f"in a window specification with multiple orderBy expressions: "
            f"{', '.join(o.sql() for o in orders)}. SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER")
    key = orders[0].dtype
    if not isinstance(key, (T.NumericType, T.DateType, T.TimestampType)):
        which = "lower" if lo.kind == "offset" else "upper"
        raise _mismatch(
            "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
            f'The data type of the {which} bound "{key.simpleString().upper()}" does not '
            'match the expected data type ("NUMERIC" or "INTERVAL DAY TO SECOND" or '
            '"INTERVAL YEAR TO MONTH" or "INTERVAL").', frame)


_unused = SortOrder
