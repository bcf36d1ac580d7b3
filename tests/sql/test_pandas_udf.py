"""Batch-at-a-time Python: mapInArrow (no pandas needed), and with pandas installed
pandas_udf (scalar, scalar iterator, grouped aggregate), mapInPandas, applyInPandas; without
pandas a clear [PACKAGE_NOT_INSTALLED] error."""

from __future__ import annotations

from typing import Iterator

import pytest

from sparkcli.errors import PythonException
from sparkcli.sql import functions as F

try:
    import pandas as pd
except ImportError:  # pragma: no cover - pandas is optional
    pd = None

needs_pandas = pytest.mark.skipif(pd is None, reason="pandas is not installed")


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame([("a", 1, 1.0), ("a", 2, 3.0), ("b", 3, 5.0), ("b", 4, None)],
                                 "k string, x int, v double")


def test_map_in_arrow(df):
    import pyarrow.compute as pc

    def double(batches):
        for b in batches:
            yield b.set_column(1, "x", pc.multiply(b.column(1), 2)).select(["k", "x"])

    out = df.mapInArrow(double, "k string, x long")
    assert out.dtypes == [("k", "string"), ("x", "bigint")]
    assert sorted(tuple(r) for r in out.collect()) == [("a", 2), ("a", 4), ("b", 6), ("b", 8)]


def test_map_in_arrow_error_keeps_user_traceback(df):
    def broken(batches):
        for b in batches:
            raise ValueError("bad batch")
            yield b

    with pytest.raises(PythonException, match="ValueError: bad batch"):
        df.mapInArrow(broken, df.schema).collect()


@needs_pandas
def test_map_in_pandas(df):
    def add(pdfs):
        for pdf in pdfs:
            yield pdf.assign(y=pdf.x * 10)[["k", "y"]]

    out = df.mapInPandas(add, "k string, y long")
    assert sorted(tuple(r) for r in out.collect()) == [("a", 10), ("a", 20), ("b", 30), ("b", 40)]


@needs_pandas
def test_apply_in_pandas(df):
    def center(pdf):
        return pdf.assign(x=pdf.x - pdf.x.mean())[["k", "x"]]

    def with_key(key, pdf):
        return pd.DataFrame({"k": [key[0]], "n": [len(pdf)]})

    out = df.groupBy("k").applyInPandas(center, "k string, x double")
    assert sorted(tuple(r) for r in out.collect()) == [("a", -0.5), ("a", 0.5), ("b", -0.5),
                                                       ("b", 0.5)]
    out = df.groupBy("k").applyInPandas(with_key, "k string, n long")
    assert sorted(tuple(r) for r in out.collect()) == [("a", 2), ("b", 2)]


@needs_pandas
def test_pandas_udf_kinds(df):
    @F.pandas_udf("double")
    def plus_one(s: pd.Series) -> pd.Series:
        return s + 1

    @F.pandas_udf("long")
    def times_two(it: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for s in it:
            yield s * 2

    @F.pandas_udf("double")
    def mean(s: pd.Series) -> float:
        return s.mean()

    out = df.select(plus_one("v"), times_two("x"))
    assert out.columns == ["plus_one(v)", "times_two(x)"]
    assert [tuple(r) for r in out.collect()] == [(2.0, 2), (4.0, 4), (6.0, 6), (None, 8)]
    agg = df.groupBy("k").agg(mean("v").alias("m")).orderBy("k")
    assert [tuple(r) for r in agg.collect()] == [("a", 2.0), ("b", 5.0)]


def test_pandas_missing_is_a_clear_error(df, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match=r"^\[PACKAGE_NOT_INSTALLED\] Pandas >= 2.2.0 must be "
                                          "installed; however, it was not found."):
        df.mapInPandas(lambda it: it, df.schema)
    with pytest.raises(ImportError, match="PACKAGE_NOT_INSTALLED"):
        F.pandas_udf(lambda s: s, "double")
