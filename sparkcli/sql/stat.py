"""``df.stat``: corr, cov, crosstab, freqItems, approxQuantile, sampleBy (and the DataFrame
methods of the same names).

* ``corr``/``cov`` (Pearson, sample covariance) are two aggregation jobs: the means, then
  the centred sums (numerically as good as Spark's streaming update). A column without
  variance gives NaN for corr.
* ``crosstab(c1, c2)`` is ``groupBy(c1).pivot(c2).count()`` with absent pairs as 0, the
  first column named ``c1_c2`` and every key shown as a string (NULL as ``null``), as Spark.
* ``approxQuantile`` answers exactly (which is within any relativeError): for probability p,
  the smallest value whose rank reaches ``p * n`` among the non-NULL values.
* ``freqItems`` runs Karp-Papadimitriou-Shenker's counting (Spark's algorithm) over the
  column in row order: the result holds every item above the support, and may hold others
  (as Spark's); the order inside the arrays may differ from Spark's.
* ``sampleBy(col, fractions, seed)`` keeps each row with its stratum's probability.
"""

from __future__ import annotations

import math
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import IllegalArgumentException, PySparkTypeError, PySparkValueError
from sparkcli.lazy import FUNCTIONS as F

__all__ = ["DataFrameStatFunctions", "StatMethods"]


def _str_arg(name: str, v: Any) -> str:
    if not isinstance(v, str):
        raise PySparkTypeError(f"[NOT_STR] Argument `{name}` should be a str, got "
                               f"{type(v).__name__}.", errorClass="NOT_STR")
    return v


def _numeric(df: Any, name: str, fn: str) -> Any:
    col = df[name]
    dtype = df.select(col).schema.fields[0].dataType
    if not isinstance(dtype, T.NumericType):
        raise IllegalArgumentException(
            f"requirement failed: Currently {fn} calculation for columns with dataType "
            f"{dtype.simpleString()} not supported.")
    return col.cast("double")


def _centred(df: Any, col1: str, col2: str, fn: str) -> tuple[int, float, float, float]:
    a, b = _numeric(df, col1, fn), _numeric(df, col2, fn)
    pairs = df.select(a.alias("a"), b.alias("b")).dropna()
    n, ma, mb = pairs.agg(F.count("*"), F.avg("a"), F.avg("b")).collect()[0]
    if not n:
        return 0, math.nan, math.nan, math.nan
    da, db = F.col("a") - F.lit(ma), F.col("b") - F.lit(mb)
    sab, saa, sbb = pairs.agg(F.sum(da * db), F.sum(da * da), F.sum(db * db)).collect()[0]
    return n, sab, saa, sbb


def corr(df: Any, col1: str, col2: str, method: str | None = None) -> float:
    _str_arg("col1", col1)
    _str_arg("col2", col2)
    method = method or "pearson"
    if method != "pearson":
        raise PySparkValueError(
            f"[VALUE_NOT_PEARSON] Value for `method` only supports 'pearson', got {method}.",
            errorClass="VALUE_NOT_PEARSON")
    n, sab, saa, sbb = _centred(df, col1, col2, "correlation")
    if n == 0 or saa == 0 or sbb == 0:
        return math.nan
    return sab / math.sqrt(saa * sbb)


def cov(df: Any, col1: str, col2: str) -> float:
    _str_arg("col1", col1)
    _str_arg("col2", col2)
    n, sab, _, _ = _centred(df, col1, col2, "covariance")
    return sab / (n - 1) if n > 1 else math.nan


def crosstab(df: Any, col1: str, col2: str) -> Any:
    _str_arg("col1", col1)
    _str_arg("col2", col2)
    keys = df.select(F.coalesce(df[col1].cast("string"), F.lit("null")).alias("k1"),
                     F.coalesce(df[col2].cast("string"), F.lit("null")).alias("k2"))
    values = sorted(r[0] for r in keys.select("k2").distinct().collect())
    counts = keys.groupBy("k1").pivot("k2", values).count()
    counts = counts.fillna(0, subset=[v for v in values]) if values else counts
    return counts.withColumnRenamed("k1", f"{col1}_{col2}")


def freq_items(df: Any, cols: Any, support: float | None = None) -> Any:
    if isinstance(cols, tuple):
        cols = list(cols)
    if not isinstance(cols, list):
        raise PySparkTypeError(
            f"[NOT_LIST_OR_TUPLE] Argument `cols` should be a list or tuple, got "
            f"{type(cols).__name__}.", errorClass="NOT_LIST_OR_TUPLE")
    support = 0.01 if support is None else support
    if not 1e-4 <= support <= 1.0:
        raise PySparkValueError(f"Support must be in [1e-4, 1], but got {support}.",
                                errorClass="INVALID_SUPPORT")
    size = int(1 / support)
    rows = df.select(*[df[c] for c in cols]).collect()
    counters: list[dict] = [{} for _ in cols]
    for r in rows:
        for i, counts in enumerate(counters):
            key = r[i]
            if key in counts:
                counts[key] += 1
            elif len(counts) < size:
                counts[key] = 1
            else:
                for k in list(counts):
                    counts[k] -= 1
                    if counts[k] <= 0:
                        del counts[k]
    fields = df.select(*[df[c] for c in cols]).schema.fields
    schema = T.StructType([T.StructField(f"{c}_freqItems", T.ArrayType(f.dataType, True), False)
                           for c, f in zip(cols, fields)])
    return df.sparkSession.createDataFrame([tuple(list(c) for c in counters)], schema)


