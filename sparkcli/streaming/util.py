"""Small helpers shared by the streaming modules (PySpark's pyspark/streaming/util.py).

Durations: PySpark's streaming API takes durations as numbers of seconds; sparkcli also
offers Spark's ``Seconds(n)``/``Milliseconds(n)``/``Minutes(n)`` helpers, which return a
:class:`Duration` (a float of seconds, so it works everywhere a number does). Internally all
times are integer milliseconds (Spark's ``Time``), converted once with :func:`to_ms`.

Batch times reach user functions as ``datetime.fromtimestamp(ms / 1000)`` like PySpark's
TransformFunction (so ``str(time)`` shows microseconds for sub-second batches).
"""

from __future__ import annotations

import time as _time
from datetime import datetime
from typing import Any, Callable

__all__ = [
    "Duration",
    "Milliseconds",
    "Minutes",
    "Seconds",
    "Time",
    "rddToFileName",
    "to_datetime",
    "to_ms",
]


class Duration(float):
    """A duration in seconds (float) with Spark's ``milliseconds()`` accessor."""

    def milliseconds(self) -> int:
        return int(round(self * 1000))

    def __repr__(self) -> str:
        ms = self.milliseconds()
        return f"{ms} ms" if ms % 1000 else f"{ms // 1000} s"


def Seconds(seconds: float) -> Duration:
    return Duration(seconds)


def Milliseconds(milliseconds: float) -> Duration:
    return Duration(milliseconds / 1000.0)


def Minutes(minutes: float) -> Duration:
    return Duration(minutes * 60.0)


class Time(int):
    """A batch time in ms (Spark's streaming ``Time``): an int with ``milliseconds()``."""

    def milliseconds(self) -> int:
        return int(self)

    def __repr__(self) -> str:
        return f"{int(self)} ms"


def to_ms(duration: Any, what: str = "duration") -> int:
    """Seconds (int/float/Duration) -> integer milliseconds; rejects non-positive values."""
    if isinstance(duration, bool) or not isinstance(duration, (int, float)):
        raise TypeError(f"{what} must be a number of seconds (or Seconds(n)/Milliseconds(n)), "
                        f"got {duration!r}")
    ms = int(round(float(duration) * 1000))
    if ms <= 0:
        raise ValueError(f"{what} must be positive, got {duration!r} seconds")
    return ms


def to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0)


def from_timestamp(value: Any) -> int:
    """A datetime or seconds since the epoch -> ms (PySpark's DStream._jtime)."""
    if isinstance(value, datetime):
        return int(_time.mktime(value.timetuple())) * 1000 + value.microsecond // 1000
    return int(round(float(value) * 1000))


def rddToFileName(prefix: str, suffix: str | None, timestamp: Any) -> str:
    """``prefix-<time ms>[.suffix]``, as PySpark's util.rddToFileName."""
    if isinstance(timestamp, datetime):
        timestamp = from_timestamp(timestamp)
    if suffix is None:
        return prefix + "-" + str(timestamp)
    return prefix + "-" + str(timestamp) + "." + suffix


def arg_count(func: Callable) -> int | None:
    code = getattr(func, "__code__", None)
    if code is None:
        call = getattr(type(func), "__call__", None)
        code = getattr(call, "__code__", None)
        if code is None:
            return None
        return code.co_argcount - 1
    n = code.co_argcount
    if getattr(func, "__self__", None) is not None:
        n -= 1
    return n


def with_time(func: Callable, n_rdds: int, name: str) -> Callable:
    """Adapt ``func(rdd...)`` or ``func(time, rdd...)`` to ``f(time, rdd...)`` (PySpark's
    co_argcount check, with its messages)."""
    n = arg_count(func)
    if n == n_rdds:
        return lambda t, *rdds: func(*rdds)
    if n == n_rdds + 1 or n is None:
        return func
    words = {1: "one or two", 2: "two or three"}[n_rdds]
    raise TypeError(f"{name}: func should take {words} arguments")
