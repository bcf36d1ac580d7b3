"""DataFrame.lateralJoin and SQL LATERAL subqueries, as real PySpark 4.3 answers them
(expected values recorded from PySpark 4.3; the SQL forms come from Spark's
join-lateral.sql golden file)."""

from __future__ import annotations

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import Row
from sparkcli.sql import functions as sf
from tests.sql.conftest import rows, show


@pytest.fixture(scope="module")
def views(spark):
    for name, data, schema in [
            ("lt1", [(0, 1), (1, 2)], "c1 INT, c2 INT"),
            ("lt2", [(0, 2), (0, 3)], "c1 INT, c2 INT"),
            ("lt3", [(0, [0, 1]), (1, [2]), (2, []), (None, [4])], "c1 INT, c2 ARRAY<INT>"),
            ("lt4", [(0, 1), (0, 2), (1, 1), (1, 3)], "c1 INT, c2 INT")]:
        spark.createDataFrame(data, schema).createOrReplaceTempView(name)
    return spark


def test_dataframe_lateral_join_docstring_example(spark):
    customers = spark.createDataFrame([
        Row(customer_id=1, name="Alice"), Row(customer_id=2, name="Bob"),
        Row(customer_id=3, name="Charlie"), Row(customer_id=4, name="Diana")])
    orders = spark.createDataFrame([
        Row(order_id=101, customer_id=1, order_date="2024-01-10"),
        Row(order_id=102, customer_id=1, order_date="2024-02-15"),
        Row(order_id=105, customer_id=1, order_date="2024-03-20"),
        Row(order_id=103, customer_id=2, order_date="2024-01-12"),
        Row(order_id=104, customer_id=2, order_date="2024-03-05"),
        Row(order_id=106, customer_id=3, order_date="2024-04-05")])
    out = customers.alias("c").lateralJoin(
        orders.alias("o")
        .where(sf.col("o.customer_id") == sf.col("c.customer_id").outer())
        .select("order_id", "order_date")
        .orderBy(sf.col("order_date").desc())
        .limit(2),
        how="left"
    ).orderBy("customer_id", "order_id")
    assert show(out) == (
        "+-----------+-------+--------+----------+\n"
        "|customer_id|   name|order_id|order_date|\n"
        "+-----------+-------+--------+----------+\n"
        "|          1|  Alice|     102|2024-02-15|\n"
        "|          1|  Alice|     105|2024-03-20|\n"
        "|          2|    Bob|     103|2024-01-12|\n"
        "|          2|    Bob|     104|2024-03-05|\n"
        "|          3|Charlie|     106|2024-04-05|\n"
        "|          4|  Diana|    NULL|      NULL|\n"
        "+-----------+-------+--------+----------+\n")


def test_dataframe_lateral_join_forms(spark):
    t1 = spark.createDataFrame([(0, 1), (1, 2)], ["c1", "c2"])
    t2 = spark.createDataFrame([(0, 2), (0, 3)], ["c1", "c2"])
    r = t1.alias("a").lateralJoin(
        t2.alias("b").where(sf.col("b.c1") == sf.col("a.c1").outer()).select("c2"))
    assert rows(r) == [(0, 1, 2), (0, 1, 3)]
    assert r.columns == ["c1", "c2", "c2"]
    assert [f.dataType.simpleString() for f in r.schema] == ["bigint"] * 3
    r = t1.lateralJoin(
        spark.range(1).select((sf.col("c1").outer() + sf.col("c2").outer()).alias("s")),
        how="left")
    assert sorted(rows(r)) == [(0, 1, 1), (1, 2, 3)]
    # a global aggregate gives one row per outer row, count 0 where nothing matched
    r = t1.alias("a").lateralJoin(t2.alias("b").where(
        sf.col("b.c1") == sf.col("a.c1").outer()).agg(sf.count("*").alias("n")))
    assert sorted(rows(r)) == [(0, 1, 2), (1, 2, 0)]
    # a join condition and cross
    r = t1.lateralJoin(spark.range(3).select(
        (sf.col("id") + sf.col("c1").outer()).alias("v")), sf.col("v") > 1)
    assert sorted(rows(r)) == [(0, 1, 2), (1, 2, 2), (1, 2, 3)]
    assert sorted(rows(t1.lateralJoin(t2.select("c2"), how="cross"))) == \
        [(0, 1, 2), (0, 1, 3), (1, 2, 2), (1, 2, 3)]


