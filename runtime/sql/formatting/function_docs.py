"""DESCRIBE FUNCTION's text: Spark's own description of each built-in function.

Spark prints a function's ``ExpressionDescription`` (usage, arguments, examples, since) from
the annotations of its Scala class. ``function_docs.json.gz`` next to this module holds them
for the functions the engine provides, as PySpark 4.3 prints them (``DESCRIBE FUNCTION
EXTENDED name`` for every name of the registry, generated with ``python -m
runtime.sql.formatting.function_docs OUT`` where pyspark is installed): per name, the Scala
class, the usage line and the extended usage. ``describe(name, extended)`` gives the rows
of ``DESCRIBE FUNCTION [EXTENDED]``, None for a name the table lacks.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from runtime.sql.expressions.registry import FUNCTIONS, _load_all

__all__ = ["describe"]

_TABLE = Path(__file__).with_name("function_docs.json.gz")


@lru_cache(maxsize=1)
def _docs() -> dict:
    try:
        return json.loads(gzip.decompress(_TABLE.read_bytes()))
    except OSError:
        return {}


def describe(name: str, extended: bool = False) -> list[str] | None:
    doc = _docs().get(name.lower())
    if doc is None:
        return None
    cls, usage, more = doc
    rows = [f"Function: {name.lower()}", f"Class: {cls}", f"Usage: {usage}"]
    if extended:
        rows.append(f"Extended Usage:{more}")
    return rows


def _generate(out: str) -> None:  # pragma: no cover - needs pyspark and Java
    from pyspark.sql import SparkSession

    _load_all()
    spark = SparkSession.builder.master("local[1]").getOrCreate()
    table = {}
    for n in sorted(FUNCTIONS):
        try:
            rows = [r[0] for r in spark.sql(f"DESCRIBE FUNCTION EXTENDED `{n}`").collect()]
        except Exception:  # noqa: BLE001 - a name Spark does not have
            continue
        more = rows[3][len("Extended Usage:"):] if len(rows) > 3 else ""
        table[n] = [rows[1][len("Class: "):], rows[2][len("Usage: "):], more]
    data = json.dumps(table, sort_keys=True, separators=(",", ":")).encode()
    Path(out).write_bytes(gzip.compress(data, 9, mtime=0))


if __name__ == "__main__":  # pragma: no cover
    import sys

    _generate(sys.argv[1])
