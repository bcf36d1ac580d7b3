"""Conditional functions, against real PySpark 4.3's answers (golden/conditional.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
    'F.expr("if(i > 0, \'pos\', \'neg\')")': "the SQL parser names IF as a CASE WHEN",
}


@pytest.mark.parametrize("case", params("conditional", GAPS))
def test_conditional(table, case):
    check(table, case)
