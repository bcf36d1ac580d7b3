"""Statistical aggregates from power sums: corr, covar_pop/covar_samp, skewness, kurtosis,
the regr_* family, product, try_sum and try_avg.

Each of these is computed from a few sums over the group (n, Σx, Σy, Σxy, Σx², Σy², Σx³,
Σx⁴), so it runs partial before the shuffle and final after it like sum and count (the
MERGE table in aggregates.py). The per-row terms are hidden child expressions of the
``AggCall`` (``_TERM``: x^a·y^b of the rows where every input is non-NULL, as Spark skips a
pair with a NULL); ``finish`` turns the sums into Spark's value with numpy, per group:

* covar_pop = Cxy / n, covar_samp = Cxy / (n - 1), corr = Cxy / sqrt(Cxx·Cyy) where
  Cxy = Σxy - Σx·Σy / n; NULL for no rows, and NULL where Spark divides by zero with
  ``spark.sql.legacy.statisticalAggregate`` false (one row for the sample forms);
* skewness = sqrt(n)·m3 / m2^1.5, kurtosis = n·m4 / m2² - 3 (central moments from the raw
  sums); NULL when m2 = 0;
* regr_*(y, x) over the pairs where both are non-NULL (regr_count, avgx, avgy, sxx, syy,
  sxy, slope, intercept, r2);
* try_sum of integers sums exactly in decimal(38,0) and gives NULL beyond bigint; try_avg
  is avg without the overflow.

Computed from raw sums, results can differ from Spark's streaming (Welford) updates in the
last digits when values are large relative to their spread.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.aggregates import MERGE, AggSpec
from runtime.sql.expressions.base import AggCall, Expression
from runtime.sql.expressions.binding import arity, cast_to
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.expressions.base import Call
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.arrow_types import to_arrow

_DBL = T.DoubleType()
MERGE.setdefault("product", "product")


def _term(call: Any, args: list, ectx: Any) -> Any:
    """x^a * y^b (as double) where every child is non-NULL, else NULL."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [materialize(a, n) for a in args]
    valid = np.ones(n, bool)
    for c in cols:
        valid &= c.is_valid().to_numpy(zero_copy_only=False)
    out = np.ones(n)
    for c, p in zip(cols, dict(call.options)["powers"]):
        if p:
            out = out * pc.fill_null(c.cast(pa.float64()), 0.0).to_numpy(
                zero_copy_only=False) ** p
    return pa.array(out, pa.float64(), mask=~valid)


_TERM = FunctionSpec("__moment_term", None, _term)


def _terms(args: list[Expression], powers: list[tuple[int, ...]]) -> tuple:
    return tuple(Call(_TERM, tuple(args), _DBL, True, (("powers", p),)) for p in powers)


def _numeric(name: str, args: list[Expression]) -> list[Expression]:
    out = []
    for i, a in enumerate(args):
        if isinstance(a.dtype, T.StringType):
            a = cast_to(a, _DBL)
        if not isinstance(a.dtype, (T.NumericType, T.NullType)):
            raise type_mismatch(f"{name}({', '.join(x.sql() for x in args)})", i + 1,
                                '"NUMERIC"', a.sql(), a.dtype)
        out.append(cast_to(a, _DBL))
    return out


def _pretty(call: Any) -> str:
    return dict(call.options)["sql"]


def _sum_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    zero = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)
    return [(0, "count", pc.CountOptions(mode="only_valid"))] + \
        [(i, "sum", zero) for i in range(1, len(call.children))]


