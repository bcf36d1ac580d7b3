"""``histogram_numeric(x, nb)``: an approximate histogram of a numeric column in at most
``nb`` bins, as ``array<struct<x, y double>>`` sorted by ``x`` (the bin's centre, of the
input's type) with ``y`` its height (how many values it holds).

Spark uses Ben-Haim and Tom-Tov's streaming histogram (NumericHistogram): each value adds a
bin of height 1 (or raises an equal bin), and while there are more than ``nb`` bins the two
closest ones merge into their height-weighted mean. When a group has at most ``nb``
distinct values the answer is exact and does not depend on the order of the rows; this is
what we compute for every group at once (a sort and ``np.unique``). A group with more
distinct values starts from its exact histogram and merges the closest adjacent bins until
``nb`` remain (one numpy ``argmin`` per merge), which is the same algorithm fed in sorted
order: Spark's answer for such a group depends on the order its rows arrive in and on a
random tie-break, so no implementation can give it exactly. ``nb`` must be a constant
>= 2 (``[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE]``).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.arrow_types import to_arrow


def _bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("histogram_numeric", args, 2)
    x, nb = args
    sql = f"histogram_numeric({x.sql()}, {nb.sql()})"
    if not isinstance(x.dtype, (T.NumericType, T.DateType, T.TimestampType,
                                T.TimestampNTZType, T.NullType)):
        raise type_mismatch(sql, 1, '"NUMERIC" or "DATE" or "TIMESTAMP"', x.sql(), x.dtype)
    if not isinstance(nb, Literal) or not isinstance(nb.dtype, T.IntegralType):
        raise type_mismatch(sql, 2, '"INT"', nb.sql(), nb.dtype)
    if nb.value is None or nb.value < 2:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve "{sql}" due to data type '
            f"mismatch: The nb must be between [2, 2147483647] (current value = {nb.value}). "
            "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    xt = T.DoubleType() if isinstance(x.dtype, T.NullType) else x.dtype
    row = T.StructType([T.StructField("x", xt, True), T.StructField("y", T.DoubleType(), True)])
    return AggCall(lookup("histogram_numeric"), (x,), T.ArrayType(row, True), True, distinct,
                   (("nb", int(nb.value)), ("sql", sql)))


def _merge_closest(xs: Any, ys: Any, nb: int) -> tuple[Any, Any]:
    import numpy as np

    xs, ys = xs.astype(np.float64), ys.astype(np.float64)
    while len(xs) > nb:
        i = int(np.argmin(np.diff(xs)))
        d = ys[i] + ys[i + 1]
        xs[i] = xs[i] * (ys[i] / d) + xs[i + 1] / d * ys[i + 1]
        ys[i] = d
        xs, ys = np.delete(xs, i + 1), np.delete(ys, i + 1)
    return xs, ys


def _finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    nb = dict(call.options)["nb"]
    lists = arrs[0]
    groups = len(lists)
    raw = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    xtype = to_arrow(call.dtype.elementType).field("x").type
    as_num = raw.cast(pa.int64()) if pa.types.is_temporal(raw.type) else raw
    ok = raw.is_valid().to_numpy(zero_copy_only=False)
    v = pc.fill_null(as_num.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)[ok]
    g = parents[ok]
    pairs = np.stack([g.astype(np.float64), v], axis=1) if len(v) else np.zeros((0, 2))
    uniq, counts = np.unique(pairs, axis=0, return_counts=True)  # sorted by (group, value)
    ug = uniq[:, 0].astype(np.int64) if len(uniq) else np.zeros(0, np.int64)
    per_group = np.bincount(ug, minlength=groups)[:groups] if len(ug) else \
        np.zeros(groups, np.int64)
    xs, ys = uniq[:, 1] if len(uniq) else np.zeros(0), counts.astype(np.float64)
    if (per_group > nb).any():  # groups with too many distinct values: merge bins
        starts = np.concatenate([[0], np.cumsum(per_group)])
        parts_x, parts_y = [], []
        for k in range(groups):
            gx, gy = xs[starts[k]:starts[k + 1]], ys[starts[k]:starts[k + 1]]
            if len(gx) > nb:
                gx, gy = _merge_closest(gx, gy, nb)
            parts_x.append(gx)
            parts_y.append(gy)
        xs, ys = np.concatenate(parts_x), np.concatenate(parts_y)
        per_group = np.minimum(per_group, nb)
    xarr = pa.array(xs, pa.float64())
    if pa.types.is_integer(xtype) or pa.types.is_temporal(xtype):
        xarr = pc.cast(pc.trunc(xarr), pa.int64()).cast(xtype)
    else:
        xarr = xarr.cast(xtype, safe=False)
    structs = pa.StructArray.from_arrays([xarr, pa.array(ys, pa.float64())], ["x", "y"])
    offsets = pa.array(np.concatenate([[0], np.cumsum(per_group)]).astype(np.int32))
    empty = per_group == 0
    return pa.ListArray.from_arrays(offsets, structs, mask=pa.array(empty)) \
        .cast(to_arrow(call.dtype))


register(FunctionSpec("histogram_numeric", _bind, None, lambda c: dict(c.options)["sql"],
                      agg=AggSpec(lambda c: [(0, "list", None)], _finish)))
