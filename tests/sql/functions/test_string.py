"""String functions, against real PySpark 4.3's answers (golden/string.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, ids, load

CASES = load("string")
GAPS: dict[str, str] = {
    'F.expr("lpad(s, 3)")': "the SQL parser reads lpad as sqlglot's PAD (no such function)",
    'F.expr("substr(s, 3)")': "the SQL parser reads substr as substring",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_string(table, case):
    if case["case"] in GAPS:
        pytest.xfail(GAPS[case["case"]])
    check(table, case)
