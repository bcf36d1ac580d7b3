"""Aggregates that union sets: ``collect_union`` (the distinct elements of a group's
arrays) and Spark's bitmap aggregates ``bitmap_construct_agg`` (set the bit at each
position), ``bitmap_or_agg`` and ``bitmap_and_agg`` (OR/AND of a group's bitmaps).

A bitmap is Spark's: 4096 bytes, bit ``p`` in byte ``p // 8`` at ``1 << (p % 8)``, so
positions 0..32767 (``bitmap_bit_position`` gives them); another position is
``[INVALID_BITMAP_POSITION]``. NULL inputs are skipped; a group without any gives the empty
bitmap (all ones for ``bitmap_and_agg``, as Spark starts from a full one). An input bitmap
shorter than 4096 bytes counts as if zeros followed it.

Each aggregate collects its group's inputs with Arrow's ``hash_list`` and ``finish``
computes every group at once: bits are set with ``np.bitwise_or.at`` on a (groups, 4096)
byte matrix; collect_union's distinct (group, element) pairs come from one Arrow group-by.
collect_union drops NULL elements (its IGNORE NULLS default) and keeps first-seen order.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import ArrayIndexOutOfBoundsException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression
from runtime.sql.expressions.binding import arity, cast_to
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.arrow_types import to_arrow

_BYTES = 4096


def _lists(call: AggCall) -> list:
    return [(0, "list", None)]


def _values(lists: Any) -> tuple[Any, Any]:
    """(every collected value, numpy group index of each) from one hash_list column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    return pc.list_flatten(lists), \
        pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)


def _bitmaps(matrix: Any) -> Any:
    import pyarrow as pa

    groups = matrix.shape[0]
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(_BYTES), groups,
                                                 [None, pa.py_buffer(matrix.tobytes())])
    return fixed.cast(pa.binary())


# -- bitmap_construct_agg -------------------------------------------------------------------------
def _bind_construct(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("bitmap_construct_agg", args, 1)
    a = args[0]
    if not isinstance(a.dtype, (T.IntegralType, T.StringType, T.NullType)):
        raise type_mismatch(f"bitmap_construct_agg({a.sql()})", 1, '"BIGINT"', a.sql(), a.dtype)
    return AggCall(lookup("bitmap_construct_agg"), (cast_to(a, T.LongType()),), T.BinaryType(),
                   False, distinct)


def _construct_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    groups = len(arrs[0])
    values, parents = _values(arrs[0])
    ok = values.is_valid().to_numpy(zero_copy_only=False)
    pos = pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype(np.int64)[ok]
    parents = parents[ok]
    bad = (pos < 0) | (pos >= _BYTES * 8)
    if bad.any():
        p = int(pos[np.argmax(bad)])
        raise ArrayIndexOutOfBoundsException(
            f"[INVALID_BITMAP_POSITION] The 0-indexed bitmap position {p} is out of bounds. "
            f"The bitmap has {_BYTES * 8} bits ({_BYTES} bytes). SQLSTATE: 22003",
            errorClass="INVALID_BITMAP_POSITION",
            messageParameters={"bitPosition": str(p), "bitmapNumBytes": str(_BYTES),
                               "bitmapNumBits": str(_BYTES * 8)})
    matrix = np.zeros((groups, _BYTES), np.uint8)
    np.bitwise_or.at(matrix, (parents, pos >> 3), (1 << (pos & 7)).astype(np.uint8))
    return _bitmaps(matrix)


# -- bitmap_or_agg / bitmap_and_agg ---------------------------------------------------------------
def _bind_combine(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if not isinstance(a.dtype, (T.BinaryType, T.NullType)):
            raise type_mismatch(f"{name}({a.sql()})", 1, '"BINARY"', a.sql(), a.dtype)
        return AggCall(lookup(name), (cast_to(a, T.BinaryType()),), T.BinaryType(), False,
                       distinct)
    return bind


def _combine_finish(fill: int, ufunc_name: str):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        ufunc = getattr(np, ufunc_name)
        groups = len(arrs[0])
        values, parents = _values(arrs[0])
        ok = values.is_valid().to_numpy(zero_copy_only=False)
        values, parents = values.filter(pa.array(ok)), parents[ok]
        lens = pc.binary_length(values).to_numpy(zero_copy_only=False).astype(np.int64) \
            if len(values) else np.zeros(0, np.int64)
        rows = np.zeros((len(values), _BYTES), np.uint8)  # a short bitmap: zeros after it
        if len(values) and (lens == _BYTES).all():  # the usual case: whole bitmaps
            data = values.cast(pa.binary())
            buf = np.frombuffer(data.buffers()[2], np.uint8)
            start = int(np.frombuffer(data.buffers()[1], np.int32)[data.offset])
            rows[:] = buf[start:start + len(values) * _BYTES].reshape(len(values), _BYTES)
        else:
            for i, b in enumerate(values.to_pylist()):  # short bitmaps: zero-padded
                k = min(len(b), _BYTES)
                rows[i, :k] = np.frombuffer(b[:k], np.uint8)
        matrix = np.full((groups, _BYTES), fill, np.uint8)
        ufunc.at(matrix, parents, rows)
        return _bitmaps(matrix)
    return finish


register(FunctionSpec("bitmap_construct_agg", _bind_construct, None,
                      agg=AggSpec(_lists, _construct_finish)))
register(FunctionSpec("bitmap_or_agg", _bind_combine("bitmap_or_agg"), None,
                      agg=AggSpec(_lists, _combine_finish(0, "bitwise_or"))))
register(FunctionSpec("bitmap_and_agg", _bind_combine("bitmap_and_agg"), None,
                      agg=AggSpec(_lists, _combine_finish(255, "bitwise_and"))))


# -- collect_union --------------------------------------------------------------------------------
def _bind_collect_union(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("collect_union", args, 1)
    a = args[0]
    if not isinstance(a.dtype, T.ArrayType):
        raise type_mismatch(f"collect_union({a.sql()})", 1, '"ARRAY"', a.sql(), a.dtype)
    return AggCall(lookup("collect_union"), (a,), T.ArrayType(a.dtype.elementType, False),
                   False, distinct)


def _collect_union_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    groups = len(arrs[0])
    arrays, parents = _values(arrs[0])  # each group's arrays
    elems = pc.list_flatten(arrays)
    owner = parents[pc.list_parent_indices(arrays).to_numpy(zero_copy_only=False)] \
        if len(elems) else np.zeros(0, np.int64)
    keep = elems.is_valid().to_numpy(zero_copy_only=False)
    table = pa.table({"g": pa.array(owner[keep], pa.int64()), "v": elems.filter(pa.array(keep)),
                      "i": pa.array(np.arange(int(keep.sum())), pa.int64())})
    firsts = table.group_by(["g", "v"], use_threads=False).aggregate([("i", "min")])
    firsts = firsts.sort_by([("g", "ascending"), ("i_min", "ascending")])
    g = firsts.column("g").to_numpy()
    counts = np.bincount(g, minlength=groups)[:groups] if len(g) else np.zeros(groups, np.int64)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    out = pa.ListArray.from_arrays(offsets, firsts.column("v").combine_chunks())
    return out.cast(to_arrow(call.dtype))


register(FunctionSpec("collect_union", _bind_collect_union, None,
                      agg=AggSpec(_lists, _collect_union_finish)))
