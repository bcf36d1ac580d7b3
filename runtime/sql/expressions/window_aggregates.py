"""Aggregate functions over window frames, vectorized over a sorted partition batch.

``frame_aggregate(call, inputs, w)`` computes an ``AggCall`` for every row of the batch
over the rows ``[w.fstart[i], w.fend[i])`` of its frame (see execution/window.py for how the
frames are found). The strategy depends on the frame and the function, cheapest first:

* **first/last/any_value** (ignoreNulls too) take one row: the frame's first/last (valid)
  position, found with ``searchsorted`` over the valid positions;
* **the whole partition** (no ORDER BY, or UNBOUNDED..UNBOUNDED): one Arrow hash aggregation
  by partition with the aggregate's own parts and finish (so every aggregate, with Spark's
  result type), its result broadcast back to the rows;
* **count / sum / avg / count_if** of integers or floating point over any frame: prefix sums
  (integers exactly over the whole batch; floating point running sums per partition so the
  values are what a running sum gives, as Spark computes them);
* **min / max** over running frames: numpy's accumulate per partition;
* anything else (collect_list, stddev, decimals, sliding min/max...): the frames are
  exploded into (row, frame member) pairs and aggregated by row with Arrow's hash
  aggregation, then finished as a GROUP BY would be. Memory grows with the total frame
  size, which bounded sliding frames keep small.
An empty frame gives 0 for the counting functions, [] for collect_list/set, else NULL.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import AggCall, Literal
from runtime.sql.arrow_types import to_arrow

__all__ = ["frame_aggregate"]

_COUNTING = ("count", "count_if", "approx_count_distinct")


def frame_aggregate(call: AggCall, inputs: list, w: Any) -> Any:
    import numpy as np

    name = call.spec.name
    if name in ("first", "last", "any_value", "first_value", "last_value"):
        return _first_last(call, inputs[0], w)
    whole = bool(np.all(w.fstart == w.gstart) and np.all(w.fend == w.gend))
    if whole:
        return _whole_partition(call, inputs, w)
    if not call.distinct and name in ("count", "sum", "avg", "count_if") and \
            _numeric(call, inputs):
        return _prefix(call, inputs, w)
    if not call.distinct and name in ("min", "max") and np.all(w.fstart == w.gstart) and \
            _plain_numeric(inputs[0]):
        return _running_minmax(call, inputs[0], w)
    return _exploded(call, inputs, w)


def _numeric(call: AggCall, inputs: list) -> bool:
    import pyarrow as pa

    if not inputs:
        return True
    if isinstance(call.dtype, T.DecimalType):
        return False
    t = inputs[0].type
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or \
        isinstance(call.children[0], Literal)


def _plain_numeric(x: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(x.type) or pa.types.is_floating(x.type)


def _cast(call: AggCall, arr: Any) -> Any:
    import pyarrow as pa

    target = to_arrow(call.dtype)
    arr = arr if isinstance(arr, pa.Array) else pa.array(arr)
    return arr if arr.type == target else arr.cast(target)


# -- first / last -------------------------------------------------------------------------------------
def _first_last(call: AggCall, x: Any, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ignore = dict(call.options).get("ignorenulls", False)
    last = call.spec.name in ("last", "last_value")
    nonempty = w.fend > w.fstart
    if not ignore:
        pos = w.fend - 1 if last else w.fstart
        ok = nonempty
    else:
        valid = np.flatnonzero(np.asarray(pc.is_valid(x)))
        if last:
            k = np.searchsorted(valid, w.fend, side="left") - 1
            pos = np.where(k >= 0, valid[np.maximum(k, 0)] if len(valid) else 0, -1)
            ok = nonempty & (pos >= w.fstart)
        else:
            k = np.searchsorted(valid, w.fstart, side="left")
            pos = np.where(k < len(valid), valid[np.minimum(k, len(valid) - 1)]
                           if len(valid) else 0, w.n)
            ok = nonempty & (pos < w.fend)
    if not w.n:
        return _cast(call, x)
    taken = x.take(pa.array(np.where(ok, pos, 0), pa.int64()))
    return _cast(call, pc.if_else(pa.array(ok, pa.bool_()), taken, pa.scalar(None, x.type)))


# -- whole partition ------------------------------------------------------------------------------------
def _group_aggregate(call: AggCall, inputs: list, groups: Any) -> Any:
    """The aggregate per group id (0..m-1, every id present, ids ascending in ``groups``)."""
    import pyarrow as pa

    cols: dict[str, Any] = {"__g": pa.array(groups, pa.int64())}
    specs, names = [], []
    for idx, fn, opts in call.spec.agg.parts(call):
        src = [] if idx is None else f"a{idx}"
        if idx is not None:
            cols[src] = inputs[idx]
        specs.append((src, fn, opts) if opts is not None else (src, fn))
        names.append(f"{src}_{fn}" if idx is not None else fn)
    table = pa.table(cols).group_by(["__g"], use_threads=False).aggregate(specs)
    return call.spec.agg.finish(call, [table.column(n).combine_chunks() for n in names])


def _distinct_inputs(call: AggCall, inputs: list) -> list:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not call.distinct or len(inputs) < 2:
        return inputs
    valid = inputs[0].is_valid()
    for x in inputs[1:]:
        valid = pc.and_(valid, x.is_valid())
    st = pc.make_struct(*inputs, field_names=[str(i) for i in range(len(inputs))])
    return [pc.if_else(valid, st, pa.scalar(None, st.type))]


def _whole_partition(call: AggCall, inputs: list, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    if not w.n:
        return pa.array([], to_arrow(call.dtype))
    starts = (np.arange(w.n) == w.gstart)
    gid = np.cumsum(starts) - 1
    per_group = _group_aggregate(call, _distinct_inputs(call, inputs), gid)
    return _cast(call, per_group.take(pa.array(gid, pa.int64())))


# -- prefix sums --------------------------------------------------------------------------------------
def _prefix(call: AggCall, inputs: list, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    name = call.spec.name
    if not inputs or (name == "count" and isinstance(call.children[0], Literal)
                      and call.children[0].value is not None):
        return _cast(call, pa.array(w.fend - w.fstart, pa.int64()))
    x = inputs[0]
    valid = np.asarray(pc.is_valid(x)).astype(np.int64) if x.null_count else \
        np.ones(len(x), np.int64)
    cv = np.concatenate([[0], np.cumsum(valid)])
    counts = cv[w.fend] - cv[w.fstart]
    if name == "count":
        return _cast(call, pa.array(counts, pa.int64()))
    if pa.types.is_boolean(x.type):
        x = pc.cast(x, pa.int64())
    floating = pa.types.is_floating(x.type)
    vals = np.asarray(pc.fill_null(x, 0).to_numpy(zero_copy_only=False))
    if name == "count_if":
        cs = np.concatenate([[0], np.cumsum(vals.astype(np.int64))])
        return _cast(call, pa.array(cs[w.fend] - cs[w.fstart], pa.int64()))
    if floating:
        sums = _float_sums(vals.astype(np.float64), w)
    else:
        cs = np.concatenate([[0], np.cumsum(vals.astype(np.int64))])
        sums = cs[w.fend] - cs[w.fstart]
    if name == "avg":
        with np.errstate(divide="ignore", invalid="ignore"):
            out = sums.astype(np.float64) / np.maximum(counts, 1)
        return _cast(call, pa.array(out, pa.float64(), mask=counts == 0))
    return _cast(call, pa.array(sums, pa.float64() if floating else pa.int64(),
                                mask=counts == 0))


def _float_sums(vals: Any, w: Any) -> Any:
    """Sums of floating point frames from partition-local running sums (as Spark's running
    aggregation adds them): ``R[i]`` is the sum of the partition's rows up to ``i``."""
    import numpy as np

    running = np.empty(w.n, np.float64)
    bounds = list(np.flatnonzero(np.arange(w.n) == w.gstart)) + [w.n]
    for s, e in zip(bounds[:-1], bounds[1:]):
        np.cumsum(vals[s:e], out=running[s:e])

    def prefix(p: Any) -> Any:  # the sum of vals[gstart:p]
        return np.where(p > w.gstart, running[np.maximum(p - 1, 0)] if w.n else 0.0, 0.0)

    if np.all(w.fstart == w.gstart):
        return prefix(w.fend)
    return prefix(w.fend) - prefix(w.fstart)


