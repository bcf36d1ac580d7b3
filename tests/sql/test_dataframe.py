"""DataFrame transformations against plain-Python expectations (values as PySpark 4.3)."""

from __future__ import annotations

from sparkcli.sql import functions as F
from sparkcli.sql.types import Row
from tests.sql.conftest import show


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_create_dataframe_inference_and_schemas(spark):
    df = spark.createDataFrame([{"b": 1, "a": "x"}])
    assert df.columns == ["a", "b"] and df.dtypes == [("a", "string"), ("b", "bigint")]
    df = spark.createDataFrame([Row(name="A", tags=["x"], props={"k": 1.5}, inner=Row(v=1))])
    assert df.schema.simpleString() == \
        "struct<name:string,tags:array<string>,props:map<string,double>,inner:struct<v:bigint>>"
    assert df.first().inner.v == 1 and df.first().props == {"k": 1.5}
    df = spark.createDataFrame([(1, "a")], "id INT, s STRING")
    assert df.dtypes == [("id", "int"), ("s", "string")] and df.schema["id"].nullable
    assert spark.createDataFrame([1, 2], "int").collect() == [Row(value=1), Row(value=2)]
    rdd = spark.sparkContext.parallelize([(1, "a"), (2, "b")], 2)
    assert rows(spark.createDataFrame(rdd, ["k", "v"])) == [(1, "a"), (2, "b")]
    assert rows(rdd.toDF(["k", "v"])) == [(1, "a"), (2, "b")]
    assert spark.range(1, 7, 2).collect() == [Row(id=1), Row(id=3), Row(id=5)]


def test_select_filter_with_columns(spark):
    x = spark.range(5)
    assert rows(x.filter("id > 2")) == [(3,), (4,)]
    assert rows(x.where(x.id < 2).select((x.id * 10).alias("t"))) == [(0,), (10,)]
    df = x.withColumn("sq", F.col("id") * F.col("id")).withColumnRenamed("id", "n")
    assert df.columns == ["n", "sq"] and rows(df.drop("sq").limit(2)) == [(0,), (1,)]
    assert rows(x.selectExpr("id * 2 as d", "id div 2").limit(3)) == [(0, 0), (2, 0), (4, 1)]
    assert x.toDF("z").columns == ["z"] and x.selectExpr("id as `a b`").columns == ["a b"]
    assert rows(x.select(F.col("id").alias("a")).orderBy(F.desc("id")).limit(1)) == [(4,)]
    assert x.count() == 5 and not x.isEmpty() and x.limit(0).isEmpty()
    assert x.head() == Row(id=0) and x.take(2) == [Row(id=0), Row(id=1)]
    assert x.tail(1) == [Row(id=4)] and rows(x.offset(3)) == [(3,), (4,)]


def test_joins(spark):
    a = spark.createDataFrame([(1, "a"), (2, "b"), (None, "c")], ["k", "v"])
    b = spark.createDataFrame([(1, "x"), (3, "y"), (None, "z")], ["k", "w"])
    assert rows(a.join(b, "k")) == [(1, "a", "x")]
    assert sorted(rows(a.join(b, "k", "left")), key=str) == \
        sorted([(1, "a", "x"), (2, "b", None), (None, "c", None)], key=str)
    assert sorted(rows(a.join(b, "k", "full")), key=str) == sorted(
        [(1, "a", "x"), (2, "b", None), (None, "c", None), (3, None, "y"), (None, None, "z")],
        key=str)
    assert rows(a.join(b, "k", "semi")) == [(1, "a")]
    assert sorted(rows(a.join(b, "k", "anti")), key=str) == [(2, "b"), (None, "c")]
    assert a.join(b, "k", "full").columns == ["k", "v", "w"]
    assert a.join(b, a.k == b.k).columns == ["k", "v", "k", "w"]
    assert len(rows(a.crossJoin(b))) == 9
    # a self-join keeps both sides apart
    x = spark.range(3)
    assert rows(x.join(x, "id").orderBy("id")) == [(0,), (1,), (2,)]
    l, r = x.alias("l"), x.alias("r")
    assert rows(l.join(r, F.col("l.id") + 1 == F.col("r.id")).select("l.id", "r.id")
                .orderBy("l.id")) == [(0, 1), (1, 2)]


