"""Date/time arithmetic by a named unit: ``timestampadd(unit, quantity, ts)`` (also
``timestamp_add``, ``dateadd`` and three-argument ``date_add`` in SQL),
``timestampdiff(unit, start, end)`` (``timestamp_diff``, ``datediff``/``date_diff`` with a
unit) and ``time_bucket(size, ts [, origin])`` (the start of the interval bucket, counted
from ``origin``, default the epoch, that ``ts`` is in: day-time sizes step in wall-clock
microseconds, year-month sizes in whole months; both constant).

Units are Spark's: YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR (adding only), HOUR, MINUTE,
SECOND, MILLISECOND, MICROSECOND; another one is ``[INVALID_PARAMETER_VALUE.DATETIME_UNIT]``.
A date argument is cast to a timestamp, a ``timestamp_ntz`` stays one; the quantity is a
bigint (a fractional one is truncated). As Spark (DateTimeUtils.timestampAdd/Diff):

* adding HOUR and smaller units adds microseconds to the instant; DAY/WEEK add days and
  MONTH/QUARTER/YEAR add months to the wall-clock time in the session time zone, the day
  clamped to the month's last (Jan 31 + 1 month = Feb 29);
* a difference is java.time's ``ChronoUnit.between`` of the two wall-clock times: whole
  units, truncated toward zero; months compare (month, day) and the time of day as
  ``LocalDateTime.until`` does.

A result outside the timestamp range raises ``[DATETIME_OVERFLOW]``. All columns are numpy
int64 microseconds (datetime_columns.py).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, ArithmeticException, IllegalArgumentException
from runtime.sql.expressions.base import Call, Cast, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.datetime_columns import ints, out, valid, wall_micros, width
from runtime.sql.expressions.datetime_patterns import DAY_US, civil, days_of, month_length
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch)

_TS, _NTZ, _LONG = T.TimestampType(), T.TimestampNTZType(), T.LongType()
_MICROS = {"MICROSECOND": 1, "MILLISECOND": 1000, "SECOND": 1_000_000,
           "MINUTE": 60_000_000, "HOUR": 3_600_000_000}
_DAYS = {"DAY": 1, "DAYOFYEAR": 1, "WEEK": 7}
_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}
_ADD_UNITS = "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, " \
    "MILLISECOND, MICROSECOND"
_DIFF_UNITS = "YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND"
_MAX_US = 9223372036854775807


def _unit(name: str, arg: Expression, allowed: str) -> str:
    value = arg.value if isinstance(arg, Literal) else None
    unit = str(value).upper() if isinstance(value, str) else None
    if unit is None or unit not in allowed.split(", "):
        shown = f"'{value}'" if isinstance(value, str) else arg.sql()
        raise IllegalArgumentException(
            f"[INVALID_PARAMETER_VALUE.DATETIME_UNIT] The value of parameter(s) `unit` in "
            f"`{name}` is invalid: expects one of the units without quotes {allowed}, but got "
            f"the string literal {shown}. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.DATETIME_UNIT",
            messageParameters={"functionName": f"`{name}`", "parameter": "`unit`",
                               "invalidValue": shown})
    return unit


def _as_timestamp(a: Expression) -> Expression:
    return a if isinstance(a.dtype, (T.TimestampType, T.TimestampNTZType)) else cast_to(a, _TS)


# -- timestampadd ---------------------------------------------------------------------------------
def _bind_add(args: list[Expression], ctx: Any) -> Expression:
    arity("timestampadd", args, 3)
    unit = _unit("TIMESTAMPADD", args[0], _ADD_UNITS)
    ts = _as_timestamp(args[2])
    return make_call(lookup("timestampadd"), [Literal(unit, T.StringType()),
                                             cast_to(args[1], _LONG), ts], ts.dtype,
                     args[1].nullable or ts.nullable)


def _pretty(call: Any) -> str:
    kids = call.children
    name = dict(call.options).get("display", call.spec.name)
    return f"{name}({kids[0].value}, {kids[1].sql()}, {kids[2].sql()})"


def _overflow(call: Any, q: int, unit: str) -> ArithmeticException:
    return ArithmeticException(
        f"[DATETIME_OVERFLOW] Datetime operation overflow: add {q}L {unit} to "
        f"{call.children[2].sql()}. SQLSTATE: 22008", errorClass="DATETIME_OVERFLOW",
        messageParameters={"operation": f"add {q}L {unit} to {call.children[2].sql()}"})


def _add_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    unit = call.children[0].value
    dtype = call.children[2].dtype
    n = width(args)
    ok = valid(n, args[1], args[2])
    q = ints(args[1], n)
    tz = ectx.time_zone if isinstance(dtype, T.TimestampType) else None
    if unit in _MICROS:
        base = ints(args[2], n)  # the instant (or the ntz wall clock)
        step = _MICROS[unit]
        limit = _MAX_US // step
        bad = ok & (np.abs(q) > limit)
        with np.errstate(over="ignore"):
            res = base + q * step
            bad |= ok & ~bad & (((q > 0) & (res < base)) | ((q < 0) & (res > base)))
        if bad.any():
            raise _overflow(call, int(q[np.argmax(bad)]), unit)
        return out(res, ok, dtype)
    wall = wall_micros(args[2], dtype, n, tz or "UTC")
    days, tod = np.floor_divide(wall, DAY_US), np.mod(wall, DAY_US)
    if unit in _DAYS:
        bad = ok & (np.abs(q) > 106_000_000 // _DAYS[unit])
        if bad.any():
            raise _overflow(call, int(q[np.argmax(bad)]), unit)
        new_days = days + np.where(ok, q, 0) * _DAYS[unit]
    else:
        months = np.where(ok, q, 0) * _MONTHS[unit]
        bad = ok & (np.abs(months) > 3_480_000)  # beyond year +-290000: not a timestamp
        if bad.any():
            raise _overflow(call, int(q[np.argmax(bad)]), unit)
        y, m, d = civil(days)
        total = y * 12 + (m - 1) + months
        ny, nm = total // 12, total % 12 + 1
        new_days = days_of(ny, nm, np.minimum(d, month_length(ny, nm)))
    res = new_days * DAY_US + tod
    if (ok & (np.abs(new_days) > 106_000_000)).any():
        raise _overflow(call, int(q[np.argmax(ok)]), unit)
    return out(res, ok, dtype, tz)


simple("timestampadd", _bind_add, _add_kernel, _pretty, "timestamp_add")


# -- timestampdiff --------------------------------------------------------------------------------
def _bind_diff(args: list[Expression], ctx: Any) -> Expression:
    arity("timestampdiff", args, 3)
    unit = _unit("TIMESTAMPDIFF", args[0], _DIFF_UNITS)
    start, end = args[1], args[2]
    if not (isinstance(start.dtype, T.TimestampNTZType) and
            isinstance(end.dtype, T.TimestampNTZType)):
        start, end = cast_to(start, _TS), cast_to(end, _TS)
    return make_call(lookup("timestampdiff"), [Literal(unit, T.StringType()), start, end],
                     _LONG, start.nullable or end.nullable)


def _trunc_div(a: Any, b: int) -> Any:
    import numpy as np

    return np.sign(a) * (np.abs(a) // b)


def _diff_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    unit = call.children[0].value
    n = width(args)
    ok = valid(n, args[1], args[2])
    tz = ectx.time_zone
    w1 = wall_micros(args[1], call.children[1].dtype, n, tz)
    w2 = wall_micros(args[2], call.children[2].dtype, n, tz)
    if unit in _MICROS or unit in _DAYS:
        step = _MICROS.get(unit) or _DAYS[unit] * DAY_US
        return out(_trunc_div(w2 - w1, step), ok, _LONG)
    d1, t1 = np.floor_divide(w1, DAY_US), np.mod(w1, DAY_US)
    d2, t2 = np.floor_divide(w2, DAY_US), np.mod(w2, DAY_US)
    d2 = np.where((d2 > d1) & (t2 < t1), d2 - 1, np.where((d2 < d1) & (t2 > t1), d2 + 1, d2))
    y1, m1, dd1 = civil(d1)
    y2, m2, dd2 = civil(d2)
    packed = ((y2 * 12 + m2) * 32 + dd2) - ((y1 * 12 + m1) * 32 + dd1)
    months = _trunc_div(packed, 32)
    return out(_trunc_div(months, _MONTHS[unit]), ok, _LONG)


simple("timestampdiff", _bind_diff, _diff_kernel, _pretty, "timestamp_diff")


# -- the SQL names whose arity picks the function -------------------------------------------------
def _bind_dateadd(args: list[Expression], ctx: Any) -> Expression:
    """``dateadd(start, days)`` is ``date_add``; ``dateadd(unit, n, ts)`` is timestampadd."""
    return lookup("timestampadd" if len(args) == 3 else "date_add").bind(list(args), ctx)


def _bind_date_diff(args: list[Expression], ctx: Any) -> Expression:
    """``date_diff(end, start)`` is ``datediff`` under its own name; with a unit first it
    is ``timestampdiff``."""
    if len(args) == 3:
        return lookup("timestampdiff").bind(list(args), ctx)
    inner = lookup("datediff").bind(list(args), ctx)
    return make_call(_date_diff, list(inner.children), inner.dtype, inner.nullable)


register(FunctionSpec("dateadd", _bind_dateadd, None))
_date_diff = register(FunctionSpec(
    "date_diff", _bind_date_diff, lambda call, args, ectx: lookup("datediff").kernel(
        call, args, ectx)))


# -- time_bucket ----------------------------------------------------------------------------------
def _bind_bucket(args: list[Expression], ctx: Any) -> Expression:
    arity("time_bucket", args, 2, 3)
    size, ts = args[0], args[1]
    kind = _TS if not isinstance(ts.dtype, T.TimestampNTZType) else _NTZ
    origin = args[2] if len(args) > 2 else Cast(
        (Literal("1970-01-01 00:00:00", T.StringType()),), kind, typed_literal=True)
    sql = f"time_bucket({size.sql()}, {ts.sql()}, {origin.sql()})"
    if not isinstance(size.dtype, (T.DayTimeIntervalType, T.YearMonthIntervalType)):
        raise type_mismatch(sql, 1, '("INTERVAL DAY TO SECOND" or "INTERVAL YEAR TO MONTH")',
                            size.sql(), size.dtype)
    if not isinstance(ts.dtype, (T.TimestampType, T.TimestampNTZType)):
        raise type_mismatch(sql, 2, '("TIMESTAMP" or "TIMESTAMP_NTZ")', ts.sql(), ts.dtype)
    for name, a in (("bucket_size", size), ("origin", origin)):
        if not (a.foldable() and not any(isinstance(c, Call) and c.spec.name.startswith("to_")
                                         for c in [a])):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "{sql}" due to data '
                f"type mismatch: the input `{name}` should be a foldable "
                f'"{a.dtype.simpleString().upper()}" expression; however, got "{a.sql()}". '
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
    return make_call(lookup("time_bucket"), [size, ts, cast_to(origin, ts.dtype)], ts.dtype,
                     ts.nullable, (("sql", sql),))


def _bucket(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    dtype = call.children[1].dtype
    tz = ectx.time_zone if isinstance(dtype, T.TimestampType) else None
    n = width(args)
    ok = valid(n, *args)
    wall = wall_micros(args[1], dtype, n, tz or "UTC")
    origin = wall_micros(args[2], dtype, n, tz or "UTC")
    size = ints(args[0], n)
    if (ok & (size <= 0)).any():
        raise IllegalArgumentException(
            "[INVALID_PARAMETER_VALUE.BUCKET_SIZE] The value of parameter(s) `bucket_size` in "
            "`time_bucket` is invalid: must be positive. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.BUCKET_SIZE")
    size = np.where(size > 0, size, 1)
    if isinstance(call.children[0].dtype, T.DayTimeIntervalType):
        res = origin + np.floor_divide(wall - origin, size) * size
    else:  # whole months from the origin, then back to the bucket's first month
        d, t = np.floor_divide(wall, DAY_US), np.mod(wall, DAY_US)
        od, ot = np.floor_divide(origin, DAY_US), np.mod(origin, DAY_US)
        y, m, dd = civil(d)
        oy, om, odd = civil(od)
        months = (y * 12 + m) - (oy * 12 + om)
        before = (dd < odd) | ((dd == odd) & (t < ot))
        months = months - before.astype(np.int64)
        k = np.floor_divide(months, size) * size
        total = oy * 12 + (om - 1) + k
        ny, nm = total // 12, total % 12 + 1
        res = days_of(ny, nm, np.minimum(odd, month_length(ny, nm))) * DAY_US + ot
    return out(res, ok, dtype, tz)


simple("time_bucket", _bind_bucket, _bucket, lambda c: dict(c.options)["sql"])
