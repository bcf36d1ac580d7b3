"""Grouping input whose single integer key is already sorted: runs, not a hash table.

Data is often clustered on its grouping key: TPC-H's lineitem is stored in l_orderkey order,
so Q18's ``groupBy("l_orderkey").agg(sum("l_quantity"))`` sees batches whose keys never
decrease. Arrow's hash aggregation spends about 10 ms per 120k-row batch there; when the
keys are sorted the groups are the runs of equal keys, and numpy's ``reduceat`` over the
run starts aggregates them in about 1 ms.

``aggregate_sorted_runs(cols, keys, specs)`` answers the same table as
``pa.table(cols).group_by(keys, use_threads=False).aggregate(specs)`` (columns named as
Arrow names them, Arrow's result types; groups in order of first appearance, which for
sorted keys is the key order), or None when it does not apply and the caller runs Arrow:
* one grouping key of an integer type (or date32), no NULL key, non-decreasing;
* aggregations ``sum`` of int64 (what integral sums and scaled decimals are: wrapping on
  overflow as Arrow's does, which callers guard against), ``count`` (only_valid) of any
  column, ``count_all``, and ``min``/``max`` of integers; options as the callers build
  them (sums skip NULLs; ``min_count`` 0 or 1).
Anything else (float sums, whose rounding would differ from Arrow's, strings, DISTINCT,
lists) goes to Arrow.

No state: a pure function of its arguments.
"""

from __future__ import annotations

from typing import Any

__all__ = ["aggregate_sorted_runs"]

_FUNCTIONS = ("sum", "count", "count_all", "min", "max")


def aggregate_sorted_runs(cols: dict, keys: list, specs: list) -> Any:
    import pyarrow as pa

    if len(keys) != 1:
        return None
    key = cols[keys[0]]
    if isinstance(key, pa.ChunkedArray):
        key = key.combine_chunks()
    kt = key.type
    if not (pa.types.is_integer(kt) or pa.types.is_date32(kt)) or key.null_count or \
            len(key) < 2 or not all(_supported(cols, s) for s in specs):
        return None
    import numpy as np

    k = np.asarray(key.cast(pa.int32()) if pa.types.is_date32(kt) else key)
    if not bool((k[1:] >= k[:-1]).all()):
        return None
    starts = np.flatnonzero(k[1:] != k[:-1]) + 1
    starts = np.concatenate((np.zeros(1, dtype=starts.dtype), starts))
    sizes = np.diff(np.append(starts, len(k)))
    out: dict[str, Any] = {}
    for spec in specs:
        src, fn = spec[0], spec[1]
        opts = spec[2] if len(spec) > 2 else None
        if fn == "count_all":
            out["count_all"] = pa.array(sizes.astype(np.int64))
            continue
        arr = cols[src]
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        valid = None if not arr.null_count else np.asarray(arr.is_valid())
        counts = sizes.astype(np.int64) if valid is None else \
            np.add.reduceat(valid.astype(np.int64), starts)
        name = f"{src}_{fn}"
        if fn == "count":
            out[name] = pa.array(counts)
            continue
        values = np.asarray(arr.fill_null(0) if valid is not None else arr)
        if fn == "sum":
            got = np.add.reduceat(values, starts)
            min_count = _min_count(opts)
            empty = counts < min_count if min_count else None
        else:
            if valid is not None:  # NULLs must not win: the type's opposite extreme
                info = np.iinfo(values.dtype)
                values = np.where(valid, values, info.max if fn == "min" else info.min)
            got = (np.minimum if fn == "min" else np.maximum).reduceat(values, starts)
            empty = counts == 0
        mask = empty if empty is not None and bool(empty.any()) else None
        out[name] = pa.array(got, type=arr.type if fn != "sum" else pa.int64(), mask=mask)
    out[keys[0]] = key.take(pa.array(starts))
    return pa.table(out)


def _min_count(opts: Any) -> int | None:
    """A sum/min/max's ``min_count`` (0 or 1, NULLs skipped), None for other options."""
    import pyarrow.compute as pc

    if opts is None:
        return 1
    for m in (0, 1):
        if opts == pc.ScalarAggregateOptions(skip_nulls=True, min_count=m):
            return m
    return None


def _supported(cols: dict, spec: tuple) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    src, fn = spec[0], spec[1]
    opts = spec[2] if len(spec) > 2 else None
    if fn not in _FUNCTIONS:
        return False
    if fn == "count_all":
        return True
    if not isinstance(src, str) or src not in cols:
        return False
    t = cols[src].type
    if fn == "count":
        return opts is None or opts == pc.CountOptions(mode="only_valid")
    if _min_count(opts) is None:
        return False
    if fn == "sum":
        return t == pa.int64()
    return pa.types.is_integer(t)