def test_dataframe_lateral_join_errors(spark):
    t1 = spark.createDataFrame([(0, 1)], ["c1", "c2"])
    for how in ["right", "semi", "full", "bogus"]:
        with pytest.raises(AnalysisException) as e:
            t1.lateralJoin(t1, how=how)
        assert str(e.value).startswith(
            f"[UNSUPPORTED_JOIN_TYPE] Unsupported join type '{how}'. Supported join types "
            "include: 'inner', 'leftouter', 'left', 'left_outer', 'cross'. SQLSTATE: 0A000")
    assert repr(sf.col("t.c1").outer()) == "Column<'outer(t.c1)'>"


@pytest.mark.parametrize("query,expected", [
    ("SELECT * FROM lt1, LATERAL (SELECT c1)", [(0, 1, 0), (1, 2, 1)]),
    ("SELECT * FROM lt1, LATERAL (SELECT t1.c1 + t2.c1 FROM lt2 t2) JOIN lt1 t1",
     None),
    ("SELECT * FROM lt1, LATERAL (SELECT c2 FROM lt2 WHERE lt1.c1 = lt2.c1)",
     [(0, 1, 2), (0, 1, 3)]),
    ("SELECT * FROM lt1, LATERAL (SELECT c2 FROM lt2 WHERE lt1.c2 < lt2.c2)",
     [(0, 1, 2), (0, 1, 3), (1, 2, 3)]),
    ("SELECT * FROM lt1, LATERAL (SELECT max(c2) AS m FROM lt2 WHERE lt1.c2 < lt2.c2)",
     [(0, 1, 3), (1, 2, 3)]),
    ("SELECT * FROM lt1 LEFT JOIN LATERAL (SELECT c1 + c2 AS c3) ON c2 = c3",
     [(0, 1, 1), (1, 2, None)]),
    ("SELECT * FROM lt1, LATERAL (SELECT COUNT(*) cnt, SUM(c2) sum FROM lt2 "
     "WHERE c1 = lt1.c1)", [(0, 1, 2, 5), (1, 2, 0, None)]),
    ("SELECT * FROM lt1, LATERAL (SELECT c1 + c2 AS a), LATERAL (SELECT c1 - c2 AS b), "
     "LATERAL (SELECT a * b AS c)", [(0, 1, 1, -1, -1), (1, 2, 3, -1, -3)]),
    ("SELECT * FROM lt3 JOIN LATERAL (SELECT EXPLODE(c2))",
     [(0, [0, 1], 0), (0, [0, 1], 1), (1, [2], 2), (None, [4], 4)]),
    ("select * from lt1 join lateral (select * from lt4 where lt1.c1 <= lt4.c1 "
     "order by lt4.c2 limit 2)", [(0, 1, 0, 1), (0, 1, 1, 1), (1, 2, 1, 1), (1, 2, 1, 3)]),
    ("SELECT * FROM lt1 JOIN LATERAL (SELECT lt2.c2 FROM lt2 WHERE lt2.c1 = lt1.c1 "
     "UNION ALL SELECT lt4.c2 FROM lt4 WHERE lt4.c1 = lt1.c1)",
     [(0, 1, 1), (0, 1, 2), (0, 1, 2), (0, 1, 3), (1, 2, 1), (1, 2, 3)]),
    ("SELECT * FROM lt1 JOIN LATERAL (SELECT sum(lt2.c2) over (order by lt2.c1) FROM lt2 "
     "WHERE lt2.c1 >= lt1.c1)", [(0, 1, 5), (0, 1, 5)]),
    # table-valued functions after LATERAL, first in FROM, and inside a lateral subquery
    ("SELECT * FROM LATERAL EXPLODE(ARRAY(1, 2))", [(1,), (2,)]),
    ("SELECT * FROM lt1, LATERAL RANGE(2)", [(0, 1, 0), (0, 1, 1), (1, 2, 0), (1, 2, 1)]),
    ("SELECT * FROM EXPLODE(ARRAY(1, 2)) t(v), LATERAL (SELECT v + 1)", [(1, 2), (2, 3)]),
    ("SELECT * FROM lt1, LATERAL (SELECT * FROM EXPLODE(ARRAY(c1, c2)))",
     [(0, 1, 0), (0, 1, 1), (1, 2, 1), (1, 2, 2)]),
    ("SELECT * FROM lt3 LEFT JOIN LATERAL EXPLODE(c2) t(c3) ON lt3.c1 = c3",
     [(0, [0, 1], 0), (1, [2], None), (2, [], None), (None, [4], None)]),
])
def test_sql_lateral_subqueries(views, query, expected):
    if expected is None:
        with pytest.raises(AnalysisException):
            views.sql(query).collect()
        return
    assert sorted(rows(views.sql(query)), key=repr) == sorted(expected, key=repr)