def _arrays(arrs: list) -> list:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    return [pc.fill_null(a.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
            for a in arrs]


def _result(values: Any, null: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    return pa.array(np.where(null, 0.0, values), pa.float64(), mask=null)


# power sums: (x, y) -> count, Σx, Σy, Σxy, Σx², Σy²
_PAIR = [(1, 1), (1, 0), (0, 1), (1, 1), (2, 0), (0, 2)]


def _pair_finish(kind: str):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np

        n, sx, sy, sxy, sxx, syy = _arrays(arrs)
        with np.errstate(all="ignore"):
            safe = np.where(n == 0, 1, n)
            cxy = sxy - sx * sy / safe
            cxx = sxx - sx * sx / safe
            cyy = syy - sy * sy / safe
            if kind == "covar_pop":
                return _result(cxy / safe, n == 0)
            if kind == "covar_samp":
                return _result(cxy / np.where(n <= 1, 1, n - 1), n <= 1)
            if kind == "corr":
                return _result(cxy / np.sqrt(cxx * cyy), n <= 1)
            # regr_*(y, x): the first argument is y; terms were built as (y, x)
            if kind == "regr_avgx":
                return _result(sy / safe, n == 0)
            if kind == "regr_avgy":
                return _result(sx / safe, n == 0)
            if kind == "regr_sxx":
                return _result(cyy, n == 0)
            if kind == "regr_syy":
                return _result(cxx, n == 0)
            if kind == "regr_sxy":
                return _result(cxy, n == 0)
            slope = cxy / cyy
            if kind == "regr_slope":
                return _result(slope, (n == 0) | (cyy == 0))
            if kind == "regr_intercept":
                return _result(sx / safe - slope * sy / safe, (n == 0) | (cyy == 0))
            if kind == "regr_r2":
                r2 = np.where(cxx == 0, 1.0, cxy * cxy / (cxx * cyy))
                return _result(r2, (n == 0) | (cyy == 0))
        raise AssertionError(kind)
    return finish


def _bind_pair(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 2)
        a = _numeric(name, args)
        sql = f"{name}({args[0].sql()}, {args[1].sql()})"
        return AggCall(lookup(name), _terms(a, _PAIR), _DBL, True, False, (("sql", sql),))
    return bind


for _name in ("corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_sxx",
              "regr_syy", "regr_sxy", "regr_slope", "regr_intercept", "regr_r2"):
    register(FunctionSpec(_name, _bind_pair(_name), None, _pretty,
                          agg=AggSpec(_sum_parts, _pair_finish(_name))))


def _bind_regr_count(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("regr_count", args, 2)
    sql = f"regr_count({args[0].sql()}, {args[1].sql()})"
    return AggCall(lookup("regr_count"), _terms(_numeric("regr_count", args), [(1, 1)]),
                   T.LongType(), False, False, (("sql", sql),))


def _regr_count_finish(call: AggCall, arrs: list) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.fill_null(arrs[0], 0).cast(pa.int64())


register(FunctionSpec("regr_count", _bind_regr_count, None, _pretty,
                      agg=AggSpec(_sum_parts, _regr_count_finish)))


# -- skewness / kurtosis ----------------------------------------------------------------------------
_MOMENTS = [(1,), (1,), (2,), (3,), (4,)]


def _moment_finish(kind: str):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np

        n, s1, s2, s3, s4 = _arrays(arrs)
        with np.errstate(all="ignore"):
            safe = np.where(n == 0, 1, n)
            mean = s1 / safe
            m2 = s2 - s1 * mean
            m3 = s3 - 3 * mean * s2 + 3 * mean * mean * s1 - n * mean ** 3
            m4 = s4 - 4 * mean * s3 + 6 * mean * mean * s2 - 4 * mean ** 3 * s1 + n * mean ** 4
            m2 = np.where(np.abs(m2) < 1e-12 * np.maximum(1.0, np.abs(s2)), 0.0, m2)
            if kind == "skewness":
                v = np.sqrt(n) * m3 / np.sqrt(m2 * m2 * m2)
            else:
                v = n * m4 / (m2 * m2) - 3.0
        return _result(v, (n == 0) | (m2 == 0))
    return finish


def _bind_moment(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        a = _numeric(name, args)
        return AggCall(lookup(name), _terms(a, _MOMENTS), _DBL, True, False,
                       (("sql", f"{name}({args[0].sql()})"),))
    return bind


for _name in ("skewness", "kurtosis"):
    register(FunctionSpec(_name, _bind_moment(_name), None, _pretty,
                          agg=AggSpec(_sum_parts, _moment_finish(_name))))


# -- product / try_sum / try_avg --------------------------------------------------------------------
def _bind_product(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("product", args, 1)
    return AggCall(lookup("product"), tuple(_numeric("product", args)), _DBL, True, False,
                   (("sql", f"product({args[0].sql()})"),))


def _product_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    return [(0, "product", pc.ScalarAggregateOptions(skip_nulls=True, min_count=1))]


register(FunctionSpec("product", _bind_product, None, _pretty, agg=AggSpec(
    _product_parts, lambda c, a: a[0].cast(to_arrow(_DBL)))))


def _bind_try(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if isinstance(a.dtype, T.StringType):
            a = cast_to(a, _DBL)
        if not isinstance(a.dtype, (T.NumericType, T.NullType)):
            raise type_mismatch(f"{name}({a.sql()})", 1, '"NUMERIC" or "ANSI INTERVAL"',
                                a.sql(), a.dtype)
        base = lookup("sum" if name == "try_sum" else "avg").bind([a], ctx, distinct)
        child = a
        if isinstance(a.dtype, T.IntegralType):
            child = cast_to(a, T.DecimalType(38, 0))  # exact: overflow is detected after
        elif isinstance(a.dtype, (T.FloatType, T.NullType)):
            child = cast_to(a, _DBL)
        return AggCall(lookup(name), (child,), base.dtype, True, distinct,
                       (("sql", f"{name}({'DISTINCT ' if distinct else ''}{args[0].sql()})"),
                        ("integral", isinstance(a.dtype, T.IntegralType))))
    return bind


def _try_parts(call: AggCall) -> list:
    import pyarrow.compute as pc

    if call.distinct:
        return [(0, "distinct", None)]
    parts = [(0, "sum", pc.ScalarAggregateOptions(skip_nulls=True, min_count=1))]
    if call.spec.name == "try_avg":
        parts.append((0, "count", pc.CountOptions(mode="only_valid")))
    return parts


def _try_finish(call: AggCall, arrs: list) -> Any:
    import decimal

    import pyarrow as pa
    import pyarrow.compute as pc

    total = arrs[0]
    if call.distinct:
        total = pa.array([None if not v else sum(x for x in v if x is not None)
                          for v in total.to_pylist()], total.type.value_type)
        count = None
    else:
        count = arrs[1] if len(arrs) > 1 else None
    target = to_arrow(call.dtype)
    if call.spec.name == "try_avg":
        if count is None:
            count = pa.array([None] * len(total))
        if isinstance(call.dtype, T.DecimalType):
            vals = [None if t is None or not c else
                    (decimal.Decimal(t) / c).quantize(decimal.Decimal(1).scaleb(-target.scale),
                                                      rounding=decimal.ROUND_HALF_UP)
                    for t, c in zip(total.to_pylist(), count.to_pylist())]
            return _fit(vals, target)
        return pc.divide(total.cast(pa.float64()), pc.if_else(
            pc.equal(count, 0), pa.scalar(None, pa.int64()), count).cast(pa.float64()))
    if dict(call.options).get("integral") or isinstance(call.dtype, T.DecimalType):
        return _fit(total.to_pylist(), target)
    return total.cast(target)


def _fit(values: list, target: Any) -> Any:
    """Values that do not fit ``target`` (bigint, decimal(p,s)) become NULL."""
    import pyarrow as pa

    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        try:
            out.append(pa.scalar(v).cast(target).as_py())
        except (pa.ArrowInvalid, OverflowError):
            out.append(None)
    return pa.array(out, target)


for _name in ("try_sum", "try_avg"):
    register(FunctionSpec(_name, _bind_try(_name), None, _pretty,
                          agg=AggSpec(_try_parts, _try_finish)))
