"""Map output files, whatever their format: the atomic commit and the fetch of a segment.

* :func:`commit_map_output` has a format's writer write a map task's data file under a
  unique temporary name (``writer.write(tmp_path) -> (offsets, count)``), ``os.replace``-s
  it to
  ``shuffle_{shuffle_id}_{map_id}_0.data``, so a reader never sees a half-written file and
  a re-run of the same map task atomically replaces the previous output; the temporary
  file is removed when writing fails. It adds the write metrics and returns the MapStatus.
* :func:`fetch_segment` asks ``fetch(status, reduce_id)`` (cluster mode: the shuffle service
  of the worker holding the output) for a segment's bytes; a connection or I/O error
  becomes the FetchFailedError the scheduler reacts to.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable

from runtime.shuffle.merger import remove_quietly
from runtime.shuffle.spec import (
    FetchFailedError,
    MapStatus,
    ShuffleMetrics,
    ShuffleSpec,
    data_file_name,
)


def commit_map_output(
    spec: ShuffleSpec,
    map_id: int,
    executor_id: str,
    shuffle_dir: str,
    metrics: ShuffleMetrics,
    writer: Any,
) -> MapStatus:
    """Commit what ``writer.write(tmp_path) -> (offsets, count)`` writes as the map output;
    ``writer.cleanup()`` runs in every case (spill files, memory)."""
    os.makedirs(shuffle_dir, exist_ok=True)
    final = os.path.join(shuffle_dir, data_file_name(spec.shuffle_id, map_id))
    tmp = f"{final}.{uuid.uuid4().hex}.tmp"
    try:
        offsets, count = writer.write(tmp)
        os.replace(tmp, final)
    except BaseException:
        remove_quietly(tmp)
        raise
    finally:
        writer.cleanup()
    metrics.records_written += count
    metrics.bytes_written += offsets[-1]
    return MapStatus(spec.shuffle_id, map_id, executor_id, final, offsets, count)


def fetch_segment(
    fetch: Callable[[MapStatus, int], bytes], status: MapStatus, reduce_id: int
) -> bytes:
    """Segment ``reduce_id`` of ``status`` through ``fetch``, failures as FetchFailedError."""
    try:
        return fetch(status, reduce_id)
    except FetchFailedError:
        raise
    except OSError as e:  # ConnectionError included
        raise FetchFailedError.of(status, reduce_id, f"fetch failed: {e}") from e