def test_sql_lateral_errors(views):
    with pytest.raises(AnalysisException) as e:
        views.sql("SELECT * FROM lt1, LATERAL (SELECT c1 + c2 + rand(0) AS c3)")
    assert e.value.getErrorClass() == \
        "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.NON_DETERMINISTIC_LATERAL_SUBQUERIES"
    with pytest.raises(AnalysisException) as e:
        views.sql("SELECT * FROM lt1 RIGHT JOIN LATERAL (SELECT c1 + c2 AS c3) ON c2 = c3")
    assert e.value.getErrorClass() == "INVALID_LATERAL_JOIN_TYPE"


def _no_ids(text):
    import re
    return re.sub(r"#\d+", "#x", text)


def test_explain_shows_spark_lateral_join_node(spark, views):
    # PySpark 4.3 (LogicalRDD where we have a LocalRelation): the analyzed plan holds
    # LateralJoin with the subquery printed as Spark prints subqueries; the optimized plan
    # is the rewrite into ordinary joins
    t1 = spark.createDataFrame([(0, 1), (1, 2)], "c1 int, c2 int")
    t2 = spark.createDataFrame([(0, 2), (0, 3)], "c1 int, c2 int")
    df = t1.alias("t1").lateralJoin(t2.alias("t2").where(
        sf.col("t1.c1").outer() == sf.col("t2.c1")).select(sf.col("t2.c2")))
    qe = df._execution()
    assert _no_ids(qe.analyzed.tree_string()) == (
        "LateralJoin lateral-subquery#x [c1#x], Inner\n"
        ":  +- Project [c2#x]\n"
        ":     +- Filter (outer(c1#x) = c1#x)\n"
        ":        +- SubqueryAlias t2\n"
        ":           +- LocalRelation [c1#x, c2#x]\n"
        "+- SubqueryAlias t1\n"
        "   +- LocalRelation [c1#x, c2#x]\n")
    assert "LateralJoin" not in qe.optimized.tree_string()
    assert qe.optimized.tree_string().startswith("Project [c1#")
    df = t1.lateralJoin(spark.range(3).select(
        (sf.col("id") + sf.col("c1").outer()).alias("v")), sf.col("v") > 1)
    assert _no_ids(df._execution().analyzed.tree_string()).splitlines()[:2] == [
        "LateralJoin lateral-subquery#x [c1#x], Inner, (v#xL > 1)",
        ":  +- Project [(id#xL + outer(c1#x)) AS v#xL]"]
    assert _no_ids(t1.lateralJoin(t2.select("c2"), how="cross")._execution().analyzed
                   .tree_string()).splitlines()[0] == "LateralJoin lateral-subquery#x [], Cross"
    text = _no_ids(spark.sql("SELECT * FROM lt1 LEFT JOIN LATERAL (SELECT c1 + c2 AS c3) "
                             "ON c2 = c3")._execution().analyzed.tree_string())
    assert "+- LateralJoin lateral-subquery#x [c1#x && c2#x], LeftOuter, (c2#x = c3#x)\n" \
        "   :  +- SubqueryAlias __auto_generated_subquery_name\n" \
        "   :     +- Project [(outer(c1#x) + outer(c2#x)) AS c3#x]\n" in text
