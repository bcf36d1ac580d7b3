"""The reduce side of a shuffle: every map task's segment for one reducer -> records.

:func:`read_partition` walks the map statuses in order (map 0 first) and reads segment
``reduce_id`` of each map output: by default straight from the local data file (seek, then
unpickle batches until the segment's end offset -- memory holds one batch, not the segment),
or through ``fetch(status, reduce_id) -> bytes`` when the output lives elsewhere (cluster
mode passes an RPC fetch; :func:`fetch_local` is what a worker serves).

What it yields depends on the spec:

* no aggregator: the raw records, map 0's first, each map's in its write order;
* aggregator, ``map_side_combine``: ``(key, combiner)`` with every key once, merging the
  map outputs' combiners with ``merge_combiners``;
* aggregator, no map-side combine: ``(key, combiner)`` built from raw values with
  ``create_combiner`` / ``merge_value`` (groupByKey's lists, combineByKey without combine).

Aggregation goes through :class:`~runtime.shuffle.merger.ExternalMerger`, which spills to
hash-partitioned bucket files under ``tmp_dir`` when its budget of the executor's pool
(:mod:`runtime.memory`) cannot grow, and then merges bucket
by bucket, so memory stays bounded by the pool (and by the largest single key's combiner).
Its spills log on "ExternalAppendOnlyMap", Spark's reduce-side aggregator. Output order of
keys is unspecified, as in Spark.

A missing, unreadable or truncated map output raises
:class:`~runtime.shuffle.spec.FetchFailedError` naming the map task, so the scheduler can
recompute it. ``metrics.records_read`` counts records as they are deserialized.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from typing import Callable

from runtime.dataformat import ARROW
from runtime.memory import Memory
from runtime.shuffle.arrow_shuffle import read_arrow_partition
from runtime.shuffle.files import fetch_segment
from runtime.shuffle.merger import FILE_BUFFER, ExternalMerger
from runtime.shuffle.spec import FetchFailedError, MapStatus, ShuffleMetrics, ShuffleSpec

LOGGER = "ExternalAppendOnlyMap"


def fetch_local(status: MapStatus, reduce_id: int) -> bytes:
    """Segment ``reduce_id`` of a local map output, as bytes (what a shuffle server sends)."""
    start, end = status.offsets[reduce_id], status.offsets[reduce_id + 1]
    if end <= start:
        return b""
    try:
        with open(status.path, "rb") as f:
            f.seek(start)
            data = f.read(end - start)
    except OSError as e:
        raise FetchFailedError.of(status, reduce_id, f"cannot read {status.path}: {e}") from e
    if len(data) != end - start:
        raise FetchFailedError.of(status, reduce_id, f"{status.path} is truncated")
    return data


def read_partition(
    statuses: list[MapStatus],
    reduce_id: int,
    spec: ShuffleSpec,
    memory: Memory,
    tmp_dir: str,
    metrics: ShuffleMetrics,
    fetch: Callable[[MapStatus, int], bytes] | None = None,
) -> Iterator:
    """Records of reduce partition ``reduce_id``, aggregated as ``spec`` says (lazy); for an
    ARROW spec, its record batches (:func:`~runtime.shuffle.arrow_shuffle.read_arrow_partition`).
    """
    if spec.data_format == ARROW:
        yield from read_arrow_partition(statuses, reduce_id, metrics, fetch)
        return
    records = _shuffled_records(statuses, reduce_id, metrics, fetch)
    agg = spec.aggregator
    if agg is None:
        yield from records
        return
    merger = ExternalMerger(agg, memory, tmp_dir, metrics, logger_name=LOGGER)
    try:
        if spec.map_side_combine:
            merger.merge_combiners(records)
        else:
            merger.merge_values(records)
    except BaseException:
        merger.cleanup()
        raise
    yield from merger.items()


def _shuffled_records(
    statuses: list[MapStatus],
    reduce_id: int,
    metrics: ShuffleMetrics,
    fetch: Callable[[MapStatus, int], bytes] | None,
) -> Iterator:
    load = pickle.load
    for st in statuses:
        start, end = st.offsets[reduce_id], st.offsets[reduce_id + 1]
        if end <= start:
            continue
        if fetch is None:
            try:
                f = open(st.path, "rb", buffering=FILE_BUFFER)  # noqa: SIM115 -- closed below
            except OSError as e:
                raise FetchFailedError.of(st, reduce_id, f"cannot open {st.path}: {e}") from e
        else:
            data = fetch_segment(fetch, st, reduce_id)
            f = io.BytesIO(data)
            start, end = 0, len(data)
        metrics.bytes_read += end - start
        with f:
            f.seek(start)
            tell = f.tell
            while tell() < end:
                try:
                    batch = load(f)
                except (EOFError, pickle.UnpicklingError) as e:
                    raise FetchFailedError.of(
                        st, reduce_id, f"corrupt or truncated segment: {e}") from e
                metrics.records_read += len(batch)
                yield from batch