def test_group_by_aggregates(spark):
    df = spark.createDataFrame([(1, None), (1, 2), (2, None)], "a int, b int")
    out = df.groupBy("a").agg(F.sum("b"), F.count("b"), F.count("*"), F.first("b"),
                              F.collect_list("b")).orderBy("a")
    assert rows(out) == [(1, 2, 1, 2, None, [2]), (2, None, 0, 1, None, [])]
    assert rows(df.groupBy("a").count().orderBy("a")) == [(1, 2), (2, 1)]
    assert rows(df.groupBy().max("a")) == [(2,)]
    assert rows(df.agg({"a": "max", "b": "sum"})) == [(2, 2)]
    s = spark.createDataFrame([("a b a",), ("b c",)], ["line"])
    words = s.select(F.explode(F.split("line", " ")).alias("w"))
    assert rows(words.groupBy("w").count().orderBy(F.desc("count"), "w")) == \
        [("a", 2), ("b", 2), ("c", 1)]
    assert rows(s.select(F.posexplode(F.split("line", " "))).limit(3)) == \
        [(0, "a"), (1, "b"), (2, "a")]
    assert spark.range(0).agg(F.count("*"), F.sum("id"), F.collect_list("id")).collect() == \
        [Row(**{"count(1)": 0, "sum(id)": None, "collect_list(id)": []})]


def test_set_operations_distinct_and_partitions(spark):
    x = spark.range(5)
    assert rows(x.union(x).distinct().orderBy("id")) == [(i,) for i in range(5)]
    assert x.union(x).dropDuplicates().count() == 5
    a = spark.createDataFrame([(1,), (1,), (2,), (None,), (3,)], "v int")
    b = spark.createDataFrame([(1,), (None,), (3,), (3,)], "v int")
    assert sorted(rows(a.intersect(b)), key=str) == sorted([(1,), (None,), (3,)], key=str)
    assert rows(a.subtract(b)) == [(2,)]
    assert sorted(rows(a.exceptAll(b)), key=str) == [(1,), (2,)]
    assert sorted(rows(a.intersectAll(b)), key=str) == sorted([(1,), (None,), (3,)], key=str)
    y = spark.createDataFrame([(1, "a")], ["n", "s"])
    z = spark.createDataFrame([("b", 2)], ["s", "n"])
    assert rows(y.unionByName(z)) == [(1, "a"), (2, "b")]
    assert x.repartition(3).rdd.getNumPartitions() >= 1
    assert rows(x.coalesce(1)) == [(i,) for i in range(5)]
    ids = x.select(F.monotonically_increasing_id(), F.spark_partition_id()).collect()
    assert [tuple(r) for r in ids] == [(0, 0), (1, 0), (8589934592, 1), (8589934593, 1),
                                       (8589934594, 1)]


def test_cache_views_and_rdd(spark):
    x = spark.range(5)
    assert x.cache() is x and x.count() == 5 and x.is_cached
    assert str(x.storageLevel) == "Disk Memory Deserialized 1x Replicated"
    x.unpersist()
    y = spark.createDataFrame([(1, 2.0, "s", True)], ["a", "b", "c", "d"])
    y.createOrReplaceTempView("t")
    assert show(spark.table("t")) == (
        "+---+---+---+----+\n"
        "|  a|  b|  c|   d|\n"
        "+---+---+---+----+\n"
        "|  1|2.0|  s|true|\n"
        "+---+---+---+----+\n")
    assert [t.name for t in spark.catalog.listTables()] == ["t"]
    assert spark.catalog.tableExists("t") and spark.catalog.dropTempView("t")
    assert x.rdd.map(lambda r: r.id).collect() == [0, 1, 2, 3, 4]
