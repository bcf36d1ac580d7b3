"""Sums and averages of decimal expressions computed as scaled int64 (decimal_scaled.py):
the same values and Spark's types as the decimal128 path, NULLs, the int64 overflow
fallbacks, and ANSI errors still raised by the ordinary path; plus the Parquet scan's
dictionary-encoded strings."""

from __future__ import annotations

import decimal

import pytest

pa = pytest.importorskip("pyarrow")

from runtime.sql import types as T  # noqa: E402
from runtime.sql.expressions import decimal_scaled as DS  # noqa: E402
from runtime.sql.expressions.base import AttributeReference, Cast, Literal  # noqa: E402
from runtime.sql.expressions.registry import lookup  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402

D = decimal.Decimal
CTX = decimal.Context(prec=80)


def _sum(vals):
    vals = [v for v in vals if v is not None]
    return sum(vals, D(0)) if vals else None


def test_q1_shaped_sums_values_and_types(spark):
    rows = [("A", D("10.50"), D("0.05"), D("0.08"), D("17.00")),
            ("A", D("99999.99"), D("0.10"), D("0.00"), None),
            ("B", None, D("0.02"), D("0.01"), D("3.00")),
            ("B", D("-3.33"), None, D("0.07"), D("4.00")),
            ("C", None, None, None, None)]
    df = spark.createDataFrame(rows, "k STRING, p DECIMAL(15,2), d DECIMAL(15,2), "
                                     "t DECIMAL(15,2), q DECIMAL(15,2)")
    disc = F.col("p") * (1 - F.col("d"))
    got = (df.groupBy("k").agg(F.sum("q").alias("sq"), F.sum(disc).alias("sd"),
                               F.sum(disc * (1 + F.col("t"))).alias("sc"),
                               F.avg("q").alias("aq"), F.count("p").alias("cp"))
           .orderBy("k"))
    types = [f.dataType.simpleString() for f in got.schema.fields]
    assert types == ["string", "decimal(25,2)", "decimal(38,4)", "decimal(38,6)",
                     "decimal(19,6)", "bigint"]
    want = []
    for k in "ABC":
        rs = [r for r in rows if r[0] == k]
        ds = [None if r[1] is None or r[2] is None else CTX.multiply(r[1], 1 - r[2])
              for r in rs]
        cs = [None if x is None or r[3] is None else CTX.multiply(x, 1 + r[3])
              for x, r in zip(ds, rs)]
        qs = [r[4] for r in rs if r[4] is not None]
        avg = (sum(qs, D(0)) / len(qs)).quantize(D("0.000001"), decimal.ROUND_HALF_UP) \
            if qs else None
        want.append((k, _sum(r[4] for r in rs), _sum(ds), _sum(cs), avg,
                     sum(r[1] is not None for r in rs)))
    assert [tuple(r) for r in got.collect()] == want


def test_global_sum_of_a_product_and_of_no_rows(spark):
    df = spark.createDataFrame([(D("1.25"), D("0.06")), (D("2.50"), D("0.07"))],
                               "p DECIMAL(15,2), d DECIMAL(15,2)")
    got = df.agg(F.sum(F.col("p") * F.col("d")).alias("r"))
    assert got.schema.fields[0].dataType.simpleString() == "decimal(38,4)"
    assert got.first().r == D("0.2500")
    none = df.filter(F.col("p") > 10).agg(F.sum(F.col("p") * F.col("d")).alias("r"),
                                          F.avg("p").alias("a"))
    assert tuple(none.first()) == (None, None)


def test_int64_overflow_falls_back_to_exact_decimal(spark):
    big = D("999999999999999999")  # 18 digits: the product passes int64, not decimal(37,0)
    df = spark.createDataFrame([("x", big, big), ("x", D(2), D(3))],
                               "k STRING, a DECIMAL(18,0), b DECIMAL(18,0)")
    got = df.groupBy("k").agg(F.sum(F.col("a") * F.col("b")).alias("s"))
    assert got.first().s == CTX.add(CTX.multiply(big, big), 6)


def test_sums_that_could_overflow_int64_are_exact(spark):
    v = D("900000000000000000")  # 20 rows: the sum passes int64, fits decimal(28,0)
    df = spark.createDataFrame([(v,)] * 20, "a DECIMAL(18,0)")
    assert df.agg(F.sum("a").alias("s")).first().s == v * 20


