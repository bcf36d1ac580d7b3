"""``pyspark.sql.functions``, arrays, maps, structs and the higher-order functions (transform, filter, aggregate...)."""

from __future__ import annotations

__all__: list[str] = []
