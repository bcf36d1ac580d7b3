"""``pyspark.sql.functions``, aggregates: percentile, median, mode, corr, covar, skewness, kurtosis, max_by...."""

from __future__ import annotations

__all__: list[str] = []
