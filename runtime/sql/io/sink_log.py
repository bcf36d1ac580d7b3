"""The ``_spark_metadata`` log of a streaming file sink, as batch readers see it.

A streaming file sink (runtime/sql/streaming/sinks.py) writes each batch's files into its
output directory and then lists them in ``<dir>/_spark_metadata/<batch id>``: a version
line (``v1``) and one JSON object per file (``path``, ``size``, ``action`` ``add`` or
``delete``...). Files of a batch that failed, or whose log entry was never written (a
driver killed between the two), are in the directory but not in the log. Spark's batch
readers therefore trust the log, not the listing: reading a directory that holds a
``_spark_metadata`` folder reads exactly the files the log adds (and does not delete),
including compacted logs (``<n>.compact``, the entries of every batch up to n).

:func:`committed_files` returns those paths in log order, or None when the directory has
no such log (then the directory is listed as usual).
"""

from __future__ import annotations

import json
import os

from runtime.sql.streaming.checkpoint import read_log

__all__ = ["METADATA_DIR", "committed_files"]

METADATA_DIR = "_spark_metadata"


def _batch_files(log: str) -> list[tuple[int, str]]:
    """(batch id, file name) of the log's entries from the newest compaction on."""
    entries = []
    for n in os.listdir(log):
        stem, _, ext = n.partition(".")
        if stem.isdigit() and ext in ("", "compact"):
            entries.append((int(stem), n))
    entries.sort()
    compacted = [i for i, (_, n) in enumerate(entries) if n.endswith(".compact")]
    return entries[compacted[-1]:] if compacted else entries


def committed_files(path: str) -> list[str] | None:
    """The data files a file sink's log under ``path`` lists, or None without a log."""
    log = os.path.join(path, METADATA_DIR)
    if not os.path.isdir(log):
        return None
    files: dict[str, None] = {}
    for _, name in _batch_files(log):
        for line in read_log(os.path.join(log, name)):
            if not line:
                continue
            entry = json.loads(line)
            p = entry["path"]
            p = p[len("file://"):] if p.startswith("file://") else \
                p[len("file:"):] if p.startswith("file:") else p
            if entry.get("action", "add") == "delete":
                files.pop(p, None)
            else:
                files[p] = None
    return list(files)
