"""Date/time fields, constructors and conversions: weekofyear/dayofweek/weekday/dayname/
monthname, date_part/extract, make_date/make_timestamp(_ntz/_ltz)/make_dt_interval/
make_ym_interval (and their try_ forms), timestamp_seconds/millis/micros, unix_date/
seconds/millis/micros, date_from_unix_date, current_timezone, localtimestamp, and parsing
with a Java pattern: to_date, to_timestamp(_ntz/_ltz), try_to_timestamp, try_to_date,
date_format.

Same representation as datetime_functions.py: whole columns of numpy int64 days or
microseconds with validity masks; fields of a timestamp are taken in the session time zone.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, DateTimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.datetime_columns import (
    column, ints, out, valid, wall_micros, width)
from runtime.sql.expressions.datetime_functions import DEFAULT_FORMAT, parse_strings
from runtime.sql.expressions.datetime_patterns import (
    DAY_US, check_pattern, civil, days_of, format_local, month_length, to_local)
from runtime.sql.expressions.registry import EvalContext, lookup

_DATE, _TS, _NTZ = T.DateType(), T.TimestampType(), T.TimestampNTZType()
_INT, _LONG, _STR = T.IntegerType(), T.LongType(), T.StringType()
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _days(call: Any, args: list, ectx: EvalContext) -> tuple[Any, Any, int]:
    import numpy as np

    n = width(args)
    w = wall_micros(args[0], call.children[0].dtype, n, ectx.time_zone)
    return np.floor_divide(w, DAY_US), valid(n, args[0]), n


def _bind_date_field(name: str, result: T.DataType = _INT):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if not isinstance(a.dtype, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            a = cast_to(a, _DATE)
        return make_call(lookup(name), [a], result)
    return bind


def iso_week(days: Any) -> tuple[Any, Any]:
    """ISO-8601 week number and week-based year of days since the epoch."""
    dow = (days + 3) % 7  # Monday 0
    thursday = days - dow + 3
    y, _, _ = civil(thursday)
    return (thursday - days_of(y, 1, 1)) // 7 + 1, y


def _field_kernel(fn):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        days, ok, n = _days(call, args, ectx)
        return out(fn(days), ok, call.dtype)
    return kernel


simple("weekofyear", _bind_date_field("weekofyear"), _field_kernel(lambda d: iso_week(d)[0]))
simple("dayofweek", _bind_date_field("dayofweek"), _field_kernel(lambda d: (d + 4) % 7 + 1))
simple("weekday", _bind_date_field("weekday"), _field_kernel(lambda d: (d + 3) % 7))


def _name_kernel(names: list[str], index):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        days, ok, n = _days(call, args, ectx)
        return pa.array(names).take(pa.array(index(days), mask=~ok))
    return kernel


simple("dayname", _bind_date_field("dayname", _STR), _name_kernel(_DAYS, lambda d: (d + 3) % 7))
simple("monthname", _bind_date_field("monthname", _STR),
       _name_kernel(_MONTHS, lambda d: civil(d)[1] - 1))


# -- date_part / extract ------------------------------------------------------------------------------
_PART = {"YEAR": "year", "Y": "year", "YEARS": "year", "YR": "year", "YRS": "year",
         "YEAROFWEEK": "yearofweek", "QUARTER": "quarter", "QTR": "quarter",
         "MONTH": "month", "MON": "month", "MONS": "month", "MONTHS": "month",
         "WEEK": "week", "W": "week", "WEEKS": "week", "DAY": "day", "D": "day", "DAYS": "day",
         "DAYOFWEEK": "dow", "DOW": "dow", "DAYOFWEEK_ISO": "dow_iso", "DOW_ISO": "dow_iso",
         "DOY": "doy", "HOUR": "hour", "H": "hour", "HOURS": "hour", "HR": "hour",
         "HRS": "hour", "MINUTE": "minute", "M": "minute", "MIN": "minute", "MINS": "minute",
         "MINUTES": "minute", "SECOND": "second", "S": "second", "SEC": "second",
         "SECONDS": "second", "SECS": "second"}


def _bind_date_part(args: list[Expression], ctx: Any) -> Expression:
    arity("date_part", args, 2)
    field, src = args
    if not isinstance(field, Literal) or not isinstance(field.value, str):
        raise AnalysisException(
            "[NON_FOLDABLE_ARGUMENT] The function `date_part` requires the parameter `field` to "
            "be a foldable expression of the type \"STRING\", but the actual argument is a "
            "non-foldable. SQLSTATE: 42K08", errorClass="NON_FOLDABLE_ARGUMENT")
    part = _PART.get(field.value.upper())
    is_time_src = isinstance(src.dtype, (T.TimestampType, T.TimestampNTZType))
    if part is None or (part in ("hour", "minute", "second") and not is_time_src and
                        not isinstance(src.dtype, T.StringType)):
        raise AnalysisException(
            f"[INVALID_EXTRACT_FIELD] Cannot extract {field.value} from {src.sql()}. "
            "SQLSTATE: 42601", errorClass="INVALID_EXTRACT_FIELD",
            messageParameters={"field": field.value, "expr": src.sql()})
    if not isinstance(src.dtype, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        src = cast_to(src, _TS if part in ("hour", "minute", "second") else _DATE)
    dtype = T.DecimalType(8, 6) if part == "second" else _INT
    return make_call(lookup("date_part"), [field, src], dtype, None, (("part", part),))


def _date_part(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    part = dict(call.options)["part"]
    n = width(args)
    w = wall_micros(args[1], call.children[1].dtype, n, ectx.time_zone)
    ok = valid(n, args[1])
    days = np.floor_divide(w, DAY_US)
    tod = w - days * DAY_US
    y, m, d = civil(days)
    values = {
        "year": lambda: y, "quarter": lambda: (m - 1) // 3 + 1, "month": lambda: m,
        "week": lambda: iso_week(days)[0], "yearofweek": lambda: iso_week(days)[1],
        "day": lambda: d, "dow": lambda: (days + 4) % 7 + 1, "dow_iso": lambda: (days + 3) % 7 + 1,
        "doy": lambda: days - days_of(y, 1, 1) + 1, "hour": lambda: tod // 3_600_000_000,
        "minute": lambda: tod // 60_000_000 % 60,
    }
    if part == "second":
        import decimal

        us = tod % 60_000_000
        return pa.array([decimal.Decimal(int(v)).scaleb(-6) for v in us], pa.decimal128(8, 6),
                        mask=~ok)
    return out(values[part](), ok, _INT)


def _date_part_pretty(call: Any) -> str:
    display = dict(call.options).get("display")
    if display == "extract":
        return f"extract({call.children[0].value} FROM {call.children[1].sql()})"
    return f"{display or 'date_part'}({call.children[0].value}, {call.children[1].sql()})"


simple("date_part", _bind_date_part, _date_part, _date_part_pretty, "datepart")


# -- constructors -------------------------------------------------------------------------------------
def out_of_bounds(what: str, lo: int, hi: int, value: int) -> DateTimeException:
    return _bounds(f"Invalid value for {what} (valid values {lo} - {hi}): {value}")


def _bounds(text: str) -> DateTimeException:
    return DateTimeException(
        f"[DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION] {text}.  SQLSTATE: 22023",
        errorClass="DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
        messageParameters={"rangeMessage": text})


def _check_fields(fields: list[tuple[str, Any, int, int]], ok: Any, strict: bool) -> Any:
    """``fields``: (Java field name, values, low, high); invalid rows fail or become NULL."""
    import numpy as np

    good = ok.copy()
    for what, v, lo, hi in fields:
        bad = ok & ((v < lo) | (v > hi))
        if strict and bad.any():
            raise out_of_bounds(what, lo, hi, int(v[int(np.argmax(bad))]))
        good &= ~bad
    return good


_MONTH_UPPER = ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
                "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"]


def _date_fields(args: list, n: int, ok: Any, strict: bool) -> tuple[Any, Any]:
    import numpy as np

    y, m, d = (ints(a, n) for a in args[:3])
    ok = _check_fields([("Year", y, -290308, 294247), ("MonthOfYear", m, 1, 12),
                        ("DayOfMonth", d, 1, 31)], ok, strict)
    mc = np.clip(m, 1, 12)
    bad = ok & (d > month_length(y, mc))
    if strict and bad.any():
        i = int(np.argmax(bad))
        text = (f"Invalid date 'February 29' as '{y[i]}' is not a leap year"
                if m[i] == 2 and d[i] == 29 else f"Invalid date '{_MONTH_UPPER[mc[i] - 1]} {d[i]}'")
        raise _bounds(text)
    ok = ok & ~bad
    return days_of(y, mc, np.clip(d, 1, 31)), ok


def _make_date(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    days, ok = _date_fields(args, n, valid(n, *args), ectx.ansi)
    return out(days, ok, _DATE)


simple("make_date", lambda args, ctx: _bind_ints("make_date", args, 3, 3, _DATE), _make_date)


def _bind_ints(name: str, args: list[Expression], lo: int, hi: int, result: T.DataType,
               last: T.DataType | None = None) -> Expression:
    arity(name, args, lo, hi)
    kids = [cast_to(a, _INT) for a in args]
    if last is not None and len(args) >= 6:
        kids[5] = cast_to(args[5], last)
        kids[6:] = [cast_to(a, _STR) for a in args[6:]]
    return make_call(lookup(name), kids, result)


def decimal_micros(arr: Any) -> Any:
    """Seconds (a decimal column with 6 digits of fraction) as numpy int64 microseconds."""
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    scaled = pc.multiply(arr.cast(pa.float64()), 1_000_000.0)
    return pc.fill_null(pc.cast(pc.round(scaled), pa.int64()), 0).to_numpy(zero_copy_only=False)


def _make_timestamp(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    strict = ectx.ansi and not call.spec.extra.get("try")
    ok = valid(n, *args[:6])
    days, ok = _date_fields(args, n, ok, strict)
    h, mi = ints(args[3], n), ints(args[4], n)
    sec_arr = column(args[5], n)
    micros = decimal_micros(sec_arr)
    ok = _check_fields([("HourOfDay", h, 0, 23), ("MinuteOfHour", mi, 0, 59)], ok, strict)
    sec_ok = (micros >= 0) & ((micros < 60_000_000) | (micros == 60_000_000))
    ok = _check_fields([("SecondOfMinute", np.where(sec_ok, 0, micros // 1_000_000), 0, 59)],
                       ok, strict)
    wall = days * DAY_US + (h * 60 + mi) * 60_000_000 + micros
    if isinstance(call.dtype, T.TimestampNTZType):
        return out(wall, ok, _NTZ)
    if len(args) > 6:
        tz = column(args[6], n).to_pylist()[0] or ectx.time_zone
        return out(wall, ok & valid(n, args[6]), _TS, tz)
    return out(wall, ok, _TS, ectx.time_zone)


for _name, _result, _try in (("make_timestamp", _TS, False), ("make_timestamp_ltz", _TS, False),
                             ("make_timestamp_ntz", _NTZ, False),
                             ("try_make_timestamp", _TS, True),
                             ("try_make_timestamp_ltz", _TS, True),
                             ("try_make_timestamp_ntz", _NTZ, True)):
    simple(_name, (lambda nm, r: lambda args, ctx: _bind_ints(
        nm, args, 6, 6 if r == _NTZ else 7, r, T.DecimalType(16, 6)))(_name, _result),
        _make_timestamp, None, **({"try": True} if _try else {}))


def _make_dt_interval(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    d, h, mi = (ints(a, n) if i < len(args) else 0 for i, a in
                enumerate(list(args[:3]) + [None] * (3 - len(args[:3]))))
    secs = 0
    if len(args) > 3:
        secs = decimal_micros(column(args[3], n))
    total = ((d * 24 + h) * 60 + mi) * 60_000_000 + secs
    return pa.array(total, pa.int64(), mask=~valid(n, *args)).cast(pa.duration("us"))


def _bind_dt_interval(args: list[Expression], ctx: Any) -> Expression:
    arity("make_dt_interval", args, 0, 4)
    args = list(args) + [Literal(0, _INT)] * (4 - len(args))  # Spark names every argument
    kids = [cast_to(a, _INT) for a in args[:3]] + [cast_to(a, T.DecimalType(18, 6))
                                                   for a in args[3:]]
    return make_call(lookup("make_dt_interval"), kids, T.DayTimeIntervalType(0, 3))


simple("make_dt_interval", _bind_dt_interval, _make_dt_interval)


def _make_ym_interval(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    n = width(args)
    y = ints(args[0], n) if args else 0
    m = ints(args[1], n) if len(args) > 1 else 0
    return pa.array((y * 12 + m) + (0 * width(args)), pa.int64(),
                    mask=~valid(n, *args)).cast(pa.int32())


simple("make_ym_interval", lambda args, ctx: (arity("make_ym_interval", args, 0, 2), make_call(
    lookup("make_ym_interval"), [cast_to(a, _INT) for a in args],
    T.YearMonthIntervalType(0, 1)))[1], _make_ym_interval)


# -- epoch conversions --------------------------------------------------------------------------------
def _from_epoch(scale: int):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        n = width(args)
        arr = column(args[0], n)
        if pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):
            us = pc.cast(pc.multiply(arr.cast(pa.float64()), float(scale)), pa.int64(),
                         safe=False)
        else:
            us = pc.multiply_checked(arr.cast(pa.int64()), scale) if scale > 1 else \
                arr.cast(pa.int64())
        return us.cast(pa.timestamp("us", tz="UTC"))
    return kernel


def _bind_epoch(name: str, numeric_ok: bool):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if not (numeric_ok and isinstance(a.dtype, T.NumericType)):
            a = cast_to(a, _LONG)
        return make_call(lookup(name), [a], _TS)
    return bind


simple("timestamp_seconds", _bind_epoch("timestamp_seconds", True), _from_epoch(1_000_000))
simple("timestamp_millis", _bind_epoch("timestamp_millis", False), _from_epoch(1000))
simple("timestamp_micros", _bind_epoch("timestamp_micros", False), _from_epoch(1))


def _to_epoch(divisor: int):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np

        n = width(args)
        us = ints(args[0], n)
        return out(np.floor_divide(us, divisor), valid(n, args[0]), _LONG)
    return kernel


for _name, _div in (("unix_seconds", 1_000_000), ("unix_millis", 1000), ("unix_micros", 1)):
    simple(_name, (lambda nm: lambda args, ctx: (arity(nm, args, 1), make_call(
        lookup(nm), [cast_to(args[0], _TS)], _LONG))[1])(_name), _to_epoch(_div))

simple("unix_date", lambda args, ctx: (arity("unix_date", args, 1), make_call(
    lookup("unix_date"), [cast_to(args[0], _DATE)], _INT))[1],
    lambda call, args, ectx: column(args[0], width(args)).cast(__import__("pyarrow").int32()))
simple("date_from_unix_date", lambda args, ctx: (arity("date_from_unix_date", args, 1), make_call(
    lookup("date_from_unix_date"), [cast_to(args[0], _INT)], _DATE))[1],
    lambda call, args, ectx: column(args[0], width(args)).cast(__import__("pyarrow").date32()))


def _bind_current_timezone(args: list[Expression], ctx: Any) -> Expression:
    arity("current_timezone", args, 0)
    return make_call(lookup("current_timezone"), [], _STR, False,
                     (("zone", ctx.time_zone),))


simple("current_timezone", _bind_current_timezone,
       lambda call, args, ectx: __import__("pyarrow").scalar(dict(call.options)["zone"]))


def _bind_localtimestamp(args: list[Expression], ctx: Any) -> Expression:
    import datetime as dt
    from zoneinfo import ZoneInfo

    arity("localtimestamp", args, 0)
    zone = dt.timezone.utc if ctx.time_zone in ("UTC", "Z") else ZoneInfo(ctx.time_zone)
    return Literal(dt.datetime.now(zone).replace(tzinfo=None), _NTZ)


simple("localtimestamp", _bind_localtimestamp, None)


# -- parsing and formatting with Java patterns -----------------------------------------------------
def _bind_parse(name: str, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        a = args[0]
        if len(args) == 1:
            return make_call(lookup(name), [a], result)
        fmt = args[1]
        if isinstance(fmt, Literal) and isinstance(fmt.value, str):
            check_pattern(fmt.value)
        if not isinstance(a.dtype, T.StringType):
            a = cast_to(a, _STR)
        return make_call(lookup(name), [a, cast_to(fmt, _STR)], result)
    return bind


def _parse_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    strict = ectx.ansi and not call.spec.extra.get("try")
    n = width(args)
    arr = column(args[0], n)
    src = call.children[0].dtype
    if len(args) == 1:
        target = call.dtype
        return cast_array(arr, src, target, strict, ectx) if not call.spec.extra.get("try") \
            else cast_array(arr, src, target, False, ectx)
    pattern = column(args[1], n)[0].as_py()
    if pattern is None:
        return out([0] * n, valid(n) & False, call.dtype)
    fn = "try_to_date" if isinstance(call.dtype, T.DateType) else "try_to_timestamp"
    micros, ok = parse_strings(arr, pattern, strict, fn)
    if isinstance(call.dtype, T.DateType):
        import numpy as np

        return out(np.floor_divide(micros, DAY_US), ok, _DATE)
    return out(micros, ok, call.dtype, ectx.time_zone)


for _name, _result, _try in (("to_date", _DATE, False), ("try_to_date", _DATE, True),
                             ("to_timestamp", _TS, False), ("try_to_timestamp", _TS, True),
                             ("to_timestamp_ltz", _TS, False), ("to_timestamp_ntz", _NTZ, False)):
    simple(_name, _bind_parse(_name, _result), _parse_kernel, None,
           **({"try": True} if _try else {}))


def _bind_date_format(args: list[Expression], ctx: Any) -> Expression:
    arity("date_format", args, 2)
    a = args[0]
    if not isinstance(a.dtype, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        a = cast_to(a, _TS)
    if isinstance(args[1], Literal) and isinstance(args[1].value, str):
        check_pattern(args[1].value)
    return make_call(lookup("date_format"), [a, cast_to(args[1], _STR)], _STR)


def _date_format(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    w = wall_micros(args[0], call.children[0].dtype, n, ectx.time_zone)
    pattern = column(args[1], n)[0].as_py()
    if pattern is None:
        return out([None] * n, valid(n) & False, _STR)
    return format_local(w, valid(n, *args), pattern, ectx.time_zone)


simple("date_format", _bind_date_format, _date_format)
_unused = (to_local, DEFAULT_FORMAT)
