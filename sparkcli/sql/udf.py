"""``pyspark.sql.udf``: Python user-defined functions (udf, UserDefinedFunction, UDFRegistration)."""

from __future__ import annotations

__all__: list[str] = []
