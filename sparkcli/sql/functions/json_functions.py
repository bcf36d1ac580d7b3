"""``pyspark.sql.functions``, JSON and CSV: from_json, to_json, get_json_object, json_tuple, schema_of_json, from_csv...."""

from __future__ import annotations

__all__: list[str] = []