def test_a_cast_that_does_not_fit_raises_spark_error_under_ansi(spark):
    df = spark.createDataFrame([(D("12345678.00"),), (D("1.00"),)], "a DECIMAL(10,2)")
    agg = df.agg(F.sum(F.col("a").cast("decimal(5,2)")).alias("s"))
    with pytest.raises(Exception, match="NUMERIC_VALUE_OUT_OF_RANGE|CAST_OVERFLOW"):
        agg.collect()
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        assert df.agg(F.sum(F.col("a").cast("decimal(5,2)")).alias("s")).first().s == D("1.00")
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")


def test_scalable_trees():
    p = AttributeReference("p", T.DecimalType(15, 2), True)
    wide = AttributeReference("w", T.DecimalType(20, 2), True)
    one = Cast((Literal(1, T.IntegerType()),), T.DecimalType(1, 0), implicit=True)
    from runtime.sql.expressions.base import Call

    def call(op, a, b, dtype):
        return Call(lookup(op), (a, b), dtype, True)

    minus = call("-", one, p, T.DecimalType(16, 2))
    assert DS.scalable(call("*", p, minus, T.DecimalType(32, 4)))
    assert not DS.scalable(call("*", p, minus, T.DecimalType(32, 3)))  # rounds: no
    assert not DS.scalable(wide)  # 20 digits do not fit an int64
    assert not DS.scalable(call("/", p, p, T.DecimalType(38, 6)))
    assert not DS.scalable(AttributeReference("i", T.LongType(), True))
    assert not DS.scalable(Cast((p,), T.DecimalType(15, 1)))  # a scale cut rounds


def test_unscaled_and_back_keep_values_nulls_and_offsets():
    vals = [D("1.25"), None, D("-3.50"), D("9999999999999.99"), D("-0.01")]
    arr = pa.array(vals, pa.decimal128(15, 2))
    for a in (arr, arr.slice(1), arr.slice(2, 2)):
        ints = DS.unscaled(a)
        assert ints.type == pa.int64()
        assert ints.to_pylist() == [None if v is None else int(v * 100) for v in a.to_pylist()]
        back = DS.to_decimal(ints, 38, 2)
        assert back.type == pa.decimal128(38, 2) and back.to_pylist() == a.to_pylist()
    assert DS.unscaled(arr.slice(0, 0)).to_pylist() == []
    assert DS.sum_fits(pa.array([1, None, -5], pa.int64()))
    assert not DS.sum_fits(pa.array([1 << 62, 1, 1], pa.int64()))


def test_parquet_dictionary_strings_read_as_strings(spark, tmp_path):
    import pyarrow.parquet as pq

    flags = ["A", "N", None, "R", "N"] * 40
    table = pa.table({"f": flags, "g": [f"v{i}" for i in range(200)], "n": list(range(200))})
    pq.write_table(table, tmp_path / "dict.parquet", row_group_size=64,
                   use_dictionary=["f"])
    df = spark.read.parquet(str(tmp_path / "dict.parquet"))
    assert [f.dataType.simpleString() for f in df.schema.fields] == \
        ["string", "string", "bigint"]
    rows = df.filter(F.col("n") >= 0).collect()
    assert [r.f for r in rows] == flags and [r.g for r in rows] == table["g"].to_pylist()
    counts = {r.f: r["count"] for r in df.groupBy("f").count().collect()}
    assert counts == {"A": 40, "N": 80, None: 40, "R": 40}


def test_decimal_to_double_is_sparks_to_double(spark):
    """Spark's Decimal.toDouble for a long-held value: (double) unscaled / 10^scale; exact
    (Python's float(Decimal)) up to 15 digits. Arrow's own cast is off by an ulp at times
    (6150.190 -> 6150.1900000000005; PySpark 4.3 gives 6150.19)."""
    import random

    rnd = random.Random(7)
    for p, s in ((15, 2), (15, 0), (10, 5), (15, 15), (1, 0), (7, 3), (18, 1), (18, 18)):
        ints = [rnd.randint(-(10 ** p) + 1, 10 ** p - 1) for _ in range(300)] + [10 ** p - 1]
        vals = [None] + [D(i).scaleb(-s) for i in ints]
        arr = pa.array(vals, pa.decimal128(p, s)).slice(1)
        got = DS.exact_double(arr, s).to_pylist()
        assert got == [float(i) / 10.0 ** s for i in ints]
        if p <= 15:
            assert got == [float(v) for v in vals[1:]]
    df = spark.createDataFrame([(D("0.05"),), (D("6150.19"),), (None,), (D("-0.01"),)],
                               "d DECIMAL(7,3)")
    assert [r.x for r in df.select(F.col("d").cast("double").alias("x")).collect()] == \
        [0.05, 6150.19, None, -0.01]
    assert df.filter((F.col("d") >= 0.05) & (F.col("d") <= 0.07)).count() == 1
