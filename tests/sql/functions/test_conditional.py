"""Conditional functions, against real PySpark 4.3's answers (golden/conditional.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, ids, load

CASES = load("conditional")
GAPS: dict[str, str] = {
    'F.expr("ifnull(s, \'z\')")': "the SQL parser reads ifnull as coalesce (sqlglot folds it)",
    'F.expr("if(i > 0, \'pos\', \'neg\')")': "the SQL parser names IF as a CASE WHEN",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_conditional(table, case):
    if case["case"] in GAPS:
        pytest.xfail(GAPS[case["case"]])
    check(table, case)
