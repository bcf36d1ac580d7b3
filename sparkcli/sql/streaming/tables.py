"""Warehouse tables as streaming sources and sinks: ``spark.readStream.table(name)`` and
``df.writeStream.toTable(name)``.

A table of the warehouse (runtime/sql/warehouse.py: the data files under its location, the
metadata in ``_catalog``) streams as Spark streams a file-based (V1) table: a file source
over the table's location with the table's schema, format and options, so each batch
reads the files a batch job added since (``saveAsTable(mode="append")``, ``INSERT INTO``)
and partition directories give their columns' values. A temporary view of a streaming
DataFrame reads as that DataFrame; a view of a batch one is Spark's error.

``toTable`` creates the table when it does not exist (the stream's columns, all nullable,
the format given or ``spark.sql.sources.default``, the partition columns last), then
starts the query with the file sink on the table's location: its ``_spark_metadata`` log
makes the table's content exactly once across restarts, and ``spark.table(name)`` reads it
while the query runs. As Spark's file sink, only append mode is accepted, and a checkpoint
location is required.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.streaming.relation import is_streaming
from runtime.sql.warehouse import TableMeta, ordered_for
from sparkcli.sql.column import _split

__all__ = ["create_for_stream", "streaming_view", "table_meta"]


def _parts(name: str) -> tuple[str, ...]:
    return tuple(_split(name))


def _temp_view(state: Any, parts: tuple[str, ...]) -> Any:
    if len(parts) == 2 and parts[0].lower() == "global_temp":
        return state.global_temp_views.get(state.view_key(parts[1]))
    if len(parts) == 1:
        return state.temp_views.get(state.view_key(parts[0]))
    return None


def streaming_view(state: Any, name: str) -> Any:
    """The plan of the temporary view ``name`` (None if there is none); a view of a batch
    DataFrame is Spark's error."""
    plan = _temp_view(state, _parts(name))
    if plan is not None and not is_streaming(plan):
        raise AnalysisException(
            f"{name} is not a temp view of streaming logical plan, please use batch API such "
            "as `DataFrameReader.table` to read it.")
    return plan


def table_meta(state: Any, name: str) -> TableMeta | None:
    """The warehouse table ``name`` ([db.]table, or spark_catalog.db.table)."""
    parts = _parts(name)
    if len(parts) > 3 or (len(parts) == 3 and parts[0].lower() != "spark_catalog"):
        return None
    db = parts[-2].lower() if len(parts) >= 2 else state.current_database
    return state.warehouse().get(db, parts[-1])


def create_for_stream(state: Any, name: str, columns: list, fmt: str | None,
                      partition_by: list, options: dict) -> TableMeta:
    """The table ``name`` a stream writes to: the existing one, or a new one with the
    stream's columns. A temporary view of that name is Spark's error."""
    if _temp_view(state, _parts(name)) is not None:
        raise AnalysisException(f"Temporary view {name} doesn't support streaming write.")
    meta = table_meta(state, name)
    if meta is not None:
        return meta
    parts = _parts(name)
    db = parts[-2].lower() if len(parts) >= 2 else state.current_database
    schema = T.StructType([T.StructField(a.name, a.dtype, True) for a in columns])
    fmt = (fmt or state.conf("spark.sql.sources.default") or "parquet").lower()
    meta = TableMeta(db, parts[-1].lower(), fmt, schema, list(partition_by), dict(options))
    meta.schema = ordered_for(meta, schema)
    state.warehouse().create_table(meta)
    return meta
