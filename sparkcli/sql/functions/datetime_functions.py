"""``pyspark.sql.functions``, dates and timestamps: Java patterns, session time zone, intervals, window()."""

from __future__ import annotations

__all__: list[str] = []
