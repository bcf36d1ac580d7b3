"""Functions added in the third session (vectors, base32, hmac, timestampadd/diff,
inline/stack, the bitmap and union aggregates, histogram_numeric, call_function), against
real PySpark 4.3's answers (golden/extra.json)."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

_HASH_ORDER = "Spark lists a set in its hash set's order; sparkcli in first-seen order"
_CAST_NAME = "expr() names CAST(1 AS FLOAT) after the folded literal (1.0)"
GAPS: dict[str, str] = {
    'F.collect_union(F.array("i", "j"))': _HASH_ORDER,
    'F.collect_union(F.array("s", "t"))': _HASH_ORDER,
    'F.collect_union(F.array("s", lit(None)))': _HASH_ORDER,
    'F.inline(F.array(F.struct("i", "s"), F.struct(col("j"), col("t"))))':
        "array() unifies structs whose field names differ (Spark: DATA_DIFF_TYPES)",
    'F.expr("typeof(vector_norm(array(CAST(1 AS FLOAT))))")': _CAST_NAME,
    'F.expr("vector_normalize(array(CAST(1 AS FLOAT), CAST(-2 AS FLOAT)), '
    'CAST(\'Infinity\' AS FLOAT))")': _CAST_NAME,
    'F.expr("vector_norm(array(CAST(1 AS FLOAT), CAST(-2 AS FLOAT)), CAST(NULL AS FLOAT))")':
        _CAST_NAME,
    'F.expr("vector_inner_product(CAST(array() AS ARRAY<FLOAT>), '
    'CAST(array() AS ARRAY<FLOAT>))")': "Spark names CAST(array() AS ...) array()",
    'F.expr("vector_normalize(CAST(array() AS ARRAY<FLOAT>))")':
        "Spark names CAST(array() AS ...) array()",
}


@pytest.mark.parametrize("case", params("extra", GAPS))
def test_extra(table, case):
    check(table, case)


# SQL text, with the answers real PySpark 4.3 gives (session time zone UTC unless set)
SQL_CASES = [
    ("SELECT bitmap_count(bitmap_or_agg(b)), substring(hex(bitmap_or_agg(b)), 1, 8), "
     "bitmap_count(bitmap_and_agg(b)), substring(hex(bitmap_and_agg(b)), 1, 8) FROM ("
     "SELECT bitmap_construct_agg(bitmap_bit_position(x)) b FROM VALUES (1), (2), (3), "
     "(40000), (40002) t(x) GROUP BY bitmap_bucket_number(x))",
     ["bitmap_count(bitmap_or_agg(b))", "substring(hex(bitmap_or_agg(b)), 1, 8)",
      "bitmap_count(bitmap_and_agg(b))", "substring(hex(bitmap_and_agg(b)), 1, 8)"],
     ["bigint", "string", "bigint", "string"], [(5, "07000000", 0, "00000000")]),
    ("SELECT bitmap_count(bitmap_and_agg(b)) FROM (SELECT unhex(h) b FROM VALUES ('0F'), "
     "('03FF') t(h))", ["bitmap_count(bitmap_and_agg(b))"], ["bigint"], [(2,)]),
    ("SELECT bitmap_count(bitmap_construct_agg(x)) FROM VALUES (1), (NULL) t(x) WHERE x > 5",
     ["bitmap_count(bitmap_construct_agg(x))"], ["bigint"], [(0,)]),
    ("SELECT stack(2, 'a', 1, 'b', 2)", ["col0", "col1"], ["string", "int"],
     [("a", 1), ("b", 2)]),
    ("SELECT stack(3, 1, 2, 3, 4)", ["col0", "col1"], ["int", "int"],
     [(1, 2), (3, 4), (None, None)]),
    ("SELECT inline(array(struct(1, 'a'), struct(2, 'b')))", ["col1", "col2"],
     ["int", "string"], [(1, "a"), (2, "b")]),
    ("SELECT inline_outer(CAST(NULL AS ARRAY<STRUCT<a: INT, b: STRING>>))", ["a", "b"],
     ["int", "string"], [(None, None)]),
    ("SELECT g, collect_list(struct(x, y)) FROM VALUES (1, 1, 'a'), (1, 2, 'b'), (2, 3, 'c') "
     "t(g, x, y) GROUP BY g ORDER BY g", ["g", "collect_list(struct(x, y))"],
     ["int", "array<struct<x:int,y:string>>"],
     [(1, [(1, "a"), (2, "b")]), (2, [(3, "c")])]),
    ("SELECT g, collect_list(array(x)), collect_set(x) FROM VALUES (1, 1, 'a'), (1, 2, 'b'), "
     "(2, 3, 'c') t(g, x, y) GROUP BY g ORDER BY g",
     ["g", "collect_list(array(x))", "collect_set(x)"],
     ["int", "array<array<int>>", "array<int>"], [(1, [[1], [2]], [1, 2]), (2, [[3]], [3])]),
    ("SELECT histogram_numeric(x, 3) FROM VALUES (1), (2), (4), (8), (16), (32) t(x)",
     ["histogram_numeric(x, 3)"], ["array<struct<x:int,y:double>>"],
     [([(3, 4.0), (16, 1.0), (32, 1.0)],)]),
    ("SELECT histogram_numeric(CAST(x AS DOUBLE), 3) FROM VALUES (1), (2), (4), (8), (16), "
     "(32) t(x)", ["histogram_numeric(CAST(x AS DOUBLE), 3)"],
     ["array<struct<x:double,y:double>>"], [([(3.75, 4.0), (16.0, 1.0), (32.0, 1.0)],)]),
    ("SELECT histogram_numeric(x, 3) FROM VALUES (1) t(x) WHERE x > 3",
     ["histogram_numeric(x, 3)"], ["array<struct<x:int,y:double>>"], [(None,)]),
    ("SELECT g, sort_array(collect_union(a)) FROM VALUES (1, array(1, 2)), (1, array(2, 3)), "
     "(2, array(5)), (2, NULL), (3, CAST(NULL AS ARRAY<INT>)) t(g, a) GROUP BY g ORDER BY g",
     ["g", "sort_array(collect_union(a), true)"], ["int", "array<int>"],
     [(1, [1, 2, 3]), (2, [5]), (3, [])]),
    ("SELECT g, vector_sum(v), vector_avg(v) FROM VALUES (1, array(CAST(1 AS FLOAT), "
     "CAST(2 AS FLOAT))), (1, array(CAST(3 AS FLOAT), CAST(5 AS FLOAT))), (2, NULL) t(g, v) "
     "GROUP BY g ORDER BY g", ["g", "vector_sum(v)", "vector_avg(v)"],
     ["int", "array<float>", "array<float>"], [(1, [4.0, 7.0], [2.0, 3.5]), (2, None, None)]),
    ("SELECT CAST(timestampadd(MONTH, 1, TIMESTAMP_NTZ'2024-01-31 23:59:59.999999') AS STRING),"
     " CAST(date_add(WEEK, 2, DATE'2024-02-20') AS STRING), "
     "CAST(dateadd(QUARTER, -1, TIMESTAMP'2024-05-31 01:00:00') AS STRING)",
     ["CAST(timestampadd(MONTH, 1, TIMESTAMP_NTZ '2024-01-31 23:59:59.999999') AS STRING)",
      "CAST(timestampadd(WEEK, 2, DATE '2024-02-20') AS STRING)",
      "CAST(timestampadd(QUARTER, -1, TIMESTAMP '2024-05-31 01:00:00') AS STRING)"],
     ["string", "string", "string"],
     [("2024-02-29 23:59:59.999999", "2024-03-05 00:00:00", "2024-02-29 01:00:00")]),
    ("SELECT timestampdiff(YEAR, DATE'2020-02-29', DATE'2021-02-28'), datediff(QUARTER, "
     "TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2023-10-01 00:00:01'), date_diff(MICROSECOND, "
     "TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 00:00:01.5')",
     ["timestampdiff(YEAR, DATE '2020-02-29', DATE '2021-02-28')",
      "timestampdiff(QUARTER, TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2023-10-01 "
      "00:00:01')", "timestampdiff(MICROSECOND, TIMESTAMP '2024-01-01 00:00:00', "
      "TIMESTAMP '2024-01-01 00:00:01.5')"], ["bigint", "bigint", "bigint"],
     [(0, 0, 1500000)]),
    ("SELECT hex(hmac('key', 'The quick brown fox jumps over the lazy dog')), "
     "to_base32(unhex('00FF')), hex(from_base32('AD7Q')), hex(from_base32('AD7Q===='))",
     ["hex(hmac(key, The quick brown fox jumps over the lazy dog, SHA-256))",
      "to_base32(unhex(00FF))", "hex(from_base32(AD7Q))", "hex(from_base32(AD7Q====))"],
     ["string"] * 4,
     [("F7BC83F430538424B13298E6AA6FB143EF4D59A14946175997479DBC2D1A3CD8", "AD7Q====",
       "00FF", "00FF")]),
]


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, tuple):  # Row
        return tuple(_plain(x) for x in v)
    return v


@pytest.mark.parametrize("text,names,types,rows", SQL_CASES, ids=[c[0][:60] for c in SQL_CASES])
def test_sql(spark, text, names, types, rows):
    df = spark.sql(text)
    assert df.columns == names
    assert [f.dataType.simpleString() for f in df.schema.fields] == types
    assert [_plain(tuple(r)) for r in df.collect()] == rows


def test_timestampadd_and_diff_use_the_session_wall_clock(spark):
    """Across a DST change (America/Los_Angeles, 2024-03-10) a DAY is a wall-clock day and
    differences count wall-clock units, as Spark: +1 DAY keeps 12:00, +24 HOUR gives 13:00
    (PySpark 4.3 shows '2024-03-10 12:00:00', '2024-03-10 13:00:00', 0, 24)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    la = ZoneInfo("America/Los_Angeles")
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        row = spark.sql(
            "SELECT unix_seconds(timestampadd(DAY, 1, TIMESTAMP'2024-03-09 12:00:00')), "
            "unix_seconds(timestampadd(HOUR, 24, TIMESTAMP'2024-03-09 12:00:00')), "
            "timestampdiff(DAY, TIMESTAMP'2024-03-09 12:00:00', TIMESTAMP'2024-03-10 11:30:00'),"
            " timestampdiff(HOUR, TIMESTAMP'2024-03-09 12:00:00', "
            "TIMESTAMP'2024-03-10 12:00:00')").collect()[0]
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")
    noon = int(dt.datetime(2024, 3, 10, 12, tzinfo=la).timestamp())
    assert tuple(row) == (noon, noon + 3600, 0, 24)


def test_call_udf_calls_a_registered_function(spark):
    from sparkcli.sql import functions as F
    from sparkcli.sql.types import IntegerType

    spark.udf.register("plus_one_extra", lambda x: x + 1, IntegerType())
    df = spark.range(3).select(F.call_udf("plus_one_extra", F.col("id").cast("int")))
    assert [r[0] for r in df.collect()] == [1, 2, 3]
    assert df.columns == ["plus_one_extra(CAST(id AS INT))"]
    assert [r[0] for r in spark.range(2).select(
        F.call_function("abs", F.col("id") - 1)).collect()] == [1, 0]


def test_substring_of_a_literal_string_at_positions_per_row(spark):
    """A literal string with a column position or length (PySpark 4.3's answers); it used to
    fail with 'StringScalar' object has no attribute 'to_pylist'."""
    got = spark.range(3).selectExpr("substr('abcnz', id + 1, 1) AS s",
                                    "substring('abcnz', 2, id) AS t",
                                    "substr(CAST(NULL AS STRING), id, 1) AS u").collect()
    assert [tuple(r) for r in got] == [("a", "", None), ("b", "b", None), ("c", "bc", None)]
