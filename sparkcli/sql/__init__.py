"""``pyspark.sql``: SparkSession, its Builder and RuntimeConfig (DataFrames come later).

Names are imported lazily so ``import pyspark.sql`` stays cheap.
"""

from __future__ import annotations

_LAZY = {
    "SparkSession": "sparkcli.sql.session",
    "RuntimeConfig": "sparkcli.sql.conf",
}

__all__ = ["RuntimeConfig", "SparkSession"]


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(
            f"module 'sparkcli.sql' has no attribute {name!r} "
            "(sparkcli implements SparkSession and RuntimeConfig so far)"
        )
    import importlib

    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value
