"""``pyspark.sql.functions``: the partition transforms ``years``, ``months``, ``days``,
``hours`` and ``bucket``, for ``DataFrame.writeTo(...).partitionedBy(...)``. Spark has no
SQL function of these names; evaluated anywhere else, one is Spark's
``[PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY]`` (runtime/sql/expressions/
misc_reflect.py).

>>> from pyspark.sql import functions as F
>>> F.bucket(4, "id")
Column<'bucket(4, id)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg

__all__ = ["bucket", "days", "hours", "months", "years"]


def _transform(name: str):
    def f(col: Any) -> Column:
        return call(f"{name}@transform", col_arg(col))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Partition transform: the {name} of a date or timestamp column."
    return f


years = _transform("years")
months = _transform("months")
days = _transform("days")
hours = _transform("hours")


def bucket(numBuckets: Any, col: Any) -> Column:
    """Partition transform: a hash bucket (of ``numBuckets``) of ``col``."""
    if not isinstance(numBuckets, (int, Column)) or isinstance(numBuckets, bool):
        raise TypeError("numBuckets should be a Column or an int, got "
                        f"{type(numBuckets).__name__}")
    return call("bucket@transform", lit_arg(numBuckets), col_arg(col))
