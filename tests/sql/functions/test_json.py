"""Json functions, against real PySpark 4.3's answers (golden/json.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, ids, load

CASES = load("json")
GAPS: dict[str, str] = {
    'F.to_json(F.create_map("t", "i"))':
        "create_map with a NULL key fails in Arrow instead of Spark's [NULL_MAP_KEY] "
        "(collection functions)",
    'F.to_json(F.struct(F.struct("i").alias("x"), F.array("s").alias("y")))':
        "struct() does not print its fields' aliases in its name (collection functions)",
}


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_json(table, case):
    if case["case"] in GAPS:
        pytest.xfail(GAPS[case["case"]])
    check(table, case)
