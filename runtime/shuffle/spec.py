"""What a shuffle is: the spec a stage carries, what a map task returns, what tasks count.

A shuffle connects a *map stage* (one map task per parent partition) to a *reduce stage*
(``num_partitions`` reduce tasks). The driver builds a :class:`ShuffleSpec` when it cuts the
DAG at a shuffle dependency and ships it (cloudpickled, closures included) inside every map
and reduce task of the two stages.

* :class:`Aggregator` is PySpark's ``combineByKey`` trio. ``reduceByKey(f)`` is
  ``Aggregator(lambda v: v, f, f)`` with ``map_side_combine=True``; ``groupByKey`` is a list
  aggregator with ``map_side_combine=False`` (combining lists on the map side saves nothing).
* ``partition_func(key)`` may return any int; the writer takes ``% num_partitions`` (Python's
  ``%`` is never negative for a positive modulus, as PySpark's Partitioner relies on).
* A map task writes ONE data file, ``shuffle_{shuffle_id}_{map_id}_0.data``, and returns a
  :class:`MapStatus`. Reducer ``r``'s records are the bytes ``[offsets[r], offsets[r+1])``;
  a segment is a stream of pickled lists (:func:`runtime.serde.dump_batches` format), so an
  empty segment is zero bytes and two segments concatenate into a valid segment.
  Invariants: ``len(offsets) == num_partitions + 1``, ``offsets[0] == 0``, offsets are
  non-decreasing and ``offsets[-1]`` is the file size; ``records`` counts the records written
  (after map-side combine), summed over all segments.
* With ``map_side_combine`` a segment holds ``(key, combiner)`` pairs. A key appears at most
  once per segment unless the map task spilled and its final merge itself overflowed memory,
  so readers must merge duplicates (they always do, with ``merge_combiners``).
* ``data_format`` says what the segments hold: PICKLE, the stream of pickled lists above, or
  ARROW: each non-empty segment is ONE Arrow IPC stream (schema, record batches, end
  marker) of the rows ``spec.partitioner.partition_ids`` sent to that reducer
  (runtime/shuffle/arrow_shuffle.py); ``records`` then counts rows. Same file, offsets and
  MapStatus, so the scheduler, the fetch path and the cleanup do not know the difference.
  An ARROW shuffle may carry a ``combiner`` (the SQL engine's partial aggregation), applied
  to a reducer's buffered batches before they are spilled or written; as with records, a
  key may then appear in several batches of a segment, and the reduce side merges.
* :class:`ShuffleMetrics` is a plain counter bag the writer, reader and sorter add to; the
  engine reports it per task (Spark's shuffle write/read and spill metrics).
* :class:`FetchFailedError` is what the reader raises when a map output is missing or
  truncated, so the scheduler can resubmit the parent stage (Spark's FetchFailedException).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from runtime.dataformat import PICKLE


@dataclass
class Aggregator:
    """PySpark's combineByKey functions: V -> C, (C, V) -> C, (C, C) -> C."""

    create_combiner: Callable[[Any], Any]
    merge_value: Callable[[Any, Any], Any]
    merge_combiners: Callable[[Any, Any], Any]


@dataclass
class ShuffleSpec:
    """One shuffle dependency, as shipped to the executors of both stages.

    ``data_format`` PICKLE (records; ``partition_func``, ``aggregator``,
    ``map_side_combine``) or ARROW (record batches; ``partitioner`` and ``combiner``).
    """

    shuffle_id: int
    num_partitions: int
    partition_func: Callable[[Any], int] | None = None
    aggregator: Aggregator | None = None
    map_side_combine: bool = False
    data_format: str = PICKLE
    #: ARROW: ``partition_ids(batch, num_partitions)`` -> int64 array (partitioner.py)
    partitioner: Any = None
    #: ARROW: map-side partial aggregation, ``list[RecordBatch] -> iterable of RecordBatch``
    combiner: Callable[[list], Any] | None = None


@dataclass
class MapStatus:
    """Where one map task's output lives; returned to the driver and handed to reducers."""

    shuffle_id: int
    map_id: int
    executor_id: str
    path: str
    offsets: list[int] = field(default_factory=list)
    records: int = 0
    address: str | None = None  # host:port of the worker's shuffle service (cluster mode)

    def segment_length(self, reduce_id: int) -> int:
        return self.offsets[reduce_id + 1] - self.offsets[reduce_id]


@dataclass
class ShuffleMetrics:
    """Per-task shuffle counters (Spark's ShuffleWriteMetrics/ShuffleReadMetrics + spills).

    ``memory_bytes_spilled`` is the *estimated* in-memory size of what was spilled
    (see :mod:`runtime.shuffle.memory`); ``disk_bytes_spilled`` the bytes written to spill
    files. ``bytes_written``/``records_written`` describe final map output only.
    """

    records_written: int = 0
    bytes_written: int = 0
    records_read: int = 0
    bytes_read: int = 0  # map output segments read (local file or fetched)
    memory_bytes_spilled: int = 0
    disk_bytes_spilled: int = 0
    spill_count: int = 0

    def add(self, other: ShuffleMetrics) -> ShuffleMetrics:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)
        return self

    def as_dict(self) -> dict:
        return asdict(self)


class FetchFailedError(Exception):
    """A reducer could not read a map output (file gone, truncated, executor lost).

    The scheduler reacts by marking that map output lost and resubmitting the parent stage.
    """

    def __init__(
        self, shuffle_id: int, map_id: int, reduce_id: int, executor_id: str, message: str = ""
    ):
        self.shuffle_id = shuffle_id
        self.map_id = map_id
        self.reduce_id = reduce_id
        self.executor_id = executor_id
        self.message = message
        super().__init__(
            f"FetchFailed(shuffle {shuffle_id}, map {map_id}, reduce {reduce_id}, "
            f"executor {executor_id}): {message}"
        )

    @classmethod
    def of(cls, status: MapStatus, reduce_id: int, message: str) -> FetchFailedError:
        """The failure to read segment ``reduce_id`` of the map output ``status``."""
        return cls(status.shuffle_id, status.map_id, reduce_id, status.executor_id, message)

    def __reduce__(self):
        return (
            type(self),
            (self.shuffle_id, self.map_id, self.reduce_id, self.executor_id, self.message),
        )


def data_file_name(shuffle_id: int, map_id: int) -> str:
    """The final name of a map task's data file inside its shuffle directory."""
    return f"shuffle_{shuffle_id}_{map_id}_0.data"
