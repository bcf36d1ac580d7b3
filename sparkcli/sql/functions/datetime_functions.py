"""``pyspark.sql.functions``, dates and timestamps: Java patterns, session time zone, intervals,
window().

Each function builds an unresolved call by name (the engine's registry binds it), so the
DataFrame API, ``expr()`` and SQL text share one implementation. As in PySpark, string
arguments name columns, except where PySpark takes a literal (formats, units, time zones,
durations).

>>> from pyspark.sql import functions as F
>>> F.add_months("d", 1)
Column<'add_months(d, 1)'>
>>> F.date_format("ts", "yyyy-MM-dd")
Column<'date_format(ts, yyyy-MM-dd)'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql.expressions.base import Literal, UnresolvedFunction
from runtime.sql import types as T
from sparkcli.sql.column import Column, lit_expr
from sparkcli.sql.functions.arguments import by_kinds, call, col_arg, value_arg

__all__ = [
    "add_months", "convert_timezone", "curdate", "current_time", "current_timezone",
    "date_diff", "date_from_unix_date", "date_part", "date_trunc", "dateadd", "datepart",
    "day", "dayname", "dayofweek", "extract", "from_unixtime", "from_utc_timestamp",
    "last_day", "localtimestamp", "make_date", "make_dt_interval", "make_time",
    "make_timestamp", "make_timestamp_ltz", "make_timestamp_ntz", "make_ym_interval",
    "make_interval", "monthname", "months_between", "next_day", "now", "time_bucket", "time_diff", "try_make_interval",
    "time_from_micros", "time_from_millis", "time_from_seconds", "time_to_micros",
    "time_to_millis", "time_to_seconds", "time_trunc", "timestamp_add", "timestamp_diff",
    "timestamp_micros", "timestamp_millis", "timestamp_seconds", "to_time", "to_timestamp_ltz",
    "to_timestamp_ntz", "to_unix_timestamp", "to_utc_timestamp", "trunc", "try_make_timestamp",
    "try_make_timestamp_ltz", "try_make_timestamp_ntz", "try_to_date", "try_to_time",
    "try_to_timestamp", "unix_date", "unix_micros", "unix_millis", "unix_seconds",
    "unix_timestamp", "weekday", "weekofyear", "window", "window_time",
    "session_window",
]


_e, _v, _call = col_arg, value_arg, call


for _n in ("last_day", "weekofyear", "dayofweek", "weekday", "dayname", "monthname", "day",
           "unix_date", "unix_seconds", "unix_millis", "unix_micros", "timestamp_seconds",
           "timestamp_millis", "timestamp_micros", "date_from_unix_date", "window_time"):
    globals()[_n] = by_kinds(_n, "c")


def add_months(start: Any, months: Any) -> Column:
    """The date ``months`` months after ``start`` (the last day when the month is shorter)."""
    return _call("add_months", _e(start), _v(months))


def dateadd(start: Any, days: Any) -> Column:
    return _call("dateadd", _e(start), _v(days))


def date_diff(end: Any, start: Any) -> Column:
    return _call("date_diff", _e(end), _e(start))


def next_day(date: Any, dayOfWeek: str) -> Column:
    return _call("next_day", _e(date), lit_expr(dayOfWeek))


def months_between(date1: Any, date2: Any, roundOff: bool = True) -> Column:
    return _call("months_between", _e(date1), _e(date2), lit_expr(roundOff))


def trunc(date: Any, format: str) -> Column:
    return _call("trunc", _e(date), lit_expr(format))


def date_trunc(format: str, timestamp: Any) -> Column:
    return _call("date_trunc", lit_expr(format), _e(timestamp))


def from_unixtime(timestamp: Any, format: str = "yyyy-MM-dd HH:mm:ss") -> Column:
    return _call("from_unixtime", _e(timestamp), lit_expr(format))


def unix_timestamp(timestamp: Any = None, format: str = "yyyy-MM-dd HH:mm:ss") -> Column:
    if timestamp is None:
        return _call("unix_timestamp")
    return _call("unix_timestamp", _e(timestamp), lit_expr(format))


def to_unix_timestamp(timestamp: Any, format: Any = None) -> Column:
    if format is None:
        return _call("to_unix_timestamp", _e(timestamp))
    return _call("to_unix_timestamp", _e(timestamp), _v(format))


def from_utc_timestamp(timestamp: Any, tz: Any) -> Column:
    return _call("from_utc_timestamp", _e(timestamp), _v(tz))


def to_utc_timestamp(timestamp: Any, tz: Any) -> Column:
    return _call("to_utc_timestamp", _e(timestamp), _v(tz))


def convert_timezone(sourceTz: Any, targetTz: Any, sourceTs: Any) -> Column:
    if sourceTz is None:
        return _call("convert_timezone", _v(targetTz), _e(sourceTs))
    return _call("convert_timezone", _v(sourceTz), _v(targetTz), _e(sourceTs))


def current_timezone() -> Column:
    return _call("current_timezone")


def curdate() -> Column:
    return _call("current_date")


def now() -> Column:
    return _call("current_timestamp")


def localtimestamp() -> Column:
    return _call("localtimestamp")


def make_date(year: Any, month: Any, day: Any) -> Column:
    return _call("make_date", _e(year), _e(month), _e(day))


def _make_ts(name: str):
    def f(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any,
          timezone: Any = None) -> Column:
        args = [_e(years), _e(months), _e(days), _e(hours), _e(mins), _e(secs)]
        if timezone is not None:
            args.append(_e(timezone))
        return _call(name, *args)
    f.__name__ = name
    f.__doc__ = f"Spark's ``{name}`` (seconds may have a fraction)."
    return f


for _n in ("make_timestamp", "make_timestamp_ltz", "try_make_timestamp",
           "try_make_timestamp_ltz"):
    globals()[_n] = _make_ts(_n)


def make_timestamp_ntz(years: Any, months: Any, days: Any, hours: Any, mins: Any,
                       secs: Any) -> Column:
    return _call("make_timestamp_ntz", *(_e(c) for c in (years, months, days, hours, mins, secs)))


def try_make_timestamp_ntz(years: Any, months: Any, days: Any, hours: Any, mins: Any,
                           secs: Any) -> Column:
    return _call("try_make_timestamp_ntz",
                 *(_e(c) for c in (years, months, days, hours, mins, secs)))


def make_dt_interval(days: Any = None, hours: Any = None, mins: Any = None,
                     secs: Any = None) -> Column:
    args = [days, hours, mins, secs]
    while args and args[-1] is None:
        args.pop()
    return _call("make_dt_interval", *(_e(a) if a is not None else Literal(0, T.IntegerType())
                                       for a in args))


def _make_interval(name: str):
    def f(years: Any = None, months: Any = None, weeks: Any = None, days: Any = None,
          hours: Any = None, mins: Any = None, secs: Any = None) -> Column:
        args = (years, months, weeks, days, hours, mins, secs)
        return _call(name, *(_e(a) if a is not None else Literal(0, T.IntegerType())
                             for a in args))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Spark's ``{name}(years, months, weeks, days, hours, mins, secs)``: a "
                 "calendar interval (missing parts 0).")
    return f


make_interval = _make_interval("make_interval")
try_make_interval = _make_interval("try_make_interval")


def make_ym_interval(years: Any = None, months: Any = None) -> Column:
    args = [years, months]
    while args and args[-1] is None:
        args.pop()
    return _call("make_ym_interval", *(_e(a) if a is not None else Literal(0, T.IntegerType())
                                       for a in args))


def _parse(name: str):
    def f(col: Any, format: Any = None) -> Column:
        if format is None:
            return _call(name, _e(col))
        return _call(name, _e(col), _v(format))
    f.__name__ = name
    f.__doc__ = f"Spark's ``{name}`` with an optional Java datetime pattern."
    return f


for _n in ("try_to_timestamp", "try_to_date", "to_timestamp_ltz", "to_timestamp_ntz"):
    globals()[_n] = _parse(_n)


def date_part(field: Any, source: Any) -> Column:
    return _call("date_part", _v(field), _e(source))


datepart = date_part


def extract(field: Any, source: Any) -> Column:
    """``extract(field FROM source)``."""
    return Column(UnresolvedFunction("date_part", (_v(field), _e(source)),
                                     options=(("display", "extract"),)))


def session_window(timeColumn: Any, gapDuration: Any) -> Column:
    """Session windows: each row's ``[t, t + gap)`` as a ``struct<start, end>`` column named
    ``session_window``; grouped by, the sessions of a key that overlap merge. ``gapDuration``
    is an interval string or a column of them (a gap per row)."""
    gap = lit_expr(gapDuration) if isinstance(gapDuration, str) else _e(gapDuration)
    return _call("session_window", _e(timeColumn), gap)


def window(timeColumn: Any, windowDuration: str, slideDuration: str | None = None,
           startTime: str | None = None) -> Column:
    """Event-time windows: a ``struct<start, end>`` column named ``window``; with a
    ``slideDuration`` shorter than the window each row lands in several windows."""
    args = [_e(timeColumn), lit_expr(windowDuration)]
    if slideDuration is not None or startTime is not None:
        args.append(lit_expr(slideDuration or windowDuration))
    if startTime is not None:
        args.append(lit_expr(startTime))
    return _call("window", *args)


def timestamp_add(unit: str, quantity: Any, ts: Any) -> Column:
    """``ts`` plus ``quantity`` ``unit``s (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE,
    SECOND, MILLISECOND, MICROSECOND)."""
    return call("timestampadd", value_arg(unit), col_arg(quantity), col_arg(ts))


def timestamp_diff(unit: str, start: Any, end: Any) -> Column:
    """Whole ``unit``s from ``start`` to ``end``, a bigint."""
    return call("timestampdiff", value_arg(unit), col_arg(start), col_arg(end))


# -- the TIME type (spark.sql.timeType.enabled) ---------------------------------------------------
def current_time(precision: Any = None) -> Column:
    """The time of day in the session time zone, as TIME(precision) (default 6)."""
    return _call("current_time") if precision is None else \
        _call("current_time", _v(precision))


make_time = by_kinds("make_time", "ccc")
time_diff = by_kinds("time_diff", "ccc")
time_trunc = by_kinds("time_trunc", "cc")
time_from_seconds = by_kinds("time_from_seconds", "c")
time_from_millis = by_kinds("time_from_millis", "c")
time_from_micros = by_kinds("time_from_micros", "c")
time_to_seconds = by_kinds("time_to_seconds", "c")
time_to_millis = by_kinds("time_to_millis", "c")
time_to_micros = by_kinds("time_to_micros", "c")


def to_time(str: Any, format: Any = None) -> Column:  # noqa: A002 - PySpark's names
    """A TIME from ``HH:mm[:ss[.f]]`` text, or text in the Java pattern ``format``."""
    return _call("to_time", _e(str)) if format is None else _call("to_time", _e(str),
                                                                  _e(format))


def try_to_time(str: Any, format: Any = None) -> Column:  # noqa: A002
    """``to_time``, NULL where the text does not parse."""
    return _call("try_to_time", _e(str)) if format is None else \
        _call("try_to_time", _e(str), _e(format))


def time_bucket(bucket_size: Any, ts: Any, origin: Any = None) -> Column:
    """The start of the ``bucket_size`` interval bucket (from ``origin``, default the
    epoch) that the timestamp ``ts`` falls in."""
    args = [_e(bucket_size), _e(ts)] + ([_e(origin)] if origin is not None else [])
    return _call("time_bucket", *args)
