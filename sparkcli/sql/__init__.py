"""``pyspark.sql``: SparkSession, DataFrame, Column, Row, the types and functions.

Names are imported lazily so ``import pyspark.sql`` stays cheap (no pyarrow until a
DataFrame is built).
"""

from __future__ import annotations

from runtime.lazy import load as _load

_LAZY = {
    "SparkSession": "sparkcli.sql.session",
    "RuntimeConfig": "sparkcli.sql.conf",
    "DataFrame": "sparkcli.sql.dataframe",
    "Column": "sparkcli.sql.column",
    "Row": "sparkcli.sql.types",
    "GroupedData": "sparkcli.sql.group",
    "DataFrameReader": "sparkcli.sql.readwriter",
    "DataFrameWriter": "sparkcli.sql.readwriter",
    "DataFrameWriterV2": "sparkcli.sql.readwriter",
    "Catalog": "sparkcli.sql.catalog",
    "Observation": "sparkcli.sql.observation",
    "DataFrameNaFunctions": "sparkcli.sql.na",
    "DataFrameStatFunctions": "sparkcli.sql.stat",
    "Window": "sparkcli.sql.window",
    "WindowSpec": "sparkcli.sql.window",
    "UDFRegistration": "sparkcli.sql.udf",
    "UDTFRegistration": "sparkcli.sql.udtf",
}

__all__ = ["Catalog", "Column", "DataFrame", "DataFrameNaFunctions", "DataFrameReader",
           "DataFrameStatFunctions", "DataFrameWriter", "DataFrameWriterV2", "GroupedData",
           "Observation", "Row", "RuntimeConfig", "SparkSession", "Window", "WindowSpec"]

# PySpark's pyspark.sql names that sparkcli does not have yet: ``from pyspark.sql import Row``
# fails with a line saying so, not Python's bare "cannot import name".
PLANNED = frozenset({
    "HiveContext",
    "SQLContext",
    "avro", "streaming",
})

NOT_YET = ("is not available in sparkcli yet: it comes with the Spark SQL and Structured "
           "Streaming work")


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None and name in PLANNED:
        raise ImportError(f"pyspark.sql.{name} {NOT_YET}", name=f"pyspark.sql.{name}")
    if mod is None:
        raise AttributeError(
            f"module 'sparkcli.sql' has no attribute {name!r} "
            f"(sparkcli.sql provides {', '.join(__all__)})"
        )
    value = getattr(_load(mod), name)
    globals()[name] = value
    return value
