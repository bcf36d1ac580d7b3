"""``pyspark.sql``: SparkSession, its Builder and RuntimeConfig (DataFrames come later).

Names are imported lazily so ``import pyspark.sql`` stays cheap.
"""

from __future__ import annotations

_LAZY = {
    "SparkSession": "sparkcli.sql.session",
    "RuntimeConfig": "sparkcli.sql.conf",
}

__all__ = ["RuntimeConfig", "SparkSession"]

# PySpark's pyspark.sql names that sparkcli does not have yet: ``from pyspark.sql import Row``
# fails with a line saying so, not Python's bare "cannot import name".
PLANNED = frozenset({
    "Catalog", "Column", "DataFrame", "DataFrameNaFunctions", "DataFrameReader",
    "DataFrameStatFunctions", "DataFrameWriter", "GroupedData", "HiveContext", "Observation",
    "Row", "SQLContext", "UDFRegistration", "UDTFRegistration", "Window", "WindowSpec",
    "avro", "catalog", "column", "dataframe", "functions", "group", "readwriter", "streaming",
    "types", "udf", "window",
})

NOT_YET = ("is not available in sparkcli yet: DataFrames and SQL are planned; "
           "use the RDD API (spark.sparkContext) for now")


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None and name in PLANNED:
        raise ImportError(f"pyspark.sql.{name} {NOT_YET}", name=f"pyspark.sql.{name}")
    if mod is None:
        raise AttributeError(
            f"module 'sparkcli.sql' has no attribute {name!r} "
            "(sparkcli implements SparkSession and RuntimeConfig so far)"
        )
    import importlib

    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value
