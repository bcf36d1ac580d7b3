"""``pyspark.sql.functions``, distinct-count sketches: hll_* (HyperLogLog) and theta_*
(the engine's runtime/sql/expressions/sketch_distinct.py says what they compute and how
their binary format differs from Spark's DataSketches buffers).

>>> from pyspark.sql import functions as F
>>> F.hll_sketch_estimate(F.hll_sketch_agg("x"))
Column<'hll_sketch_estimate(hll_sketch_agg(x))'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg

__all__ = ["hll_sketch_agg", "hll_sketch_estimate", "hll_union", "hll_union_agg",
           "theta_difference", "theta_intersection", "theta_intersection_agg",
           "theta_sketch_agg", "theta_sketch_estimate", "theta_union", "theta_union_agg"]


def _with(name: str, cols: list, option: Any) -> Column:
    args = [col_arg(c) for c in cols]
    if option is not None:
        args.append(lit_arg(option))
    return call(name, *args)


def hll_sketch_agg(col: Any, lgConfigK: Any = None) -> Column:
    """An HLL sketch (binary) of the distinct values of ``col`` (lgConfigK 4..21, 12)."""
    return _with("hll_sketch_agg", [col], lgConfigK)


def hll_union_agg(col: Any, allowDifferentLgConfigK: Any = None) -> Column:
    """The union of a group's HLL sketches."""
    return _with("hll_union_agg", [col], allowDifferentLgConfigK)


def hll_sketch_estimate(col: Any) -> Column:
    """The estimated distinct count of an HLL sketch (bigint)."""
    return _with("hll_sketch_estimate", [col], None)


def hll_union(col1: Any, col2: Any, allowDifferentLgConfigK: Any = None) -> Column:
    """The union of two HLL sketches."""
    return _with("hll_union", [col1, col2], allowDifferentLgConfigK)


def theta_sketch_agg(col: Any, lgNomEntries: Any = None) -> Column:
    """A theta sketch (binary) of the distinct values of ``col`` (lgNomEntries 4..26, 12)."""
    return _with("theta_sketch_agg", [col], lgNomEntries)


def theta_union_agg(col: Any, lgNomEntries: Any = None) -> Column:
    """The union of a group's theta sketches."""
    return _with("theta_union_agg", [col], lgNomEntries)


def theta_intersection_agg(col: Any) -> Column:
    """The intersection of a group's theta sketches."""
    return _with("theta_intersection_agg", [col], None)


def theta_sketch_estimate(col: Any) -> Column:
    """The estimated distinct count of a theta sketch (bigint)."""
    return _with("theta_sketch_estimate", [col], None)


def theta_union(col1: Any, col2: Any, lgNomEntries: Any = None) -> Column:
    """The union of two theta sketches."""
    return _with("theta_union", [col1, col2], lgNomEntries)


def theta_intersection(col1: Any, col2: Any) -> Column:
    """The intersection of two theta sketches."""
    return _with("theta_intersection", [col1, col2], None)


def theta_difference(col1: Any, col2: Any) -> Column:
    """The values of the first theta sketch not in the second."""
    return _with("theta_difference", [col1, col2], None)
