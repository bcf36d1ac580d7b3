"""``pyspark.sql.functions``, strings: formatting, padding, searching, encoding, regular expressions."""

from __future__ import annotations

__all__: list[str] = []
