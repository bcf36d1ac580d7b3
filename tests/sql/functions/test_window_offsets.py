"""lag/lead IGNORE NULLS in SQL text (PySpark 4.3's results)."""

from __future__ import annotations


def test_lag_lead_ignore_nulls(spark):
    spark.createDataFrame([(1, 1), (2, None), (3, 3), (4, None), (5, 5)], "t int, v int") \
        .createOrReplaceTempView("offsets_w")
    df = spark.sql(
        "select t, lag(v) ignore nulls over (order by t) a, lead(v) ignore nulls over "
        "(order by t) b, lag(v, 2) ignore nulls over (order by t) c, lead(v, 2, 0) ignore "
        "nulls over (order by t) d, lag(v) respect nulls over (order by t) e from offsets_w")
    assert df.schema.simpleString() == "struct<t:int,a:int,b:int,c:int,d:int,e:int>"
    assert [tuple(r) for r in df.collect()] == [
        (1, None, 3, None, 5, None), (2, 1, 3, None, 5, 1), (3, 1, 5, None, 0, None),
        (4, 3, 5, 1, 0, 3), (5, 3, None, 1, 0, None)]


def test_ignore_nulls_stays_in_its_partition(spark):
    spark.createDataFrame([("a", 1, 7), ("a", 2, None), ("b", 1, None), ("b", 2, 4),
                           ("b", 3, None)], "k string, t int, v int") \
        .createOrReplaceTempView("offsets_p")
    rows = spark.sql("select k, t, lag(v) ignore nulls over (partition by k order by t) a, "
                     "lead(v) ignore nulls over (partition by k order by t) b from offsets_p "
                     "order by k, t").collect()
    assert [tuple(r) for r in rows] == [("a", 1, None, None), ("a", 2, 7, None),
                                        ("b", 1, None, 4), ("b", 2, None, None),
                                        ("b", 3, 4, None)]
