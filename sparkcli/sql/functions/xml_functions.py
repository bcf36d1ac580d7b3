"""``pyspark.sql.functions``: XML functions, the XPath family (``xpath``, ``xpath_string``,
``xpath_boolean``, ``xpath_int``...).

>>> from pyspark.sql import functions as F
>>> F.xpath_int("x", F.lit("sum(a/b)"))
Column<'xpath_int(x, sum(a/b))'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import by_kinds, call, col_arg, lit_arg
from sparkcli.sql.functions.json_functions import options_map

__all__ = [
    "from_xml", "schema_of_xml", "to_xml", "xpath", "xpath_boolean", "xpath_double", "xpath_float", "xpath_int", "xpath_long",
    "xpath_number", "xpath_short", "xpath_string",
]

xpath = by_kinds("xpath", "cc")
xpath_boolean = by_kinds("xpath_boolean", "cc")
xpath_double = by_kinds("xpath_double", "cc")
xpath_float = by_kinds("xpath_float", "cc")
xpath_int = by_kinds("xpath_int", "cc")
xpath_long = by_kinds("xpath_long", "cc")
xpath_number = by_kinds("xpath_number", "cc")
xpath_short = by_kinds("xpath_short", "cc")
xpath_string = by_kinds("xpath_string", "cc")


def from_xml(col: Any, schema: Any, options: dict | None = None) -> Column:
    """The XML document in ``col`` parsed to ``schema`` (a StructType, a DDL string or a
    Column), with Spark's XML options (``mode``, ``attributePrefix``, ``dateFormat``...)."""
    if isinstance(schema, T.DataType):
        schema = schema.simpleString()
    return call("from_xml", col_arg(col), lit_arg(schema), *options_map(options))


def schema_of_xml(xml: Any, options: dict | None = None) -> Column:
    """The DDL of the schema Spark infers for a literal XML document."""
    return call("schema_of_xml", lit_arg(xml), *options_map(options))


def to_xml(col: Any, options: dict | None = None) -> Column:
    """A struct as an XML document (``rowTag``, default ``ROW``)."""
    return call("to_xml", col_arg(col), *options_map(options))
