"""``pyspark.sql.functions``, everything else: conditional, null handling, type and session functions."""

from __future__ import annotations

__all__: list[str] = []