def approx_quantile(df: Any, col: Any, probabilities: Any, relativeError: float) -> Any:
    if not isinstance(col, (str, list, tuple)):
        raise PySparkTypeError(
            f"[NOT_LIST_OR_STR_OR_TUPLE] Argument `col` should be a list, str or tuple, got "
            f"{type(col).__name__}.", errorClass="NOT_LIST_OR_STR_OR_TUPLE")
    if not isinstance(probabilities, (list, tuple)):
        raise PySparkTypeError(
            f"[NOT_LIST_OR_TUPLE] Argument `probabilities` should be a list or tuple, got "
            f"{type(probabilities).__name__}.", errorClass="NOT_LIST_OR_TUPLE")
    for p in probabilities:
        if not isinstance(p, (float, int)) or not 0 <= p <= 1:
            raise PySparkTypeError(
                f"[NOT_LIST_OF_FLOAT_OR_INT] Argument `probabilities` should be a list of "
                f"float or int, got {type(p).__name__}.", errorClass="NOT_LIST_OF_FLOAT_OR_INT")
    if not isinstance(relativeError, (float, int)) or relativeError < 0:
        raise PySparkValueError(
            f"[NEGATIVE_VALUE] Value for `relativeError` must be greater than or equal to 0, "
            f"got '{relativeError}'.", errorClass="NEGATIVE_VALUE")
    names = [col] if isinstance(col, str) else list(col)
    out = []
    for name in names:
        c = _numeric(df, name, "approxQuantile")
        values = sorted(r[0] for r in df.select(c).dropna().collect())
        n = len(values)
        out.append([] if not n else [
            float(values[max(0, min(n - 1, math.ceil(p * n) - 1))]) for p in probabilities])
    return out[0] if isinstance(col, str) else out


def sample_by(df: Any, col: Any, fractions: dict, seed: int | None = None) -> Any:
    if not isinstance(fractions, dict):
        raise PySparkTypeError(
            f"[NOT_DICT] Argument `fractions` should be a dict, got "
            f"{type(fractions).__name__}.", errorClass="NOT_DICT")
    for k, v in fractions.items():
        if not isinstance(k, (float, int, str)):
            raise PySparkTypeError(
                f"[DISALLOWED_TYPE_FOR_CONTAINER] Argument `fractions`(type: dict) should only "
                f"contain a type in [float, int, str], got {type(k).__name__}",
                errorClass="DISALLOWED_TYPE_FOR_CONTAINER")
        if not 0 <= v <= 1:
            raise PySparkValueError(f"Fractions must be in [0, 1], but got {v}.",
                                    errorClass="INVALID_FRACTION")
    c = df[col] if isinstance(col, str) else col
    r = F.rand(seed) if seed is not None else F.rand()
    keep = None
    for k, v in fractions.items():
        keep = F.when(c == F.lit(k), r < F.lit(float(v))) if keep is None else \
            keep.when(c == F.lit(k), r < F.lit(float(v)))
    if keep is None:
        return df.limit(0)
    return df.filter(F.coalesce(keep.otherwise(False), F.lit(False)))


class DataFrameStatFunctions:
    """``df.stat`` (see module docstring)."""

    def __init__(self, df: Any):
        self.df = df

    def approxQuantile(self, col: Any, probabilities: Any, relativeError: float) -> Any:
        return approx_quantile(self.df, col, probabilities, relativeError)

    def corr(self, col1: str, col2: str, method: str | None = None) -> float:
        return corr(self.df, col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        return cov(self.df, col1, col2)

    def crosstab(self, col1: str, col2: str) -> Any:
        return crosstab(self.df, col1, col2)

    def freqItems(self, cols: Any, support: float | None = None) -> Any:
        return freq_items(self.df, cols, support)

    def sampleBy(self, col: Any, fractions: dict, seed: int | None = None) -> Any:
        return sample_by(self.df, col, fractions, seed)


class StatMethods:
    """The DataFrame methods that delegate here (a mixin)."""

    @property
    def stat(self) -> DataFrameStatFunctions:
        """Statistic functions: ``df.stat.corr("a", "b")``."""
        return DataFrameStatFunctions(self)

    def approxQuantile(self, col: Any, probabilities: Any, relativeError: float) -> Any:
        """Quantiles of numeric columns (exact here): ``approxQuantile("x", [0.5], 0.01)``."""
        return approx_quantile(self, col, probabilities, relativeError)

    def corr(self, col1: str, col2: str, method: str | None = None) -> float:
        """Pearson correlation of two numeric columns."""
        return corr(self, col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        """Sample covariance of two numeric columns."""
        return cov(self, col1, col2)

    def crosstab(self, col1: str, col2: str) -> Any:
        """Pair counts: one row per value of col1, one column per value of col2."""
        return crosstab(self, col1, col2)

    def freqItems(self, cols: Any, support: float | None = None) -> Any:
        """Items of each column that occur in more than ``support`` of the rows."""
        return freq_items(self, cols, support)

    def sampleBy(self, col: Any, fractions: dict, seed: int | None = None) -> Any:
        """A stratified sample: rows of stratum k kept with probability fractions[k]."""
        return sample_by(self, col, fractions, seed)
