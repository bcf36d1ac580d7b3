"""The disk shuffle, run inside executor processes.

Map tasks call :func:`write_map_output` (hash-partition, optional map-side combine, spill past
what the executor's memory pool (runtime/memory.py) grants, one data file per map task with per-reducer offsets) and return a
:class:`MapStatus` to the driver. Reduce tasks call :func:`read_partition` with all map
statuses of the shuffle (merge/aggregate with spilling) and, for sorted outputs,
:func:`external_sort`. See spec.py for the file format, memory.py for how memory is
estimated, merger.py for the spill files and the spilling aggregator.
"""

from __future__ import annotations

from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.merger import ExternalMerger
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
    "ExternalMerger",
    "FetchFailedError",
    "MapStatus",
    "ShuffleMetrics",
    "ShuffleSpec",
    "data_file_name",
    "external_sort",
    "fetch_local",
    "portable_hash",
    "read_partition",
    "write_map_output",
]
