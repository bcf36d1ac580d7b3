"""``pyspark.sql.functions``: vector functions over ``array<float>`` (Spark 4.3):
similarities and distances, norms, and the element-wise aggregates.

>>> from pyspark.sql import functions as F
>>> F.vector_norm("v")
Column<'vector_norm(v)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import by_kinds, named_call

__all__ = [
    "vector_avg", "vector_cosine_similarity", "vector_inner_product", "vector_l2_distance",
    "vector_norm", "vector_normalize", "vector_sum",
]

vector_cosine_similarity = by_kinds("vector_cosine_similarity", "cc")
vector_inner_product = by_kinds("vector_inner_product", "cc")
vector_l2_distance = by_kinds("vector_l2_distance", "cc")
vector_avg = by_kinds("vector_avg", "c")
vector_sum = by_kinds("vector_sum", "c")


def vector_norm(vector: Any, degree: Any = None) -> Column:
    """The L1, L2 (default) or infinity norm of a float vector, as a float."""
    return named_call("vector_norm", vector, degree)


def vector_normalize(vector: Any, degree: Any = None) -> Column:
    """The vector divided by its norm (L2 by default), as ``array<float>``."""
    return named_call("vector_normalize", vector, degree)
