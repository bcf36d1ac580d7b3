"""A seeded, vectorized row hash over Arrow columns (the hash partitioner of DataFrames).

:func:`row_hash` returns one ``uint64`` per row of a record batch, computed from the chosen
key columns with numpy array operations only -- no Python call per row. It is not Spark's
Murmur3 (nothing outside this engine sees the values), but it is:

* **deterministic** across processes, runs and platforms: no salted ``hash()``; integers
  and float bit patterns are read as values, strings as bytes, and all arithmetic is
  ``uint64`` wrapping arithmetic, which numpy defines the same everywhere;
* **equal for values Spark groups together**: every integer type hashes as its int64
  value (an int32 ``1`` and an int64 ``1`` agree); booleans as 0/1; floats as float64 with
  ``-0.0`` made ``0.0`` and every NaN made the one canonical NaN; dates, timestamps, times
  and durations as their stored integer; strings and binaries by their bytes (utf8 and
  large_utf8 agree); dictionary arrays by their values; a null as a fixed constant (so
  null keys meet in one partition, as Spark's null-safe grouping needs).

Per column, a value becomes a ``uint64`` word:
  * fixed-width values: the int64 value, or the float64 bit pattern;
  * variable-width values: a polynomial over the bytes read as little-endian 8-byte words
    (the last one zero-padded), ``sum((w_j + 1) * P**j)`` (mod 2**64), computed for all
    rows at once from the offsets buffer: per word its index in its row, ``P**j`` from a
    table, a cumulative sum, and a difference at the row boundaries; then the length is
    mixed in.
Words are folded into the running row hash with ``h = fmix(h * M + word)`` in column order
(``fmix`` is Murmur3's 64-bit finalizer), starting from ``fmix(seed)``. Other types
(decimals, nested types) are hashed through their string cast (vectorized too, slower).

``partition_ids(batch, columns, n, seed)`` is ``row_hash % n`` as an int64 array.
numpy and pyarrow are imported lazily (an RDD-only application never loads them).
"""

from __future__ import annotations

from collections.abc import Sequence

_M = 0x9E3779B97F4A7C15  # golden-ratio multiplier, folds a column into the row hash
_P = 0x100000001B3  # FNV-64 prime, the byte polynomial's base
_NULL = 0x5BD1E9955BD1E995  # what a null key becomes
_NAN = 0x7FF8000000000000  # the canonical NaN bit pattern
_MAX_POW = 1 << 16  # powers table grows in steps; strings longer than this extend it

_pow_cache: list = []


def _np():
    import numpy as np

    return np


def fmix(h):
    """Murmur3's 64-bit finalizer over a uint64 array (wrapping arithmetic); ``h`` is
    updated in place (and returned): one scratch array, no fresh one per step."""
    np = _np()
    shift, tmp = np.uint64(33), np.empty_like(h)
    np.right_shift(h, shift, out=tmp)
    h ^= tmp
    h *= np.uint64(0xFF51AFD7ED558CCD)
    np.right_shift(h, shift, out=tmp)
    h ^= tmp
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    np.right_shift(h, shift, out=tmp)
    h ^= tmp
    return h


def _powers(n: int):
    """``P**0 .. P**(n-1)`` mod 2**64, cached."""
    np = _np()
    if not _pow_cache or len(_pow_cache[0]) < n:
        size = max(n, _MAX_POW)
        p = np.full(size, _P, dtype=np.uint64)
        p[0] = 1
        _pow_cache[:] = [np.cumprod(p, dtype=np.uint64)]
    return _pow_cache[0][:n]


