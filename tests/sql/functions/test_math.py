"""Math and bitwise functions, against real PySpark 4.3's answers (golden/math.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", params("math", GAPS))
def test_math(table, case):
    check(table, case)
