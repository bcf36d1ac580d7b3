"""StreamingListener (PySpark's pyspark.streaming.listener) and the event objects.

PySpark hands listeners py4j views of Spark's Scala events, so user code calls accessor
*methods*: ``batchCompleted.batchInfo().processingDelay()``. The same shapes here:
``BatchInfo.batchTime()`` is a :class:`~sparkcli.streaming.util.Time` (``.milliseconds()``),
delays are ms (None while unknown; an int with Scala Option's ``get()``/``isDefined()``),
``numRecords()`` counts the records the batch's input streams brought in.

The listener bus (:class:`ListenerBus`) delivers events on its own thread in order; a
listener that raises is logged and keeps receiving events (as Spark's bus does).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sparkcli.streaming.util import Time

__all__ = ["BatchInfo", "ListenerBus", "StreamingListener"]

log = logging.getLogger("StreamingListenerBus")


class StreamingListener:
    def onStreamingStarted(self, streamingStarted: Any) -> None:
        pass

    def onReceiverStarted(self, receiverStarted: Any) -> None:
        pass

    def onReceiverError(self, receiverError: Any) -> None:
        pass

    def onReceiverStopped(self, receiverStopped: Any) -> None:
        pass

    def onBatchSubmitted(self, batchSubmitted: Any) -> None:
        pass

    def onBatchStarted(self, batchStarted: Any) -> None:
        pass

    def onBatchCompleted(self, batchCompleted: Any) -> None:
        pass

    def onOutputOperationStarted(self, outputOperationStarted: Any) -> None:
        pass

    def onOutputOperationCompleted(self, outputOperationCompleted: Any) -> None:
        pass

    class Java:
        implements = ["org.apache.spark.streaming.api.java.PythonStreamingListener"]


class _Opt(int):
    """A present Scala ``Option[Long]`` as py4j shows it: ``get()``, ``isDefined()``."""

    def get(self) -> int:
        return int(self)

    def isDefined(self) -> bool:
        return True

    def isEmpty(self) -> bool:
        return False


def _opt(value: float | None) -> _Opt | None:
    return None if value is None else _Opt(int(round(value)))


class BatchInfo:
    def __init__(self, time: int, num_records: int, submission: float,
                 start: float | None = None, end: float | None = None,
                 output_ops: dict | None = None, input_info: dict | None = None):
        self._time = time
        self._num_records = num_records
        self._submission = submission
        self._start = start
        self._end = end
        self._output_ops = output_ops or {}
        self._input_info = input_info or {}

    def batchTime(self) -> Time:
        return Time(self._time)

    def submissionTime(self) -> int:
        return int(self._submission * 1000)

    def processingStartTime(self) -> _Opt | None:
        return _opt(None if self._start is None else self._start * 1000)

    def processingEndTime(self) -> _Opt | None:
        return _opt(None if self._end is None else self._end * 1000)

    def schedulingDelay(self) -> _Opt | None:
        return _opt(None if self._start is None else (self._start - self._submission) * 1000)

    def processingDelay(self) -> _Opt | None:
        if self._start is None or self._end is None:
            return None
        return _opt((self._end - self._start) * 1000)

    def totalDelay(self) -> _Opt | None:
        if self._end is None:
            return None
        return _opt((self._end - self._submission) * 1000)

    def numRecords(self) -> int:
        return self._num_records

    def streamIdToInputInfo(self) -> dict:
        return dict(self._input_info)

    def outputOperationInfos(self) -> dict:
        return dict(self._output_ops)

    def __repr__(self) -> str:
        return (f"BatchInfo(batchTime={self._time} ms, numRecords={self._num_records}, "
                f"schedulingDelay={self.schedulingDelay()}, "
                f"processingDelay={self.processingDelay()})")


class OutputOperationInfo:
    def __init__(self, batch_time: int, op_id: int, name: str, start: float | None,
                 end: float | None, failure: str | None):
        self._t, self._id, self._name = batch_time, op_id, name
        self._start, self._end, self._failure = start, end, failure

    def batchTime(self) -> Time:
        return Time(self._t)

    def id(self) -> int:
        return self._id

    def name(self) -> str:
        return self._name

    def description(self) -> str:
        return self._name

    def startTime(self) -> _Opt | None:
        return _opt(None if self._start is None else self._start * 1000)

    def endTime(self) -> _Opt | None:
        return _opt(None if self._end is None else self._end * 1000)

    def failureReason(self) -> str | None:
        return self._failure

    def duration(self) -> _Opt | None:
        if self._start is None or self._end is None:
            return None
        return _opt((self._end - self._start) * 1000)


class StreamInputInfo:
    """What one input stream brought to a batch (``batchInfo.streamIdToInputInfo()``)."""

    def __init__(self, stream_id: int, num_records: int):
        self._sid, self._n = stream_id, num_records

    def inputStreamId(self) -> int:
        return self._sid

    def numRecords(self) -> int:
        return self._n

    def metadata(self) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"StreamInputInfo({self._sid}, {self._n})"


class ReceiverInfo:
    def __init__(self, stream_id: int, name: str, active: bool, executor_id: str | None,
                 last_error: str = ""):
        self._sid, self._name, self._active = stream_id, name, active
        self._executor, self._error = executor_id, last_error

    def streamId(self) -> int:
        return self._sid

    def name(self) -> str:
        return self._name

    def active(self) -> bool:
        return self._active

    def executorId(self) -> str | None:
        return self._executor

    def location(self) -> str:
        return "localhost"

    def lastErrorMessage(self) -> str:
        return self._error

    def lastError(self) -> str:
        return self._error


class _Event:
    """An event with one accessor method, e.g. ``batchCompleted.batchInfo()``."""

    def __init__(self, name: str, value: Any):
        self._name, self._value = name, value
        setattr(self, name, lambda: value)

    def __repr__(self) -> str:
        return f"<{self._name}: {self._value!r}>"


_METHOD_FIELD = {
    "onStreamingStarted": "time", "onReceiverStarted": "receiverInfo",
    "onReceiverError": "receiverInfo", "onReceiverStopped": "receiverInfo",
    "onBatchSubmitted": "batchInfo", "onBatchStarted": "batchInfo",
    "onBatchCompleted": "batchInfo", "onOutputOperationStarted": "outputOperationInfo",
    "onOutputOperationCompleted": "outputOperationInfo",
}


class ListenerBus:
    def __init__(self) -> None:
        self.listeners: list[Any] = []
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def add(self, listener: Any) -> None:
        with self._lock:
            self.listeners.append(listener)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="StreamingListenerBus",
                                        daemon=True)
        self._thread.start()

    def post(self, method: str, value: Any) -> None:
        self._queue.put((method, _Event(_METHOD_FIELD[method], value)))

    def wait_until_empty(self, timeout: float = 10.0) -> bool:
        done = threading.Event()
        self._queue.put(("__flush__", done))
        return done.wait(timeout) if self._thread is not None else True

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            method, event = item
            if method == "__flush__":
                event.set()
                continue
            with self._lock:
                listeners = list(self.listeners)
            for listener in listeners:
                fn = getattr(listener, method, None)
                if fn is None:
                    continue
                try:
                    fn(event)
                except Exception:
                    log.exception("Listener %s threw an exception in %s",
                                  type(listener).__name__, method)
