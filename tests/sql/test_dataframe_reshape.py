"""rollup/cube/groupingSets, pivot, unpivot/melt, transpose and the Column struct/bitwise
methods: values, names and types as PySpark 4.3 gives them (checked with real PySpark)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.types import Row
from tests.sql.conftest import show


@pytest.fixture(scope="module")
def courses(spark):
    return spark.createDataFrame(
        [("Java", 2012, 20000), ("dotNET", 2012, 5000), ("dotNET", 2013, 48000),
         ("Java", 2013, 30000), ("Java", 2013, None)], ["course", "year", "earnings"])


def test_rollup_with_grouping_functions(courses):
    r = courses.rollup("course", "year").agg(
        F.sum("earnings"), F.grouping("course"), F.grouping_id()).orderBy("course", "year")
    assert show(r) == """\
+------+----+-------------+----------------+-------------+
|course|year|sum(earnings)|grouping(course)|grouping_id()|
+------+----+-------------+----------------+-------------+
|  NULL|NULL|       103000|               1|            3|
|  Java|NULL|        50000|               0|            1|
|  Java|2012|        20000|               0|            0|
|  Java|2013|        30000|               0|            0|
|dotNET|NULL|        53000|               0|            1|
|dotNET|2012|         5000|               0|            0|
|dotNET|2013|        48000|               0|            0|
+------+----+-------------+----------------+-------------+
"""
    assert r.dtypes == [("course", "string"), ("year", "bigint"), ("sum(earnings)", "bigint"),
                        ("grouping(course)", "tinyint"), ("grouping_id()", "bigint")]
    assert [f.nullable for f in r.schema.fields] == [True, True, True, False, False]
    assert courses.rollup("course").agg(F.grouping_id("course"), F.sum("year")).columns == \
        ["course", "grouping_id(course)", "sum(year)"]
    assert courses.rollup(F.col("year") + 1).count().columns == ["(year + 1)", "count"]


def test_cube_and_grouping_sets(courses):
    rows = courses.cube("course", "year").agg(F.grouping_id("course", "year").alias("g")) \
        .orderBy("course", "year").collect()
    assert [tuple(r) for r in rows] == [
        (None, None, 3), (None, 2012, 2), (None, 2013, 2), ("Java", None, 1),
        ("Java", 2012, 0), ("Java", 2013, 0), ("dotNET", None, 1), ("dotNET", 2012, 0),
        ("dotNET", 2013, 0)]
    assert [tuple(r) for r in courses.cube("course", "year").count()
            .orderBy("course", "year").collect()][:4] == \
        [(None, None, 5), (None, 2012, 2), (None, 2013, 3), ("Java", None, 3)]
    gs = courses.groupingSets([["course"], []], "course", "year").agg(F.max("year"))
    assert gs.columns == ["course", "year", "max(year)"]
    assert sorted(map(tuple, gs.collect()), key=str) == sorted(
        [(None, None, 2013), ("dotNET", None, 2013), ("Java", None, 2013)], key=str)


def test_grouping_errors(courses):
    with pytest.raises(AnalysisException, match=r"^\[UNSUPPORTED_GROUPING_EXPRESSION\] "
                       r"grouping\(\)/grouping_id\(\) can only be used with "
                       r"GroupingSets/Cube/Rollup\. SQLSTATE: 42K0E"):
        courses.groupBy("course").agg(F.grouping("course"))
    with pytest.raises(AnalysisException, match=r"GROUPING_ID_COLUMN_MISMATCH"):
        courses.cube("course", "year").agg(F.grouping_id("year", "course"))


def test_rollup_plan_is_an_expand(courses, capsys):
    courses.rollup("course").agg(F.sum("earnings")).explain()
    out = capsys.readouterr().out
    assert "HashAggregate(keys=[course#" in out and ", spark_grouping_id#" in out
    assert "+- Expand [[earnings#" in out and ", null, 1]]" in out


def test_pivot(courses):
    assert show(courses.groupBy("year").pivot("course", ["dotNET", "Java"])
                .sum("earnings")) == """\
