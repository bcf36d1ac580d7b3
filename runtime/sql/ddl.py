"""DDL strings: Spark's schema and type syntax (``"name STRING, age INT NOT NULL"``).

The parser lives with the types (runtime/sql/types.py, "type strings"), since
``StructType.add("a", "int")`` and ``DataType.fromDDL`` need it; this module is the named
entry point the readers, ``createDataFrame`` and the API use, plus the DDL printer.
"""

from __future__ import annotations

from runtime.sql.types import StructType, parse_schema, parse_type, type_ddl

__all__ = ["parse_schema", "parse_type", "to_ddl", "type_ddl"]


def to_ddl(schema: StructType) -> str:
    """StructType.toDDL: ``name STRING,age BIGINT``."""
    return schema.toDDL()
