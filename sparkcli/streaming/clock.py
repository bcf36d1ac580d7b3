"""Clocks for the streaming job generator (Spark's org.apache.spark.util.{SystemClock,
ManualClock}).

The job generator never reads ``time.time()`` directly: it asks its clock for the time in
milliseconds and waits on it for the next batch boundary. :class:`SystemClock` is wall time;
:class:`ManualClock` only moves when a test calls :meth:`ManualClock.advance` or
:meth:`ManualClock.setTime`, so operator tests run batch by batch with no sleeping.

State: ManualClock keeps ``_time`` (ms) under a Condition; every change notifies waiters.
``waitTillTime(target, cancelled)`` returns the clock's time once it reaches ``target``, or
early (returning the current time, < target) when the ``cancelled`` event is set, so
``StreamingContext.stop`` never waits for a manual clock that nobody advances.

Select the clock with ``spark.streaming.clock`` (``SystemClock``/``ManualClock``, Spark's
class names ``org.apache.spark.util.ManualClock`` accepted) or assign ``ssc._clock`` before
``start()``.
"""

from __future__ import annotations

import threading
import time

__all__ = ["Clock", "ManualClock", "SystemClock", "clock_from_conf"]


class Clock:
    def getTimeMillis(self) -> int:
        raise NotImplementedError

    def waitTillTime(self, target: int, cancelled: threading.Event | None = None) -> int:
        raise NotImplementedError


class SystemClock(Clock):
    """Wall-clock time; waiting sleeps in short slices so a stop is noticed quickly."""

    def getTimeMillis(self) -> int:
        return int(time.time() * 1000)

    def waitTillTime(self, target: int, cancelled: threading.Event | None = None) -> int:
        cancelled = cancelled or threading.Event()
        while True:
            now = self.getTimeMillis()
            if now >= target:
                return now
            if cancelled.wait(min(target - now, 100) / 1000.0):
                return self.getTimeMillis()


class ManualClock(Clock):
    """A clock that only moves by hand (tests); starts at ``time`` ms (default 0)."""

    def __init__(self, time: int = 0):
        self._time = int(time)
        self._cond = threading.Condition()

    def getTimeMillis(self) -> int:
        with self._cond:
            return self._time

    def setTime(self, timeToSet: int) -> None:
        with self._cond:
            self._time = int(timeToSet)
            self._cond.notify_all()

    def advance(self, timeToAdd: int) -> None:
        with self._cond:
            self._time += int(timeToAdd)
            self._cond.notify_all()

    def waitTillTime(self, target: int, cancelled: threading.Event | None = None) -> int:
        with self._cond:
            while self._time < target:
                if cancelled is not None and cancelled.is_set():
                    break
                self._cond.wait(0.05)
            return self._time


_NAMES = {
    "systemclock": SystemClock, "org.apache.spark.util.systemclock": SystemClock,
    "manualclock": ManualClock, "org.apache.spark.util.manualclock": ManualClock,
}


def clock_from_conf(value: str | None) -> Clock:
    if not value:
        return SystemClock()
    cls = _NAMES.get(value.strip().lower()) or _NAMES.get(value.strip().lower().split(".")[-1])
    if cls is None:
        raise ValueError(f"spark.streaming.clock={value!r}: use SystemClock or ManualClock")
    return cls()
