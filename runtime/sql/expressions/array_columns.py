"""Array and map columns taken apart and put back together, for the collection kernels.

An array column is handled as three flat pieces (``Flat``): ``values`` (every element of
every non-NULL array, in order), ``parents`` (the row of each element, numpy int64) and
``pos`` (its 0-based index within its array), plus per row ``lens`` (0 for a NULL array)
and ``valid``. Kernels compute on the flat pieces with Arrow/numpy and ``rebuild`` a list
column from kept elements and their rows (``np.bincount`` gives the new offsets), so no
Python runs per row. Maps are the same as arrays of ``struct<key, value>`` (``map_flat``,
``rebuild_map``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.sql.arrow_types import to_arrow
from runtime.sql.expressions.evaluate import materialize

__all__ = ["Flat", "flat", "map_flat", "rebuild", "rebuild_map", "width"]


def width(args: list) -> int:
    import pyarrow as pa

    return max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)


@dataclass
class Flat:
    values: Any  # pa.Array of elements
    parents: Any  # numpy int64: row of each element
    pos: Any  # numpy int64: index of each element in its array
    lens: Any  # numpy int64 per row (0 for NULL)
    valid: Any  # numpy bool per row
    starts: Any  # numpy int64: index in ``values`` of each row's first element

    @property
    def n(self) -> int:
        return len(self.lens)


def flat(arr: Any, n: int) -> Flat:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = materialize(arr, n)
    if pa.types.is_map(arr.type):
        return map_flat(arr, n)
    if pa.types.is_null(arr.type):
        z = np.zeros(n, np.int64)
        return Flat(pa.array([], pa.null()), z[:0], z[:0], z, np.zeros(n, bool), z)
    values = pc.list_flatten(arr)
    parents = pc.list_parent_indices(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    lens = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False) \
        .astype(np.int64)
    starts = np.cumsum(lens) - lens
    pos = np.arange(len(parents), dtype=np.int64) - starts[parents]
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    return Flat(values, parents, pos, lens, valid, starts)


def map_flat(arr: Any, n: int) -> Flat:
    """A map column as a Flat of ``struct<key, value>`` entries."""
    import pyarrow as pa

    arr = materialize(arr, n)
    entries = pa.StructArray.from_arrays([arr.keys, arr.items], names=["key", "value"])
    lists = pa.ListArray.from_arrays(arr.offsets, entries, mask=arr.is_null())
    return flat(lists, n)


def rebuild(values: Any, parents: Any, n: int, valid: Any, list_type: Any) -> Any:
    """A list column of ``n`` rows from elements ``values`` (grouped by row, in order) of
    rows ``parents``; rows where ``valid`` is false are NULL."""
    import numpy as np
    import pyarrow as pa

    counts = np.bincount(np.asarray(parents, np.int64), minlength=n)[:n] if len(parents) \
        else np.zeros(n, np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    elem = list_type.value_type
    if values.type != elem:
        values = values.cast(elem)
    out = pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(~valid))
    return out if out.type == list_type else out.cast(list_type)


def rebuild_map(keys: Any, items: Any, parents: Any, n: int, valid: Any, map_type: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    counts = np.bincount(np.asarray(parents, np.int64), minlength=n)[:n] if len(parents) \
        else np.zeros(n, np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    keys = keys.cast(map_type.key_type) if keys.type != map_type.key_type else keys
    items = items.cast(map_type.item_type) if items.type != map_type.item_type else items
    off = pa.array(offsets, mask=np.concatenate([~valid, [False]]))
    return pa.MapArray.from_arrays(off, keys, items, type=map_type)


def arrow_type(dtype: Any) -> Any:
    return to_arrow(dtype)
