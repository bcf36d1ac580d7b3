"""UNPIVOT of several value columns and GROUP BY CUBE/ROLLUP/GROUPING SETS of select-list
aliases (expected names, types, rows and error classes from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.errors import PySparkException


@pytest.fixture(scope="module")
def q(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW q AS SELECT * FROM VALUES (1, 10, 11, 20, NULL), "
              "(2, NULL, NULL, 30, 31) AS q(id, a1, a2, b1, b2)")
    return spark


CASES = [
    ("SELECT * FROM q UNPIVOT ((x, y) FOR k IN ((a1, a2), (b1, b2) AS bee)) ORDER BY id, k",
     "struct<id:int,k:string,x:int,y:int>",
     [(1, "a1_a2", 10, 11), (1, "bee", 20, None), (2, "bee", 30, 31)]),
    ("SELECT * FROM q UNPIVOT INCLUDE NULLS ((x, y) FOR k IN ((a1, a2) AS a, (b1, b2) AS b)) "
     "ORDER BY id, k", "struct<id:int,k:string,x:int,y:int>",
     [(1, "a", 10, 11), (1, "b", 20, None), (2, "a", None, None), (2, "b", 30, 31)]),
    ("SELECT u.id, u.x FROM q UNPIVOT ((x, y) FOR k IN ((a1, a2) AS a, (b1, b2) AS b)) AS u "
     "ORDER BY 1, 2", "struct<id:int,x:int>", [(1, 10), (1, 20), (2, 30)]),
    ("SELECT * FROM q UNPIVOT (x FOR k IN (a1 AS one, b1)) ORDER BY id, k",
     "struct<id:int,a2:int,b2:int,k:string,x:int>",
     [(1, 11, None, "b1", 20), (1, 11, None, "one", 10), (2, None, 31, "b1", 30)]),
    ("SELECT * FROM q UNPIVOT ((x) FOR k IN ((a1) AS one, (b1))) ORDER BY id, k",
     "struct<id:int,a2:int,b2:int,k:string,x:int>",
     [(1, 11, None, "b1", 20), (1, 11, None, "one", 10), (2, None, 31, "b1", 30)]),
    ("SELECT a + b AS k1, b AS k2, SUM(a - b) FROM VALUES (1, 2), (2, 3) AS t(a, b) "
     "GROUP BY CUBE(k1, k2) ORDER BY 1, 2", "struct<k1:int,k2:int,sum((a - b)):bigint>",
     [(None, None, -2), (None, 2, -1), (None, 3, -1), (3, None, -1), (3, 2, -1), (5, None, -1),
      (5, 3, -1)]),
    ("SELECT a + b AS k1, b AS k2, SUM(a - b) FROM VALUES (1, 2), (2, 3) AS t(a, b) "
     "GROUP BY ROLLUP(k1, k2) ORDER BY 1, 2", "struct<k1:int,k2:int,sum((a - b)):bigint>",
     [(None, None, -2), (3, None, -1), (3, 2, -1), (5, None, -1), (5, 3, -1)]),
    ("SELECT a + b AS k1, SUM(b) FROM VALUES (1, 2), (2, 3) AS t(a, b) "
     "GROUP BY GROUPING SETS ((k1), ()) ORDER BY 1", "struct<k1:int,sum(b):bigint>",
     [(None, 5), (3, 2), (5, 3)]),
    ("SELECT a + b AS k1, b, SUM(b) FROM VALUES (1, 2), (2, 3) AS t(a, b) "
     "GROUP BY k1, CUBE(b) ORDER BY 1, 2", "struct<k1:int,b:int,sum(b):bigint>",
     [(3, None, 2), (3, 2, 2), (5, None, 3), (5, 3, 3)]),
    ("SELECT a + b AS k1, SUM(b) FROM VALUES (1, 2), (2, 3) AS t(a, b) "
     "GROUP BY CUBE(a + b) ORDER BY 1", "struct<k1:int,sum(b):bigint>",
     [(None, 5), (3, 2), (5, 3)]),
]


@pytest.mark.parametrize("query,schema,rows", CASES, ids=[c[0][:50] for c in CASES])
def test_query(q, query, schema, rows):
    df = q.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


@pytest.mark.parametrize("query,error", [
    ("SELECT * FROM q UNPIVOT ((x, y) FOR k IN ((a1, a2, b1) AS a))",
     "UNPIVOT_VALUE_SIZE_MISMATCH"),
    ("SELECT * FROM q UNPIVOT ((x, y) FOR k IN ((a1, 'z') AS a))", "PARSE_SYNTAX_ERROR"),
    ("SELECT * FROM q UNPIVOT (x FOR k IN ())", "PARSE_SYNTAX_ERROR"),
    ("SELECT * FROM VALUES (1, 'x') AS w(a, s) UNPIVOT (x FOR k IN (a, s))",
     "UNPIVOT_VALUE_DATA_TYPE_MISMATCH"),
    ("SELECT * FROM VALUES (1, 2, 'x', 'y') AS w(a, b, s, t) "
     "UNPIVOT ((x, y) FOR k IN ((a, s), (b, t)))", None),
    ("SELECT a AS b, SUM(b) FROM VALUES (1, 2), (2, 3) AS t(a, b) GROUP BY CUBE(b)",
     "MISSING_AGGREGATION"),
])
def test_errors(q, query, error):
    if error is None:  # a string value column of strings only is fine
        assert q.sql(query).schema.simpleString() == "struct<k:string,x:int,y:string>"
        return
    with pytest.raises(PySparkException) as info:
        q.sql(query).collect()
    assert info.value.getErrorClass() == error
