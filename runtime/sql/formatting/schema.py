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

from typing import Any

__all__ = ["tree_string"]

# Types are told apart by their shape (fields / elementType / keyType), so this module needs
# no import of runtime.sql.types, which calls it for StructType.treeString().


def _name(dt: Any) -> str:
    if hasattr(dt, "fields"):
        return "struct"
    if hasattr(dt, "elementType"):
        return "array"
    if hasattr(dt, "keyType"):
        return "map"
    return dt.tree_name()


def _nested(dt: Any, prefix: str, lines: list[str], level: int, max_level: int) -> None:
    if max_level and level > max_level:
        return
    if hasattr(dt, "fields"):
        for f in dt.fields:
            lines.append(f"{prefix}-- {f.name}: {_name(f.dataType)} "
                         f"(nullable = {str(f.nullable).lower()})")
            _nested(f.dataType, prefix + "    |", lines, level + 1, max_level)
    elif hasattr(dt, "elementType"):
        if max_level and level + 0 > max_level:
            return
        lines.append(f"{prefix}-- element: {_name(dt.elementType)} "
                     f"(containsNull = {str(dt.containsNull).lower()})")
        _nested(dt.elementType, prefix + "    |", lines, level + 1, max_level)
    elif hasattr(dt, "keyType"):
        lines.append(f"{prefix}-- key: {_name(dt.keyType)}")
        _nested(dt.keyType, prefix + "    |", lines, level + 1, max_level)
        lines.append(f"{prefix}-- value: {_name(dt.valueType)} "
                     f"(valueContainsNull = {str(dt.valueContainsNull).lower()})")
        _nested(dt.valueType, prefix + "    |", lines, level + 1, max_level)


def tree_string(schema: Any, level: int | None = None) -> str:
    lines = ["root"]
    _nested(schema, " |", lines, 1, level or 0)
    return "\n".join(lines) + "\n"
