"""``pyspark.sql.functions``, window functions: row_number, rank, dense_rank, percent_rank,
cume_dist, ntile, lag, lead, nth_value, first_value/last_value. Use them with
``.over(Window...)``; every aggregate (sum, avg, collect_list...) is a window function too.

>>> from pyspark.sql import Window, functions as F
>>> F.lag("v", 1, 0).over(Window.orderBy("t"))
Column<'lag(v, 1, 0) OVER (ORDER BY t ASC NULLS FIRST)'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql.expressions.base import UnresolvedFunction
from sparkcli.sql.column import Column, lit_expr, to_expr

__all__ = ["counter_diff", "cume_dist", "dense_rank", "first_value", "lag", "last_value",
           "lead", "nth_value", "ntile", "percent_rank", "rank", "row_number"]


def _call(name: str, *args: Any) -> Column:
    return Column(UnresolvedFunction(name, tuple(args)))


def counter_diff(value: Any, startTime: Any = None) -> Column:
    """The delta of a cumulative counter from the previous row (NULL where it was reset:
    it went down, or ``startTime`` changed)."""
    args = [to_expr(value)] + ([to_expr(startTime)] if startTime is not None else [])
    return _call("counter_diff", *args)


def row_number() -> Column:
    """The row's number within its window partition, from 1."""
    return _call("row_number")


def rank() -> Column:
    """Rank with gaps: ties share a rank, the next rank skips."""
    return _call("rank")


def dense_rank() -> Column:
    """Rank without gaps."""
    return _call("dense_rank")


def percent_rank() -> Column:
    """(rank - 1) / (rows in the partition - 1)."""
    return _call("percent_rank")


def cume_dist() -> Column:
    """Fraction of the partition's rows ordered at or before the current row."""
    return _call("cume_dist")


def ntile(n: int) -> Column:
    """The bucket (1..n) of the row when the partition is split into n buckets."""
    return _call("ntile", lit_expr(n))


def lag(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows before the current row, else ``default``."""
    return _call("lag", to_expr(col), lit_expr(offset), lit_expr(default))


def lead(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows after the current row, else ``default``."""
    return _call("lead", to_expr(col), lit_expr(offset), lit_expr(default))


def nth_value(col: Any, offset: int, ignoreNulls: bool | None = False) -> Column:
    """The value of the ``offset``-th row of the window frame (skipping NULLs if asked)."""
    args = [to_expr(col), lit_expr(offset)]
    if ignoreNulls:
        args.append(lit_expr(True))
    return _call("nth_value", *args)


def first_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The first value of the frame (the first non-NULL one with ignoreNulls)."""
    args = [to_expr(col)] + ([lit_expr(True)] if ignoreNulls else [])
    return _call("first_value", *args)


def last_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The last value of the frame (the last non-NULL one with ignoreNulls)."""
    args = [to_expr(col)] + ([lit_expr(True)] if ignoreNulls else [])
    return _call("last_value", *args)
