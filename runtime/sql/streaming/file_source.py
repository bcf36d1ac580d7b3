"""The file stream source: new files in a directory, as csv/json/text/parquet batches.

Each trigger lists the directory (hidden and ``_``-prefixed names skipped, as batch reads
do) and takes the files not seen before, oldest first by modification time (``latestFirst``
reverses it), at most ``maxFilesPerTrigger`` of them. The files of batch N are appended to
the source's log ``sources/<i>/N`` in Spark's format (one JSON object per file: path,
timestamp, batchId) before the batch runs, so a restarted query knows which files it has
seen and replays batch N's files exactly. Offset: ``{"logOffset": N}``.

``fileNameOnly`` treats files with the same name in different directories as the same file;
``maxFileAge`` ignores files older than the newest seen minus that age (not with
latestFirst and maxFilesPerTrigger both set, as Spark); ``cleanSource`` = ``archive`` (into
``sourceArchiveDir``) or ``delete`` acts on a batch's files once the batch is committed.
Files under ``k=v`` directories (a partitioned table's) carry those values as columns.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from typing import Any
from urllib.parse import unquote

from runtime.sql import types as T
from runtime.sql.io.sources import _walk
from runtime.sql.plan.logical import FileRelation
from runtime.sql.streaming.checkpoint import read_log, write_log
from runtime.sql.streaming.intervals import parse_interval_ms
from runtime.sql.streaming.sources import Source, int_option

__all__ = ["FileSource"]

class FileSource(Source):
    def __init__(self, fmt: str, path: str, schema: T.StructType, options: dict):
        self.fmt, self.path, self.schema, self.options = fmt, path, schema, dict(options)
        low = {k.lower(): v for k, v in options.items()}
        self.max_files = int_option(low, "maxfilespertrigger", 0, 1) or None
        self.latest_first = str(low.get("latestfirst", "false")).lower() == "true"
        self.name_only = str(low.get("filenameonly", "false")).lower() == "true"
        self.max_age_ms = parse_interval_ms(_spaced(low.get("maxfileage", "7d")))
        self.clean = str(low.get("cleansource", "off")).lower()
        if self.clean not in ("off", "archive", "delete"):
            raise ValueError(f"Invalid mode for clean source option {low['cleansource']}. "
                             "Must be one of archive,delete,off")
        self.archive_dir = low.get("sourcearchivedir")
        if self.clean == "archive" and not self.archive_dir:
            raise ValueError("Archive mode must be used with 'sourceArchiveDir' option.")
        self.log_dir: str | None = None  # sources/<i> in the checkpoint, set by the query
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}  # key (path or name) -> mtime
        self._batches: dict[int, list[tuple[str, float]]] = {}  # log offset -> files
        self._last = -1
        self._pending: list[tuple[str, float]] = []  # listed, not yet in a batch

    def fresh(self) -> FileSource:
        return FileSource(self.fmt, self.path, self.schema, self.options)

    def attach(self, log_dir: str) -> None:
        """Recover the seen files and batches from the checkpoint's source log."""
        self.log_dir = log_dir
        if not os.path.isdir(log_dir):
            return
        for name in sorted((n for n in os.listdir(log_dir) if n.isdigit()), key=int):
            files = [json.loads(x) for x in read_log(os.path.join(log_dir, name)) if x]
            entry = [(_local(f["path"]), f["timestamp"] / 1000.0) for f in files]
            self._batches[int(name)] = entry
            for p, ts in entry:
                self._seen[self._key(p)] = ts
            self._last = max(self._last, int(name))

    def _key(self, path: str) -> str:
        return os.path.basename(path) if self.name_only else path

    def _list(self) -> list[tuple[str, float]]:
        root = self.path[len("file:"):] if self.path.startswith("file:") else self.path
        if not os.path.isdir(root):
            return []
        found = []
        for p, _size, _parts in _walk(root, ()):
            try:
                found.append((p, os.path.getmtime(p)))
            except OSError:
                continue
        return found

    def latest_offset(self) -> Any:
        with self._lock:
            new = [(p, ts) for p, ts in self._list() if self._key(p) not in self._seen]
            if self._seen and not (self.latest_first and self.max_files):
                newest = max(self._seen.values())
                new = [(p, ts) for p, ts in new if ts >= newest - self.max_age_ms / 1000.0]
            if not new:
                return {"logOffset": self._last} if self._last >= 0 else None
            new.sort(key=lambda f: (f[1], f[0]), reverse=self.latest_first)
            take = new[:self.max_files] if self.max_files else new
            self._last += 1
            self._batches[self._last] = take
            for p, ts in take:
                self._seen[self._key(p)] = ts
            if self.log_dir is not None:
                write_log(os.path.join(self.log_dir, str(self._last)),
                          [json.dumps({"path": "file://" + p, "timestamp": int(ts * 1000),
                                       "batchId": self._last}, separators=(",", ":"))
                           for p, ts in take])
            return {"logOffset": self._last}

    def _files(self, start: Any, end: Any) -> list[str]:
        lo = -1 if start is None else int(start["logOffset"])
        out = []
        for b in range(lo + 1, int(end["logOffset"]) + 1):
            out.extend(p for p, _ in self._batches.get(b, []))
        return out

    def batch(self, start: Any, end: Any, attrs: tuple, parts: int) -> Any:
        files = []
        for p in self._files(start, end):
            try:
                files.append((p, os.path.getsize(p), _partition_values(self.path, p)))
            except OSError:
                continue
        return FileRelation(self.fmt, (self.path,), attrs, tuple(sorted(self.options.items())),
                            tuple(files))

    def num_rows(self, start: Any, end: Any) -> int:
        """Rows in the batch's files: parquet's footer counts; lines of text files (less a
        header line), which is exact unless csv/json records span lines (multiLine)."""
        total = 0
        header = str({k.lower(): v for k, v in self.options.items()}.get("header", "false")
                     ).lower() == "true"
        for p in self._files(start, end):
            try:
                if self.fmt == "parquet":
                    import pyarrow.parquet as pq

                    total += pq.ParquetFile(p).metadata.num_rows
                else:
                    with open(p, "rb") as f:
                        data = f.read()
                    n = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
                    total += max(0, n - (1 if header and self.fmt == "csv" else 0))
            except OSError:
                continue
        return total

    def commit(self, end: Any) -> None:
        if self.clean == "off" or end is None:
            return
        for p in self._files(None, end):
            if not os.path.exists(p):
                continue
            if self.clean == "delete":
                os.remove(p)
            else:
                dest = os.path.join(str(self.archive_dir), p.lstrip("/"))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.move(p, dest)

    def description(self) -> str:
        return f"FileStreamSource[file:{os.path.abspath(self.path)}]"


def _spaced(text: str) -> str:
    """'7d' -> '7 d' (maxFileAge is written without a space)."""
    import re

    m = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]+)\s*", str(text))
    return f"{m.group(1)} {m.group(2)}" if m else str(text)


def _local(path: str) -> str:
    return path[len("file://"):] if path.startswith("file://") else path


def _partition_values(root: str, path: str) -> tuple:
    """The ``k=v`` directories between the source's directory and a file (a partitioned
    table's columns, as a batch read of the directory finds them)."""
    root = root[len("file:"):] if root.startswith("file:") else root
    rel = os.path.relpath(os.path.dirname(path), os.path.abspath(root))
    if rel == "." or rel.startswith(".."):
        return ()
    out = []
    for d in rel.split(os.sep):
        if "=" in d:
            k, v = d.split("=", 1)
            out.append((unquote(k), unquote(v)))
    return tuple(out)
