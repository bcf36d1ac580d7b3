"""Input DStreams: queueStream, textFileStream / binaryRecordsStream, receiver streams.

* :class:`QueueInputDStream` -- each batch takes the next RDD of a queue (or all of them
  when ``oneAtATime=False``); an empty queue gives ``default`` or an empty RDD. A list is
  copied when the stream is made (PySpark: later changes are not seen); a
  ``collections.deque`` or ``queue.Queue`` is read live (sparkcli extension). Like Spark,
  queue streams cannot be checkpointed.
* :class:`FileInputDStream` -- Spark's FileInputDStream with newFilesOnly=true: batch t
  takes the files of the directory whose modification time is in
  (max(start time, t - remember), t] and that no earlier batch took. Files must appear
  atomically (write elsewhere, then rename in): a file's modification time, not its
  arrival, decides its batch, and files older than the remember window
  (``spark.streaming.fileStream.minRememberDuration``, 60 s) are ignored. Names starting
  with "." are skipped. The files chosen per batch are saved in checkpoints, so a
  recovered context rebuilds exactly the same batches.
* :class:`ReceiverInputDStream` -- batch t is made of the blocks the ReceiverTracker gave
  to t (one partition per block).
"""

from __future__ import annotations

import collections
import os
import queue as _queue
from collections.abc import Iterator
from typing import Any

from runtime.lineage.sources import BlockList
from sparkcli.rdd import RDD, wrap
from sparkcli.streaming.graph import InputDStream

__all__ = ["FileInputDStream", "QueueInputDStream", "ReceiverInputDStream"]


class QueueInputDStream(InputDStream):
    def __init__(self, ssc: Any, rdds: Any, one_at_a_time: bool, default: Any):
        super().__init__(ssc)
        if isinstance(rdds, (collections.deque, _queue.Queue)):
            self.queue = rdds
        else:
            self.queue = collections.deque(rdds)
        self.one_at_a_time = one_at_a_time
        self.default = default

    def __getstate__(self) -> dict:
        raise TypeError("queueStream doesn't support checkpointing. Please don't use "
                        "queueStream when checkpointing is enabled.")

    def _take(self) -> list:
        q = self.queue
        out = []
        while True:
            try:
                out.append(q.get_nowait() if isinstance(q, _queue.Queue) else q.popleft())
            except (IndexError, _queue.Empty):
                return out
            if self.one_at_a_time:
                return out

    def _compute(self, t: int) -> Any:
        rdds = [self._as_rdd(r) for r in self._take()]
        if rdds:
            return rdds[0] if len(rdds) == 1 else self._sc.union(rdds)
        if self.default is not None:
            return self.default
        return self._sc.emptyRDD()

    def _as_rdd(self, r: Any) -> Any:
        return r if isinstance(r, RDD) else self._sc.parallelize(r)


class FileInputDStream(InputDStream):
    def __init__(self, ssc: Any, directory: str, record_length: int | None = None):
        super().__init__(ssc)
        self.directory = os.path.abspath(directory)
        self.record_length = record_length
        self.batch_files: dict[int, list[str]] = {}
        self.recent: set[str] = set()
        self.initial_threshold: int | None = None
        conf = ssc._sc._config
        min_remember = int((conf.get_duration("spark.streaming.fileStream.minRememberDuration",
                                              "60s") or 60) * 1000)
        batch = ssc._graph.batch_ms
        self.remember_window = batch * -(-min_remember // batch)

    def _initialize(self, zero_time: int) -> None:
        super()._initialize(zero_time)
        self._remember_ms = max(self._remember_ms or 0, self.remember_window)

    def _start(self) -> None:
        if self.initial_threshold is None:
            self.initial_threshold = self._ssc._clock.getTimeMillis()

    def _attach(self, ssc: Any) -> None:
        super()._attach(ssc)
        for t, files in sorted(self.batch_files.items()):
            if t not in self._generated:
                self._generated[t] = self._files_to_rdd(files)

    def _compute(self, t: int) -> Any:
        files = self._find_new_files(t)
        self.batch_files[t] = files
        self.recent.update(files)
        return self._files_to_rdd(files)

    def _find_new_files(self, t: int) -> list[str]:
        threshold = max(self.initial_threshold or 0, t - self.remember_window)
        found = []
        try:
            entries = list(os.scandir(self.directory))
        except FileNotFoundError:
            return []
        for e in entries:
            if e.name.startswith(".") or e.name.startswith("_") or not e.is_file():
                continue
            try:
                mtime = int(e.stat().st_mtime * 1000)
            except FileNotFoundError:
                continue
            if mtime <= threshold or mtime > t or e.path in self.recent:
                continue
            found.append(e.path)
        return sorted(found)

    def _files_to_rdd(self, files: list[str]) -> Any:
        sc = self._sc
        if self.record_length is None:
            return sc.union([sc.textFile(f) for f in files])
        n = self.record_length

        def records(path: str) -> Iterator[bytes]:
            with open(path, "rb") as f:
                while True:
                    chunk = f.read(n)
                    if len(chunk) < n:
                        return
                    yield chunk

        return sc.parallelize(files, max(1, len(files))).flatMap(records) if files \
            else sc.emptyRDD()

    def _clear_metadata(self, t: int) -> None:
        super()._clear_metadata(t)
        for bt in [bt for bt in self.batch_files if bt <= t - self._remember_ms]:
            self.recent.difference_update(self.batch_files.pop(bt))


class ReceiverInputDStream(InputDStream):
    def __init__(self, ssc: Any, receiver: Any):
        super().__init__(ssc)
        self.receiver = receiver
        receiver.streamId = self._id

    def _compute(self, t: int) -> Any:
        tracker = self._ssc._scheduler.receiver_tracker
        blocks = tracker.blocks_of(t, self._id) if tracker is not None else []
        return wrap(self._sc, BlockList(self._sc.runtime.ids.rdd(), blocks))
