"""SQL forms checked against PySpark 4.3: X'..' binary literals, generator aliases
``gen(...) AS (a, b)``, IDENTIFIER('name'), EXECUTE IMMEDIATE, the range() table-valued
function, Spark's parse-error positions, and timestamps cast/shown in the session time zone."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException, ParseException


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_binary_literals(spark):
    df = spark.sql("SELECT X'1F', X'', x'abcd', typeof(X'1F'), X'1'")
    assert df.dtypes == [("X'1F'", "binary"), ("X''", "binary"), ("X'ABCD'", "binary"),
                         ("typeof(X'1F')", "string"), ("X'01'", "binary")]
    assert rows(df) == [(bytearray(b"\x1f"), bytearray(b""), bytearray(b"\xab\xcd"), "binary",
                         bytearray(b"\x01"))]
    assert rows(spark.sql("SELECT X'1F' = X'1f', hex(X'0A0b'), length(X'010203')")) == \
        [(True, "0A0B", 3)]


def test_generator_aliases(spark):
    df = spark.sql("SELECT stack(2, 1, 2, 3, 4) AS (a, b)")
    assert df.dtypes == [("a", "int"), ("b", "int")]
    assert rows(df) == [(1, 2), (3, 4)]
    assert rows(spark.sql("SELECT posexplode(array(5, 6)) AS (p, x)")) == [(0, 5), (1, 6)]
    assert spark.sql("SELECT explode(map('k', 1)) AS (kk, vv)").dtypes == \
        [("kk", "string"), ("vv", "int")]
    assert spark.sql("SELECT explode(array(1)) AS (x)").columns == ["x"]
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT stack(2, 1, 2) AS (a, b)")
    assert str(e.value).startswith(
        "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS clause does not "
        "match the number of columns output by the UDTF.\nExpected 1 aliases, but got a,b.")


def test_identifier_execute_immediate_and_range(views):
    spark = views
    assert rows(spark.sql("SELECT IDENTIFIER('id') FROM IDENTIFIER('t') WHERE id = 1")) == [(1,)]
    assert spark.sql("SELECT IDENTIFIER('t.k') FROM t").columns == ["k"]
    df = spark.sql("EXECUTE IMMEDIATE 'SELECT ? * 2 AS s' USING 21")
    assert df.dtypes == [("s", "int")] and rows(df) == [(42,)]
    assert rows(spark.sql(
        "EXECUTE IMMEDIATE 'SELECT :x AS s, :y AS t' USING 5 AS x, 'q' AS y")) == [(5, "q")]
    assert rows(spark.sql("EXECUTE IMMEDIATE 'SELECT count(*) FROM t'")) == [(3,)]
    df = spark.sql("SELECT * FROM range(3)")
    assert df.dtypes == [("id", "bigint")] and rows(df) == [(0,), (1,), (2,)]
    assert rows(spark.sql("SELECT id FROM range(1, 7, 2) ORDER BY id")) == [(1,), (3,), (5,)]
    assert rows(spark.sql("SELECT x FROM range(1, 3) AS r(x) ORDER BY x")) == [(1,), (2,)]
    assert rows(spark.sql(
        "SELECT count(*) FROM range(10) a JOIN range(5) b ON a.id = b.id")) == [(5,)]
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT * FROM nosuchfn(1)")
    assert e.value.getErrorClass() == "UNRESOLVABLE_TABLE_VALUED_FUNCTION"


@pytest.mark.parametrize("text,first_line", [
    ("selec 1", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'selec'. SQLSTATE: 42601 "
                "(line 1, pos 0)"),
    ("SELECT 1 FORM t", "[PARSE_SYNTAX_ERROR] Syntax error at or near 't': extra input 't'. "
                        "SQLSTATE: 42601 (line 1, pos 14)"),
    ("SELECT a b c FROM t", "[PARSE_SYNTAX_ERROR] Syntax error at or near 'c'. SQLSTATE: 42601 "
                            "(line 1, pos 11)"),
    ("select * form t where x = 1", "[PARSE_SYNTAX_ERROR] Syntax error at or near 't'. "
                                    "SQLSTATE: 42601 (line 1, pos 14)"),
    ("SELECT (1", "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
                  "(line 1, pos 9)"),
])
def test_parse_errors_as_spark(spark, text, first_line):
    with pytest.raises(ParseException) as e:
        spark.sql(text)
    assert str(e.value).strip().split("\n")[0] == first_line


def test_timestamps_in_the_session_time_zone(spark):
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        df = spark.sql("SELECT TIMESTAMP '2024-01-01 12:00:00' AS t, "
                       "CAST(TIMESTAMP '2024-06-01 00:00:00' AS STRING) AS s, "
                       "hour(TIMESTAMP '2024-01-01 12:00:00') AS h")
        assert rows(df.select("s", "h")) == [("2024-06-01 00:00:00", 12)]
        text = df._show_string(truncate=False)
        assert "|2024-01-01 12:00:00|2024-06-01 00:00:00|12 |" in text
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


def test_pivot_over_several_columns(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW s AS SELECT * FROM VALUES (2012, 'dotNET', 'Java', "
              "10000), (2012, 'Java', 'dotNET', 20000), (2013, 'dotNET', 'Java', 48000), "
              "(2013, 'Java', 'Java', 30000) AS s(year, course, c2, earnings)")
    df = spark.sql("SELECT * FROM s PIVOT (sum(earnings) FOR (course, c2) IN "
                   "(('dotNET', 'Java') AS dj, ('Java', 'dotNET') AS jd)) ORDER BY year")
    assert df.dtypes == [("year", "int"), ("dj", "bigint"), ("jd", "bigint")]
    assert rows(df) == [(2012, 10000, 20000), (2013, 48000, None)]
    df = spark.sql("SELECT * FROM s PIVOT (sum(earnings) FOR (course, c2) IN "
                   "(('dotNET', 'Java'), ('Java', 'Java'))) ORDER BY year")
    assert df.columns == ["year", "{dotNET, Java}", "{Java, Java}"]
    assert rows(df) == [(2012, 10000, None), (2013, 48000, 30000)]
    df = spark.sql("SELECT * FROM s PIVOT (sum(earnings) AS e, count(*) AS n FOR (course, c2) "
                   "IN (('dotNET', 'Java') AS dj, ('Java', 'Java') AS jj)) ORDER BY year")
    assert df.columns == ["year", "dj_e", "dj_n", "jj_e", "jj_n"]
    assert rows(df) == [(2012, 10000, 1, None, None), (2013, 48000, 1, 30000, 1)]
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT * FROM s PIVOT (sum(earnings) FOR (course, c2) IN "
                  "(('dotNET', 'Java', 1)))")
    assert str(e.value).split("\n")[0] == (
        "[PIVOT_VALUE_DATA_TYPE_MISMATCH] Invalid pivot value 'named_struct(col1, dotNET, "
        "col2, Java, col3, 1)': value data type struct<col1:string,col2:string,col3:int> does "
        "not match pivot column data type struct<course:string,c2:string>. SQLSTATE: 42K09")


def test_result_names_as_spark(spark):
    # names and types as PySpark 4.3 gives them (checked there)
    df = spark.sql("SELECT CAST(1 AS BIGINT), 1::BIGINT, 1L, 2S, 1BD, 1.5D, -6.5, (- 6.5), "
                   "-(6.5), -1e3, 1 << 2, -8 >> 1, 'x' || 1 || 2.5, 1 IS DISTINCT FROM 2")
    assert df.columns == [
        "CAST(1 AS BIGINT)", "CAST(1 AS BIGINT)", "1", "2", "1", "1.5", "-6.5", "-6.5",
        "(- 6.5)", "-1000.0", "(1 << 2)", "(-8 >> 1)", "concat(concat(x, 1), 2.5)",
        "(NOT (1 <=> 2))"]
    assert [t for _, t in df.dtypes] == [
        "bigint", "bigint", "bigint", "smallint", "decimal(1,0)", "double", "decimal(2,1)",
        "decimal(2,1)", "decimal(2,1)", "double", "int", "int", "string", "boolean"]
    assert rows(df)[0][:2] + rows(df)[0][9:] == (1, 1, -1000.0, 4, -4, "x12.5", True)


def test_values_with_expressions_and_a_bare_alias(spark):
    df = spark.sql("SELECT t.id FROM VALUES 0, 1, 2 AS t(id)")
    assert rows(df) == [(0,), (1,), (2,)]
    df = spark.sql("SELECT * FROM VALUES (1, array(1, 2)), (3, array()) AS v(a, b)")
    assert df.dtypes == [("a", "int"), ("b", "array<int>")]
    assert rows(df) == [(1, [1, 2]), (3, [])]


def test_group_by_crosses_columns_with_cube_and_rollup(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW g AS SELECT * FROM VALUES (1, 1), (1, 2), (2, 1) "
              "AS g(a, b)")
    # a grouping set given twice gives its rows twice (PySpark 4.3's rows)
    df = spark.sql("SELECT a, b, count(1) FROM g GROUP BY a, CUBE(a, b) ORDER BY a, b")
    assert rows(df) == [(1, None, 2), (1, None, 2), (1, 1, 1), (1, 1, 1), (1, 2, 1),
                        (1, 2, 1), (2, None, 1), (2, None, 1), (2, 1, 1), (2, 1, 1)]
    df = spark.sql("SELECT a, b, sum(b) FROM g GROUP BY a, b WITH ROLLUP ORDER BY a, b")
    assert rows(df) == [(None, None, 4), (1, None, 3), (1, 1, 1), (1, 2, 2), (2, None, 1),
                        (2, 1, 1)]
    df = spark.sql("SELECT a, b, sum(b) FROM g GROUP BY a, b GROUPING SETS (a) ORDER BY a")
    assert rows(df) == [(1, None, 3), (2, None, 1)]


def test_having_names_a_grouping_expression(spark):
    df = spark.sql("SELECT count(*) FROM range(6) GROUP BY id % 3 + 1 HAVING id % 3 + 1 = 2")
    assert rows(df) == [(2,)]


@pytest.mark.parametrize("limit, problem", [
    ("-1", "IS_NEGATIVE"), ("CAST(NULL AS INT)", "IS_NULL"), ("true", "DATA_TYPE"),
    ("'a'", "DATA_TYPE")])
def test_limit_errors_as_spark(spark, limit, problem):
    with pytest.raises(AnalysisException) as e:
        spark.sql(f"SELECT * FROM range(3) LIMIT {limit}")
    assert e.value.getErrorClass() == f"INVALID_LIMIT_LIKE_EXPRESSION.{problem}"
    assert str(e.value).startswith(f"[INVALID_LIMIT_LIKE_EXPRESSION.{problem}] The limit like "
                                   "expression")
