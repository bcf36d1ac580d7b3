"""Json functions, against real PySpark 4.3's answers (golden/json.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
    'F.to_json(F.create_map("t", "i"))':
        "create_map with a NULL key fails in Arrow instead of Spark's [NULL_MAP_KEY] "
        "(collection functions)",
    'F.to_json(F.struct(F.struct("i").alias("x"), F.array("s").alias("y")))':
        "struct() does not print its fields' aliases in its name (collection functions)",
}


@pytest.mark.parametrize("case", params("json", GAPS))
def test_json(table, case):
    check(table, case)
