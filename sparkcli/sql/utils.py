"""``pyspark.sql.utils``: the exception classes PySpark code imports from here."""

from __future__ import annotations

from runtime.sql.errors import (
    AnalysisException, IllegalArgumentException, ParseException, PySparkException,
    UnsupportedOperationException)

__all__ = ["AnalysisException", "IllegalArgumentException", "ParseException",
           "PySparkException", "UnsupportedOperationException"]
