"""An equi-join's build side indexed once, probed batch by batch: integer keys in numpy.

Arrow's hash join (``Table.join``) builds its hash table on every call. A broadcast join
streams its probe side batch by batch (a Parquet scan yields one batch per row group), so
the same build side was hashed once per probe batch: 49 times for SF 1's ``lineitem``
against ``orders``. :class:`KeyIndex` is built once per build side and probed per batch,
and it gives the matched pairs already in the order Spark's hash join emits them (probe
rows in order, each with its matches in build-row order), so no sort of the pairs follows.

**Which keys.** One or more key columns of integer types (int8..int64, uint8..uint32),
dates (days) or booleans: the TPC-H keys and most real ones. Each key column ``j`` is
shifted by its minimum over the build side, and the columns are folded into one int64
``code = sum((k_j - min_j) * mult_j)`` with ``mult_j`` the product of the spans of the
columns before it; :meth:`build` returns None (the caller falls back to Arrow's join) for
other types, or when the product of spans passes 2**62. A probe value outside its
column's build range cannot match and is dropped before folding. NULL keys never match
(Spark's ``=``): build rows with a NULL key are left out, probe rows with one find nothing.

**Three layouts**; the last two from one stable argsort of the build codes (``order``;
equal codes keep their build-row order):
* *slots*: unique codes (a primary key) whose span is at most ``DENSE_FACTOR`` times the
  build rows or ``DENSE_SLOTS``: per code its build row or -1 (int32), written without a
  sort: a probe is one gather (SF 1's orders filtered to 150k rows over order keys up to
  6M: 24 MB of slots);
* *dense*: when the codes' span is at most ``DENSE_FACTOR`` times the build rows (and at most
  ``DENSE_MAX`` slots), per code its first position in the sorted order (``starts``) and its
  count (``counts``): a probe is two gathers, ``starts[code]`` and ``counts[code]``;
* *sorted*: otherwise ``np.searchsorted`` of the probe codes in the sorted codes (left and
  right bounds).
Either gives, per probe row, a run ``order[start:start + count]`` of build rows; the runs
are expanded without a Python loop (``np.repeat`` and a cumulative sum). When every build
code is unique (a primary key) the run is at most one row and the expansion is one gather.

State: ``mins``/``maxs``/``mults`` (per key column), ``order`` (int64, build rows sorted by
code), ``slots`` or ``starts``/``counts`` (``dense``) or ``sorted_codes``, ``unique``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KeyIndex", "DENSE_FACTOR", "DENSE_MAX", "DENSE_SLOTS"]

DENSE_FACTOR = 8  # a dense table may have this many slots per build row
DENSE_MAX = 1 << 26  # and at most this many (two int64 arrays: 1 GiB at most)
DENSE_SLOTS = 1 << 23  # unique keys: a slot table this large is fine whatever the rows
_LIMIT = 1 << 62


def _int_values(arr: Any) -> tuple[Any, Any] | None:
    """(int64 numpy values with NULLs as 0, validity numpy bool array or None) of an Arrow
    array of an integer-like type; None for other types."""
    import numpy as np
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_date32(t):
        arr = arr.view(pa.int32())
    elif pa.types.is_boolean(t):
        arr = arr.cast(pa.int8())
    elif not (pa.types.is_integer(t) and t != pa.uint64()):
        return None
    valid = None
    if arr.null_count:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        arr = arr.fill_null(0)
    values = arr.to_numpy(zero_copy_only=False)
    return values.astype(np.int64, copy=False), valid


class KeyIndex:
    """See the module doc. ``build(keys)`` or None; ``probe(keys)`` -> (probe rows, build
    rows) as int64 numpy arrays, in Spark's hash join order, or None."""

    def __init__(self) -> None:
        self.mins: list[int] = []
        self.maxs: list[int] = []
        self.mults: list[int] = []
        self.order: Any = None
        self.sorted_codes: Any = None
        self.starts: Any = None
        self.counts: Any = None
        self.slots: Any = None
        self.unique = True
        self.dense = False

    @classmethod
    def build(cls, keys: list) -> KeyIndex | None:
        import numpy as np

        cols = [_int_values(k) for k in keys]
        if not keys or any(c is None for c in cols):
            return None
        n = len(keys[0])
        ok = np.ones(n, dtype=bool)
        for _, valid in cols:  # type: ignore[misc]
            if valid is not None:
                ok &= valid
        rows = np.flatnonzero(ok) if not ok.all() else None
        self = cls()
        span = 1
        code = np.zeros(n if rows is None else len(rows), dtype=np.int64)
        for values, _ in cols:  # type: ignore[misc]
            v = values if rows is None else values[rows]
            lo, hi = (int(v.min()), int(v.max())) if len(v) else (0, 0)
            width = hi - lo + 1
            if span * width >= _LIMIT:
                return None
            self.mins.append(lo)
            self.maxs.append(hi)
            self.mults.append(span)
            code += (v - lo) * span
            span *= width
        m = len(code)
        small = np.int32 if n < (1 << 31) - 1 else np.int64
        if span <= min(max(DENSE_FACTOR * m, DENSE_SLOTS), DENSE_MAX):
            # a primary key needs no sort: write each row into its code's slot; the codes
            # were unique when as many slots were written as there are rows
            slots = np.full(span, -1, dtype=small)
            slots[code] = np.arange(n, dtype=small) if rows is None else rows.astype(small)
            if m == 0 or int(np.count_nonzero(slots >= 0)) == m:
                self.dense, self.slots = True, slots
                return self
            del slots
        order = np.argsort(code, kind="stable")
        codes = code[order]
        self.order = order if rows is None else rows[order]
        self.unique = m < 2 or bool((codes[1:] != codes[:-1]).all())
        if span <= max(DENSE_FACTOR * m, 1024) and span <= DENSE_MAX:
            self.dense = True
            self.counts = np.bincount(codes, minlength=span)
            self.starts = np.cumsum(self.counts) - self.counts
        else:
            self.sorted_codes = codes
        return self

    def probe(self, keys: list) -> tuple[Any, Any] | None:
        """None when a probe key is not of an integer-like type (the caller joins with
        Arrow instead)."""
        import numpy as np

        cols = [_int_values(k) for k in keys]
        if any(c is None for c in cols):
            return None
        n = len(keys[0])
        ok = np.ones(n, dtype=bool)
        code = np.zeros(n, dtype=np.int64)
        for (values, valid), lo, hi, mult in zip(cols, self.mins, self.maxs, self.mults):
            if valid is not None:
                ok &= valid
            ok &= values >= lo
            ok &= values <= hi
            code += (values - lo) * mult
        rows = np.flatnonzero(ok)
        code = code[rows]
        if self.slots is not None:
            found = self.slots[code]
            hit = found >= 0
            return rows[hit], found[hit].astype(np.int64)
        if self.dense:
            counts = self.counts[code]
            starts = self.starts[code]
        else:
            starts = np.searchsorted(self.sorted_codes, code, side="left")
            ends = starts if self.unique else np.searchsorted(self.sorted_codes, code,
                                                                side="right")
            if self.unique:
                hit = starts < len(self.sorted_codes)
                hit[hit] = self.sorted_codes[starts[hit]] == code[hit]
                counts = hit.astype(np.int64)
            else:
                counts = ends - starts
        if self.unique:
            hit = counts > 0
            return rows[hit], self.order[starts[hit]]
        total = int(counts.sum())
        probe_rows = np.repeat(rows, counts)
        run_starts = np.cumsum(counts) - counts
        within = np.arange(total, dtype=np.int64) - np.repeat(run_starts, counts)
        return probe_rows, self.order[np.repeat(starts, counts) + within]