+----+------+-----+
|year|dotNET| Java|
+----+------+-----+
|2012|  5000|20000|
|2013| 48000|30000|
+----+------+-----+
"""
    # computed values come sorted; a value absent from a group gives NULL, count included
    r = courses.groupBy("year").pivot("course").count().orderBy("year")
    assert r.columns == ["year", "Java", "dotNET"]
    assert courses.groupBy("course").pivot("year", [2012, 2014]).count().orderBy("course") \
        .collect() == [Row(course="Java", **{"2012": 1, "2014": None}),
                       Row(course="dotNET", **{"2012": 1, "2014": None})]
    r = courses.groupBy("course").pivot("year").agg(F.sum("earnings").alias("s"),
                                                    F.min("earnings"))
    assert r.columns == ["course", "2012_s", "2012_min(earnings)", "2013_s",
                         "2013_min(earnings)"]
    assert sorted(map(tuple, r.collect())) == [("Java", 20000, 20000, 30000, 30000),
                                               ("dotNET", 5000, 5000, 48000, 48000)]


def test_unpivot_and_melt(spark):
    df = spark.createDataFrame([(1, 11, 1.1), (2, 12, 1.2)], ["id", "int", "double"])
    u = df.unpivot("id", ["int", "double"], "var", "val")
    assert u.collect() == [Row(id=1, var="int", val=11.0), Row(id=1, var="double", val=1.1),
                           Row(id=2, var="int", val=12.0), Row(id=2, var="double", val=1.2)]
    assert [(f.name, f.dataType.simpleString(), f.nullable) for f in u.schema.fields] == \
        [("id", "bigint", True), ("var", "string", False), ("val", "double", True)]
    assert df.melt(["id"], None, "k", "v").collect() == \
        df.unpivot("id", ["int", "double"], "k", "v").toDF("id", "k", "v").collect()
    assert [tuple(r) for r in df.unpivot([], ["int"], "k", "v").collect()] == \
        [("int", 11), ("int", 12)]
    assert [tuple(r) for r in df.unpivot("id", [F.col("int") * 2], "k", "v").collect()] == \
        [(1, "(int * 2)", 22), (2, "(int * 2)", 24)]
    with pytest.raises(AnalysisException, match=r'^\[UNPIVOT_VALUE_DATA_TYPE_MISMATCH\] Unpivot '
                       r'value columns must share a least common type, some types do not: '
                       r'\["BIGINT" \(`int`\), "STRING" \(`s`\)\]'):
        df.withColumn("s", F.lit("x")).unpivot("id", ["int", "s"], "k", "v")
    with pytest.raises(AnalysisException, match=r"^\[UNPIVOT_REQUIRES_VALUE_COLUMNS\]"):
        df.unpivot(["id", "int", "double"], None, "k", "v")


def test_transpose(spark):
    t = spark.createDataFrame([("A", 1, 2), ("B", 3, 4), (None, 5, 6)], ["id", "v1", "v2"])
    assert show(t.transpose()) == """\
+---+---+---+
|key|  A|  B|
+---+---+---+
| v1|  1|  3|
| v2|  2|  4|
+---+---+---+
"""
    assert t.transpose().schema.fields[0].nullable is False
    with pytest.raises(AnalysisException, match=r'^\[TRANSPOSE_NO_LEAST_COMMON_TYPE\] .* but '
                       r'"STRING" and "BIGINT" do not\.'):
        t.transpose(F.col("v1"))


def test_struct_fields_and_bitwise(spark):
    df = spark.createDataFrame([Row(s=Row(a=1, b=Row(c=2)), x=5), Row(s=None, x=3)])
    r = df.select(F.col("s").withField("a", F.lit(9)), F.col("s").withField("b.d", F.col("x")),
                  F.col("s").dropFields("a"), F.col("s").withField("z", F.lit("q")))
    assert r.columns == ["update_fields(s, WithField(9))",
                         "update_fields(s, WithField(update_fields(s.b, WithField(x))))",
                         "update_fields(s, dropfield())", "update_fields(s, WithField(q))"]
    assert [tuple(x) for x in r.collect()] == [
        (Row(a=9, b=Row(c=2)), Row(a=1, b=Row(c=2, d=5)), Row(b=Row(c=2)),
         Row(a=1, b=Row(c=2), z="q")), (None, None, None, None)]
    assert r.schema.fields[0].dataType.simpleString() == "struct<a:int,b:struct<c:bigint>>"
    assert r.schema.fields[0].dataType.fields[0].nullable is False
    with pytest.raises(AnalysisException, match=r"CANNOT_DROP_ALL_FIELDS"):
        df.select(F.col("s").dropFields("a", "b"))
    b = df.select(F.col("x").bitwiseAND(6), F.col("x").bitwiseOR(F.lit(8)),
                  F.col("x").bitwiseXOR(1))
    assert b.columns == ["(x & 6)", "(x | 8)", "(x ^ 1)"]
    assert [tuple(x) for x in b.collect()] == [(4, 13, 4), (2, 11, 2)]
    assert b.dtypes == [("(x & 6)", "bigint"), ("(x | 8)", "bigint"), ("(x ^ 1)", "bigint")]
    assert df.select(F.col("x").transform(lambda c: c + 1)).collect()[0][0] == 6
