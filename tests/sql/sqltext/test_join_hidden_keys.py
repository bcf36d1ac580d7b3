"""The hidden key columns of USING/NATURAL joins: ``r.k`` and ``r.*`` still reach the side's
own key though ``*`` shows one ``k`` (expected values from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException


@pytest.fixture(scope="module")
def sides(views):
    views.sql("CREATE OR REPLACE TEMP VIEW hl AS SELECT * FROM VALUES "
              "('one', 1, 'x'), ('two', 2, 'y') AS t(k, v1, j)")
    views.sql("CREATE OR REPLACE TEMP VIEW hr AS SELECT * FROM VALUES "
              "(5, 'one', 'x'), (6, 'three', 'z') AS t(v2, k, j)")
    return views


CASES = [
    ("SELECT hr.* FROM hl JOIN hr USING (k) ORDER BY 1",
     "struct<k:string,v2:int,j:string>", [("one", 5, "x")]),
    ("SELECT hl.*, hr.* FROM hl JOIN hr USING (j, k)",
     "struct<j:string,k:string,v1:int,j:string,k:string,v2:int>",
     [("x", "one", 1, "x", "one", 5)]),
    ("SELECT * FROM hl RIGHT JOIN hr USING (k) ORDER BY v2",
     "struct<k:string,v1:int,j:string,v2:int,j:string>",
     [("one", 1, "x", 5, "x"), ("three", None, None, 6, "z")]),
    ("SELECT hl.k, hr.k, k FROM hl FULL JOIN hr USING (k) ORDER BY 3",
     "struct<k:string,k:string,k:string>",
     [("one", "one", "one"), (None, "three", "three"), ("two", None, "two")]),
    ("SELECT * FROM hl JOIN hr USING (k) WHERE hr.k = 'one'",
     "struct<k:string,v1:int,j:string,v2:int,j:string>", [("one", 1, "x", 5, "x")]),
    ("SELECT *, hl.k FROM hl FULL JOIN hr USING (k) WHERE hl.k IS NULL",
     "struct<k:string,v1:int,j:string,v2:int,j:string,k:string>",
     [("three", None, None, 6, "z", None)]),
    ("SELECT k FROM hl NATURAL JOIN hr", "struct<k:string>", [("one",)]),
    ("SELECT k, hr.k FROM hl LEFT JOIN hr USING (k) ORDER BY k",
     "struct<k:string,k:string>", [("one", "one"), ("two", None)]),
    ("SELECT x FROM (SELECT hr.k AS x FROM hl NATURAL JOIN hr)", "struct<x:string>",
     [("one",)]),
]


@pytest.mark.parametrize("query,schema,rows", CASES)
def test_hidden_join_keys(sides, query, schema, rows):
    df = sides.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


@pytest.mark.parametrize("query,message", [
    ("SELECT * FROM hl JOIN hr USING (v2)",
     "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `v2` cannot be resolved on the left side "
     "of the join. The left-side columns: [`j`, `k`, `v1`]. SQLSTATE: 42703"),
    ("SELECT * FROM hl JOIN hr USING (v1)",
     "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `v1` cannot be resolved on the right "
     "side of the join. The right-side columns: [`j`, `k`, `v2`]. SQLSTATE: 42703"),
])
def test_unresolved_using_column(sides, query, message):
    with pytest.raises(AnalysisException) as ei:
        sides.sql(query)
    assert str(ei.value) == message
    assert ei.value.getErrorClass() == "UNRESOLVED_USING_COLUMN_FOR_JOIN"
