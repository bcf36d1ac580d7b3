"""``window(timeColumn, windowDuration, slideDuration, startTime)``: event-time windows.

The result is Spark's ``struct<start: timestamp, end: timestamp>`` named ``window``.
Windows are aligned on the epoch in UTC microseconds (not the session time zone), shifted
by ``startTime``, as Spark's TimeWindow: for a timestamp ``t`` the latest window starts at
``t - floorMod(t - startTime, slide)`` and ends ``windowDuration`` later.

* A **tumbling** window (no slide, or slide = duration) is one struct per row: a scalar
  function usable anywhere (``groupBy(window(...))``, ``select``).
* A **sliding** window puts a row in ``ceil(duration / slide)`` windows (those that really
  contain ``t``): the binding is then a generator (one output row per window, as Spark's
  Expand + Filter) over the ``window_candidates`` array; the analyzer places a ``Generate``
  below the projection or the aggregation that uses it.

Durations are Spark interval strings (``'10 minutes'``, ``'1 hour 30 minutes'``,
``'interval 1 day'``, ``'500 milliseconds'``); months and years are rejected as in Spark.
A NULL time gives a NULL window (tumbling) or no row (sliding).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, make_call
from runtime.sql.expressions.datetime_columns import column, width
from runtime.sql.expressions.registry import EvalContext, FunctionSpec, lookup, register

__all__ = ["parse_duration"]

_UNITS = {"microsecond": 1, "millisecond": 1000, "second": 1_000_000, "minute": 60_000_000,
          "hour": 3_600_000_000, "day": 86_400_000_000, "week": 7 * 86_400_000_000}


def parse_duration(text: str, what: str = "windowDuration") -> int:
    """Microseconds of a Spark interval string without months."""
    s = text.strip().lower()
    if s.startswith("interval"):
        s = s[len("interval"):].strip()
    parts = re.findall(r"([+-]?\d+(?:\.\d+)?)\s*([a-z]+)", s)
    if not parts or re.sub(r"([+-]?\d+(?:\.\d+)?)\s*([a-z]+)", "", s).strip():
        raise AnalysisException(
            f"[CANNOT_PARSE_INTERVAL] Unable to parse '{text}'. Please ensure that the value "
            "provided is in a valid format for defining an interval. SQLSTATE: 22006",
            errorClass="CANNOT_PARSE_INTERVAL", messageParameters={"intervalString": text})
    total = 0
    for num, unit in parts:
        u = unit[:-1] if unit.endswith("s") else unit
        if u in ("month", "year"):
            raise AnalysisException(
                f"Intervals greater than a month is not supported ({text}).",
                errorClass="INVALID_INTERVAL_FORMAT")
        if u not in _UNITS:
            raise AnalysisException(
                f"[CANNOT_PARSE_INTERVAL] Unable to parse '{text}'. SQLSTATE: 22006",
                errorClass="CANNOT_PARSE_INTERVAL", messageParameters={"intervalString": text})
        total += int(float(num) * _UNITS[u])
    return total


def _duration(arg: Expression, what: str) -> int:
    if isinstance(arg, Literal) and isinstance(arg.value, str):
        return parse_duration(arg.value, what)
    if isinstance(arg, Literal) and isinstance(arg.dtype, T.DayTimeIntervalType):
        v = arg.value
        return int(v.total_seconds() * 1_000_000) if hasattr(v, "total_seconds") else int(v)
    raise AnalysisException(
        f"[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] The {what} of window() must be a literal "
        "interval string such as '10 minutes'. SQLSTATE: 42K09",
        errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")


def window_type(time_type: T.DataType) -> T.StructType:
    return T.StructType([T.StructField("start", time_type, True),
                         T.StructField("end", time_type, True)])


def _bind_window(args: list[Expression], ctx: Any) -> Expression:
    arity("window", args, 2, 4)
    ts = args[0]
    if not isinstance(ts.dtype, (T.TimestampType, T.TimestampNTZType)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "window({ts.sql()})" '
            f'due to data type mismatch: The first parameter requires the ("TIMESTAMP" or '
            f'"TIMESTAMP_NTZ") type, however "{ts.sql()}" has the type '
            f'"{ts.dtype.simpleString().upper()}". SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    duration = _duration(args[1], "windowDuration")
    slide = _duration(args[2], "slideDuration") if len(args) > 2 else duration
    start = _duration(args[3], "startTime") if len(args) > 3 else 0
    for what, v in (("window duration", duration), ("slide duration", slide)):
        if v <= 0:
            raise AnalysisException(
                f"[DATATYPE_MISMATCH.INVALID_WINDOW_DURATION] The {what} ({v} microseconds) "
                "must be greater than 0. SQLSTATE: 42K09",
                errorClass="DATATYPE_MISMATCH")
    if slide > duration:
        raise AnalysisException(
            f"The slide duration ({slide}) must be less than or equal to the windowDuration "
            f"({duration}).", errorClass="DATATYPE_MISMATCH")
    if abs(start) >= slide:
        raise AnalysisException(
            f"The absolute value of start time ({start}) must be less than the slideDuration "
            f"({slide}).", errorClass="DATATYPE_MISMATCH")
    opts = (("duration", duration), ("slide", slide), ("start", start))
    wt = window_type(ts.dtype)
    if slide == duration:
        return make_call(lookup("window"), [ts], wt, True, opts)
    cands = make_call(_CANDIDATES, [ts], T.ArrayType(wt, False), True, opts)
    return make_call(_SLIDING, [cands], T.StructType([T.StructField("window", wt, True)]), True,
                     (("outer", False), ("pos", False)))


def _starts(ts: Any, opts: dict) -> Any:
    import numpy as np

    slide = opts["slide"]
    return ts - np.mod(ts - opts["start"], slide)


def _micros(arr: Any) -> tuple[Any, Any]:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    us = arr.cast(pa.int64())
    return (pc.fill_null(us, 0).to_numpy(zero_copy_only=False),
            us.is_valid().to_numpy(zero_copy_only=False))


def _structs(starts: Any, ends: Any, arrow_ts: Any, mask: Any = None) -> Any:
    import pyarrow as pa

    s = pa.array(starts, pa.int64()).cast(arrow_ts)
    e = pa.array(ends, pa.int64()).cast(arrow_ts)
    return pa.StructArray.from_arrays([s, e], names=["start", "end"],
                                      mask=None if mask is None else pa.array(~mask))


def _window(call: Any, args: list, ectx: EvalContext) -> Any:
    opts = dict(call.options)
    arr = column(args[0], width(args))
    ts, ok = _micros(arr)
    starts = _starts(ts, opts)
    return _structs(starts, starts + opts["duration"], arr.type, ok)


def _candidates(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    opts = dict(call.options)
    arr = column(args[0], width(args))
    ts, ok = _micros(arr)
    k = -(-opts["duration"] // opts["slide"])
    last = _starts(ts, opts)
    starts = last[:, None] - np.arange(k)[None, :] * opts["slide"]
    keep = (starts <= ts[:, None]) & (ts[:, None] < starts + opts["duration"]) & ok[:, None]
    flat_starts = starts[keep]
    counts = keep.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    values = _structs(flat_starts, flat_starts + opts["duration"], arr.type)
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(~ok))


register(FunctionSpec("window", _bind_window, _window, lambda c: "window"))
_CANDIDATES = FunctionSpec("window_candidates", _bind_window, _candidates, lambda c: "window")
_SLIDING = FunctionSpec("window_sliding", _bind_window, None, lambda c: "window",
                        generator=True)


def _bind_window_time(args: list[Expression], ctx: Any) -> Expression:
    arity("window_time", args, 1)
    w = args[0]
    if not (isinstance(w.dtype, T.StructType) and [f.name for f in w.dtype.fields] ==
            ["start", "end"]):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "window_time({w.sql()})"'
            " due to data type mismatch: the input must be a window column "
            "(struct<start, end>). SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    return make_call(lookup("window_time"), [w], w.dtype.fields[1].dataType)


def _window_time(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column(args[0], width(args))
    end = pc.struct_field(arr, [1])
    us = pc.subtract(end.cast(pa.int64()), 1)
    return pc.if_else(arr.is_valid(), us, pa.scalar(None, pa.int64())).cast(end.type)


register(FunctionSpec("window_time", _bind_window_time, _window_time))
