"""``make_interval`` / ``try_make_interval``: Spark's legacy ``interval`` type
(CalendarIntervalType: months, days and microseconds, Arrow ``month_day_nano_interval``),
and a date or timestamp plus or minus one.

``make_interval(years, months, weeks, days, hours, mins, secs)``: every argument optional
(missing ones are 0; Spark shows them in the name: ``make_interval(1, 0, 0, 0, 0, 0,
0.000000)``); the first six are INT, secs DECIMAL(18, 6). months = years * 12 + months,
days = weeks * 7 + days, micros = hours, minutes and seconds together, each in Java's
exact arithmetic: an overflow is ``[ARITHMETIC_OVERFLOW]`` under ANSI and NULL for
``try_make_interval`` or without ANSI. Whole columns in numpy (int64/object checks).

``date ± interval`` adds the months (clamping the day to the month's end, add_months),
then the days; microseconds on a date are Spark's error. ``timestamp ± interval`` adds
months and days to the wall-clock date in the session time zone, then the microseconds
to the instant.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import decimal
from typing import Any
from zoneinfo import ZoneInfo

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import IllegalArgumentException, arithmetic_overflow
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import cast_to, make_call
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, wrong_num_args)
from runtime.sql.expressions.rowwise import python_rows

__all__ = ["bind_calendar_arith"]

_INT, _SECS = T.IntegerType(), T.DecimalType(18, 6)
_I32 = (-(1 << 31), (1 << 31) - 1)
_I64 = (-(1 << 63), (1 << 63) - 1)


def _bind_make(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if len(args) > 7:
            raise wrong_num_args(name, "[0, 7]", len(args))
        kids = [cast_to(a, _INT) for a in args[:6]]
        kids += [Literal(0, _INT)] * (6 - len(kids))
        secs = cast_to(args[6], _SECS) if len(args) > 6 else \
            Literal(decimal.Decimal("0.000000"), _SECS)
        return make_call(lookup(name), kids + [secs], T.CalendarIntervalType(), True,
                         (("ansi", ctx.ansi),))
    return bind


def _fits(v: int, bounds: tuple) -> bool:
    return bounds[0] <= v <= bounds[1]


def _make(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    fail = ectx.ansi and call.spec.name == "make_interval"
    cols, n, scalar = python_rows(args)
    out = []
    for y, mo, w, d, h, mi, s in zip(*cols):
        if None in (y, mo, w, d, h, mi, s):
            out.append(None)
            continue
        months, days = y * 12 + mo, w * 7 + d
        micros = h * 3_600_000_000 + mi * 60_000_000 + int(s * 1_000_000)
        # Arrow keeps nanoseconds: |micros| beyond 2^63 / 1000 (292 years of hours) does not
        # fit, where Spark's microseconds would; such a value is an overflow here
        if not (_fits(y * 12, _I32) and _fits(months, _I32) and _fits(w * 7, _I32) and
                _fits(days, _I32) and _fits(h * 3_600_000_000, _I64) and
                _fits(micros * 1000, _I64)):
            if fail:
                raise arithmetic_overflow("overflow", "")
            out.append(None)
            continue
        out.append((months, days, micros * 1000))
    arr = pa.array(out, pa.month_day_nano_interval())
    return arr[0] if scalar else arr


def _make_pretty(call: Any) -> str:
    return f"{call.spec.name}({', '.join(c.sql() for c in call.children)})"


for _n in ("make_interval", "try_make_interval"):
    register(FunctionSpec(_n, _bind_make(_n), _make, _make_pretty))


# -- date/timestamp ± interval ---------------------------------------------------------------------
def bind_calendar_arith(symbol: str, a: Expression, b: Expression) -> Expression | None:
    """``date ± interval`` / ``timestamp ± interval`` (and ``interval + date``); None when
    neither side is a calendar interval."""
    ia, ib = (isinstance(x.dtype, T.CalendarIntervalType) for x in (a, b))
    if not (ia or ib) or symbol not in ("+", "-") or (ia and symbol == "-"):
        return None
    x, iv = (b, a) if ia else (a, b)
    if isinstance(x.dtype, T.StringType):
        x = cast_to(x, T.TimestampType())
    if not isinstance(x.dtype, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        return None
    return make_call(lookup("calendar_add@arith"), [a, b], x.dtype, None,
                     (("sign", -1 if symbol == "-" else 1), ("swap", ia), ("symbol", symbol)))


def _calendar_add(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    opts = dict(call.options)
    sign = opts["sign"]
    x_arr, iv_arr = (args[1], args[0]) if opts["swap"] else (args[0], args[1])
    cols, n, scalar = python_rows([x_arr, iv_arr])
    dtype = call.dtype
    out = []
    for x, iv in zip(*cols):
        if x is None or iv is None:
            out.append(None)
            continue
        months, days, micros = sign * iv.months, sign * iv.days, sign * (iv.nanoseconds // 1000)
        if isinstance(dtype, T.DateType):
            if micros:
                raise IllegalArgumentException(
                    "Cannot add hours, minutes or seconds, milliseconds, microseconds to a date")
            out.append(_add_months(x, months) + _dt.timedelta(days=days))
            continue
        local = x
        if isinstance(dtype, T.TimestampType):
            zone = ZoneInfo(ectx.time_zone)
            local = x.astimezone(zone).replace(tzinfo=None)
            moved = _add_months(local, months) + _dt.timedelta(days=days)
            inst = moved.replace(tzinfo=zone).astimezone(_dt.timezone.utc)
            out.append(inst + _dt.timedelta(microseconds=micros))
        else:
            out.append(_add_months(local, months) + _dt.timedelta(days=days, microseconds=micros))
    arr = pa.array(out, to_arrow(dtype))
    return arr[0] if scalar else arr


def _add_months(d: Any, months: int) -> Any:
    total = d.year * 12 + d.month - 1 + months
    y, m = divmod(total, 12)
    day = min(d.day, calendar.monthrange(y, m + 1)[1])
    return d.replace(year=y, month=m + 1, day=day)


def _calendar_pretty(call: Any) -> str:
    a, b = call.children
    return f"{a.sql()} {dict(call.options)['symbol']} {b.sql()}"


register(FunctionSpec("calendar_add@arith", lambda args, ctx: None, _calendar_add,
                      _calendar_pretty))  # bound by bind_calendar_arith only
