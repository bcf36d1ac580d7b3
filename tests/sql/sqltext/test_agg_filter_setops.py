"""Aggregate FILTER (WHERE ...), simple CASE, LIMIT ALL/OFFSET, Spark's CAST refusals and
set-operation type rules (expected values and messages from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException


@pytest.fixture(scope="module")
def fl(views):
    views.sql("CREATE OR REPLACE TEMP VIEW fl AS SELECT * FROM VALUES "
              "('one', 1, 'x'), ('two', 2, 'y') AS t(k, v1, j)")
    return views


CASES = [
    ("SELECT count(*) FILTER (WHERE v1 > 1), count(DISTINCT k) FILTER (WHERE v1 > 5) FROM fl",
     "struct<count(1) FILTER (WHERE (v1 > 1)):bigint,"
     "count(DISTINCT k) FILTER (WHERE (v1 > 5)):bigint>", [(1, 0)]),
    ("SELECT k, avg(v1) FILTER (WHERE v1 > 1) AS a FROM fl GROUP BY k ORDER BY k",
     "struct<k:string,a:double>", [("one", None), ("two", 2.0)]),
    ("SELECT max(v1) FILTER (WHERE v1 IS NULL), collect_list(v1) FILTER (WHERE v1 > 1) "
     "FROM fl", "struct<max(v1) FILTER (WHERE (v1 IS NULL)):int,"
     "collect_list(v1) FILTER (WHERE (v1 > 1)):array<int>>", [(None, [2])]),
    ("SELECT CASE v1 WHEN 1 THEN 'x' END FROM fl ORDER BY v1",
     "struct<CASE WHEN (v1 = 1) THEN x END:string>", [("x",), (None,)]),
    ("SELECT v1 FROM fl ORDER BY v1 LIMIT ALL", "struct<v1:int>", [(1,), (2,)]),
    ("SELECT v1 FROM fl ORDER BY v1 LIMIT ALL OFFSET 1", "struct<v1:int>", [(2,)]),
    ("SELECT v1 FROM fl ORDER BY v1 OFFSET 1", "struct<v1:int>", [(2,)]),
    ("SELECT v1 FROM fl ORDER BY v1 LIMIT 1 OFFSET 1", "struct<v1:int>", [(2,)]),
    ("SELECT v1 FROM fl ORDER BY v1 LIMIT 5 OFFSET 5", "struct<v1:int>", []),
    ("SELECT CAST(1 AS TIMESTAMP) IS NOT NULL, CAST(TIMESTAMP '2024-01-01 00:00:00' AS INT)",
     "struct<(CAST(1 AS TIMESTAMP) IS NOT NULL):boolean,"
     "CAST(TIMESTAMP '2024-01-01 00:00:00' AS INT):int>", [(True, 1704067200)]),
    ("SELECT map(1, 2) UNION ALL SELECT map(1, 2)", "struct<map(1, 2):map<int,int>>",
     [({1: 2},), ({1: 2},)]),
    ("SELECT 1 UNION ALL SELECT '2'", "struct<1:bigint>", [(1,), (2,)]),
    ("SELECT 1.5 AS x UNION ALL SELECT '2'", "struct<x:double>", [(1.5,), (2.0,)]),
]


@pytest.mark.parametrize("query,schema,rows", CASES)
def test_filter_case_limit_setops(fl, query, schema, rows):
    df = fl.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


def test_filter_in_expr(fl):
    from sparkcli.sql import functions as F

    df = fl.createDataFrame([(1, "a"), (2, "b"), (3, "b")], "x INT, k STRING")
    out = df.groupBy("k").agg(F.expr("sum(x) FILTER (WHERE x > 1)")).orderBy("k")
    assert out.schema.simpleString() == "struct<k:string,sum(x) FILTER (WHERE (x > 1)):bigint>"
    assert [tuple(r) for r in out.collect()] == [("a", None), ("b", 5)]


_MAP = ("[UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE] The feature is not supported: Cannot "
        "have MAP type columns in a set operation (INTERSECT, EXCEPT, etc.), but the type of "
        "column `{}` is \"{}\". SQLSTATE: 0A000")


@pytest.mark.parametrize("query,message", [
    ("SELECT abs(v1) FILTER (WHERE v1 > 1) FROM fl",
     "[INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX] Invalid SQL syntax: The function "
     "`abs` does not support FILTER CLAUSE. SQLSTATE: 42000"),
    ("SELECT count(*) FILTER (WHERE v1) FROM fl",
     '[INVALID_AGGREGATE_FILTER.NOT_BOOLEAN] The FILTER expression "v1" in an aggregate '
     "function is invalid. Expected a FILTER expression of the BOOLEAN type. SQLSTATE: 42903"),
    ("SELECT CAST(1 AS DATE)",
     '[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve "CAST(1 AS DATE)" due to '
     'data type mismatch: cannot cast "INT" to "DATE". To convert values from "INT" to "DATE", '
     "you can use the functions `DATE_FROM_UNIX_DATE` instead. SQLSTATE: 42K09"),
    ("SELECT CAST(DATE '2024-01-01' AS INT)",
     '[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] Cannot resolve "CAST(DATE \'2024-01-01\' '
     'AS INT)" due to data type mismatch: cannot cast "DATE" to "INT". To convert values from '
     '"DATE" to "INT", you can use the functions `UNIX_DATE` instead. SQLSTATE: 42K09'),
    ("SELECT CAST(DATE '2024-01-01' AS BOOLEAN)",
     '[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve "CAST(DATE \'2024-01-01\' '
     'AS BOOLEAN)" due to data type mismatch: cannot cast "DATE" to "BOOLEAN" with ANSI mode '
     'on. If you have to cast "DATE" to "BOOLEAN", you can set "spark.sql.ansi.enabled" as '
     "'false'. SQLSTATE: 42K09"),
    ("SELECT CAST(1L AS BINARY)",
     '[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve "CAST(1 AS BINARY)" due to '
     'data type mismatch: cannot cast "BIGINT" to "BINARY" with ANSI mode on. If you have to '
     'cast "BIGINT" to "BINARY", you can set "spark.sql.ansi.enabled" as \'false\'. '
     "SQLSTATE: 42K09"),
    ("SELECT CAST(X'01' AS INT)",
     '[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "CAST(X\'01\' AS INT)" due '
     'to data type mismatch: cannot cast "BINARY" to "INT". SQLSTATE: 42K09'),
    ("SELECT map(1, 2) UNION SELECT map(1, 2)", _MAP.format("map(1, 2)", "MAP<INT, INT>")),
    ("SELECT map(1, 2) INTERSECT SELECT map(1, 2)", _MAP.format("map(1, 2)", "MAP<INT, INT>")),
    ("SELECT map(1, 2) EXCEPT SELECT map(1, 2)", _MAP.format("map(1, 2)", "MAP<INT, INT>")),
    ("SELECT DISTINCT map(1, 2)", _MAP.format("map(1, 2)", "MAP<INT, INT>")),
    ("SELECT array(map(1, 2)) UNION SELECT array(map(1, 2))",
     _MAP.format("array(map(1, 2))", "ARRAY<MAP<INT, INT>>")),
])
def test_refused(fl, query, message):
    with pytest.raises(AnalysisException) as ei:
        fl.sql(query)
    assert str(ei.value) == message


def test_union_string_to_bigint_fails_as_spark(fl):
    with pytest.raises(Exception) as ei:
        fl.sql("SELECT 1 UNION ALL SELECT 'a'").collect()
    assert "CAST_INVALID_INPUT" in str(ei.value) and '"BIGINT"' in str(ei.value)
