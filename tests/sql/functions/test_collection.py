"""Collection functions and higher-order functions (Python lambdas and SQL lambdas): values,
result types, NULLs and ANSI errors as PySpark 4.3 gives them (checked against real
PySpark)."""

from __future__ import annotations

import pytest

from sparkcli.sql import Row
from sparkcli.sql import functions as F
from tests.sql.functions.conftest import check

LAMBDA = "lambdafunction"
NLV = "namedlambdavariable()"

CASES = [
    ("transform(array(1, 2), x -> x + 1)", [2, 3], "array<int>"),
    ("transform(array(1, 2), (x, i) -> x * i)", [0, 2], "array<int>"),
    ("transform(CAST(NULL AS ARRAY<INT>), x -> x + 1)", None, "array<int>"),
    ("filter(array(1, 2, 3), (x, i) -> x > i)", [1, 2, 3], "array<int>"),
    ("filter(array(1, NULL, 3), x -> x > 1)", [3], "array<int>"),
    ("aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x)", 6, "int"),
    ("aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)", 60, "int"),
    ("aggregate(array(1, 2, 3), 0L, (acc, x) -> acc + x)", 6, "bigint"),
    ("reduce(array(1, 2, 3), 0, (acc, x) -> acc + x)", 6, "int"),
    ("exists(array(1, null), x -> x > 1)", None, "boolean"),
    ("exists(array(1, 2), x -> x > 1)", True, "boolean"),
    ("forall(array(1, null), x -> x > 0)", None, "boolean"),
    ("forall(array(1, 2), x -> x > 1)", False, "boolean"),
    ("zip_with(array(1, 2), array(3, 4, 5), (x, y) -> x + y)", [4, 6, None], "array<int>"),
    ("transform_keys(map(1, 'a'), (k, v) -> k + 1)", {2: "a"}, "map<int,string>"),
    ("transform_values(map(1, 'a'), (k, v) -> concat(v, 'x'))", {1: "ax"},
     "map<int,string>"),
    ("map_filter(map(1, 'a', 2, 'b'), (k, v) -> k > 1)", {2: "b"}, "map<int,string>"),
    ("map_zip_with(map(1, 'a'), map(1, 'x', 2, 'y'), (k, v1, v2) -> concat(v1, v2))",
     {1: "ax", 2: None}, "map<int,string>"),
    ("array_sort(array(3, null, 1))", [1, 3, None], "array<int>"),
    ("array_sort(array(3, 1, 2), (l, r) -> r - l)", [3, 2, 1], "array<int>"),
    ("sort_array(array(3, null, 1))", [None, 1, 3], "array<int>"),
    ("sort_array(array(3, null, 1), false)", [3, 1, None], "array<int>"),
    ("element_at(array(1, 2), -1)", 2, "int"),
    ("try_element_at(array(1, 2), 5)", None, "int"),
    ("element_at(map(1, 'a'), 2)", None, "string"),
    ("element_at(map(1, 'a'), 1)", "a", "string"),
    ("get(array(1, 2), 5)", None, "int"),
    ("get(array(1, 2), 0)", 1, "int"),
    ("array_position(array(3, 2, 1), 1)", 3, "bigint"),
    ("array_position(array(3, 2, 1), 7)", 0, "bigint"),
    ("array_remove(array(1, 2, null, 2), 2)", [1, None], "array<int>"),
    ("array_repeat('a', 3)", ["a", "a", "a"], "array<string>"),
    ("array_distinct(array(1, 2, 2, null, null))", [1, 2, None], "array<int>"),
    ("array_except(array(1, 2, 3, null), array(1, 5))", [2, 3, None], "array<int>"),
    ("array_intersect(array(1, 2, 2, 3), array(2, 2, 3, 4))", [2, 3], "array<int>"),
    ("array_union(array(1, 2, 2), array(3, 1))", [1, 2, 3], "array<int>"),
    ("array_join(array('a', null, 'b'), ',')", "a,b", "string"),
    ("array_join(array('a', null, 'b'), ',', 'N')", "a,N,b", "string"),
    ("array_max(array(1, null, 3))", 3, "int"),
    ("array_min(array(cast(null as int)))", None, "int"),
    ("arrays_overlap(array(1, 2), array(3, null))", None, "boolean"),
    ("arrays_overlap(array(1, 2), array(2))", True, "boolean"),
    ("arrays_zip(array(1, 2), array('a'))", [Row(**{"0": 1, "1": "a"}),
                                              Row(**{"0": 2, "1": None})],
     "array<struct<0:int,1:string>>"),
    ("array_append(array(1, 2), 3)", [1, 2, 3], "array<int>"),
    ("array_prepend(array(1, 2), 3)", [3, 1, 2], "array<int>"),
    ("array_insert(array(1, 2, 3), 5, 9)", [1, 2, 3, None, 9], "array<int>"),
    ("array_insert(array(1, 2, 3), -1, 9)", [1, 2, 3, 9], "array<int>"),
    ("array_insert(array(1, 2, 3), 2, 9)", [1, 9, 2, 3], "array<int>"),
    ("array_compact(array(1, null, 2))", [1, 2], "array<int>"),
    ("flatten(array(array(1, 2), array(3)))", [1, 2, 3], "array<int>"),
    ("flatten(array(array(1, 2), NULL))", None, "array<int>"),
    ("sequence(1, 5)", [1, 2, 3, 4, 5], "array<int>"),
    ("sequence(5, 1)", [5, 4, 3, 2, 1], "array<int>"),
    ("sequence(1, 9, 4)", [1, 5, 9], "array<int>"),
    ("slice(array(1, 2, 3, 4), 2, 2)", [2, 3], "array<int>"),
    ("slice(array(1, 2, 3, 4), -2, 2)", [3, 4], "array<int>"),
    ("reverse(array(1, 2, 3))", [3, 2, 1], "array<int>"),
    ("reverse('abc')", "cba", "string"),
    ("concat(array(1), array(2, 3))", [1, 2, 3], "array<int>"),
    ("concat('a', 'b')", "ab", "string"),
    ("cardinality(array(1, 2))", 2, "int"),
    ("array_size(array(1, 2))", 2, "int"),
    ("map_keys(map(1, 'a', 2, 'b'))", [1, 2], "array<int>"),
    ("map_values(map(1, 'a', 2, 'b'))", ["a", "b"], "array<string>"),
    ("map_entries(map(1, 'a'))", [Row(key=1, value="a")],
     "array<struct<key:int,value:string>>"),
    ("map_from_arrays(array(1, 2), array('a', 'b'))", {1: "a", 2: "b"}, "map<int,string>"),
    ("map_from_entries(array(struct(1, 'a'), struct(2, 'b')))", {1: "a", 2: "b"},
     "map<int,string>"),
    ("map_concat(map(1, 'a'), map(2, 'b'))", {1: "a", 2: "b"}, "map<int,string>"),
    ("map_contains_key(map(1, 'a'), 1)", True, "boolean"),
    ("named_struct('a', 1, 'b', 'x')", Row(a=1, b="x"), "struct<a:int,b:string>"),
    ("struct(1, 'x')", Row(col1=1, col2="x"), "struct<col1:int,col2:string>"),
    ("str_to_map('a:1,b:2')", {"a": "1", "b": "2"}, "map<string,string>"),
]


