"""Local data to a LocalRelation: what ``spark.createDataFrame`` does with its arguments.

Accepts a list of rows (tuples, lists, Rows, dicts, objects, or plain values with an atomic
schema), a pyarrow Table/RecordBatch, or a pandas DataFrame, with ``schema`` as a StructType,
a DDL string (``"name STRING, age INT"``, or a single type like ``"int"``), a list of column
names, or None (inferred, see inference.py). Rows become Arrow columns once, here; the
relation is sliced into ``num_partitions`` batches in order, so collect() returns the rows
as given.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import from_arrow, rows_to_batch, to_arrow_schema
from runtime.sql.ddl import parse_schema
from runtime.sql.errors import PySparkTypeError
from runtime.sql.expressions.base import AttributeReference
from runtime.sql.inference import infer_schema
from runtime.sql.plan.logical import LocalRelation
from runtime.sql.row import Row

__all__ = ["attributes_for", "local_relation", "relation_from_batches"]


def attributes_for(schema: T.StructType) -> tuple:
    return tuple(AttributeReference(f.name, f.dataType, f.nullable) for f in schema.fields)


def _slices(batch: Any, n: int) -> list:
    rows = batch.num_rows
    n = max(1, min(n, rows)) if rows else 1
    return [batch.slice(rows * i // n, rows * (i + 1) // n - rows * i // n) for i in range(n)]


def relation_from_batches(batch: Any, schema: T.StructType, num_partitions: int
                          ) -> LocalRelation:
    # the engine's batches have nullable Arrow fields whatever the schema says (schema_of):
    # a NOT NULL field here would make the batches of one result disagree
    loose = to_arrow_schema(T.StructType([T.StructField(f.name, f.dataType, True)
                                          for f in schema.fields]))
    if batch.schema != loose:
        batch = batch.cast(loose)
    return LocalRelation(attributes_for(schema), tuple(_slices(batch, num_partitions)))


def _normalize_schema(schema: Any) -> tuple[T.StructType | None, list[str] | None, bool]:
    """(struct schema, column names, whether the schema was a single atomic type)."""
    if schema is None:
        return None, None, False
    if isinstance(schema, (list, tuple)):
        return None, [str(s) for s in schema], False
    if isinstance(schema, str):
        schema = parse_schema(schema)
    if isinstance(schema, T.StructType):
        return schema, None, False
    if isinstance(schema, T.DataType):
        return T.StructType([T.StructField("value", schema, True)]), None, True
    raise PySparkTypeError(
        f"[NOT_LIST_OR_NONE_OR_STRUCT] Argument `schema` should be a list, None or "
        f"struct type, got {type(schema).__name__}.", errorClass="NOT_LIST_OR_NONE_OR_STRUCT")


def _from_arrow_table(table: Any, struct: T.StructType | None, names: list[str] | None,
                      num_partitions: int) -> LocalRelation:
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if names:
        table = table.rename_columns(names)
    if struct is not None:
        table = table.rename_columns(struct.names).cast(to_arrow_schema(struct))
        schema = struct
    else:
        schema = T.StructType([T.StructField(f.name, from_arrow(f.type), True)
                               for f in table.schema])
        table = table.cast(to_arrow_schema(schema))
    batch = table.combine_chunks().to_batches()
    batch = batch[0] if batch else pa.RecordBatch.from_pylist([], schema=to_arrow_schema(schema))
    return relation_from_batches(batch, schema, num_partitions)


def local_relation(data: Any, schema: Any, num_partitions: int) -> LocalRelation:
    struct, names, atomic = _normalize_schema(schema)
    mod = type(data).__module__
    if mod.startswith("pyarrow"):
        return _from_arrow_table(data, struct, names, num_partitions)
    if mod.startswith("pandas"):
        import pyarrow as pa

        table = pa.Table.from_pandas(data, preserve_index=False)
        return _from_arrow_table(table, struct, names or [str(c) for c in data.columns],
                                 num_partitions)
    rows = list(data)
    if atomic:
        rows = [(r,) for r in rows]
    if struct is None:
        if rows and not isinstance(rows[0], (tuple, list, dict, Row)) and \
                not hasattr(rows[0], "__dict__"):
            raise PySparkTypeError(
                f"[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: "
                f"`{type(rows[0]).__name__}`.", errorClass="CANNOT_INFER_SCHEMA_FOR_TYPE",
                messageParameters={"data_type": f"`{type(rows[0]).__name__}`"})
        struct = infer_schema(rows, names)
    batch = rows_to_batch(rows, struct)
    return relation_from_batches(batch, struct, num_partitions)
