"""spark.sql queries: the same logical plan as the DataFrame API, Spark's names and types."""

from __future__ import annotations

import datetime

import pytest

from runtime.sql.errors import AnalysisException, ParseException

CASES = [
    ("SELECT * FROM t ORDER BY id", [(1, "a", 10.0), (2, "b", 20.0), (3, "a", None)]),
    ("SELECT k, sum(v) s, count(*) FROM t GROUP BY k ORDER BY k",
     [("a", 10.0, 2), ("b", 20.0, 1)]),
    ("SELECT t.id, w FROM t JOIN u ON t.id = u.id ORDER BY 1", [(1, "x"), (3, "y")]),
    ("SELECT * FROM t LEFT JOIN u USING (id) ORDER BY id",
     [(1, "a", 10.0, "x"), (2, "b", 20.0, None), (3, "a", None, "y")]),
    ("SELECT id, k FROM t NATURAL JOIN u ORDER BY id", [(1, "a"), (3, "a")]),
    ("SELECT t.id, u.id FROM t FULL OUTER JOIN u ON t.id = u.id ORDER BY t.id, u.id",
     [(None, 4), (1, 1), (2, None), (3, 3)]),
    ("SELECT t.id, u.id FROM t RIGHT JOIN u ON t.id = u.id ORDER BY u.id",
     [(1, 1), (3, 3), (None, 4)]),
    ("SELECT id FROM t LEFT SEMI JOIN u USING (id) ORDER BY id", [(1,), (3,)]),
    ("SELECT id FROM t LEFT ANTI JOIN u ON t.id = u.id", [(2,)]),
    ("SELECT count(*) FROM t CROSS JOIN u", [(9,)]),
    ("SELECT count(*) FROM t, u WHERE t.id < u.id", [(5,)]),
    ("SELECT id FROM t WHERE id IN (SELECT id FROM u) ORDER BY id", [(1,), (3,)]),
    ("SELECT id FROM t WHERE id NOT IN (SELECT id FROM u)", [(2,)]),
    ("SELECT id FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.id = t.id)", [(2,)]),
    ("SELECT id FROM t WHERE EXISTS (SELECT * FROM u WHERE u.id = t.id) ORDER BY id",
     [(1,), (3,)]),
    ("SELECT id, (SELECT max(id) FROM u) m FROM t ORDER BY id", [(1, 4), (2, 4), (3, 4)]),
    ("SELECT id FROM t WHERE v > (SELECT avg(v) FROM t)", [(2,)]),
    ("SELECT id FROM t t1 WHERE v >= (SELECT max(v) FROM t t2 WHERE t2.k = t1.k) ORDER BY id",
     [(1,), (2,)]),
    ("SELECT k, count(*) c FROM t GROUP BY 1 HAVING c > 1", [("a", 2)]),
    ("SELECT k FROM t GROUP BY k HAVING max(id) > 2", [("a",)]),
    ("SELECT k FROM t GROUP BY k ORDER BY sum(id) DESC", [("a",), ("b",)]),
    ("SELECT k AS key, max(id) FROM t GROUP BY key ORDER BY key", [("a", 3), ("b", 2)]),
    ("SELECT k, max(id) FROM t GROUP BY ALL ORDER BY k", [("a", 3), ("b", 2)]),
    ("SELECT id FROM t UNION ALL SELECT id FROM u ORDER BY 1 DESC LIMIT 3", [(4,), (3,), (3,)]),
    ("SELECT id FROM t UNION SELECT id FROM u ORDER BY id", [(1,), (2,), (3,), (4,)]),
    ("SELECT id FROM t INTERSECT SELECT id FROM u ORDER BY id", [(1,), (3,)]),
    ("SELECT id FROM t EXCEPT SELECT id FROM u", [(2,)]),
    ("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS x(n, s)", [(1, "a"), (2, "b")]),
    ("WITH c AS (SELECT id FROM t WHERE id > 1) SELECT * FROM c a JOIN c b ON a.id = b.id "
     "ORDER BY 1", [(2, 2), (3, 3)]),
    ("SELECT * EXCEPT (v) FROM t ORDER BY id", [(1, "a"), (2, "b"), (3, "a")]),
    ("SELECT DISTINCT k FROM t ORDER BY k", [("a",), ("b",)]),
    ("SELECT id FROM t ORDER BY id LIMIT 1 OFFSET 1", [(2,)]),
    ("SELECT CASE WHEN id > 1 THEN 'big' ELSE 'small' END AS s FROM t ORDER BY id",
     [("small",), ("big",), ("big",)]),
    ("SELECT CAST('7' AS INT) + 1 AS x, '8'::int AS y", [(8, 8)]),
    ("SELECT DATE '2024-01-31' AS d, extract(year FROM DATE '2024-01-31') AS y",
     [(datetime.date(2024, 1, 31), 2024)]),
    ("SELECT k, v FROM t WHERE k NOT LIKE 'b%' AND v IS NOT NULL", [("a", 10.0)]),
    ("SELECT id FROM t WHERE (id = 1 AND k = 'a') OR (id = 1 AND v > 100)", [(1,)]),
    ("SELECT x.id FROM (SELECT id FROM t) AS x (id) WHERE x.id = 2", [(2,)]),
    ("SELECT k, count(*) AS n FROM t GROUP BY ROLLUP(k) ORDER BY k",
     [(None, 3), ("a", 2), ("b", 1)]),
    ("SELECT k, id, count(*) FROM t WHERE id < 3 GROUP BY CUBE(k, id) ORDER BY k, id",
     [(None, None, 2), (None, 1, 1), (None, 2, 1), ("a", None, 1), ("a", 1, 1),
      ("b", None, 1), ("b", 2, 1)]),
    ("SELECT k, sum(id) FROM t GROUP BY GROUPING SETS ((k), ()) ORDER BY k",
     [(None, 6), ("a", 4), ("b", 2)]),
]


