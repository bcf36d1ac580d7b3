"""Functions without ANSI mode (spark.sql.ansi.enabled=false): NULL where ANSI raises,
against real PySpark 4.3's answers (golden/ansi_off.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
    'F.expr("cast(s as int)")': "without ANSI Spark names CAST(s AS INT) after its child (casts)",
}


@pytest.fixture
def ansi_off(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    yield
    spark.conf.unset("spark.sql.ansi.enabled")


@pytest.mark.parametrize("case", params("ansi_off", GAPS))
def test_ansi_off(table, ansi_off, case):
    check(table, case)
