"""Aggregates that need a group's values: percentile, percentile_approx/approx_percentile,
median, mode, max_by/min_by, listagg/string_agg, bit_and/bit_or/bit_xor.

Each collects its inputs per group with Arrow's ``hash_list`` (so it runs in one step after
the shuffle, like collect_list) and ``finish`` computes every group at once on the
flattened lists: values are sorted by (group, value) with ``np.lexsort`` and each group's
answer is read at computed offsets, so no Python runs per group or row.

* ``percentile(x, p [, frequency])`` is exact with linear interpolation (Spark's
  Percentile); ``p`` may be an array, giving ``array<double>``;
* ``percentile_approx``/``approx_percentile`` return an element of the data (the smallest
  value whose rank reaches ``p * n``), which is what Spark's GK sketch gives when it keeps
  every value; the result has the input's type;
* ``median(x)`` is ``percentile(x, 0.5)``; ``mode(x)`` the most frequent non-NULL value
  (the smallest one on ties: ``deterministic`` in Spark);
* ``max_by(x, y)``/``min_by(x, y)``: x of the row with the largest/smallest non-NULL y.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.array_columns import flat
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.arrow_types import to_arrow

_DBL = T.DoubleType()


def _pretty(call: Any) -> str:
    return dict(call.options)["sql"]


def _lists(call: AggCall) -> list:
    return [(i, "list", None) for i in range(len(call.children))]


def _sorted(values: Any, parents: Any, keep: Any) -> tuple[Any, Any, Any, Any]:
    """Non-NULL values sorted within each group: (values, parents, group starts, counts)."""
    import numpy as np

    v, p = values[keep], parents[keep]
    order = np.lexsort((v, p))
    return v[order], p[order], order, None


def _group_offsets(parents: Any, n: int) -> tuple[Any, Any]:
    import numpy as np

    counts = np.bincount(parents, minlength=n)[:n] if len(parents) else np.zeros(n, np.int64)
    return np.cumsum(counts) - counts, counts


def _numbers(arr: Any) -> tuple[Any, Any]:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    return (pc.fill_null(arr.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False),
            arr.is_valid().to_numpy(zero_copy_only=False))


def _percentages(call: AggCall) -> tuple[list[float], bool]:
    p = dict(call.options)["p"]
    return (list(p), True) if isinstance(p, (list, tuple)) else ([p], False)


def _check_p(name: str, arg: Expression) -> Any:
    if not isinstance(arg, Literal) or arg.value is None:
        raise AnalysisException(
            f"[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"{name}\" due to data type "
            "mismatch: the input `percentage` should be a foldable \"DOUBLE\" expression. "
            "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
    v = arg.value
    values = v if isinstance(v, (list, tuple)) else [v]
    for x in values:
        if x is None or not 0.0 <= float(x) <= 1.0:
            raise AnalysisException(
                f"[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"{name}\" due to data "
                "type mismatch: The `percentage` must be between [0.0, 1.0], but got "
                f"{x}. SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    return tuple(float(x) for x in v) if isinstance(v, (list, tuple)) else float(v)


def _const(arg: Expression) -> Expression:
    """``array(0.25, 0.75)`` folded to a literal list."""
    if isinstance(arg, Literal):
        return arg
    kids = getattr(arg, "children", ())
    if kids and all(isinstance(k, Literal) for k in kids) and \
            getattr(getattr(arg, "spec", None), "name", "") == "array":
        return Literal([k.value for k in kids], arg.dtype)
    return arg


# -- percentile ---------------------------------------------------------------------------------------
def _bind_percentile(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1 if name == "median" else 2, 1 if name == "median" else 3)
        x = args[0]
        if not isinstance(x.dtype, (T.NumericType, T.NullType)):
            raise type_mismatch(f"{name}({x.sql()})", 1, '"NUMERIC"', x.sql(), x.dtype)
        if name == "median":
            p: Any = 0.5
            sql = f"median({x.sql()})"
            kids: tuple = (cast_to(x, _DBL),)
        else:
            p = _check_p(name, _const(args[1]))
            freq = args[2] if len(args) > 2 else Literal(1, T.IntegerType())
            sql = f"{name}({x.sql()}, {args[1].sql()}, {freq.sql()})"
            kids = (cast_to(x, _DBL), cast_to(freq, T.LongType()))
        dtype = T.ArrayType(_DBL, False) if isinstance(p, tuple) else _DBL
        return AggCall(lookup(name), kids, dtype, True, distinct, (("sql", sql), ("p", p)))
    return bind


def _percentile_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa

    n = len(arrs[0])
    f = flat(arrs[0], n)
    v, ok = _numbers(f.values)
    parents = f.parents
    if len(arrs) > 1:  # frequencies: repeat each value
        w, wok = _numbers(flat(arrs[1], n).values)
        ok &= wok
        reps = np.where(ok, w, 0).astype(np.int64)
        if (reps < 0).any():
            raise AnalysisException("[NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION] Found the "
                                    "negative value in frequency expression.",
                                    errorClass="NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION")
        v, parents = np.repeat(v, reps), np.repeat(parents, reps)
        ok = np.ones(len(v), bool)
    v, p, _, _ = _sorted(v, parents, ok)
    starts, counts = _group_offsets(p, n)
    ps, is_array = _percentages(call)
    cols = []
    for q in ps:
        h = q * np.maximum(counts - 1, 0)
        lo = np.floor(h).astype(np.int64)
        hi = np.ceil(h).astype(np.int64)
        safe = len(v) > 0
        vlo = v[np.minimum(starts + lo, len(v) - 1)] if safe else np.zeros(n)
        vhi = v[np.minimum(starts + hi, len(v) - 1)] if safe else np.zeros(n)
        cols.append(vlo + (h - lo) * (vhi - vlo))
    empty = counts == 0
    if not is_array:
        return pa.array(np.where(empty, 0.0, cols[0]), pa.float64(), mask=empty)
    values = np.stack(cols, axis=1).reshape(-1)
    offsets = np.arange(n + 1, dtype=np.int32) * len(ps)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.float64()),
                                    mask=pa.array(empty)).cast(to_arrow(call.dtype))


for _name in ("percentile", "median"):
    register(FunctionSpec(_name, _bind_percentile(_name), None, _pretty,
                          agg=AggSpec(_lists, _percentile_finish)))


def _bind_approx(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 2, 3)
        x = args[0]
        if not isinstance(x.dtype, (T.NumericType, T.DateType, T.TimestampType, T.NullType)):
            raise type_mismatch(f"{name}({x.sql()})", 1, '"NUMERIC" or "DATE" or "TIMESTAMP"',
                                x.sql(), x.dtype)
        p = _check_p(name, _const(args[1]))
        acc = args[2] if len(args) > 2 else Literal(10000, T.IntegerType())
        sql = f"{name}({x.sql()}, {args[1].sql()}, {acc.sql()})"
        dtype = T.ArrayType(x.dtype, False) if isinstance(p, tuple) else x.dtype
        return AggCall(lookup(name), (x,), dtype, True, distinct, (("sql", sql), ("p", p)))
    return bind


def _approx_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa

    n = len(arrs[0])
    f = flat(arrs[0], n)
    raw = f.values
    key, ok = _numbers(raw.cast(pa.int32()) if pa.types.is_date32(raw.type) else
                       raw.cast(pa.int64()) if pa.types.is_temporal(raw.type) else raw)
    idx = np.arange(len(key))
    order_idx = idx[ok][np.lexsort((key[ok], f.parents[ok]))]
    p = f.parents[order_idx]
    starts, counts = _group_offsets(p, n)
    ps, is_array = _percentages(call)
    empty = counts == 0
    picks = []
    for q in ps:
        rank = np.maximum(np.ceil(q * counts).astype(np.int64) - 1, 0)
        pos = np.where(empty, 0, starts + np.minimum(rank, np.maximum(counts - 1, 0)))
        picks.append(order_idx[pos] if len(order_idx) else np.zeros(n, np.int64))
    elem = to_arrow(call.dtype.elementType if is_array else call.dtype)
    if not is_array:
        return raw.take(pa.array(picks[0], mask=empty)).cast(elem)
    take = np.stack(picks, axis=1).reshape(-1)
    values = raw.take(pa.array(take)) if len(raw) else pa.nulls(len(take), raw.type)
    offsets = np.arange(n + 1, dtype=np.int32) * len(ps)
    return pa.ListArray.from_arrays(pa.array(offsets), values.cast(elem),
                                    mask=pa.array(empty)).cast(to_arrow(call.dtype))


for _name in ("percentile_approx", "approx_percentile"):
    register(FunctionSpec(_name, _bind_approx(_name), None, _pretty,
                          agg=AggSpec(_lists, _approx_finish)))


# -- mode ---------------------------------------------------------------------------------------------
def _bind_mode(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("mode", args, 1, 2)
    x = args[0]
    return AggCall(lookup("mode"), (x,), x.dtype, True, False, (("sql", f"mode({x.sql()})"),))


def _mode_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(arrs[0])
    f = flat(arrs[0], n)
    t = pa.table({"p": pa.array(f.parents), "v": f.values}).filter(f.values.is_valid())
    if not t.num_rows:
        return pa.nulls(n, to_arrow(call.dtype))
    g = t.group_by(["p", "v"], use_threads=False).aggregate([("p", "count")])
    order = pc.sort_indices(g, sort_keys=[("p", "ascending"), ("p_count", "descending"),
                                          ("v", "ascending")])
    g = g.take(order)
    gp = g.column("p").to_numpy()
    first = np.ones(len(gp), bool)
    first[1:] = gp[1:] != gp[:-1]
    idx = np.full(n, -1, np.int64)
    idx[gp[first]] = np.nonzero(first)[0]
    vals = g.column("v").combine_chunks()
    return vals.take(pa.array(np.maximum(idx, 0), mask=idx < 0)).cast(to_arrow(call.dtype))


register(FunctionSpec("mode", _bind_mode, None, _pretty, agg=AggSpec(_lists, _mode_finish)))


# -- max_by / min_by -----------------------------------------------------------------------------
def _bind_by(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 2)
        x, y = args
        return AggCall(lookup(name), (x, y), x.dtype, True, False,
                       (("sql", f"{name}({x.sql()}, {y.sql()})"),))
    return bind


def _by_finish(largest: bool):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(arrs[0])
        fx, fy = flat(arrs[0], n), flat(arrs[1], n)
        keep = fy.values.is_valid()
        t = pa.table({"p": pa.array(fy.parents), "y": fy.values,
                      "i": pa.array(np.arange(len(fy.parents)))}).filter(keep)
        if not t.num_rows:
            return pa.nulls(n, to_arrow(call.dtype))
        order = pc.sort_indices(t, sort_keys=[("p", "ascending"),
                                              ("y", "descending" if largest else "ascending")])
        t = t.take(order)
        gp = t.column("p").to_numpy()
        first = np.ones(len(gp), bool)
        first[1:] = gp[1:] != gp[:-1]
        pick = np.full(n, -1, np.int64)
        pick[gp[first]] = t.column("i").to_numpy()[first]
        return fx.values.take(pa.array(np.maximum(pick, 0), mask=pick < 0)).cast(
            to_arrow(call.dtype))
    return finish


register(FunctionSpec("max_by", _bind_by("max_by"), None, _pretty,
                      agg=AggSpec(_lists, _by_finish(True))))
register(FunctionSpec("min_by", _bind_by("min_by"), None, _pretty,
                      agg=AggSpec(_lists, _by_finish(False))))


# -- listagg / string_agg ---------------------------------------------------------------------------
def _bind_listagg(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1, 2)
        x = args[0]
        if not isinstance(x.dtype, (T.StringType, T.BinaryType, T.NullType)):
            x = cast_to(x, T.StringType())
        sep = args[1] if len(args) > 1 else Literal(None, T.NullType())
        sql = f"{name}({'DISTINCT ' if distinct else ''}{args[0].sql()}, {sep.sql()})"
        sep_value = sep.value if isinstance(sep, Literal) else None
        return AggCall(lookup(name), (x,), T.StringType(), True, False,
                       (("sql", sql), ("sep", sep_value or ""), ("distinct", distinct)))
    return bind


def _listagg_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    opts = dict(call.options)
    n = len(arrs[0])
    f = flat(arrs[0], n)
    keep = f.values.is_valid().to_numpy(zero_copy_only=False)
    values, parents = f.values.filter(pa.array(keep)), f.parents[keep]
    if opts["distinct"] and len(values):
        t = pa.table({"p": pa.array(parents), "v": values, "i": pa.array(
            np.arange(len(parents)))})
        g = t.group_by(["p", "v"], use_threads=False).aggregate([("i", "min")])
        order = np.lexsort((g.column("i_min").to_numpy(), g.column("p").to_numpy()))
        values = g.column("v").combine_chunks().take(pa.array(order))
        parents = g.column("p").to_numpy()[order]
    counts = np.bincount(parents, minlength=n)[:n] if len(parents) else np.zeros(n, np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), values.cast(pa.string()),
                                     mask=pa.array(counts == 0))
    return pc.binary_join(lists, opts["sep"])


for _name in ("listagg", "string_agg"):
    register(FunctionSpec(_name, _bind_listagg(_name), None, _pretty,
                          agg=AggSpec(_lists, _listagg_finish)))


# -- bit_and / bit_or / bit_xor -----------------------------------------------------------------
def _bind_bit(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        x = args[0]
        if not isinstance(x.dtype, (T.IntegralType, T.NullType)):
            raise type_mismatch(f"{name}({x.sql()})", 1, '"INTEGRAL"', x.sql(), x.dtype)
        return AggCall(lookup(name), (x,), x.dtype, True, False,
                       (("sql", f"{name}({x.sql()})"),))
    return bind


def _bit_finish(ufunc_name: str):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        ufunc = getattr(np, ufunc_name)
        n = len(arrs[0])
        f = flat(arrs[0], n)
        keep = f.values.is_valid().to_numpy(zero_copy_only=False)
        v = pc.fill_null(f.values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)[keep]
        p = f.parents[keep]
        order = np.argsort(p, kind="stable")
        v, p = v[order], p[order]
        starts, counts = _group_offsets(p, n)
        out = np.zeros(n, np.int64)
        has = counts > 0
        if len(v):
            out[has] = ufunc.reduceat(v, starts[has])
        return pa.array(out, pa.int64(), mask=~has).cast(to_arrow(call.dtype))
    return finish


for _name, _fn in (("bit_and", "bitwise_and"), ("bit_or", "bitwise_or"),
                   ("bit_xor", "bitwise_xor")):
    register(FunctionSpec(_name, _bind_bit(_name), None, _pretty,
                          agg=AggSpec(_lists, _bit_finish(_fn))))