@pytest.mark.parametrize("text,value,dtype", CASES, ids=[c[0] for c in CASES])
def test_collection_function(spark, text, value, dtype):
    check(spark, text, value, dtype)


ERRORS = [
    ("element_at(array(1, 2), 5)", r"^\[INVALID_ARRAY_INDEX_IN_ELEMENT_AT\] The index 5 is out "
     r"of bounds\. The array has 2 elements\. Use `try_element_at` to tolerate accessing "
     r"element at invalid index and return NULL instead\. SQLSTATE: 22003$"),
    ("element_at(array(1, 2), 0)", r"^\[INVALID_INDEX_OF_ZERO\] The index 0 is invalid\."),
    ("map_concat(map(1, 'a'), map(1, 'b'))", r"^\[DUPLICATED_MAP_KEY\] Duplicate map key 1 "),
    ("sequence(1, 5, -1)", r"^\[ILLEGAL_SEQUENCE_BOUNDARIES\]"),
    ("transform(array(1), (x, y, z) -> x)", r"NUM_ARGS_MISMATCH"),
]


@pytest.mark.parametrize("text,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_collection_errors(spark, text, message):
    with pytest.raises(Exception, match=message):
        spark.range(1).selectExpr(text).collect()


def test_python_lambdas_and_names(spark):
    df = spark.createDataFrame([([1, 2, 3], 10), ([], 20), (None, 30)], "xs array<int>, k int")
    out = df.select(F.transform("xs", lambda x: x + F.col("k")),
                    F.filter("xs", lambda x, i: x > i),
                    F.aggregate("xs", F.lit(0), lambda a, x: a + x),
                    F.exists("xs", lambda x: x > 2))
    assert out.columns == [
        f"transform(xs, {LAMBDA}(({NLV} + k), {NLV}))",
        f"filter(xs, {LAMBDA}(({NLV} > {NLV}), {NLV}, {NLV}))",
        f"aggregate(xs, 0, {LAMBDA}(({NLV} + {NLV}), {NLV}, {NLV}), {LAMBDA}({NLV}, {NLV}))",
        f"exists(xs, {LAMBDA}(({NLV} > 2), {NLV}))"]
    assert [tuple(r) for r in out.collect()] == [
        ([11, 12, 13], [1, 2, 3], 6, True), ([], [], 0, False), (None, None, None, None)]


def test_lambda_variable_shadows_column_and_nests(spark):
    df = spark.createDataFrame([([[1, 2], [3]], 5)], "xss array<array<int>>, x int")
    out = df.select(F.transform("xss", lambda x: F.transform(x, lambda y: y * F.col("x"))))
    assert out.collect()[0][0] == [[5, 10], [15]]
    sql = df.selectExpr("transform(xss, x -> aggregate(x, 0, (a, y) -> a + y)) AS s")
    assert sql.collect()[0].s == [3, 3]


def test_collection_python_api(spark):
    df = spark.createDataFrame([([3, 1, 2], {"a": 1})], "xs array<int>, m map<string,int>")
    row = df.select(F.array_sort("xs"), F.sort_array("xs", asc=False), F.slice("xs", 2, 2),
                    F.element_at("xs", 1), F.array_contains("xs", 2), F.map_keys("m"),
                    F.map_values("m"), F.array_join(F.transform("xs", lambda x: x.cast("string")),
                                                    "-"),
                    F.transform_values("m", lambda k, v: v * 2), F.sequence(F.lit(1), F.lit(3)),
                    F.size(F.array_union("xs", F.array(F.lit(9))))).collect()[0]
    assert tuple(row) == ([1, 2, 3], [3, 2, 1], [1, 2], 3, True, ["a"], [1], "3-1-2",
                          {"a": 2}, [1, 2, 3], 4)


def test_subscript_out_of_range_is_spark_error(spark):
    """``arr[i]`` on a folded array (PySpark 4.3's messages); a map subscript misses to NULL."""
    import pytest

    from runtime.sql.errors import ArrayIndexOutOfBoundsException

    for i in (5, -1):
        with pytest.raises(ArrayIndexOutOfBoundsException, match=(
                rf"^\[INVALID_ARRAY_INDEX\] The index {i} is out of bounds. The array has 1 "
                r"elements. Use the SQL function `get\(\)` to tolerate accessing element at "
                r"invalid index and return NULL instead. SQLSTATE: 22003$")):
            spark.sql(f"select array(1)[{i}]").collect()
    df = spark.sql("select array(1, 2)[1] a, map(1, 2)[3] b, map(1, 2)[1] c")
    assert df.columns == ["a", "b", "c"]
    assert [tuple(r) for r in df.collect()] == [(2, None, 2)]
    assert spark.sql("select array(1)[5]").columns == ["array(1)[5]"]
    df = spark.createDataFrame([([1, 2],), ([3],), (None,)], "a array<int>").selectExpr("a[1]")
    with pytest.raises(ArrayIndexOutOfBoundsException, match="The index 1 is out of bounds. "
                       "The array has 1 elements"):
        df.collect()
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        assert spark.sql("select array(1)[5], array(1)[-1]").collect()[0] == (None, None)
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")
