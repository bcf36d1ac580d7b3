"""A disjunction over both sides of an inner join implies a predicate on each side, pushed
below the join as Spark's PushPredicateThroughJoin does (runtime/sql/push_disjunctions.py):
TPC-H Q7's nation pairs. The original condition stays, so the rows are the same."""

from __future__ import annotations

from tests.sql.conftest import rows

NATIONS = [(0, "FRANCE"), (1, "GERMANY"), (2, "PERU"), (3, None)]
PEOPLE = [(10, 0, 1), (11, 1, 0), (12, 0, 0), (13, 2, 1), (14, 1, 3), (15, 3, 0)]
Q = """SELECT p.id, a.name AS from_n, b.name AS to_n
FROM people p JOIN nations a ON p.a = a.k JOIN nations b ON p.b = b.k
WHERE (a.name = 'FRANCE' AND b.name = 'GERMANY') OR (a.name = 'GERMANY' AND b.name = 'FRANCE')"""


def _views(spark):
    spark.createDataFrame(NATIONS, "k int, name string").createOrReplaceTempView("nations")
    spark.createDataFrame(PEOPLE, "id int, a int, b int").createOrReplaceTempView("people")


def test_each_side_gets_the_predicate_the_disjunction_implies(spark, capsys):
    _views(spark)
    df = spark.sql(Q)
    df.explain("extended")
    text = capsys.readouterr().out
    optimized = text.split("== Optimized Logical Plan ==")[1].split("== Physical Plan ==")[0]
    implied = [ln for ln in optimized.splitlines() if "Filter" in ln and " OR (name#" in ln]
    assert len(implied) == 2, optimized  # one implied filter above each nations scan
    assert all("FRANCE" in ln and "GERMANY" in ln for ln in implied)
    assert sorted(rows(df)) == [(10, "FRANCE", "GERMANY"), (11, "GERMANY", "FRANCE")]


def test_an_outer_join_keeps_its_rows(spark):
    _views(spark)
    got = rows(spark.sql("SELECT p.id, a.name FROM people p LEFT JOIN nations a "
                         "ON p.a = a.k AND (a.name = 'FRANCE' OR p.b = 3)"))
    assert sorted(got, key=repr) == sorted(
        [(10, "FRANCE"), (11, None), (12, "FRANCE"), (13, None), (14, "GERMANY"),
         (15, None)], key=repr)
