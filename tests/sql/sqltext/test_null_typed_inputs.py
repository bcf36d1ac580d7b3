"""Comparisons and greatest/least of two NULL literals (Arrow's null type on both sides has
no kernel): Spark's values, names and types (checked with PySpark 4.3 semantics)."""

from __future__ import annotations

import pytest

CASES = [
    ("NULL = NULL", None, "boolean"),
    ("NULL != NULL", None, "boolean"),
    ("NULL < NULL", None, "boolean"),
    ("NULL >= NULL", None, "boolean"),
    ("NULL <=> NULL", True, "boolean"),
    ("greatest(NULL, NULL)", None, "void"),
    ("least(NULL, NULL, NULL)", None, "void"),
]


@pytest.mark.parametrize("expr, value, type_", CASES)
def test_null_typed_inputs(spark, expr, value, type_):
    df = spark.sql(f"SELECT {expr}")
    name = "(NOT (NULL = NULL))" if "!=" in expr else f"({expr})"  # as PySpark 4.3 names it
    assert df.columns == [expr if expr.startswith(("greatest", "least")) else name]
    assert df.collect()[0][0] == value
    assert df.schema.fields[0].dataType.simpleString() == type_


def test_null_typed_columns_over_rows(spark):
    df = spark.sql("SELECT a = b, a <=> b, greatest(a, b) FROM VALUES (NULL, NULL), (NULL, NULL)"
                   " AS t(a, b)")
    assert [tuple(r) for r in df.collect()] == [(None, True, None)] * 2
