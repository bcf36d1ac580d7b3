"""String functions, against real PySpark 4.3's answers (golden/string.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
}


@pytest.mark.parametrize("case", params("string", GAPS))
def test_string(table, case):
    check(table, case)
