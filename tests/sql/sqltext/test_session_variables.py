"""Session variables (DECLARE VARIABLE, SET VAR, DROP TEMPORARY VARIABLE, EXECUTE IMMEDIATE ...
INTO) and what they need elsewhere: expected names, types, values and error classes from
PySpark 4.3 (the golden file sql-session-variables.sql covers more, recorded the same way)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from runtime.errors import PySparkException
from runtime.sql.formatting.literal_sql import spark_sql_literal
from runtime.sql import types as T


@pytest.fixture()
def s(spark):
    session = spark.newSession()
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return session


def run(session, *statements):
    out = None
    for st in statements:
        out = session.sql(st)
    return out


# (statements before, query, schema, rows)
CASES = [
    (["DECLARE v INT = 5"], "SELECT v, typeof(v)",
     "struct<v:int,typeof(variablereference(system.session.v=5)):string>", [(5, "int")]),
    (["DECLARE VARIABLE v BIGINT"], "SELECT v, v IS NULL",
     "struct<v:bigint,(variablereference(system.session.v=CAST(NULL AS BIGINT)) IS NULL)"
     ":boolean>", [(None, True)]),
    (["DECLARE VAR MyVar DOUBLE DEFAULT 1"], "SELECT myvar, MYVAR, myvar + 0",
     "struct<myvar:double,MYVAR:double,(variablereference(system.session.myvar=1.0D) + 0)"
     ":double>", [(1.0, 1.0, 1.0)]),
    (["DECLARE v = 'it''s'"], "SELECT v, session.v, system.session.v, concat(v, '!')",
     "struct<v:string,v:string,v:string,"
     "concat(variablereference(system.session.v='it\\'s'), !):string>",
     [("it's", "it's", "it's", "it's!")]),
    (["DECLARE v DEFAULT NULL"], "SELECT typeof(v), v",
     "struct<typeof(variablereference(system.session.v=NULL)):string,v:void>",
     [("void", None)]),
    (["DECLARE v SMALLINT DEFAULT 7.9"], "SELECT v", "struct<v:smallint>", [(7,)]),
    (["DECLARE v = 1.50"], "SELECT v", "struct<v:decimal(3,2)>", [(Decimal("1.50"),)]),
    (["DECLARE v STRUCT<x: INT, y: STRING> DEFAULT named_struct('x', 1, 'y', 'z')"],
     "SELECT v.y, v", "struct<y:string,v:struct<x:int,y:string>>", [("z", (1, "z"))]),
    (["DECLARE v ARRAY<INT> DEFAULT array(3, 2)"], "SELECT v[1], size(v)",
     "struct<variablereference(system.session.v=ARRAY(3, 2))[1]:int,"
     "size(variablereference(system.session.v=ARRAY(3, 2))):int>", [(2, 2)]),
    (["DECLARE v DATE DEFAULT DATE '2024-02-29'"], "SELECT v, dayofmonth(v)",
     "struct<v:date,dayofmonth(variablereference(system.session.v=DATE '2024-02-29')):int>",
     [(dt.date(2024, 2, 29), 29)]),
    (["DECLARE v INT DEFAULT 1", "SET VAR v = v + 41"], "SELECT v", "struct<v:int>", [(42,)]),
    (["DECLARE v INT DEFAULT 1", "SET VARIABLE v = (SELECT max(id) FROM range(5))"],
     "SELECT v", "struct<v:int>", [(4,)]),
    (["DECLARE v INT DEFAULT 1", "SET VARIABLE v = (SELECT 2.7)"], "SELECT v",
     "struct<v:int>", [(2,)]),
    (["DECLARE v INT DEFAULT 1", "SET VAR v = (SELECT id FROM range(3) WHERE id > 5)"],
     "SELECT v", "struct<v:int>", [(None,)]),
    (["DECLARE a INT DEFAULT 2", "DECLARE b STRING DEFAULT 'b'",
      "DECLARE c DOUBLE DEFAULT 1.25", "SET VAR a = c * 4, b = a, c = a"],
     "SELECT a, b, c", "struct<a:int,b:string,c:double>", [(5, "5.0", 5.0)]),
    (["DECLARE a INT", "DECLARE b STRING",
      "SET VAR (a, b) = (SELECT id, CAST(id AS STRING) FROM range(5) WHERE id = 3)"],
     "SELECT a, b", "struct<a:int,b:string>", [(3, "3")]),
    (["DECLARE a INT DEFAULT 1", "SET VAR (a) = (SELECT 9 WHERE false)"], "SELECT a",
     "struct<a:int>", [(None,)]),
    (["DECLARE b STRING DEFAULT 'initial'", "SET VAR b = 'x'", "SET VAR b = DEFAULT"],
     "SELECT b", "struct<b:string>", [("initial",)]),
    (["DECLARE b STRING DEFAULT 'initial'", "SET VAR b = 'x'",
      "SET VAR (b) = (SELECT DEFAULT FROM range(1))"], "SELECT b", "struct<b:string>",
     [("initial",)]),
    (["DECLARE b STRING DEFAULT 'initial'",
      "SET VAR (b) = (SELECT DEFAULT FROM VALUES ('col') AS t(default))"], "SELECT b",
     "struct<b:string>", [("col",)]),
    (["DECLARE v INT DEFAULT 1"], "SELECT v FROM VALUES (2) AS t(v)", "struct<v:int>",
     [(2,)]),
    (["DECLARE v INT DEFAULT 1"], "SELECT session.v FROM VALUES (2) AS t(v)",
     "struct<v:int>", [(1,)]),
    (["DECLARE v INT DEFAULT 1"], "SELECT s FROM VALUES (2) AS t(v), LATERAL (SELECT v AS s)",
     "struct<s:int>", [(2,)]),
    (["DECLARE v INT DEFAULT 1"],
     "SELECT x FROM VALUES (1), (2), (3) AS t(x) WHERE x > v ORDER BY x", "struct<x:int>",
     [(2,), (3,)]),
    (["DECLARE v INT DEFAULT 1"],
     "SELECT x + v AS k, count(*) FROM VALUES (1), (2), (2) AS t(x) GROUP BY x + v ORDER BY k",
     "struct<k:int,count(1):bigint>", [(2, 1), (3, 2)]),
    (["DECLARE v INT DEFAULT 1"],
     "SELECT sum(x) FILTER (WHERE x <> v) FROM VALUES (1), (2), (3) AS t(x)",
     "struct<sum(x) FILTER (WHERE (NOT (x = variablereference(system.session.v=1)))):bigint>",
     [(5,)]),
    (["DECLARE v INT DEFAULT 7"], "SELECT x FROM VALUES (7) AS t(x) GROUP BY x ORDER BY v",
     "struct<x:int>", [(7,)]),
    (["DECLARE v INT DEFAULT 1"],
     "SELECT id FROM range(4) AS r WHERE EXISTS (SELECT 1 FROM range(4) AS r2 "
     "WHERE r2.id = r.id AND r2.id > v) ORDER BY id", "struct<id:bigint>", [(2,), (3,)]),
    (["DECLARE v INT DEFAULT 1"], "WITH w AS (SELECT v AS y) SELECT y + 1 AS z FROM w",
     "struct<z:int>", [(2,)]),
    (["DECLARE v INT DEFAULT 1", "CREATE OR REPLACE TEMP VIEW sv AS SELECT v + 1 AS y",
      "SET VAR v = 7"], "SELECT * FROM sv", "struct<y:int>", [(8,)]),
    (["DECLARE v STRING DEFAULT 'a INT'"], "SELECT from_json('{\"a\": 3}', v)",
     "struct<from_json({\"a\": 3}):struct<a:int>>", [((3,),)]),
    (["DECLARE r INT", "DECLARE q STRING",
      "EXECUTE IMMEDIATE 'SELECT id, CAST(id AS STRING) FROM range(9) WHERE id = ?' "
      "INTO r, q USING 7"], "SELECT r, q", "struct<r:int,q:string>", [(7, "7")]),
    (["DECLARE r INT", "DECLARE stmt STRING DEFAULT 'SELECT 5 + :n'",
      "EXECUTE IMMEDIATE stmt INTO r USING 3 AS n"], "SELECT r", "struct<r:int>", [(8,)]),
]


@pytest.mark.parametrize("before,query,schema,rows", CASES, ids=[c[1][:48] for c in CASES])
def test_variable_values_names_and_types(s, before, query, schema, rows):
    run(s, *before)
    df = s.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


ERRORS = [
    (["DECLARE v INT"], "DECLARE v STRING", "VARIABLE_ALREADY_EXISTS"),
    ([], "DECLARE VARIABLE IF NOT EXISTS v INT", "PARSE_SYNTAX_ERROR"),
    ([], "DECLARE v", "INVALID_SQL_SYNTAX.VARIABLE_TYPE_OR_DEFAULT_REQUIRED"),
    ([], "DROP TEMPORARY VARIABLE nothere", "VARIABLE_NOT_FOUND"),
    (["DECLARE v INT"], "DROP VARIABLE v", "PARSE_SYNTAX_ERROR"),
    ([], "DECLARE OR REPLACE VARIABLE builtin.v INT", "UNRESOLVED_VARIABLE"),
    ([], "SET VAR nothere = 1", "UNRESOLVED_VARIABLE"),
    ([], "SELECT nothere", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"),
    (["DECLARE v INT"], "SELECT sess.v", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"),
    ([], "DECLARE v INT DEFAULT (SELECT 1)", "INVALID_DEFAULT_VALUE.SUBQUERY_EXPRESSION"),
    ([], "DECLARE v INT DEFAULT 'seven'", "CAST_INVALID_INPUT"),
    ([], "DECLARE v TINYINT DEFAULT 300", "CAST_OVERFLOW"),
    ([], "DECLARE v INT DEFAULT 1 / 0", "DIVIDE_BY_ZERO"),
    (["DECLARE v INT"], "SET VAR v = DATE '2024-01-01'",
     "DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION"),
    (["DECLARE v INT"], "SET VAR v = (SELECT id FROM range(3))",
     "SCALAR_SUBQUERY_TOO_MANY_ROWS"),
    (["DECLARE v INT"], "SET VAR v = (SELECT 1, 2)",
     "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN"),
    (["DECLARE a INT", "DECLARE b INT"], "SET VAR a = 1, b = 2, A = 3",
     "DUPLICATE_ASSIGNMENTS"),
    (["DECLARE a INT", "DECLARE b INT"], "SET VAR (a, b) = (SELECT id, id FROM range(2))",
     "ROW_SUBQUERY_TOO_MANY_ROWS"),
    (["DECLARE a INT", "DECLARE b INT"], "SET VAR (a, b) = (SELECT 1)",
     "ASSIGNMENT_ARITY_MISMATCH"),
    ([], "SET VAR () = (SELECT 1)", "INVALID_SET_SYNTAX"),
    (["DECLARE a INT"], "SET VAR a = 1 WHERE", "INVALID_SET_SYNTAX"),
    (["DECLARE a INT"], "SET VAR a = 1 + DEFAULT", "DEFAULT_PLACEMENT_INVALID"),
    (["DECLARE a INT"], "SET a = 5", "UNSUPPORTED_FEATURE.SET_VARIABLE_USING_SET"),
    (["DECLARE a INT"], "SET system.session.a = 5",
     "UNSUPPORTED_FEATURE.SET_VARIABLE_USING_SET"),
    (["DECLARE a INT"], "CREATE OR REPLACE VIEW pv AS SELECT a AS y",
     "INVALID_TEMP_OBJ_REFERENCE"),
    (["DECLARE a INT"], "EXECUTE IMMEDIATE 'SELECT 1, 2' INTO a", "ASSIGNMENT_ARITY_MISMATCH"),
    (["DECLARE a INT"], "EXECUTE IMMEDIATE 'SELECT id FROM range(2)' INTO a",
     "ROW_SUBQUERY_TOO_MANY_ROWS"),
    ([], "EXECUTE IMMEDIATE 'SELECT 1' INTO nothere", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"),
    (["DECLARE a INT"], "EXECUTE IMMEDIATE 'SET VAR a = 3' INTO a",
     "INVALID_STATEMENT_FOR_EXECUTE_INTO"),
]


@pytest.mark.parametrize("before,statement,error", ERRORS, ids=[e[1][:48] for e in ERRORS])
def test_variable_errors(s, before, statement, error):
    run(s, *before)
    with pytest.raises(PySparkException) as info:
        s.sql(statement).collect()
    assert info.value.getErrorClass() == error


def test_statements_return_no_columns_and_config_set_still_works(s):
    assert s.sql("DECLARE w INT DEFAULT 3").columns == []
    assert s.sql("SET VAR w = 4").columns == []
    assert [tuple(r) for r in s.sql("SET some.key = 4").collect()] == [("some.key", "4")]
    assert s.sql("DROP TEMPORARY VARIABLE w").columns == []
    assert s.sql("DROP TEMPORARY VARIABLE IF EXISTS w").columns == []


def test_a_dataframe_reads_the_value_it_was_analyzed_with(s):
    s.sql("DECLARE v INT DEFAULT 1")
    df = s.sql("SELECT v")
    s.sql("SET VAR v = 2")
    assert df.collect()[0][0] == 1
    assert [tuple(r) for r in s.range(1).selectExpr("v + id", "v").collect()] == [(2, 2)]
    assert s.range(1).selectExpr("v + id").columns == [
        "(variablereference(system.session.v=2) + id)"]


def test_variables_belong_to_their_session(s):
    s.sql("DECLARE mine INT DEFAULT 1")
    with pytest.raises(PySparkException) as info:
        s.newSession().sql("SELECT mine").collect()
    assert info.value.getErrorClass() == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"


def test_error_messages_are_sparks(s):
    s.sql("DECLARE v INT")
    with pytest.raises(PySparkException) as info:
        s.sql("DECLARE v INT")
    assert str(info.value).startswith(
        "[VARIABLE_ALREADY_EXISTS] Cannot create the variable `system`.`session`.`v` because "
        "it already exists.")
    with pytest.raises(PySparkException) as info:
        s.sql("SET VARIABLE sess.v = 1")
    assert str(info.value).startswith(
        "[UNRESOLVED_VARIABLE] Cannot resolve variable `sess`.`v` on search path "
        "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].")
    with pytest.raises(PySparkException) as info:
        s.sql("SET v = 5")
    assert str(info.value).startswith(
        "[UNSUPPORTED_FEATURE.SET_VARIABLE_USING_SET] The feature is not supported: `v` is a "
        "VARIABLE and cannot be updated using the SET statement. Use SET VARIABLE `v` = ... "
        "instead.")


@pytest.mark.parametrize("value,dtype,text", [
    (5, T.IntegerType(), "5"), (5, T.LongType(), "5L"), (7, T.ShortType(), "7S"),
    (1, T.ByteType(), "1Y"), (1.5, T.DoubleType(), "1.5D"), (1e10, T.DoubleType(), "1.0E10D"),
    (float("nan"), T.DoubleType(), "CAST('NaN' AS DOUBLE)"),
    (1.5, T.FloatType(), "CAST('1.5' AS FLOAT)"), (Decimal("1.50"), T.DecimalType(3, 2),
                                                   "1.50BD"),
    ("it's \\", T.StringType(), "'it\\'s \\\\'"), (True, T.BooleanType(), "true"),
    (b"\x0a\xff", T.BinaryType(), "X'0AFF'"), (None, T.StringType(), "CAST(NULL AS STRING)"),
    (None, T.ArrayType(T.IntegerType()), "NULL"), (None, T.NullType(), "NULL"),
    (dt.date(2024, 2, 29), T.DateType(), "DATE '2024-02-29'"),
    (dt.datetime(2024, 1, 1, 10, 0, 0, 500000), T.TimestampType(),
     "TIMESTAMP '2024-01-01 10:00:00.5'"),
    (dt.datetime(2024, 1, 1, 10), T.TimestampNTZType(), "TIMESTAMP_NTZ '2024-01-01 10:00:00'"),
    ([1, None], T.ArrayType(T.IntegerType()), "ARRAY(1, CAST(NULL AS INT))"),
    ({"a": 1}, T.MapType(T.StringType(), T.IntegerType()), "MAP('a', 1)"),
    ((1, None), T.StructType([T.StructField("a", T.IntegerType()),
                              T.StructField("b", T.StringType())]),
     "NAMED_STRUCT('a', 1, 'b', CAST(NULL AS STRING))"),
])
def test_literal_sql_is_sparks(value, dtype, text):
    assert spark_sql_literal(value, dtype) == text
