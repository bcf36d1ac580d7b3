"""Aggregate functions: values, result types, NULL groups and names as PySpark 4.3 gives
them (checked against real PySpark), grouped and global, partial + final where they
decompose."""

from __future__ import annotations

import pytest

from sparkcli.sql import functions as F

ROWS = [(1, 1.0, 2.0, "a", 5), (1, 2.0, 4.5, "b", 3), (1, 4.0, None, "b", 6),
        (1, 3.0, 5.0, None, 12), (2, 7.0, 1.0, "c", 1), (3, None, None, None, None)]
SCHEMA = "g int, x double, y double, s string, i int"

CASES = [
    ("corr(x, y)", [0.9332565252573828, None, None], "double"),
    ("covar_pop(x, y)", [1.0, 0.0, None], "double"),
    ("covar_samp(x, y)", [1.5, None, None], "double"),
    ("kurtosis(x)", [-1.3600000000000012, None, None], "double"),
    ("percentile(x, 0.5)", [2.5, 7.0, None], "double"),
    ("percentile(x, array(0.25, 0.75))", [[1.75, 3.25], [7.0, 7.0], None], "array<double>"),
    ("percentile(i, 0.5, 2)", [5.5, 1.0, None], "double"),
    ("percentile_approx(x, 0.5)", [2.0, 7.0, None], "double"),
    ("percentile_approx(i, 0.25)", [3, 1, None], "int"),
    ("percentile_approx(i, array(0.1, 0.9), 100)", [[3, 12], [1, 1], None], "array<int>"),
    ("approx_percentile(x, 0.5)", [2.0, 7.0, None], "double"),
    ("median(x)", [2.5, 7.0, None], "double"),
    ("mode(s)", ["b", "c", None], "string"),
    ("max_by(s, x)", ["b", "c", None], "string"),
    ("min_by(s, x)", ["a", "c", None], "string"),
    ("regr_count(y, x)", [3, 1, 0], "bigint"),
    ("regr_avgx(y, x)", [2.0, 7.0, None], "double"),
    ("regr_avgy(y, x)", [3.8333333333333335, 1.0, None], "double"),
    ("regr_sxx(y, x)", [2.0, 0.0, None], "double"),
    ("regr_syy(y, x)", [5.166666666666666, 0.0, None], "double"),
    ("regr_sxy(y, x)", [3.0, 0.0, None], "double"),
    ("regr_slope(y, x)", [1.5, None, None], "double"),
    ("regr_intercept(y, x)", [0.8333333333333335, None, None], "double"),
    ("regr_r2(y, x)", [0.870967741935484, None, None], "double"),
    ("try_sum(i)", [26, 1, None], "bigint"),
    ("try_avg(i)", [6.5, 1.0, None], "double"),
    ("listagg(s, ',')", ["a,b,b", "c", None], "string"),
    ("string_agg(s)", ["abb", "c", None], "string"),
    ("bit_and(i)", [0, 1, None], "int"),
    ("bit_or(i)", [15, 1, None], "int"),
    ("bit_xor(i)", [12, 1, None], "int"),
    ("product(i)", [1080.0, 1.0, None], "double"),
]


@pytest.fixture(scope="module")
def table(spark):
    df = spark.createDataFrame(ROWS, SCHEMA)
    df.createOrReplaceTempView("t")
    return df


@pytest.mark.parametrize("text,values,dtype", CASES, ids=[c[0] for c in CASES])
def test_aggregate(spark, table, text, values, dtype):
    out = table.groupBy("g").agg(F.expr(text)).orderBy("g")
    got = [r[1] for r in out.collect()]
    if dtype == "double":
        assert [g is None for g in got] == [v is None for v in values], got
        assert [g for g in got if g is not None] == \
            pytest.approx([v for v in values if v is not None], rel=1e-9)
    else:
        assert got == values
    assert out.schema.fields[1].dataType.simpleString() == dtype


def test_skewness_of_symmetric_data_is_zero(spark, table):
    got = [r[1] for r in table.groupBy("g").agg(F.skewness("x")).orderBy("g").collect()]
    assert got[0] == pytest.approx(0.0, abs=1e-12) and got[1:] == [None, None]


def test_names_as_spark(spark, table):
    out = table.groupBy("g").agg(F.percentile("x", 0.5), F.percentile_approx("x", 0.5),
                                 F.median("x"), F.mode("s"), F.max_by("s", "x"),
                                 F.listagg("s", ","), F.product("i"), F.regr_slope("y", "x"),
                                 F.corr("x", "y"), F.string_agg("s"))
    assert out.columns == ["g", "percentile(x, 0.5, 1)", "percentile_approx(x, 0.5, 10000)",
                           "median(x)", "mode(s)", "max_by(s, x)", "listagg(s, ,)",
                           "product(i)", "regr_slope(y, x)", "corr(x, y)",
                           "string_agg(s, NULL)"]


def test_global_aggregates_of_no_rows_are_null(spark, table):
    out = table.where("g > 5").agg(F.corr("x", "y"), F.skewness("x"), F.percentile("x", 0.5),
                                   F.mode("x"), F.max_by("x", "y"), F.listagg("s"),
                                   F.regr_count("y", "x"))
    assert tuple(out.collect()[0]) == (None, None, None, None, None, None, 0)


def test_partial_and_final_over_partitions(spark):
    df = spark.createDataFrame([(i % 3, float(i), float(2 * i + 1)) for i in range(30)],
                               "k int, x double, y double").repartition(4)
    out = df.groupBy("k").agg(F.corr("x", "y"), F.covar_samp("x", "y"), F.kurtosis("x"),
                              F.percentile("x", 0.5), F.max_by("x", "y")).orderBy("k")
    rows = [tuple(r) for r in out.collect()]
    assert [r[1] for r in rows] == pytest.approx([1.0, 1.0, 1.0])
    assert [r[2] for r in rows] == pytest.approx([165.0, 165.0, 165.0])
    assert [r[3] for r in rows] == pytest.approx([-1.2242424242424244] * 3)
    assert [r[4] for r in rows] == [13.5, 14.5, 15.5]
    assert [r[5] for r in rows] == [27.0, 28.0, 29.0]


def test_try_sum_overflow_is_null(spark):
    df = spark.createDataFrame([(9223372036854775807,), (1,)], "x long")
    assert df.agg(F.try_sum("x")).collect()[0][0] is None
    assert df.where("x = 1").agg(F.try_sum("x")).collect()[0][0] == 1


def test_percentage_out_of_range(spark, table):
    with pytest.raises(Exception, match="VALUE_OUT_OF_RANGE"):
        table.agg(F.percentile("x", 1.5)).collect()
