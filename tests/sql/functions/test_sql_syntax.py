"""Functions written with SQL's own syntax reach the same functions (and column names) as
their call form: ``position(x IN s)``, ``trim(BOTH x FROM s)``, ``substring(s FROM 2 FOR
3)``, ``overlay(s PLACING x FROM 2)`` and the bitwise operators. Names as Spark 4.3 gives
them for the call forms (golden/string.json, golden/math.json)."""

from __future__ import annotations

import pytest

CASES = [
    ("position('o' IN s)", "position(o, s, 1)", "int", [5, 0, None]),
    ("trim(BOTH 'H' FROM s)", "TRIM(BOTH H FROM s)", "string",
     ["ello World", "spark_sql SQL", None]),
    ("substring(s FROM 2 FOR 3)", "substring(s, 2, 3)", "string", ["ell", "par", None]),
    ("overlay(s PLACING 'xx' FROM 2)", "overlay(s, xx, 2, -1)", "string",
     ["Hxxlo World", "sxxrk_sql SQL", None]),
    ("i & j", "(i & j)", "int", [0, 1, None]),
    ("~i", "~i", "int", [-6, 6, None]),
]


@pytest.mark.parametrize("text,name,dtype,values", CASES, ids=[c[0] for c in CASES])
def test_sql_syntax(table, text, name, dtype, values):
    out = table.selectExpr(text)
    assert out.columns == [name]
    assert out.schema.fields[0].dataType.simpleString() == dtype
    assert [r[0] for r in out.collect()] == values
