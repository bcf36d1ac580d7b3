"""Sorting with Spark's ordering on Arrow's sort_indices.

Spark orders NULLs first for ascending and last for descending unless told otherwise, and
orders NaN above every other double (also above +Infinity) in both directions. Arrow places
NaN with the NULLs, so a float key gets an extra leading key "is NaN" (NULL for NULL rows,
so NULL placement still applies) in the same direction: NaN sorts last ascending, first
descending.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import SortOrder
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.arrow_types import column_to_python
from runtime.sql.formatting.values import format_value

__all__ = ["sort_indices", "sort_table"]


def sort_indices(table: Any, orders: list[SortOrder], positions: dict[int, int],
                 ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows == 0:
        return pa.array([], pa.uint64())
    batch = table.combine_chunks().to_batches()[0] if table.num_rows else None
    cols: dict[str, Any] = {}
    keys = []
    for i, o in enumerate(orders):
        v = materialize(evaluate(o.child, batch, positions, ectx), table.num_rows)
        order = "ascending" if o.ascending else "descending"
        nulls = "at_start" if o.nulls_first_effective else "at_end"
        if isinstance(o.dtype, (T.FloatType, T.DoubleType)):
            cols[f"n{i}"] = pc.is_nan(v)  # NULL for NULL rows: null placement still applies
            keys.append((f"n{i}", order, nulls))
        if isinstance(o.dtype, (T.MapType,)):
            raise ValueError("cannot sort on a map")
        if isinstance(o.dtype, (T.StructType, T.ArrayType)):
            v = _orderable(v, o.dtype)
        cols[f"k{i}"] = v
        keys.append((f"k{i}", order, nulls))
    return pc.sort_indices(pa.table(cols), sort_keys=keys)


def _orderable(v: Any, dtype: T.DataType) -> Any:
    """Nested values as a sortable string key (lexicographic on Spark's text form)."""
    import pyarrow as pa


    return pa.array([None if x is None else format_value(x, dtype)
                     for x in column_to_python(v, dtype)], pa.string())


def sort_table(table: Any, orders: list[SortOrder], positions: dict[int, int],
               ectx: EvalContext) -> Any:
    if table.num_rows <= 1:
        return table
    return table.take(sort_indices(table, orders, positions, ectx))
