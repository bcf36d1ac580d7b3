"""Misc functions, against real PySpark 4.3's answers (golden/misc.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", params("misc", GAPS))
def test_misc(table, case):
    check(table, case)
