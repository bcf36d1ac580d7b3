"""``pyspark.sql.functions``, aggregates: percentile, median, mode, corr, covar, skewness,
kurtosis, max_by, the regr_* family, listagg, bit_and...

>>> from pyspark.sql import functions as F
>>> F.corr("x", "y")
Column<'corr(x, y)'>
>>> F.percentile("x", 0.5)
Column<'percentile(x, 0.5, 1)'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql.expressions.base import UnresolvedFunction
from sparkcli.sql.column import Column, lit_expr
from sparkcli.sql.functions.arguments import by_kinds, call, col_arg, value_arg

__all__ = [
    "approx_percentile", "array_agg", "bit_and", "bit_or", "bit_xor", "bitmap_and_agg",
    "bitmap_construct_agg", "bitmap_or_agg", "collect_union", "corr", "covar_pop",
    "covar_samp", "first_value", "histogram_numeric", "kurtosis", "last_value", "listagg",
    "listagg_distinct", "max_by", "median", "min_by", "mode", "percentile",
    "percentile_approx", "product", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept",
    "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "skewness", "std",
    "string_agg", "string_agg_distinct", "try_avg", "try_sum",
]

for _n in ("kurtosis", "skewness", "median", "product", "try_avg", "try_sum", "bit_and",
           "bit_or", "bit_xor", "array_agg"):
    globals()[_n] = by_kinds("collect_list" if _n == "array_agg" else _n, "c")
for _n in ("corr", "covar_pop", "covar_samp", "max_by", "min_by", "regr_avgx", "regr_avgy",
           "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
           "regr_syy"):
    globals()[_n] = by_kinds(_n, "cc")
std = by_kinds("stddev", "c")


def _percentage(p: Any) -> Any:
    if isinstance(p, (list, tuple)):
        return call("array", *(lit_expr(float(x)) for x in p))
    return value_arg(p)


def percentile(col: Any, percentage: Any, frequency: Any = 1) -> Column:
    """Exact percentile(s) with linear interpolation (``percentage`` may be a list)."""
    return call("percentile", col_arg(col), _percentage(percentage), value_arg(frequency))


def percentile_approx(col: Any, percentage: Any, accuracy: Any = 10000) -> Column:
    return call("percentile_approx", col_arg(col), _percentage(percentage),
                value_arg(accuracy))


def approx_percentile(col: Any, percentage: Any, accuracy: Any = 10000) -> Column:
    return call("approx_percentile", col_arg(col), _percentage(percentage),
                value_arg(accuracy))


def mode(col: Any, deterministic: bool = False) -> Column:
    return call("mode", col_arg(col))


def first_value(col: Any, ignoreNulls: Any = None) -> Column:
    args = [col_arg(col)] + ([value_arg(ignoreNulls)] if ignoreNulls is not None else [])
    return call("first_value", *args)


def last_value(col: Any, ignoreNulls: Any = None) -> Column:
    args = [col_arg(col)] + ([value_arg(ignoreNulls)] if ignoreNulls is not None else [])
    return call("last_value", *args)


def _agg_text(name: str, distinct: bool):
    def f(col: Any, delimiter: Any = None) -> Column:
        args = [col_arg(col)] + ([value_arg(delimiter)] if delimiter is not None else [])
        return Column(UnresolvedFunction(name, tuple(args), distinct))
    f.__name__ = name + ("_distinct" if distinct else "")
    f.__doc__ = f"The group's strings joined by ``delimiter`` (Spark's ``{name}``)."
    return f


listagg = _agg_text("listagg", False)
listagg_distinct = _agg_text("listagg", True)
string_agg = _agg_text("string_agg", False)
string_agg_distinct = _agg_text("string_agg", True)


bitmap_construct_agg = by_kinds("bitmap_construct_agg", "c")
bitmap_or_agg = by_kinds("bitmap_or_agg", "c")
bitmap_and_agg = by_kinds("bitmap_and_agg", "c")
collect_union = by_kinds("collect_union", "c")
histogram_numeric = by_kinds("histogram_numeric", "cv")
