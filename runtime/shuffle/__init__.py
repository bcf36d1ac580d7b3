"""The disk shuffle, run inside executor processes.

Map tasks call :func:`write_map_output` (partition, optional map-side combine, spill when the
executor's memory pool (runtime/memory.py) is short, one data file per map task with
per-reducer offsets) and return a :class:`MapStatus` to the driver. Reduce tasks call
:func:`read_partition` with all map statuses of the shuffle (merge/aggregate with spilling)
and, for sorted outputs, :func:`external_sort`.

A shuffle has a *data format* and a *partitioner*, both in its :class:`ShuffleSpec`: PICKLE
records (portable_hash or a range partitioner; writer.py, merger.py, reader.py) or ARROW
record batches (a vectorized row-hash or range partitioner; arrow_shuffle.py), each
segment then one Arrow IPC stream. See spec.py for the file format, partitioner.py and
rowhash.py for the partitioners, memory.py for how memory is estimated.
"""

from __future__ import annotations

from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.merger import ExternalMerger
from runtime.shuffle.partitioner import (
    ArrowRangePartitioner,
    RangePartitioner,
    RowHashPartitioner,
    SortKey,
    range_bounds,
)
from runtime.shuffle.reader import fetch_local, read_partition
from runtime.shuffle.sorter import external_sort
from runtime.shuffle.spec import (
    Aggregator,
    FetchFailedError,
    MapStatus,
    ShuffleMetrics,
    ShuffleSpec,
    data_file_name,
)
from runtime.shuffle.writer import write_map_output

__all__ = [
    "Aggregator",
    "ArrowRangePartitioner",
    "ExternalMerger",
    "FetchFailedError",
    "MapStatus",
    "RangePartitioner",
    "RowHashPartitioner",
    "ShuffleMetrics",
    "ShuffleSpec",
    "SortKey",
    "data_file_name",
    "external_sort",
    "fetch_local",
    "portable_hash",
    "range_bounds",
    "read_partition",
    "write_map_output",
]
