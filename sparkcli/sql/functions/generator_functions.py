"""``pyspark.sql.functions``: the generators that make several columns, ``inline``,
``inline_outer`` and ``stack`` (explode and posexplode are in builtin).

>>> from pyspark.sql import functions as F
>>> F.stack(F.lit(2), "a", "b")
Column<'stack(2, a, b)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import named_call, unary

__all__ = ["inline", "inline_outer", "stack"]

inline = unary("inline", doc="One row per struct of the array, one column per field.")
inline_outer = unary("inline_outer",
                     doc="``inline``, with one row of NULLs for a NULL or empty array.")


def stack(*cols: Any) -> Column:
    """``stack(n, v1, ..., vk)``: the values in ``n`` rows of columns col0, col1..."""
    return named_call("stack", *cols)
