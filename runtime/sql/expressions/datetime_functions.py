"""Date and time functions beyond the basics: calendar arithmetic, truncation, Unix time,
time-zone shifts, constructors, fields and the try_ forms.

Every kernel works on whole columns (numpy int64 days or microseconds, see
datetime_columns.py): dates are days since 1970-01-01, timestamps instants in microseconds
whose fields are taken in the session time zone (``spark.sql.session.timeZone``, carried by
``EvalContext.time_zone``); ``timestamp_ntz`` values are wall-clock microseconds. Result
types and NULL handling are Spark's: a NULL argument gives NULL; an impossible date from
``make_date`` is ``[DATETIME_FIELD_OUT_OF_BOUNDS]`` under ANSI (NULL without it, and always
NULL for the ``try_`` forms). Format strings use Java patterns (datetime_patterns.py).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import DateTimeException, IllegalArgumentException, SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.datetime_columns import (
    column, ints, out, valid, wall_micros, width)
from runtime.sql.expressions.datetime_patterns import (
    DAY_US, check_pattern, civil, days_of, format_local, from_local, month_length, parse_local,
    to_local)
from runtime.sql.expressions.registry import EvalContext, lookup

DEFAULT_FORMAT = "yyyy-MM-dd HH:mm:ss"
_DATE, _TS, _NTZ = T.DateType(), T.TimestampType(), T.TimestampNTZType()
_INT, _LONG, _STR, _DBL = T.IntegerType(), T.LongType(), T.StringType(), T.DoubleType()


def _is_time(dt: T.DataType) -> bool:
    return isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType))


def _as_date(a: Expression) -> Expression:
    return a if isinstance(a.dtype, T.DateType) else cast_to(a, _DATE)


def _as_ts(a: Expression) -> Expression:
    return a if isinstance(a.dtype, (T.TimestampType, T.TimestampNTZType)) else cast_to(a, _TS)


def _lit(call: Any, i: int) -> Any:
    c = call.children[i]
    return c.value if isinstance(c, Literal) else None


def _bind_fixed(name: str, casts: list, result: T.DataType, lo: int | None = None):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, len(casts) if lo is None else lo, len(casts))
        return make_call(lookup(name), [f(a) for f, a in zip(casts, args)], result)
    return bind


# -- calendar arithmetic ----------------------------------------------------------------------------
def _add_months(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    days, k = ints(args[0], n), ints(args[1], n)
    y, m, d = civil(days)
    total = y * 12 + (m - 1) + k
    ny, nm = total // 12, total % 12 + 1
    import numpy as np

    nd = np.minimum(d, month_length(ny, nm))
    return out(days_of(ny, nm, nd), valid(n, *args), _DATE)


simple("add_months", _bind_fixed("add_months", [_as_date, lambda a: cast_to(a, _INT)], _DATE),
       _add_months)


def _last_day(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    y, m, _ = civil(ints(args[0], n))
    return out(days_of(y, m + 1, 1) - 1, valid(n, *args), _DATE)


simple("last_day", _bind_fixed("last_day", [_as_date], _DATE), _last_day)

_DOW = {"MO": 0, "MON": 0, "MONDAY": 0, "TU": 1, "TUE": 1, "TUESDAY": 1, "WE": 2, "WED": 2,
        "WEDNESDAY": 2, "TH": 3, "THU": 3, "THURSDAY": 3, "FR": 4, "FRI": 4, "FRIDAY": 4,
        "SA": 5, "SAT": 5, "SATURDAY": 5, "SU": 6, "SUN": 6, "SUNDAY": 6}


def _next_day(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    days = ints(args[0], n)
    names = column(args[1], n).to_pylist()
    ok = valid(n, *args)
    target = np.zeros(n, np.int64)
    for i, nm in enumerate(names):  # day names: a tiny dictionary, usually one literal
        if nm is None:
            continue
        v = _DOW.get(nm.strip().upper())
        if v is None:
            if ectx.ansi:
                raise IllegalArgumentException(
                    f"[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: {nm}. "
                    "SQLSTATE: 22009", errorClass="ILLEGAL_DAY_OF_WEEK",
                    messageParameters={"string": nm})
            ok[i] = False
        else:
            target[i] = v
    dow = (days + 3) % 7
    delta = (target - dow) % 7
    delta = np.where(delta == 0, 7, delta)
    return out(days + delta, ok, _DATE)


simple("next_day", _bind_fixed("next_day", [_as_date, lambda a: cast_to(a, _STR)], _DATE),
       _next_day)


def _months_between(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    tz = ectx.time_zone
    w1 = wall_micros(args[0], call.children[0].dtype, n, tz)
    w2 = wall_micros(args[1], call.children[1].dtype, n, tz)
    d1, d2 = np.floor_divide(w1, DAY_US), np.floor_divide(w2, DAY_US)
    y1, m1, dd1 = civil(d1)
    y2, m2, dd2 = civil(d2)
    months = (y1 * 12 + m1) - (y2 * 12 + m2)
    last1 = dd1 == month_length(y1, m1)
    last2 = dd2 == month_length(y2, m2)
    sec1 = (w1 - d1 * DAY_US) // 1_000_000
    sec2 = (w2 - d2 * DAY_US) // 1_000_000
    diff_sec = (dd1 - dd2) * 86400 + sec1 - sec2
    frac = months + diff_sec / (31 * 86400.0)
    res = np.where((dd1 == dd2) | (last1 & last2), months.astype(float), frac)
    round_off = _lit(call, 2) if len(call.children) > 2 else True
    if round_off:
        res = np.floor(res * 1e8 + 0.5) / 1e8
    return out(res, valid(n, *args), _DBL)


def _bind_months_between(args: list[Expression], ctx: Any) -> Expression:
    arity("months_between", args, 2, 3)
    kids = [_as_ts(args[0]), _as_ts(args[1])] + \
        [cast_to(a, T.BooleanType()) for a in args[2:]]
    if len(kids) == 2:
        kids.append(Literal(True, T.BooleanType()))
    return make_call(lookup("months_between"), kids, _DBL)


simple("months_between", _bind_months_between, _months_between)


# -- truncation ---------------------------------------------------------------------------------------
_TRUNC_DATE = {"YEAR": "year", "YYYY": "year", "YY": "year", "QUARTER": "quarter",
               "MONTH": "month", "MM": "month", "MON": "month", "WEEK": "week"}
_TRUNC_TS = dict(_TRUNC_DATE, DAY="day", DD="day", HOUR="hour", MINUTE="minute",
                 SECOND="second", MILLISECOND="millisecond", MICROSECOND="microsecond")
_UNIT_US = {"day": DAY_US, "hour": 3_600_000_000, "minute": 60_000_000, "second": 1_000_000,
            "millisecond": 1000, "microsecond": 1}


def _trunc_days(days: Any, unit: str) -> Any:
    y, m, _ = civil(days)
    if unit == "year":
        return days_of(y, 1, 1)
    if unit == "quarter":
        return days_of(y, (m - 1) // 3 * 3 + 1, 1)
    if unit == "month":
        return days_of(y, m, 1)
    return days - (days + 3) % 7  # week: back to Monday


def _by_unit(units_arg: Any, n: int, table: dict, ok: Any, compute) -> Any:
    """Apply ``compute(unit)`` per distinct unit (usually one literal); an unknown unit
    gives NULL."""
    import numpy as np

    units = column(units_arg, n).to_pylist()
    distinct = set(units)
    res = np.zeros(n, np.int64)
    for unit in distinct:
        u = table.get(str(unit).upper()) if unit is not None else None
        rows = np.array([x == unit for x in units]) if len(distinct) > 1 else np.ones(n, bool)
        if u is None:
            ok &= ~rows
        else:
            res = np.where(rows, compute(u), res)
    return res


def _trunc(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    days = ints(args[0], n)
    ok = valid(n, *args)
    res = _by_unit(args[1], n, _TRUNC_DATE, ok, lambda u: _trunc_days(days, u))
    return out(res, ok, _DATE)


simple("trunc", _bind_fixed("trunc", [_as_date, lambda a: cast_to(a, _STR)], _DATE), _trunc)


def _date_trunc(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    tz = ectx.time_zone
    w = wall_micros(args[1], call.children[1].dtype, n, tz)
    ok = valid(n, *args)

    def compute(u: str) -> Any:
        if u in _UNIT_US:
            return np.floor_divide(w, _UNIT_US[u]) * _UNIT_US[u]
        return _trunc_days(np.floor_divide(w, DAY_US), u) * DAY_US

    res = _by_unit(args[0], n, _TRUNC_TS, ok, compute)
    return out(res, ok, call.dtype, tz if isinstance(call.dtype, T.TimestampType) else None)


def _bind_date_trunc(args: list[Expression], ctx: Any) -> Expression:
    arity("date_trunc", args, 2)
    ts = args[1] if isinstance(args[1].dtype, (T.TimestampType, T.TimestampNTZType)) \
        else cast_to(args[1], _TS)
    return make_call(lookup("date_trunc"), [cast_to(args[0], _STR), ts], ts.dtype)


simple("date_trunc", _bind_date_trunc, _date_trunc)


# -- formatting and Unix time -----------------------------------------------------------------------
def _pattern(call: Any, i: int, default: str = DEFAULT_FORMAT) -> str:
    if len(call.children) <= i:
        return default
    return _lit(call, i)


def _from_unixtime(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa

    n = width(args)
    secs = ints(args[0], n)
    utc = pa.array(secs * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    local = to_local(utc, ectx.time_zone).cast(pa.int64()).to_numpy(zero_copy_only=False)
    pattern = _pattern(call, 1)
    if pattern is None:
        return out([None] * n, valid(n) & False, _STR)
    return format_local(local, valid(n, *args), pattern, ectx.time_zone)


def _bind_from_unixtime(args: list[Expression], ctx: Any) -> Expression:
    arity("from_unixtime", args, 1, 2)
    fmt = args[1] if len(args) > 1 else Literal(DEFAULT_FORMAT, _STR)
    if isinstance(fmt, Literal) and fmt.value is not None:
        check_pattern(fmt.value)
    return make_call(lookup("from_unixtime"), [cast_to(args[0], _LONG), cast_to(fmt, _STR)],
                     _STR)


simple("from_unixtime", _bind_from_unixtime, _from_unixtime)


def parse_error(text: str, fn: str = "try_to_timestamp") -> DateTimeException:
    return DateTimeException(
        f"[CANNOT_PARSE_TIMESTAMP] Text '{text}' could not be parsed at index 0. Use `{fn}` to "
        "tolerate invalid input string and return NULL instead. SQLSTATE: 22007",
        errorClass="CANNOT_PARSE_TIMESTAMP",
        messageParameters={"message": f"Text '{text}' could not be parsed at index 0",
                           "func": f"`{fn}`"})


def parse_strings(arr: Any, pattern: str, ansi: bool, fn: str = "try_to_timestamp") -> Any:
    """Wall-clock micros and mask of a string column parsed with a Java pattern; an
    unparsable non-NULL value raises under ANSI."""
    import numpy as np

    micros, ok = parse_local(arr, pattern)
    present = arr.is_valid().to_numpy(zero_copy_only=False)
    bad = present & ~ok
    if ansi and bad.any():
        raise parse_error(arr[int(np.argmax(bad))].as_py(), fn)
    return micros, ok & present


def _unix_timestamp(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    src = call.children[0].dtype
    arr = column(args[0], n)
    if isinstance(src, T.StringType):
        pattern = _pattern(call, 1)
        micros, ok = parse_strings(arr, pattern, ectx.ansi and not call.spec.extra.get("try"))
        inst = out(micros, ok, _TS, ectx.time_zone)
    elif isinstance(src, T.DateType):
        inst = out(ints(arr, n) * DAY_US, valid(n, arr), _TS, ectx.time_zone)
    else:
        inst = arr
    us = inst.cast(pa.int64())
    secs = pc.fill_null(us, 0).to_numpy(zero_copy_only=False)
    return out(np.floor_divide(secs, 1_000_000), us.is_valid().to_numpy(zero_copy_only=False),
               _LONG)


def _bind_unix_timestamp(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 0 if name == "unix_timestamp" else 1, 2)
        if not args:
            args = [lookup("current_timestamp").bind([], ctx)]
        a = args[0]
        if not _is_time(a.dtype):
            a = cast_to(a, _STR)
        fmt = args[1] if len(args) > 1 else Literal(DEFAULT_FORMAT, _STR)
        return make_call(lookup(name), [a, cast_to(fmt, _STR)], _LONG)
    return bind


simple("unix_timestamp", _bind_unix_timestamp("unix_timestamp"), _unix_timestamp)
simple("to_unix_timestamp", _bind_unix_timestamp("to_unix_timestamp"), _unix_timestamp)


# -- time zones -------------------------------------------------------------------------------------
def _zone_shift(to_utc: bool):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        n = width(args)
        arr = column(args[0], n)
        zones = column(args[1], n)
        zone_list = zones.to_pylist()
        uniq = set(zone_list)
        res = pa.nulls(n, pa.timestamp("us", tz="UTC"))
        import pyarrow.compute as pc

        for z in uniq:
            if z is None:
                continue
            mask = pa.array([x == z for x in zone_list]) if len(uniq) > 1 else None
            if to_utc:  # the wall-clock time (as UTC) is a time in zone z
                v = from_local(to_local(arr, "UTC"), _zone(z))
            else:  # the instant's wall-clock time in z, read as UTC
                v = to_local(arr, _zone(z)).cast(pa.timestamp("us", tz="UTC"))
            res = v if mask is None else pc.if_else(mask, v, res)
        return res
    return kernel


def _zone(z: str) -> str:
    z = z.strip()
    if re.fullmatch(r"[+-]\d{1,2}(:\d{2})?", z):
        sign, rest = z[0], z[1:]
        hh, _, mm = rest.partition(":")
        return f"{sign}{int(hh):02d}:{mm or '00'}"
    return {"Z": "UTC", "GMT": "UTC", "UT": "UTC"}.get(z, z)


for _name, _to in (("from_utc_timestamp", False), ("to_utc_timestamp", True)):
    simple(_name, _bind_fixed(_name, [lambda a: cast_to(a, _TS), lambda a: cast_to(a, _STR)],
                              _TS), _zone_shift(_to))


def _convert_timezone(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    n = width(args)
    if len(args) == 2:
        src, tgt, ts = ectx.time_zone, args[0], args[1]
    else:
        src, tgt, ts = args
    src = src.as_py() if isinstance(src, pa.Scalar) else src
    tgt = tgt.as_py() if isinstance(tgt, pa.Scalar) else tgt
    if not isinstance(src, (str, type(None))) or not isinstance(tgt, (str, type(None))):
        raise SparkRuntimeException("convert_timezone: time zones must be literals",
                                    errorClass="UNSUPPORTED_FEATURE")
    arr = column(ts, n)
    if src is None or tgt is None:
        return pa.nulls(n, pa.timestamp("us"))
    inst = from_local(arr.cast(pa.timestamp("us")), _zone(src))
    return to_local(inst, _zone(tgt))


def _bind_convert_timezone(args: list[Expression], ctx: Any) -> Expression:
    arity("convert_timezone", args, 2, 3)
    kids = [cast_to(a, _STR) for a in args[:-1]] + [cast_to(args[-1], _NTZ)]
    return make_call(lookup("convert_timezone"), kids, _NTZ)


simple("convert_timezone", _bind_convert_timezone, _convert_timezone)
