"""``printSchema()`` / ``StructType.treeString()`` as Spark prints them::

    root
     |-- name: string (nullable = true)
     |-- tags: array (nullable = true)
     |    |-- element: string (containsNull = true)
     |-- props: map (nullable = true)
     |    |-- key: string
     |    |-- value: long (valueContainsNull = true)

``level`` limits the nesting depth shown (PySpark's ``printSchema(level)``).
"""

from __future__ import annotations

from runtime.sql import types as T

__all__ = ["tree_string"]


def _name(dt: T.DataType) -> str:
    if isinstance(dt, T.StructType):
        return "struct"
    if isinstance(dt, T.ArrayType):
        return "array"
    if isinstance(dt, T.MapType):
        return "map"
    return dt.tree_name()


def _nested(dt: T.DataType, prefix: str, lines: list[str], level: int, max_level: int) -> None:
    if max_level and level > max_level:
        return
    if isinstance(dt, T.StructType):
        for f in dt.fields:
            lines.append(f"{prefix}-- {f.name}: {_name(f.dataType)} "
                         f"(nullable = {str(f.nullable).lower()})")
            _nested(f.dataType, prefix + "    |", lines, level + 1, max_level)
    elif isinstance(dt, T.ArrayType):
        if max_level and level + 0 > max_level:
            return
        lines.append(f"{prefix}-- element: {_name(dt.elementType)} "
                     f"(containsNull = {str(dt.containsNull).lower()})")
        _nested(dt.elementType, prefix + "    |", lines, level + 1, max_level)
    elif isinstance(dt, T.MapType):
        lines.append(f"{prefix}-- key: {_name(dt.keyType)}")
        _nested(dt.keyType, prefix + "    |", lines, level + 1, max_level)
        lines.append(f"{prefix}-- value: {_name(dt.valueType)} "
                     f"(valueContainsNull = {str(dt.valueContainsNull).lower()})")
        _nested(dt.valueType, prefix + "    |", lines, level + 1, max_level)


def tree_string(schema: T.StructType, level: int | None = None) -> str:
    lines = ["root"]
    _nested(schema, " |", lines, 1, level or 0)
    return "\n".join(lines) + "\n"
