"""``pyspark.sql.functions``: VARIANT functions (``parse_json``, ``variant_get``,
``schema_of_variant``, ``variant_set``...). The engine's side is runtime/sql/variant.py
(the encoding) and runtime/sql/expressions/variant_*.py.

>>> from pyspark.sql import functions as F
>>> F.variant_get(F.parse_json("j"), "$.a", "int")
Column<'variant_get(parse_json(j), $.a)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, unary

__all__ = [
    "is_valid_variant", "is_variant_null", "parse_json", "schema_of_variant",
    "schema_of_variant_agg", "to_variant_object", "try_parse_json",
    "try_variant_array_append", "try_variant_get", "try_variant_insert", "try_variant_set",
    "variant_array_append", "variant_delete", "variant_get", "variant_insert", "variant_set",
    "variant_strip_nulls",
]

parse_json = unary("parse_json")
try_parse_json = unary("try_parse_json")
is_variant_null = unary("is_variant_null", "v")
is_valid_variant = unary("is_valid_variant", "v")
schema_of_variant = unary("schema_of_variant", "v")
schema_of_variant_agg = unary("schema_of_variant_agg", "v")
to_variant_object = unary("to_variant_object")


def variant_get(v: Any, path: Any, targetType: str) -> Column:
    """The value at JSON path ``path`` of variant ``v``, cast to ``targetType``;
    ``[INVALID_VARIANT_CAST]`` when it does not cast."""
    return call("variant_get", col_arg(v), lit_arg(path), lit_arg(targetType))


def try_variant_get(v: Any, path: Any, targetType: str) -> Column:
    """``variant_get``, NULL when the value does not cast."""
    return call("try_variant_get", col_arg(v), lit_arg(path), lit_arg(targetType))


def _at_path(name: str):
    def f(v: Any, path: Any, value: Any) -> Column:
        return call(name, col_arg(v), lit_arg(path), col_arg(value))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Spark's ``{name}(v, path, value)``."
    return f


variant_array_append = _at_path("variant_array_append")
try_variant_array_append = _at_path("try_variant_array_append")
variant_insert = _at_path("variant_insert")
try_variant_insert = _at_path("try_variant_insert")


def variant_set(v: Any, path: Any, value: Any, create_if_missing: bool = True) -> Column:
    """Sets (or creates, unless ``create_if_missing`` is false) the value at ``path``."""
    return call("variant_set", col_arg(v), lit_arg(path), col_arg(value),
                lit_arg(create_if_missing))


def try_variant_set(v: Any, path: Any, value: Any, create_if_missing: bool = True) -> Column:
    """``variant_set``, NULL where it would fail."""
    return call("try_variant_set", col_arg(v), lit_arg(path), col_arg(value),
                lit_arg(create_if_missing))


def variant_delete(v: Any, *paths: Any) -> Column:
    """Removes the fields or elements at ``paths`` (left to right; NULL paths skipped)."""
    return call("variant_delete", col_arg(v), *(lit_arg(p) for p in paths))


def variant_strip_nulls(v: Any, include_arrays: bool = True) -> Column:
    """Removes variant nulls from objects (and arrays, unless ``include_arrays`` is false)."""
    return call("variant_strip_nulls", col_arg(v), lit_arg(include_arrays))
