"""Hash functions, against real PySpark 4.3's answers (golden/hash.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, ids, load

CASES = load("hash")
GAPS: dict[str, str] = {}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hash(table, case):
    if case["case"] in GAPS:
        pytest.xfail(GAPS[case["case"]])
    check(table, case)
