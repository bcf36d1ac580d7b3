"""``DataFrame.describe()`` and ``summary()``: statistics as a DataFrame of strings.

Rows are the statistics (``count``, ``mean``, ``stddev``, ``min``, ``max``; summary adds the
25%, 50% and 75% percentiles by default), columns are ``summary`` then each numeric or string
column of the input. Every value is a string, as Spark's; mean and stddev of a string column
are NULL. Percentiles are Spark's approximate ones, exact at this size: the smallest value
whose rank reaches p * count.
"""

from __future__ import annotations

import math
from typing import Any

from runtime.sql import types as T
from runtime.sql.formatting.values import format_value
from sparkcli.lazy import FUNCTIONS as F

__all__ = ["describe", "summary"]

_NUMERIC = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType,
            T.DecimalType)


def _columns(df: Any, cols: list) -> list[T.StructField]:
    fields = df.schema.fields
    if cols:
        wanted = [c if isinstance(c, str) else str(c) for c in cols]
        return [f for f in fields if f.name in wanted]
    return [f for f in fields if isinstance(f.dataType, _NUMERIC + (T.StringType,))]


def _text(v: Any, dt: T.DataType) -> str | None:
    return None if v is None else format_value(v, dt)


def _stats(df: Any, fields: list[T.StructField], stats: list[str]) -> Any:
    out_rows: list[list] = [[s] for s in stats]
    for f in fields:
        col = F.col(f"`{f.name}`")
        numeric = isinstance(f.dataType, _NUMERIC)
        aggs = [F.count(col), F.min(col), F.max(col)]
        if numeric:
            aggs += [F.avg(col), F.stddev(col)]
        row = df.agg(*aggs).collect()[0]
        values: list = []
        if any(s.endswith("%") for s in stats):
            values = sorted(r[0] for r in df.select(col).collect() if r[0] is not None)
        for out, s in zip(out_rows, stats):
            if s == "count":
                out.append(str(row[0]))
            elif s == "min":
                out.append(_text(row[1], f.dataType))
            elif s == "max":
                out.append(_text(row[2], f.dataType))
            elif s == "mean":
                out.append(_text(row[3], T.DoubleType()) if numeric else None)
            elif s == "stddev":
                out.append(_text(row[4], T.DoubleType()) if numeric else None)
            elif s.endswith("%"):
                if not numeric or not values:
                    out.append(None)
                    continue
                p = float(s[:-1]) / 100
                idx = max(0, min(len(values) - 1, math.ceil(p * len(values)) - 1))
                out.append(_text(values[idx], f.dataType))
            else:
                out.append(None)
    schema = T.StructType([T.StructField("summary", T.StringType(), True)] +
                          [T.StructField(f.name, T.StringType(), True) for f in fields])
    return df.sparkSession.createDataFrame(out_rows, schema)


def describe(df: Any, cols: list) -> Any:
    return _stats(df, _columns(df, cols), ["count", "mean", "stddev", "min", "max"])


def summary(df: Any, statistics: list[str]) -> Any:
    stats = statistics or ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"]
    return _stats(df, _columns(df, []), stats)
