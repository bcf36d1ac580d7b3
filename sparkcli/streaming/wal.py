"""A file-based write-ahead log (Spark's FileBasedWriteAheadLog), used for received blocks.

Directory layout (under the checkpoint directory, as Spark's):
    receivedData/<stream id>/log-<start ms>-<end ms>   the records of every received block
    receivedBlockMetadata/log-<start ms>-<end ms>      block additions, batch allocations,
                                                       batch clean-ups (replayed on restart)

A log is a sequence of segment files, each covering ``rolling_ms``
(``spark.streaming.receiver.writeAheadLog.rollingIntervalSecs``, 60 s) of clock time.
A record is ``<4-byte big-endian length><pickle>``; ``write`` appends, flushes and fsyncs
before returning its handle ``(path, offset, length)``, so a block counts as received only
once it is durable. ``read(handle)`` reads one record back, ``read_all()`` iterates over
every record in segment order (skipping a torn last record), ``clean(threshold)`` deletes
segments that end before ``threshold``.
"""

from __future__ import annotations

import os
import pickle
import re
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["FileWriteAheadLog"]

_SEGMENT = re.compile(r"^log-(\d+)-(\d+)$")


class FileWriteAheadLog:
    def __init__(self, directory: str, rolling_ms: int = 60000, clock: Any = None):
        self.directory = directory
        self.rolling_ms = max(1, int(rolling_ms))
        self.clock = clock
        self.lock = threading.Lock()
        self._file: Any = None
        self._path: str | None = None
        self._end = 0
        os.makedirs(directory, exist_ok=True)

    def _now(self) -> int:
        return self.clock.getTimeMillis() if self.clock is not None else int(time.time() * 1000)

    def _segment(self) -> Any:
        now = self._now()
        if self._file is None or now >= self._end:
            if self._file is not None:
                self._file.close()
            start = now
            self._end = start + self.rolling_ms
            self._path = os.path.join(self.directory, f"log-{start}-{self._end}")
            self._file = open(self._path, "ab")
        return self._file

    def write(self, record: Any) -> tuple[str, int, int]:
        data = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            f = self._segment()
            offset = f.tell()
            f.write(struct.pack(">I", len(data)) + data)
            f.flush()
            os.fsync(f.fileno())
            return (self._path, offset, len(data))  # type: ignore[return-value]

    @staticmethod
    def read(handle: tuple[str, int, int]) -> Any:
        path, offset, length = handle
        with open(path, "rb") as f:
            f.seek(offset + 4)
            data = f.read(length)
        if len(data) != length:
            raise OSError(f"write-ahead log segment {path} is truncated at offset {offset}")
        return pickle.loads(data)

    def segments(self) -> list[tuple[int, int, str]]:
        out = []
        for name in os.listdir(self.directory):
            m = _SEGMENT.match(name)
            if m:
                out.append((int(m.group(1)), int(m.group(2)), os.path.join(self.directory, name)))
        return sorted(out)

    def read_all(self) -> Iterator[Any]:
        for _, _, path in self.segments():
            with open(path, "rb") as f:
                while True:
                    head = f.read(4)
                    if len(head) < 4:
                        break
                    (n,) = struct.unpack(">I", head)
                    data = f.read(n)
                    if len(data) < n:
                        break  # torn write at a crash: the record never counted
                    yield pickle.loads(data)

    def clean(self, threshold_ms: int) -> None:
        with self.lock:
            for _, end, path in self.segments():
                if end < threshold_ms and path != self._path:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass

    def close(self) -> None:
        with self.lock:
            if self._file is not None:
                self._file.close()
                self._file = None