@pytest.mark.parametrize("query,expected", CASES)
def test_query(views, query, expected):
    assert [tuple(r) for r in views.sql(query).collect()] == expected


def test_names_and_types(views):
    df = views.sql("SELECT k, sum(v), count(*), avg(id) AS a, 1.5 * 2 AS d FROM t GROUP BY k")
    assert df.dtypes == [("k", "string"), ("sum(v)", "double"), ("count(1)", "bigint"),
                         ("a", "double"), ("d", "decimal(4,1)")]


def test_parameters_and_frames(views):
    assert views.sql("SELECT :x + 1 AS y", args={"x": 41}).collect()[0].y == 42
    assert views.sql("SELECT ? * 2 AS y, ? AS s", args=[21, "a"]).collect()[0] == (42, "a")
    df = views.createDataFrame([(5,), (6,)], "n INT")
    assert [r.n for r in views.sql("SELECT n FROM {df} WHERE n > {lo} ORDER BY n", df=df,
                                   lo=5).collect()] == [6]


def test_sql_result_is_a_dataframe(views):
    df = views.sql("SELECT id FROM t").filter("id > 1").orderBy("id")
    assert [r.id for r in df.collect()] == [2, 3]


def test_syntax_error(views):
    with pytest.raises(ParseException) as e:
        views.sql("SELECT * FORM t")
    assert str(e.value).startswith("[PARSE_SYNTAX_ERROR] Syntax error at or near")
    assert e.value.getErrorClass() == "PARSE_SYNTAX_ERROR"


def test_unknown_table_and_function(views):
    with pytest.raises(AnalysisException) as e:
        views.sql("SELECT * FROM nope")
    assert e.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"
    with pytest.raises(AnalysisException) as e:
        views.sql("SELECT no_such_fn(id) FROM t")
    assert e.value.getErrorClass() == "UNRESOLVED_ROUTINE"
    with pytest.raises(AnalysisException) as e:
        views.sql("SELECT nope FROM t")
    assert e.value.getErrorClass().startswith("UNRESOLVED_COLUMN")