def _bytes_words(arr):
    """One uint64 per row of a string/binary array (nulls: anything; masked later).

    A row's bytes are read as little-endian 8-byte words (the last one zero-padded), and
    the row's value is ``sum(word_j * P**j)`` (mod 2**64) with its length mixed in: work
    proportional to bytes / 8, all of it numpy.
    """
    import pyarrow as pa

    np = _np()
    n = len(arr)
    large = pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)
    offsets = offsets[arr.offset: arr.offset + n + 1].astype(np.int64)
    base = offsets[0]
    offsets -= base
    total = int(offsets[-1])
    lengths = np.diff(offsets)
    words = np.zeros(n, dtype=np.uint64)
    if total:
        padded = np.zeros(total + 8, dtype=np.uint8)
        padded[:total] = np.frombuffer(bufs[2], dtype=np.uint8)[base: base + total]
        window = np.lib.stride_tricks.sliding_window_view(padded, 8)
        # word 0 of every row, then words 1.. of the rows longer than 8 bytes
        w0 = _load_words(window, offsets[:-1], lengths)
        words = np.where(lengths > 0, w0 + np.uint64(1), np.uint64(0))
        long_rows = np.flatnonzero(lengths > 8)
        if len(long_rows):
            extra = (lengths[long_rows] - 1) // 8  # words after the first
            first = np.cumsum(extra) - extra
            row = np.repeat(long_rows, extra)
            j = np.arange(len(row), dtype=np.int64) - np.repeat(first, extra) + 1
            pos = offsets[row] + 8 * j
            w = _load_words(window, pos, offsets[row + 1] - pos)
            contrib = (w + np.uint64(1)) * _powers(int(extra.max()) + 1)[j]
            cs = np.zeros(len(contrib) + 1, dtype=np.uint64)
            np.cumsum(contrib, dtype=np.uint64, out=cs[1:])
            words[long_rows] += cs[first + extra] - cs[first]
    return words ^ (lengths.astype(np.uint64) * np.uint64(_M))


def _load_words(window, pos, rest):
    """The little-endian uint64 at each byte position, keeping only ``rest`` (>= 1, capped
    at 8) bytes of it."""
    np = _np()
    w = np.ascontiguousarray(window[pos]).view("<u8").ravel().astype(np.uint64)
    keep = np.minimum(rest, 8).astype(np.uint64)
    return w & (np.uint64(0xFFFFFFFFFFFFFFFF) >> (np.uint64(64) - np.uint64(8) * keep))


def column_words(arr):
    """The per-row uint64 words of one Arrow array (see the module notes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    np = _np()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        words = column_words(arr.dictionary)
        idx = arr.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        out = words[idx] if len(words) else np.zeros(len(arr), dtype=np.uint64)
    elif t == pa.int64() and not arr.null_count:  # as it is, no copy
        out = arr.to_numpy().view(np.uint64)
    elif pa.types.is_integer(t) or pa.types.is_boolean(t):
        out = arr.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
        out = out.astype(np.uint64)
    elif pa.types.is_floating(t):
        f = arr.cast(pa.float64()).fill_null(0.0).to_numpy(zero_copy_only=False)
        f = f + 0.0  # -0.0 + 0.0 == 0.0: one zero
        out = f.view(np.uint64).copy()
        out[np.isnan(f)] = np.uint64(_NAN)
    elif (pa.types.is_temporal(t)):
        width = 32 if t.bit_width == 32 else 64
        out = arr.view(pa.int32() if width == 32 else pa.int64()).cast(pa.int64())
        out = out.fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint64)
    elif pa.types.is_string(t) or pa.types.is_binary(t) \
            or pa.types.is_large_string(t) or pa.types.is_large_binary(t):
        out = _bytes_words(arr)
    elif pa.types.is_null(t):
        out = np.zeros(len(arr), dtype=np.uint64)
    else:
        return column_words(pc.cast(arr, pa.string()))
    if arr.null_count:
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        out = np.where(valid, out, np.uint64(_NULL))
    return out


def row_hash(batch, columns: Sequence[str | int], seed: int = 42):
    """One uint64 per row of ``batch`` (a RecordBatch or Table) over ``columns``."""
    np = _np()
    n = batch.num_rows
    start = fmix(np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64))[0]
    h = np.full(n, start, dtype=np.uint64)
    m = np.uint64(_M)
    for c in columns:
        col = batch.column(c)
        h *= m
        h += column_words(col)
        fmix(h)
    return h


def partition_ids(batch, columns: Sequence[str | int], num_partitions: int, seed: int = 42):
    """The reduce partition of every row: ``row_hash % num_partitions`` (int64 array)."""
    np = _np()
    if num_partitions == 1:
        return np.zeros(batch.num_rows, dtype=np.int64)
    return (row_hash(batch, columns, seed) % np.uint64(num_partitions)).astype(np.int64)