# -- min / max ------------------------------------------------------------------------------------------
def _running_minmax(call: AggCall, x: Any, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    is_max = call.spec.name == "max"
    floating = pa.types.is_floating(x.type)
    valid = np.asarray(pc.is_valid(x)) if x.null_count else np.ones(len(x), bool)
    if floating:
        vals = np.asarray(x.to_numpy(zero_copy_only=False), np.float64).copy()
        nan = np.isnan(vals) & valid
        # Spark orders NaN above everything: max sees NaN as the largest value
        fill = -np.inf if is_max else np.inf
        vals[~valid] = fill
        if is_max:
            vals[nan] = np.inf
        else:
            vals[nan] = np.inf
    else:
        vals = np.asarray(pc.fill_null(x, 0).to_numpy(zero_copy_only=False), np.int64).copy()
        info = np.iinfo(np.int64)
        vals[~valid] = info.min if is_max else info.max
    acc = np.empty_like(vals)
    starts = list(np.flatnonzero(np.arange(w.n) == w.gstart)) + [w.n]
    ufunc = np.maximum if is_max else np.minimum
    for s, e in zip(starts[:-1], starts[1:]):
        ufunc.accumulate(vals[s:e], out=acc[s:e])
    cv = np.concatenate([[0], np.cumsum(valid.astype(np.int64))])
    counts = cv[w.fend] - cv[w.fstart]
    pos = np.maximum(w.fend - 1, 0)
    out = acc[pos] if w.n else acc
    if floating:
        nan_cv = np.concatenate([[0], np.cumsum(nan.astype(np.int64))])
        has_nan = (nan_cv[w.fend] - nan_cv[w.fstart]) > 0
        out = np.where(has_nan & (is_max | (out == np.inf)), np.nan, out) if w.n else out
    return _cast(call, pa.array(out, x.type if floating else pa.int64(), mask=counts == 0))


# -- exploded frames ---------------------------------------------------------------------------------
def _exploded(call: AggCall, inputs: list, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lens = np.maximum(w.fend - w.fstart, 0)
    total = int(lens.sum())
    rows = np.repeat(np.arange(w.n), lens)
    firsts = np.repeat(w.fstart - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    members = np.arange(total) + firsts
    take = pa.array(members, pa.int64())
    ins = [x.take(take) for x in _distinct_inputs(call, inputs)]
    nonempty = lens > 0
    if total:
        per_row = _group_aggregate(call, ins, rows)
    else:
        per_row = pa.array([], to_arrow(call.dtype))
    slot = np.cumsum(nonempty) - 1
    idx = pa.array(np.where(nonempty, slot, 0), pa.int64(), mask=~nonempty)
    out = per_row.take(idx) if len(per_row) else pa.nulls(w.n, per_row.type)
    if call.spec.name in _COUNTING:
        out = pc.fill_null(out, 0)
    elif call.spec.name in ("collect_list", "collect_set", "array_agg"):
        out = pc.if_else(pa.array(nonempty), out, pa.scalar([], out.type))
    return _cast(call, out)
