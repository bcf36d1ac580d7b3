"""``pyspark.sql.functions``: XML functions, the XPath family (``xpath``, ``xpath_string``,
``xpath_boolean``, ``xpath_int``...).

>>> from pyspark.sql import functions as F
>>> F.xpath_int("x", F.lit("sum(a/b)"))
Column<'xpath_int(x, sum(a/b))'>
"""

from __future__ import annotations

from sparkcli.sql.functions.arguments import by_kinds

__all__ = [
    "xpath", "xpath_boolean", "xpath_double", "xpath_float", "xpath_int", "xpath_long",
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
