"""Reading event logs back: replay into a status store, and the listing the history server shows.

Layouts read (all written by Spark or by :mod:`runtime.eventlog.writer`):

* a single file ``<app id>[_<attempt>][.<codec>][.inprogress]``;
* Spark 4's rolling directory ``eventlog_v2_<app id>/`` holding ``events_<N>_<app id>[.<codec>]``
  parts (read in N order) and an ``appstatus_<app id>[.inprogress]`` marker.

A name ending in ``.inprogress`` (or a rolling directory whose marker does) is an application
that has not stopped: still running, or crashed. Its last line may be cut in the middle; an
unparseable *last* line is skipped, an unparseable line elsewhere is an error naming the file
and line. Codecs: none, and zstd with the ``zstandard`` package; lz4, lzf and snappy logs
raise :class:`EventLogError` saying so.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from runtime.eventlog.writer import IN_PROGRESS
from runtime.status.store import AppStatusStore

CODECS = ("zstd", "lz4", "lzf", "snappy")
ROLLING_PREFIX = "eventlog_v2_"


class EventLogError(ValueError):
    """An event log that cannot be read; the message names the file."""


@dataclass
class LogInfo:
    path: str          # a file, or a rolling directory
    app_id_hint: str   # from the name (the log's ApplicationStart has the real id)
    completed: bool
    mtime_ms: int
    size: int


def _codec_of(name: str) -> str | None:
    base = name.removesuffix(IN_PROGRESS)
    ext = base.rsplit(".", 1)[-1] if "." in base else ""
    return ext if ext in CODECS else None


def _open(path: str) -> IO[bytes]:
    codec = _codec_of(os.path.basename(path))
    if codec is None:
        return open(path, "rb")
    if codec == "zstd":
        try:
            import zstandard  # lazy: only for zstd logs
        except ImportError:
            raise EventLogError(f"{path}: a zstd event log needs the zstandard package "
                                "(pip install zstandard)") from None
        raw = open(path, "rb")  # noqa: SIM115 - closed through the reader
        return zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True,
                                                          closefd=True)
    raise EventLogError(f"{path}: event logs compressed with {codec} cannot be read here "
                        "(write them with spark.eventLog.compression.codec=zstd or none)")


def _parts(path: str) -> list[str]:
    if not os.path.isdir(path):
        return [path]
    parts = []
    for name in os.listdir(path):
        m = re.match(r"events_(\d+)_", name)
        if m:
            parts.append((int(m.group(1)), os.path.join(path, name)))
    return [p for _n, p in sorted(parts)]


def read_events(path: str) -> Iterator[dict]:
    """The events of one log (file or rolling directory), in order."""
    for part in _parts(path):
        try:
            stream = _open(part)
        except OSError as e:
            raise EventLogError(f"{part}: {e.strerror or e}") from None
        with stream:
            text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
            pending: tuple[int, str] | None = None
            for number, line in enumerate(text, 1):
                if pending is not None:
                    raise EventLogError(f"{part}:{pending[0]}: not a JSON event: "
                                        f"{pending[1][:80]!r}")
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except ValueError:
                    pending = (number, line)  # tolerated only as the very last line


def replay(path: str, store: AppStatusStore) -> AppStatusStore:
    for event in read_events(path):
        store.post(event)
    return store


def _is_log_name(name: str) -> bool:
    return not name.startswith(".") and not name.endswith(".crc")


def list_logs(log_dir: str) -> list[LogInfo]:
    """Every event log in ``log_dir``, newest first."""
    out = []
    try:
        names = os.listdir(log_dir)
    except FileNotFoundError:
        return []
    for name in names:
        path = os.path.join(log_dir, name)
        if not _is_log_name(name):
            continue
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        if os.path.isdir(path):
            if not name.startswith(ROLLING_PREFIX):
                continue
            app = name[len(ROLLING_PREFIX):]
            inner = os.listdir(path)
            completed = any(n == f"appstatus_{app}" for n in inner)
            size = sum(os.path.getsize(p) for p in _parts(path))
            mtime = max([st.st_mtime] + [os.path.getmtime(p) for p in _parts(path)])
            out.append(LogInfo(path, app, completed, int(mtime * 1000), size))
        else:
            base = name.removesuffix(IN_PROGRESS)
            codec = _codec_of(name)
            if codec:
                base = base[: -len(codec) - 1]
            out.append(LogInfo(path, base, not name.endswith(IN_PROGRESS),
                               int(st.st_mtime * 1000), st.st_size))
    out.sort(key=lambda i: -i.mtime_ms)
    return out
