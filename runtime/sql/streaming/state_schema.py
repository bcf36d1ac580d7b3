"""The state schema of a stateful operator, recorded in the checkpoint and checked on restart.

``state/<op>/_metadata/schema`` holds the key and value schemas of the operator's state rows
(JSON: per field its name, Arrow type and nullability), written when the query first runs.
A restarted query whose operator keeps rows of other types (a changed grouping key, another
aggregate) fails before its first batch with Spark's
``STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE`` / ``STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE``
(unless spark.sql.streaming.stateStore.stateSchemaCheck is false). As Spark's check,
names and nullability may change, the number and types of the fields may not.
"""

from __future__ import annotations

import json
import os
from typing import Any

from runtime.sql.errors import SparkRuntimeException
from runtime.sql.streaming.checkpoint import atomic_write

__all__ = ["check_state_schema"]


_NAMES = {"int8": "ByteType", "int16": "ShortType", "int32": "IntegerType",
          "int64": "LongType", "float": "FloatType", "double": "DoubleType",
          "string": "StringType", "large_string": "StringType", "bool": "BooleanType",
          "date32[day]": "DateType", "binary": "BinaryType", "large_binary": "BinaryType",
          "null": "NullType"}


def _scala(t: Any) -> str:
    """Spark's (Scala) name of the type of an Arrow state column."""
    import pyarrow as pa

    if pa.types.is_struct(t):
        return "StructType(" + ",".join(
            f"StructField({f.name},{_scala(f.type)},{str(f.nullable).lower()})"
            for f in t) + ")"
    if pa.types.is_decimal(t):
        return f"DecimalType({t.precision},{t.scale})"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"ArrayType({_scala(t.value_type)},true)"
    if pa.types.is_timestamp(t):
        return "TimestampType" if t.tz else "TimestampNTZType"
    return _NAMES.get(str(t), str(t))


def _fields(fields: list) -> list[dict]:
    return [{"name": f.name, "type": _scala(f.type), "nullable": bool(f.nullable)}
            for f in fields]


def _struct(fields: list[dict]) -> str:
    return "StructType(" + ",".join(
        f"StructField({f['name']},{f['type']},{str(f['nullable']).lower()})"
        for f in fields) + ")"


def check_state_schema(state_dir: str, schema: Any, key_count: int,
                       enabled: bool = True) -> None:
    """Record the operator's state schema (an Arrow schema, ``key_count`` key columns
    first), or check it against the recorded one."""
    path = os.path.join(state_dir, "_metadata", "schema")
    fields = list(schema)
    new = {"keySchema": _fields(fields[:key_count]), "valueSchema": _fields(fields[key_count:])}
    if not os.path.exists(path):
        atomic_write(path, json.dumps(new))
        return
    if not enabled:
        return
    with open(path, encoding="utf-8") as f:
        old = json.load(f)
    for part, label in (("keySchema", "key"), ("valueSchema", "value")):
        was, now = old.get(part, []), new[part]
        if [f["type"] for f in was] != [f["type"] for f in now]:
            cls = f"STATE_STORE_{label.upper()}_SCHEMA_NOT_COMPATIBLE"
            raise SparkRuntimeException(
                f"[{cls}] Provided {label} schema does not match existing state {label} "
                f"schema.\nPlease check number and type of fields.\nExisting "
                f"{label}_schema={_struct(was)} and new {label}_schema={_struct(now)}.\n"
                "If you want to force running the query without schema validation, please "
                "set spark.sql.streaming.stateStore.stateSchemaCheck to false.\nHowever, "
                "please note that running the query with incompatible schema could cause "
                "non-deterministic behavior. SQLSTATE: XXKST", errorClass=cls)


def schema_check_enabled(get: Any) -> bool:
    return (get("spark.sql.streaming.stateStore.stateSchemaCheck") or "true").lower() != "false"
