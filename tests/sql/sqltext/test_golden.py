"""Golden-file conformance: each .sql.out under tests/sql/golden/sql-tests/results (recorded from
PySpark 4.3) runs through spark.sql; the number of queries answered as Spark answers them must
not drop below the count recorded in tests/sql/golden/sql-tests/pass_counts.md (see
golden_runner.py for what "as Spark" means and how to rewrite the table)."""

from __future__ import annotations

import pytest

from tests.sql.sqltext.golden_runner import RESULTS, parse_out, read_pass_counts, render, run_file

RECORDED = read_pass_counts()
FILES = sorted(p.name[: -len(".sql.out")] for p in RESULTS.glob("*.sql.out"))


def test_every_golden_file_has_a_recorded_count():
    assert sorted(RECORDED) == FILES


@pytest.mark.parametrize("name", FILES)
def test_golden_file_pass_count_does_not_drop(spark, name):
    outcomes = run_file(spark, RESULTS / f"{name}.sql.out")
    passed = sum(o.passed for o in outcomes)
    recorded, total = RECORDED[name]
    assert len(outcomes) == total
    failing = "\n".join(f"{o.case.query[:120]}\n    {o.detail[:300]}"
                        for o in outcomes if not o.passed)
    assert passed >= recorded, f"{name}: {passed}/{total} pass, {recorded} recorded\n{failing}"


def test_parse_out_reads_rows_and_errors():
    cases = parse_out(
        "-- Automatically generated\n-- !query\nSELECT 1\n-- !query schema\nstruct<1:int>\n"
        "-- !query output\n1\n\n\n-- !query\nSELECT 1/0\n-- !query schema\nstruct<>\n"
        "-- !query output\norg.apache.spark.SparkArithmeticException\n{\n"
        '  "errorClass" : "DIVIDE_BY_ZERO",\n  "sqlState" : "22012"\n}\n')
    assert [(c.query, c.schema, c.output, c.error_class) for c in cases] == [
        ("SELECT 1", "struct<1:int>", ["1"], None),
        ("SELECT 1/0", "struct<>", [], "DIVIDE_BY_ZERO")]


def test_render_follows_hive_result_strings():
    from decimal import Decimal

    from sparkcli.sql import types as T

    assert [render(v, T.DoubleType()) for v in (1e7, 1.5e-4, 100.0, 0.001, -2.5e10)] == [
        "1.0E7", "1.5E-4", "100.0", "0.001", "-2.5E10"]
    assert render(0.1, T.FloatType()) == "0.1"
    assert render(Decimal("1.50"), T.DecimalType(3, 2)) == "1.50"
    nested = T.StructType([T.StructField("a", T.ArrayType(T.StringType())),
                           T.StructField("m", T.MapType(T.IntegerType(), T.StringType()))])
    assert render((["x", None], {2: "b", 1: None}), nested) == '{"a":["x",null],"m":{1:null,2:"b"}}'
    assert render(None, T.IntegerType()) == "NULL"
