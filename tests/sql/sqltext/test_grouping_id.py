"""grouping__id (Hive's virtual column) and grouping()/grouping_id() in HAVING over
ROLLUP/CUBE (as Spark's group-analytics.sql golden file; view t of conftest.py)."""

from __future__ import annotations

import pytest

CASES = [
    ("SELECT k, grouping__id FROM t GROUP BY ROLLUP(k) ORDER BY grouping__id, k",
     "struct<k:string,grouping__id:bigint>", [("a", 0), ("b", 0), (None, 1)]),
    ("SELECT k, id, grouping__id, grouping_id() FROM t GROUP BY CUBE(k, id) "
     "HAVING grouping__id = 2 ORDER BY id",
     "struct<k:string,id:int,grouping__id:bigint,grouping_id():bigint>",
     [(None, 1, 2, 2), (None, 2, 2, 2), (None, 3, 2, 2)]),
    ("SELECT k, count(*) FROM t GROUP BY ROLLUP(k) HAVING grouping(k) = 0 ORDER BY k",
     "struct<k:string,count(1):bigint>", [("a", 2), ("b", 1)]),
    ("SELECT k, count(*) FROM t GROUP BY ROLLUP(k) HAVING GROUPING_ID(k) > 0",
     "struct<k:string,count(1):bigint>", [(None, 3)]),
    ("SELECT k, count(*) AS c FROM t GROUP BY ROLLUP(k) HAVING c > 1 ORDER BY k",
     "struct<k:string,c:bigint>", [(None, 3), ("a", 2)]),
]


@pytest.mark.parametrize("query,schema,rows", CASES)
def test_grouping_id(views, query, schema, rows):
    df = views.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows
