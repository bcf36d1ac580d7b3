"""Partitioners: which reduce partition a record, or each row of a record batch, goes to.

A shuffle's partitioner is chosen when the plan is built and travels in its
:class:`~runtime.shuffle.spec.ShuffleSpec`. Two shapes, one per data format:

* **records** (the PICKLE format): a callable ``key -> int``; the writer takes
  ``% num_partitions``. :func:`~runtime.shuffle.hashing.portable_hash` (PySpark's, the
  default of every RDD shuffle) or :class:`RangePartitioner`, sortByKey's: ``bounds`` are
  ``num_partitions - 1`` keys picked from a sorted sample (:func:`range_bounds`) and a key
  goes to ``bisect_left(bounds, keyfunc(key))``, mirrored when descending.
* **batches** (the ARROW format): an object with ``partition_ids(batch, n)`` returning an
  int64 numpy array with one partition per row, computed without a Python call per row.
  :class:`RowHashPartitioner` hashes key columns with the seeded row hash of
  :mod:`runtime.shuffle.rowhash`; :class:`ArrowRangePartitioner` sorts key columns with
  Spark's ordering -- ascending puts nulls first, descending puts them last, NaN is larger
  than every number, ``-0.0`` equals ``0.0`` (pyarrow.compute.sort_indices with a per-key
  null placement and an ``is_nan`` companion key per float column) -- and sends a row to the number of bounds that
  sort strictly before it, so rows equal to a bound go left of it, like ``bisect_left``.
  Its bounds come from a sample (:meth:`ArrowRangePartitioner.from_sample`), as Spark's
  RangePartitioner's do.

All partitioners are plain picklable objects (they ship inside the stage binary).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable

from runtime.shuffle.rowhash import partition_ids as hash_partition_ids


def _identity(x: Any) -> Any:
    return x


def range_bounds(sorted_sample: list, num_partitions: int) -> list:
    """sortByKey's bounds: ``num_partitions - 1`` evenly spaced keys of a sorted sample."""
    if not sorted_sample:
        return []
    n = len(sorted_sample)
    return [sorted_sample[int(n * (i + 1) / num_partitions)] for i in range(num_partitions - 1)]


@dataclass
class RangePartitioner:
    """Records: ``key -> partition`` by bisecting sorted sample bounds (sortByKey's)."""

    bounds: list
    num_partitions: int
    ascending: bool = True
    keyfunc: Callable[[Any], Any] = _identity

    def __call__(self, key: Any) -> int:
        p = bisect.bisect_left(self.bounds, self.keyfunc(key))
        return p if self.ascending else self.num_partitions - 1 - p


@dataclass
class RowHashPartitioner:
    """Batches: rows with equal key columns go to the same partition (seeded row hash)."""

    columns: Sequence[str | int]
    seed: int = 42

    def partition_ids(self, batch, num_partitions: int):
        return hash_partition_ids(batch, self.columns, num_partitions, self.seed)


@dataclass
class SortKey:
    """One column of a sort order, with Spark's default null placement."""

    column: str | int
    ascending: bool = True
    nulls_first: bool | None = None  # None: Spark's default (first when ascending)

    @property
    def null_placement(self) -> str:
        first = self.ascending if self.nulls_first is None else self.nulls_first
        return "at_start" if first else "at_end"


def _sort_table(columns: list, keys: Sequence[SortKey]):
    """The key columns as a table ``k0, k1, ...`` ready for :func:`_sort_indices`.

    Floats are normalised (``-0.0 + 0.0`` is ``0.0``) and get a companion column
    ``n{i} = is_nan(k{i})`` that sorts before them: Arrow places NaN next to the nulls,
    Spark treats NaN as larger than every number.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = {}
    for i, arr in enumerate(columns):
        if pa.types.is_floating(arr.type):
            arr = pc.add(arr, pa.scalar(0.0, arr.type))
            out[f"n{i}"] = pc.is_nan(arr)
        out[f"k{i}"] = arr
    return pa.table(out)


def _sort_indices(table, keys: Sequence[SortKey]):
    """Spark's order over the ``k{i}`` (and ``n{i}``) columns of ``table`` (stable)."""
    import pyarrow.compute as pc

    sort_keys = []
    names = set(table.column_names)
    for i, k in enumerate(keys):
        order = "ascending" if k.ascending else "descending"
        if f"n{i}" in names:
            sort_keys.append((f"n{i}", order, k.null_placement))
        sort_keys.append((f"k{i}", order, k.null_placement))
    return pc.sort_indices(table, sort_keys=sort_keys)


@dataclass
class ArrowRangePartitioner:
    """Batches: range partitioning on sort keys with Spark's ordering (see module notes).

    ``bounds`` is a pyarrow Table of the key columns (``k0``, ``k1``, ...) holding
    ``num_partitions - 1`` rows in sort order.
    """

    keys: Sequence[SortKey]
    bounds: Any = None

    @classmethod
    def from_sample(cls, sample, keys: Sequence[SortKey], num_partitions: int):
        """Bounds from a sample (a Table or RecordBatch holding the key columns)."""
        table = _sort_table([sample.column(k.column) for k in keys], keys)
        if table.num_rows == 0 or num_partitions <= 1:
            return cls(list(keys), table.slice(0, 0))
        ordered = table.take(_sort_indices(table, keys))
        n = ordered.num_rows
        picks = [min(n - 1, int(n * (i + 1) / num_partitions)) for i in range(num_partitions - 1)]
        return cls(list(keys), ordered.take(picks))

    def partition_ids(self, batch, num_partitions: int):
        import numpy as np
        import pyarrow as pa

        rows = batch.num_rows
        nb = 0 if self.bounds is None else self.bounds.num_rows
        if num_partitions == 1 or nb == 0:
            return np.zeros(rows, dtype=np.int64)
        keys = list(self.keys)
        data = _sort_table([batch.column(k.column) for k in keys], keys)
        bounds = self.bounds.cast(data.schema) if self.bounds.schema != data.schema \
            else self.bounds
        # rows first, then bounds; a stable sort keeps a row before an equal bound
        both = pa.concat_tables([data, bounds])
        order = _sort_indices(both, keys).to_numpy()
        is_bound = order >= rows
        bounds_before = np.cumsum(is_bound) - is_bound
        out = np.empty(rows, dtype=np.int64)
        out[order[~is_bound]] = bounds_before[~is_bound]
        return np.minimum(out, num_partitions - 1)
