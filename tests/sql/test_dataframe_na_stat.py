"""na (drop/fill/replace), stat (corr/cov/crosstab/freqItems/approxQuantile/sampleBy) and
the small DataFrame methods: values as real PySpark 4.3 gives them for the same calls."""

from __future__ import annotations

import math

import pytest

from runtime.sql.errors import (
    AnalysisException, IllegalArgumentException, PySparkTypeError, PySparkValueError)
from sparkcli.sql import functions as F
from sparkcli.sql.types import Row


@pytest.fixture(scope="module")
def holes(spark):
    return spark.createDataFrame(
        [(1, 2.0, "a", True), (None, float("nan"), None, None), (3, None, "c", False),
         (None, None, None, None)], ["i", "d", "s", "b"])


def _t(df):
    return [tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in r)
            for r in df.collect()]


def test_dropna(holes):
    assert _t(holes.na.drop()) == [(1, 2.0, "a", True)]
    both = [(1, 2.0, "a", True), (3, None, "c", False)]
    assert _t(holes.dropna(how="all")) == both  # NaN counts as missing
    assert _t(holes.dropna(thresh=2)) == both
    assert _t(holes.dropna(subset=["i"])) == both
    with pytest.raises(PySparkValueError, match=r"^\[VALUE_NOT_ANY_OR_ALL\] Value for `how` "
                       r"must be 'any' or 'all', got 'some'\."):
        holes.dropna(how="some")


def test_fillna(holes):
    assert _t(holes.fillna(0)) == [(1, 2.0, "a", True), (0, 0.0, None, None),
                                   (3, 0.0, "c", False), (0, 0.0, None, None)]
    assert _t(holes.fillna(1.5))[1] == (1, 1.5, None, None)  # cast to bigint: 1
    assert _t(holes.na.fill("z")) == [(1, 2.0, "a", True), (None, "nan", "z", None),
                                      (3, None, "c", False), (None, None, "z", None)]
    assert _t(holes.na.fill(True))[3] == (None, None, None, True)
    assert _t(holes.fillna({"i": 7, "s": "q", "d": 0.5}))[1:] == [
        (7, 0.5, "q", None), (3, 0.5, "c", False), (7, 0.5, "q", None)]
    assert _t(holes.fillna(9, subset=["i"]))[1] == (9, "nan", None, None)
    assert holes.fillna(0).schema.simpleString() == holes.schema.simpleString()
    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVED_COLUMN.WITH_SUGGESTION\] .* "
                       r"`nope` cannot be resolved"):
        holes.fillna(9, subset=["nope"])
    with pytest.raises(AnalysisException, match=r"UNRESOLVED_COLUMN"):
        holes.fillna({"nope": 1})
    with pytest.raises(PySparkTypeError, match=r"^\[NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR\]"):
        holes.fillna([1])


def test_replace(holes):
    assert _t(holes.replace(1, 10))[0] == (10, 2.0, "a", True)
    assert [r[0] for r in _t(holes.na.replace([1, 3], [10, 30], "i"))] == [10, None, 30, None]
    assert [r[2] for r in _t(holes.replace({"a": "A", "c": None}))] == ["A", None, None, None]
    assert [r[2] for r in _t(holes.replace(["a", "c"], "x"))] == ["x", None, "x", None]
    assert _t(holes.replace(2.0, 20.0))[0] == (1, 20.0, "a", True)
    assert _t(holes.replace(True, False))[0] == (1, 2.0, "a", False)
    with pytest.raises(PySparkValueError, match=r"^\[LENGTH_SHOULD_BE_THE_SAME\] to_replace and "
                       r"value should be of the same length, got 2 and 1\.$"):
        holes.replace([1, 2], [1])
    with pytest.raises(PySparkValueError, match=r"^\[MIXED_TYPE_REPLACEMENT\]"):
        holes.replace({1: "a"})
    with pytest.raises(PySparkTypeError, match=r"^\[ARGUMENT_REQUIRED\]"):
        holes.replace(1)


