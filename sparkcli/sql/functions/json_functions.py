"""``pyspark.sql.functions``, JSON and CSV: ``get_json_object``, ``from_json``, ``to_json``,
``schema_of_json``, ``json_array_length``, ``json_object_keys``, ``from_csv``, ``to_csv``,
``schema_of_csv``.

>>> from pyspark.sql import functions as F
>>> F.get_json_object("js", "$.a")
Column<'get_json_object(js, $.a)'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from sparkcli.sql.column import Column, lit_expr
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, unary

__all__ = ["from_csv", "from_json", "get_json_object", "json_array_length",
           "json_object_keys", "json_tuple", "schema_of_csv", "schema_of_json", "to_csv",
           "to_json"]

json_array_length = unary("json_array_length")
json_object_keys = unary("json_object_keys")


def get_json_object(col: Any, path: str) -> Column:
    """The value at JSON path ``path`` (``$.a.b[0]``) of the JSON text in ``col``."""
    return call("get_json_object", col_arg(col), lit_arg(path))


def _schema(schema: Any):
    if isinstance(schema, T.DataType):
        return lit_arg(schema.json())
    return lit_arg(schema)


def options_map(options: dict | None) -> tuple:
    """PySpark's options dict as a trailing ``map('k', 'v', ...)`` argument (values as
    strings, booleans as ``true``/``false``); no argument when there are none."""
    if not options:
        return ()
    kv = []
    for k, v in options.items():
        kv += [lit_expr(str(k)), lit_expr(None if v is None else
                                          str(v).lower() if isinstance(v, bool) else str(v))]
    return (call("map", *kv)._expr,)


def from_json(col: Any, schema: Any, options: dict | None = None) -> Column:
    """The JSON text in ``col`` parsed to ``schema`` (a DDL string, a type or a Column),
    with Spark's JSON options (``mode``, ``dateFormat``, ``allowUnquotedFieldNames``...)."""
    return call("from_json", col_arg(col), _schema(schema), *options_map(options))


def from_csv(col: Any, schema: Any, options: dict | None = None) -> Column:
    return call("from_csv", col_arg(col), _schema(schema), *options_map(options))


def to_json(col: Any, options: dict | None = None) -> Column:
    """A struct, array or map as JSON text."""
    return call("to_json", col_arg(col))


def to_csv(col: Any, options: dict | None = None) -> Column:
    return call("to_csv", col_arg(col))


def schema_of_json(json: Any, options: dict | None = None) -> Column:
    """The DDL of the type Spark infers for a literal JSON text."""
    return call("schema_of_json", lit_arg(json))


def schema_of_csv(csv: Any, options: dict | None = None) -> Column:
    return call("schema_of_csv", lit_arg(csv))


def json_tuple(col: Any, *fields: str) -> Column:
    """A generator: one row per row of ``col`` with one string column per field
    (``c0``, ``c1``...)."""
    return call("json_tuple", col_arg(col), *(lit_arg(f) for f in fields))
