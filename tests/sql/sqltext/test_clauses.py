"""spark.sql clauses: LATERAL VIEW, PIVOT/UNPIVOT, TABLESAMPLE, SORT/DISTRIBUTE/CLUSTER BY,
named WINDOW clauses and hints (expected values from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException


@pytest.fixture(scope="module")
def arrays(views):
    views.createDataFrame([(1, [1, 2], {"x": 1}), (2, [], None), (3, None, {"y": 2, "z": 3})],
                          "id INT, arr ARRAY<INT>, m MAP<STRING,INT>") \
        .createOrReplaceTempView("a")
    return views


CASES = [
    ("SELECT id, x FROM a LATERAL VIEW explode(arr) e AS x ORDER BY id, x",
     "struct<id:int,x:int>", [(1, 1), (1, 2)]),
    ("SELECT id, x FROM a LATERAL VIEW OUTER explode(arr) e AS x ORDER BY id, x",
     "struct<id:int,x:int>", [(1, 1), (1, 2), (2, None), (3, None)]),
    ("SELECT id, p, x FROM a LATERAL VIEW posexplode(arr) e AS p, x ORDER BY id, p",
     "struct<id:int,p:int,x:int>", [(1, 0, 1), (1, 1, 2)]),
    ("SELECT id, k, v FROM a LATERAL VIEW explode(m) e AS k, v ORDER BY id, k",
     "struct<id:int,k:string,v:int>", [(1, "x", 1), (3, "y", 2), (3, "z", 3)]),
    ("SELECT id, e.x FROM a LATERAL VIEW explode(arr) e AS x ORDER BY 1, 2",
     "struct<id:int,x:int>", [(1, 1), (1, 2)]),
    ("SELECT id, x, y FROM a LATERAL VIEW explode(arr) e1 AS x "
     "LATERAL VIEW explode(arr) e2 AS y WHERE id = 1 AND x <= y ORDER BY 2, 3",
     "struct<id:int,x:int,y:int>", [(1, 1, 1), (1, 1, 2), (1, 2, 2)]),
    ("SELECT * FROM t PIVOT (sum(v) FOR k IN ('a', 'b')) ORDER BY id",
     "struct<id:int,a:double,b:double>", [(1, 10.0, None), (2, None, 20.0), (3, None, None)]),
    ("SELECT * FROM (SELECT k, v FROM t) PIVOT (sum(v) AS s, count(v) AS c "
     "FOR k IN ('a' AS aa, 'b' AS bb))",
     "struct<aa_s:double,aa_c:bigint,bb_s:double,bb_c:bigint>", [(10.0, 1, 20.0, 1)]),
    ("SELECT * FROM (SELECT 1 AS id, 10 AS q1, 20 AS q2) UNPIVOT (val FOR q IN (q1, q2))",
     "struct<id:int,q:string,val:int>", [(1, "q1", 10), (1, "q2", 20)]),
    ("SELECT * FROM (SELECT 1 AS id, 10 AS q1, null AS q2) "
     "UNPIVOT INCLUDE NULLS (val FOR q IN (q1 AS first, q2))",
     "struct<id:int,q:string,val:int>", [(1, "first", 10), (1, "q2", None)]),
    ("SELECT * FROM (SELECT 1 AS id, 10 AS q1, null AS q2) UNPIVOT (val FOR q IN (q1, q2))",
     "struct<id:int,q:string,val:int>", [(1, "q1", 10)]),
    ("SELECT id FROM t TABLESAMPLE (100 PERCENT) ORDER BY id", "struct<id:int>",
     [(1,), (2,), (3,)]),
    ("SELECT id FROM t TABLESAMPLE (0 PERCENT)", "struct<id:int>", []),
    ("SELECT count(*) FROM t TABLESAMPLE (2 ROWS)", "struct<count(1):bigint>", [(2,)]),
    ("SELECT id FROM t TABLESAMPLE (BUCKET 1 OUT OF 1) ORDER BY id", "struct<id:int>",
     [(1,), (2,), (3,)]),
    ("SELECT id, sum(v) OVER w AS s, row_number() OVER w AS r FROM t "
     "WINDOW w AS (PARTITION BY k ORDER BY id) ORDER BY id",
     "struct<id:int,s:double,r:int>", [(1, 10.0, 1), (2, 20.0, 1), (3, 10.0, 2)]),
    ("SELECT id, sum(id) OVER (w ORDER BY id) AS s FROM t WINDOW w AS (PARTITION BY k) "
     "ORDER BY id", "struct<id:int,s:bigint>", [(1, 1), (2, 2), (3, 4)]),
    ("SELECT /*+ BROADCAST(u) */ t.id, w FROM t JOIN (SELECT 1 AS id, 'x' AS w) u "
     "ON t.id = u.id", "struct<id:int,w:string>", [(1, "x")]),
    ("SELECT /*+ REPARTITION(3) */ id FROM t ORDER BY id", "struct<id:int>",
     [(1,), (2,), (3,)]),
    ("SELECT /*+ COALESCE(1) */ id FROM t ORDER BY id", "struct<id:int>", [(1,), (2,), (3,)]),
    ("SELECT /*+ REPARTITION(3, k) */ k, count(*) FROM t GROUP BY k ORDER BY k",
     "struct<k:string,count(1):bigint>", [("a", 2), ("b", 1)]),
]


@pytest.mark.parametrize("query,schema,rows", CASES, ids=[c[0][:60] for c in CASES])
def test_clause(arrays, query, schema, rows):
    df = arrays.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


def test_sort_distribute_cluster_by(arrays):
    df = arrays.sql("SELECT id, k FROM t SORT BY id DESC")
    assert df.rdd.getNumPartitions() >= 1
    for part in df.rdd.glom().collect():  # sorted within each partition
        assert [r.id for r in part] == sorted((r.id for r in part), reverse=True)
    df = arrays.sql("SELECT id, k FROM t CLUSTER BY k")
    parts = [p for p in df.rdd.glom().collect() if p]
    keys = [{r.k for r in p} for p in parts]
    assert sorted(k for ks in keys for k in ks) == ["a", "b"]  # each key in one partition
    for p in parts:
        assert [r.k for r in p] == sorted(r.k for r in p)
    assert sorted(tuple(r) for r in arrays.sql(
        "SELECT id, k FROM t DISTRIBUTE BY k SORT BY id").collect()) == \
        [(1, "a"), (2, "b"), (3, "a")]
    plan = arrays.sql("SELECT id, k FROM t CLUSTER BY k")._explain_string() \
        if hasattr(arrays.sql("SELECT 1"), "_explain_string") else None
    if plan is not None:
        assert "hashpartitioning(k" in plan


def test_hints_reach_the_plan(arrays):
    def physical(q):
        return arrays.sql("EXPLAIN " + q).first()[0]

    assert "BroadcastExchange" in physical(
        "SELECT /*+ BROADCAST(u) */ t.id FROM t JOIN t u ON t.id = u.id")
    assert "BroadcastExchange" not in physical(
        "SELECT /*+ MERGE(u) */ t.id FROM t JOIN t u ON t.id = u.id")
    right = "SELECT /*+ BROADCAST(t) */ t.id, u.id FROM t RIGHT JOIN t u ON t.id = u.id + 1"
    assert "BroadcastExchange" in physical(right)  # the hinted left side is built
    assert "BroadcastExchange" not in physical(right.replace("/*+ BROADCAST(t) */", ""))
    got = sorted((tuple(r) for r in arrays.sql(right).collect()), key=str)
    assert got == sorted((tuple(r) for r in arrays.sql(
        right.replace("/*+ BROADCAST(t) */", "")).collect()), key=str)
    assert any(r[0] is None for r in got) and len(got) == arrays.table("t").count()
    assert "hashpartitioning(k" in physical("SELECT /*+ REPARTITION(3, k) */ id, k FROM t")
    assert arrays.sql("SELECT /*+ REPARTITION(3) */ id FROM t").rdd.getNumPartitions() == 3
    assert arrays.sql("SELECT /*+ COALESCE(1) */ id FROM t").rdd.getNumPartitions() == 1


def test_clause_errors(arrays):
    with pytest.raises(AnalysisException, match="MISSING_WINDOW_SPECIFICATION"):
        arrays.sql("SELECT sum(id) OVER w2 FROM t WINDOW w AS (ORDER BY id)")
    with pytest.raises(AnalysisException, match="UNPIVOT_VALUE_DATA_TYPE_MISMATCH"):
        arrays.sql("SELECT * FROM (SELECT 1 AS id, 'x' AS a, array(1) AS b) "
                   "UNPIVOT (val FOR q IN (a, b))")