def test_corr_cov_quantiles(spark):
    n = spark.createDataFrame([(1, 2.0, 10), (2, 4.5, 7), (3, 5.0, 3), (4, 9.0, 1)],
                              ["a", "b", "c"])
    assert n.corr("a", "b") == pytest.approx(0.9579237266113428, abs=1e-15)
    assert n.stat.corr("a", "c") == pytest.approx(-0.9927945535915402, abs=1e-15)
    assert n.cov("a", "b") == pytest.approx(3.5833333333333335, abs=1e-15)
    assert n.stat.cov("a", "c") == pytest.approx(-5.166666666666667, abs=1e-15)
    assert math.isnan(spark.createDataFrame([(0.0, 0.0)], ["a", "b"]).corr("a", "b"))
    assert n.approxQuantile("b", [0.0, 0.25, 0.5, 0.75, 1.0], 0.0) == [2.0, 2.0, 4.5, 5.0, 9.0]
    assert n.approxQuantile(["a", "c"], [0.5], 0.1) == [[2.0], [3.0]]
    assert n.filter("a > 10").approxQuantile("b", [0.5], 0.0) == []
    with pytest.raises(PySparkValueError, match=r"^\[VALUE_NOT_PEARSON\]"):
        n.corr("a", "b", "spearman")
    s = spark.createDataFrame([(1, "x")], ["k", "v"])
    with pytest.raises(IllegalArgumentException, match=r"^requirement failed: Currently "
                       r"correlation calculation for columns with dataType string not "
                       r"supported\.$"):
        s.corr("k", "v")


def test_crosstab_freq_items_sample_by(spark):
    c = spark.createDataFrame([(1, "x"), (1, "y"), (2, "x"), (3, None), (1, "x")], ["k", "v"])
    ct = c.crosstab("k", "v")
    assert ct.dtypes == [("k_v", "string"), ("null", "bigint"), ("x", "bigint"),
                         ("y", "bigint")]
    assert sorted(ct.collect()) == [Row(k_v="1", null=0, x=2, y=1),
                                    Row(k_v="2", null=0, x=1, y=0),
                                    Row(k_v="3", null=1, x=0, y=0)]
    assert c.freqItems(["k", "v"], 0.4).collect() == [Row(k_freqItems=[1], v_freqItems=["x"])]
    assert c.stat.freqItems(["k"]).columns == ["k_freqItems"]
    r = spark.range(0, 100).sampleBy("id", {0: 0.5, 1: 1.0, 2: 0.0}, 3)
    ids = [x.id for x in r.collect()]
    assert 1 in ids and 2 not in ids and set(ids) <= {0, 1}
    assert r.collect() == r.collect()  # seeded: the same sample twice


def test_small_methods(spark):
    n = spark.createDataFrame([(1, 2.0, 10), (2, 4.5, 7)], ["a", "b", "c"])
    assert n.select(n.colRegex("`(a|b)`")).columns == ["a", "b"]
    assert n.select(n.colRegex("`^(?!a).*`")).columns == ["b", "c"]
    assert n.select(n.colRegex("c")).columns == ["c"]
    assert n.zipWithIndex().collect() == [Row(a=1, b=2.0, c=10, index=0),
                                          Row(a=2, b=4.5, c=7, index=1)]
    assert n.zipWithIndex("rid").dtypes[-1] == ("rid", "bigint")
    big = spark.range(0, 50, numPartitions=4).zipWithIndex()
    assert [tuple(r) for r in big.collect()] == [(i, i) for i in range(50)]
    d1, d2 = spark.range(10), spark.range(10)
    assert d1.withColumn("x", d1.id * 2).sameSemantics(d2.withColumn("x", d2.id * 2))
    assert not d1.withColumn("x", d1.id * 2).sameSemantics(d2.withColumn("x", d2.id + 2))
    assert d1.semanticHash() == d2.semanticHash()
    assert n.executionInfo is None
    with pytest.raises(AnalysisException, match=r"^dropDuplicatesWithinWatermark is not "
                       r"supported with batch DataFrames/DataSets"):
        n.dropDuplicatesWithinWatermark(["a"])
