"""Window functions: values, Spark's result types and nullability, and Spark's column names
(``f(...) OVER (PARTITION BY ... ORDER BY ... frame)``), checked against PySpark 4.3's output
for the same data (NULL keys, ties, NULL values), on both runners."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException
from sparkcli.sql import Window
from sparkcli.sql import functions as F

DATA = [("a", 1, 10.0), ("a", 2, None), ("a", 2, 30.0), ("a", None, 5.0), ("b", 1, 1.0),
        ("b", 3, 2.0), (None, 1, 7.0)]
w = Window.partitionBy("k").orderBy("t")
wd = Window.partitionBy("k").orderBy(F.desc("t"))
wp = Window.partitionBy("k")

# (column, Spark's name, type, nullable, rows sorted by (k, t, v) as strings) from PySpark 4.3
CASES = [
    ('row_number', lambda: F.row_number().over(w),
     'row_number() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'int', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 2), ('a', 2, 30.0, 4), ('a', 2, None, 3), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 2)]),
    ('rank', lambda: F.rank().over(w),
     'RANK() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'int', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 2), ('a', 2, 30.0, 3), ('a', 2, None, 3), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 2)]),
    ('dense_rank', lambda: F.dense_rank().over(w),
     'DENSE_RANK() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'int', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 2), ('a', 2, 30.0, 3), ('a', 2, None, 3), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 2)]),
    ('percent_rank', lambda: F.percent_rank().over(w),
     'PERCENT_RANK() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', False, [(None, 1, 7.0, 0.0), ('a', 1, 10.0, 0.3333333333333333), ('a', 2, 30.0, 0.6666666666666666), ('a', 2, None, 0.6666666666666666), ('a', None, 5.0, 0.0), ('b', 1, 1.0, 0.0), ('b', 3, 2.0, 1.0)]),
    ('cume_dist', lambda: F.cume_dist().over(w),
     'cume_dist() OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', False, [(None, 1, 7.0, 1.0), ('a', 1, 10.0, 0.5), ('a', 2, 30.0, 1.0), ('a', 2, None, 1.0), ('a', None, 5.0, 0.25), ('b', 1, 1.0, 0.5), ('b', 3, 2.0, 1.0)]),
    ('ntile3', lambda: F.ntile(3).over(w),
     'ntile(3) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'int', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 1), ('a', 2, 30.0, 3), ('a', 2, None, 2), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 2)]),
    ('lag', lambda: F.lag("v").over(w),
     'lag(v, 1, NULL) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)',
     'double', True, [(None, 1, 7.0, None), ('a', 1, 10.0, 5.0), ('a', 2, 30.0, None), ('a', 2, None, 10.0), ('a', None, 5.0, None), ('b', 1, 1.0, None), ('b', 3, 2.0, 1.0)]),
    ('lag2d', lambda: F.lag("v", 2, 0.0).over(w),
     'lag(v, 2, 0.0) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN -2 FOLLOWING AND -2 FOLLOWING)',
     'double', True, [(None, 1, 7.0, 0.0), ('a', 1, 10.0, 0.0), ('a', 2, 30.0, 10.0), ('a', 2, None, 5.0), ('a', None, 5.0, 0.0), ('b', 1, 1.0, 0.0), ('b', 3, 2.0, 0.0)]),
    ('lead', lambda: F.lead("v").over(w),
     'lead(v, 1, NULL) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)',
     'double', True, [(None, 1, 7.0, None), ('a', 1, 10.0, None), ('a', 2, 30.0, None), ('a', 2, None, 30.0), ('a', None, 5.0, 10.0), ('b', 1, 1.0, 2.0), ('b', 3, 2.0, None)]),
    ('lead1d', lambda: F.lead("t", 1, -1).over(w),
     'lead(t, 1, -1) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)',
     'int', True, [(None, 1, 7.0, -1), ('a', 1, 10.0, 2), ('a', 2, 30.0, -1), ('a', 2, None, 2), ('a', None, 5.0, 1), ('b', 1, 1.0, 3), ('b', 3, 2.0, -1)]),
    ('nth2', lambda: F.nth_value("v", 2).over(w),
     'nth_value(v, 2) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, None), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 10.0), ('a', 2, None, 10.0), ('a', None, 5.0, None), ('b', 1, 1.0, None), ('b', 3, 2.0, 2.0)]),
    ('nth2in', lambda: F.nth_value("v", 2, True).over(w),
     'nth_value(v, 2) ignore nulls OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, None), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 10.0), ('a', 2, None, 10.0), ('a', None, 5.0, None), ('b', 1, 1.0, None), ('b', 3, 2.0, 2.0)]),
    ('first', lambda: F.first("v").over(w),
     'first(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 5.0), ('a', 2, 30.0, 5.0), ('a', 2, None, 5.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 1.0)]),
    ('firstin', lambda: F.first("v", True).over(w),
     'first(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 5.0), ('a', 2, 30.0, 5.0), ('a', 2, None, 5.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 1.0)]),
    ('last', lambda: F.last("v").over(w),
     'last(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 30.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 2.0)]),
    ('lastin', lambda: F.last("v", True).over(w),
     'last(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 30.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 2.0)]),
    ('sum', lambda: F.sum("v").over(w),
     'sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 15.0), ('a', 2, 30.0, 45.0), ('a', 2, None, 45.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 3.0)]),
    ('sump', lambda: F.sum("v").over(wp),
     'sum(v) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 45.0), ('a', 2, 30.0, 45.0), ('a', 2, None, 45.0), ('a', None, 5.0, 45.0), ('b', 1, 1.0, 3.0), ('b', 3, 2.0, 3.0)]),
    ('count', lambda: F.count("v").over(w),
     'count(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'bigint', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 2), ('a', 2, 30.0, 3), ('a', 2, None, 3), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 2)]),
    ('countstar', lambda: F.count("*").over(wp),
     'count(1) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
     'bigint', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 4), ('a', 2, 30.0, 4), ('a', 2, None, 4), ('a', None, 5.0, 4), ('b', 1, 1.0, 2), ('b', 3, 2.0, 2)]),
    ('avg', lambda: F.avg("t").over(w),
     'avg(t) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 1.0), ('a', 1, 10.0, 1.0), ('a', 2, 30.0, 1.6666666666666667), ('a', 2, None, 1.6666666666666667), ('a', None, 5.0, None), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 2.0)]),
    ('min', lambda: F.min("v").over(wd),
     'min(v) OVER (PARTITION BY k ORDER BY t DESC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 30.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 2.0)]),
    ('max', lambda: F.max("v").over(wd),
     'max(v) OVER (PARTITION BY k ORDER BY t DESC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 30.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 30.0), ('a', None, 5.0, 30.0), ('b', 1, 1.0, 2.0), ('b', 3, 2.0, 2.0)]),
    ('sumt', lambda: F.sum("t").over(w),
     'sum(t) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'bigint', True, [(None, 1, 7.0, 1), ('a', 1, 10.0, 1), ('a', 2, 30.0, 5), ('a', 2, None, 5), ('a', None, 5.0, None), ('b', 1, 1.0, 1), ('b', 3, 2.0, 4)]),
    ('collect', lambda: F.collect_list("v").over(w),
     'collect_list(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'array<double>', False, [(None, 1, 7.0, [7.0]), ('a', 1, 10.0, [5.0, 10.0]), ('a', 2, 30.0, [5.0, 10.0, 30.0]), ('a', 2, None, [5.0, 10.0, 30.0]), ('a', None, 5.0, [5.0]), ('b', 1, 1.0, [1.0]), ('b', 3, 2.0, [1.0, 2.0])]),
    ('rows', lambda: F.sum("v").over(w.rowsBetween(-1, 1)),
     'sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND 1 FOLLOWING)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 15.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 40.0), ('a', None, 5.0, 15.0), ('b', 1, 1.0, 3.0), ('b', 3, 2.0, 3.0)]),
    ('rows2', lambda: F.sum("t").over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)),
     'sum(t) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'bigint', True, [(None, 1, 7.0, 1), ('a', 1, 10.0, 1), ('a', 2, 30.0, 5), ('a', 2, None, 3), ('a', None, 5.0, None), ('b', 1, 1.0, 1), ('b', 3, 2.0, 4)]),
    ('rows3', lambda: F.max("v").over(w.rowsBetween(Window.currentRow, Window.unboundedFollowing)),
     'max(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 30.0), ('a', 2, 30.0, 30.0), ('a', 2, None, 30.0), ('a', None, 5.0, 30.0), ('b', 1, 1.0, 2.0), ('b', 3, 2.0, 2.0)]),
    ('range', lambda: F.sum("v").over(w.rangeBetween(-1, 0)),
     'sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN -1 FOLLOWING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 10.0), ('a', 2, 30.0, 40.0), ('a', 2, None, 40.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 2.0)]),
    ('range2', lambda: F.count("*").over(wd.rangeBetween(0, 1)),
     'count(1) OVER (PARTITION BY k ORDER BY t DESC NULLS LAST RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING)',
     'bigint', False, [(None, 1, 7.0, 1), ('a', 1, 10.0, 1), ('a', 2, 30.0, 3), ('a', 2, None, 3), ('a', None, 5.0, 1), ('b', 1, 1.0, 1), ('b', 3, 2.0, 1)]),
    ('range3', lambda: F.sum("t").over(w.rangeBetween(Window.currentRow, Window.unboundedFollowing)),
     'sum(t) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)',
     'bigint', True, [(None, 1, 7.0, 1), ('a', 1, 10.0, 5), ('a', 2, 30.0, 4), ('a', 2, None, 4), ('a', None, 5.0, 5), ('b', 1, 1.0, 4), ('b', 3, 2.0, 3)]),
    ('rowsall', lambda: F.avg("v").over(wp.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)),
     'avg(v) OVER (PARTITION BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 15.0), ('a', 2, 30.0, 15.0), ('a', 2, None, 15.0), ('a', None, 5.0, 15.0), ('b', 1, 1.0, 1.5), ('b', 3, 2.0, 1.5)]),
    ('firstv', lambda: F.first_value("v").over(w),
     'first_value(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
     'double', True, [(None, 1, 7.0, 7.0), ('a', 1, 10.0, 5.0), ('a', 2, 30.0, 5.0), ('a', 2, None, 5.0), ('a', None, 5.0, 5.0), ('b', 1, 1.0, 1.0), ('b', 3, 2.0, 1.0)]),
]



def _sorted(rows):
    return sorted([tuple(r) for r in rows], key=lambda r: (str(r[0]), str(r[1]), str(r[2])))


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame(DATA, "k string, t int, v double")


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_window_function(df, case):
    _, column, name, dtype, nullable, rows = case
    out = df.select("k", "t", "v", column())
    field = out.schema.fields[3]
    assert field.name == name
    assert (field.dataType.simpleString(), field.nullable) == (dtype, nullable)
    assert _sorted(out.collect()) == rows


@pytest.mark.parametrize("runner", ["local", "lineage"])
def test_many_windows_in_one_select_on_both_runners(spark, df, runner):
    spark.conf.set("spark.sparkcli.sql.runner", runner)
    try:
        out = df.select("k", "t", "v", *[c[1]().alias(c[0]) for c in CASES])
        got = _sorted(out.collect())
    finally:
        spark.conf.unset("spark.sparkcli.sql.runner")
    for i, case in enumerate(CASES):
        assert [r[:3] + (r[3 + i],) for r in got] == case[5], case[0]


def test_window_mixed_with_other_expressions(df):
    out = df.withColumn("r", F.row_number().over(w) + 1) \
        .withColumn("s", F.sum("v").over(wp) / F.count("v").over(wp))
    assert out.columns == ["k", "t", "v", "r", "s"]
    rows = _sorted(out.collect())
    assert [r[3:] for r in rows] == [(2, 7.0), (3, 15.0), (5, 15.0), (4, 15.0), (2, 15.0),
                                     (2, 1.5), (3, 1.5)]


def test_window_over_an_aggregate(df):
    out = df.groupBy("k").agg(F.sum("t").alias("st")) \
        .select("k", "st", F.rank().over(Window.orderBy(F.desc("st"))).alias("r"))
    assert sorted(tuple(r) for r in out.collect() if r.k) == [("a", 5, 1), ("b", 4, 2)]
    out = df.select(F.sum("t"), F.rank().over(Window.orderBy(F.sum("t").desc())))
    assert out.columns[1] == ("RANK() OVER (ORDER BY sum(t) DESC NULLS LAST ROWS BETWEEN "
                              "UNBOUNDED PRECEDING AND CURRENT ROW)")
    assert [tuple(r) for r in out.collect()] == [(10, 1)]


def test_window_without_partition_runs_in_one_partition(spark):
    df = spark.range(0, 1000, numPartitions=4)
    out = df.select("id", F.row_number().over(Window.orderBy(F.desc("id"))).alias("rn"),
                    F.sum("id").over(Window.orderBy("id").rowsBetween(-2, 0)).alias("s"))
    rows = {r.id: (r.rn, r.s) for r in out.collect()}
    assert rows[999] == (1, 999 + 998 + 997)
    assert rows[0] == (1000, 0) and rows[1] == (999, 1)


def test_ntile_lag_lead_edges(spark):
    df = spark.createDataFrame([(i,) for i in range(7)], "x int")
    o = Window.orderBy("x")
    rows = df.select(F.ntile(3).over(o), F.ntile(10).over(o), F.lag("x", 3, -1).over(o),
                     F.lead("x", 2).over(o)).collect()
    assert [tuple(r) for r in rows] == [
        (1, 1, -1, 2), (1, 2, -1, 3), (1, 3, -1, 4), (2, 4, 0, 5), (2, 5, 1, 6), (3, 6, 2, None),
        (3, 7, 3, None)]


def test_sliding_frames_of_any_aggregate(spark):
    df = spark.createDataFrame([("a", i, float(i) if i != 3 else None) for i in range(6)],
                               "k string, t int, v double")
    o = Window.partitionBy("k").orderBy("t")
    rows = df.select(
        F.collect_list("v").over(o.rowsBetween(-1, 1)),
        F.min("v").over(o.rowsBetween(-1, 1)),
        F.stddev("t").over(o.rowsBetween(Window.currentRow, 1)),
        F.count("v").over(o.rowsBetween(1, 2)),
        F.sum("v").over(o.rangeBetween(-2, -1)),
        F.last("v", True).over(o.rowsBetween(Window.unboundedPreceding, 0)),
    ).collect()
    assert [tuple(r) for r in rows] == [
        ([0.0, 1.0], 0.0, 0.7071067811865476, 2, None, 0.0),
        ([0.0, 1.0, 2.0], 0.0, 0.7071067811865476, 1, 0.0, 1.0),
        ([1.0, 2.0], 1.0, 0.7071067811865476, 1, 1.0, 2.0),
        ([2.0, 4.0], 2.0, 0.7071067811865476, 2, 3.0, 2.0),
        ([4.0, 5.0], 4.0, 0.7071067811865476, 1, 2.0, 4.0),
        ([4.0, 5.0], 4.0, None, 0, 4.0, 5.0)]


@pytest.mark.parametrize("make, error", [
    (lambda: F.row_number(), "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE"),
    (lambda: F.rank().over(wp), "WINDOW_FUNCTION_FRAME_NOT_ORDERED"),
    (lambda: F.sum("t").over(w.rowsBetween(1, -1)),
     "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON"),
    (lambda: F.sum("t").over(Window.orderBy("k").rangeBetween(-1, 0)),
     "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE"),
    (lambda: F.ntile(0).over(w), "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE"),
    (lambda: F.upper("k").over(w), "UNSUPPORTED_EXPR_FOR_WINDOW"),
])
def test_window_errors(df, make, error):
    with pytest.raises(AnalysisException) as e:
        df.select(make())
    assert e.value.getErrorClass() == error
    assert str(e.value).startswith(f"[{error}]")


def test_window_spec_repr_and_bounds():
    c = F.sum("v").over(Window.partitionBy("k").orderBy("t").rowsBetween(-1, Window.currentRow))
    assert repr(c) == ("Column<'sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST ROWS "
                       "BETWEEN -1 FOLLOWING AND CURRENT ROW)'>")
    spec = Window.orderBy("t").rangeBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    assert "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING" in repr(spec)


def test_over_clause_in_sql_expressions(df):
    out = df.selectExpr(
        "k", "t", "sum(v) over (partition by k order by t rows between 1 preceding and current row)",
        "nth_value(v, 2) ignore nulls over (partition by k order by t range between unbounded "
        "preceding and 2 following) AS n", "count(*) over () AS c")
    assert out.columns == ["k", "t", "sum(v) OVER (PARTITION BY k ORDER BY t ASC NULLS FIRST "
                           "ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)", "n", "c"]
    rows = sorted((tuple(r) for r in out.collect()), key=str)
    assert rows == [("a", 1, 15.0, 10.0, 7), ("a", 2, 10.0, 10.0, 7), ("a", 2, 30.0, 10.0, 7),
                    ("a", None, 5.0, None, 7), ("b", 1, 1.0, 2.0, 7), ("b", 3, 3.0, 2.0, 7),
                    (None, 1, 7.0, None, 7)]


def test_window_in_group_by_agg(spark, df):
    out = df.groupBy("k").agg(F.sum("t").alias("st"),
                              F.rank().over(Window.orderBy(F.sum("t").desc())).alias("r"))
    assert sorted((tuple(r) for r in out.collect()), key=str) == [
        ("a", 5, 1), ("b", 4, 2), (None, 1, 3)]
