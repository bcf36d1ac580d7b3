"""Predicate functions, against real PySpark 4.3's answers (golden/predicate.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", params("predicate", GAPS))
def test_predicate(table, case):
    check(table, case)
