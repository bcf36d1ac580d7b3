"""``pyspark.sql.functions``, math: trigonometry, logarithms, rounding, bases, bit operations."""

from __future__ import annotations

__all__: list[str] = []
