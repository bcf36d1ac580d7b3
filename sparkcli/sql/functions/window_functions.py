"""``pyspark.sql.functions``, window functions: row_number, rank, dense_rank, lag, lead, ntile, nth_value...."""

from __future__ import annotations

__all__: list[str] = []
