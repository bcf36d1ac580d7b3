"""Arithmetic over ANSI intervals, dates and timestamps (Spark's ResolveBinaryArithmetic).

``bind_datetime_arith(symbol, a, b)`` is called by the ``+ - * /`` binders of arithmetic.py
before their numeric rules; it returns None when neither side is an interval and the
operation is not ``date - date`` / ``timestamp - timestamp``. Spark's result types:

* ``date ± interval year to month`` -> date (add_months: the day is clamped to the month's
  last day); ``timestamp ± year-month`` -> timestamp (months added to the wall-clock date in
  the session time zone);
* ``date ± interval day`` -> date; ``date ± day-time with hours/minutes/seconds`` ->
  timestamp (the date at midnight in the session zone); ``timestamp ± day-time`` ->
  timestamp (microseconds added to the instant);
* ``date - date`` -> ``interval day``; ``timestamp - timestamp`` (or a date with a
  timestamp) -> ``interval day to second``;
* ``interval ± interval`` of one family -> the interval covering both fields
  (``interval day + interval hour``: ``interval day to hour``);
* ``interval * number``, ``number * interval``, ``interval / number`` -> the full type of
  the family (``interval day to second``/``interval year to month``), rounded HALF_UP;
  division by zero is ``[INTERVAL_DIVIDED_BY_ZERO]``; overflow ``[ARITHMETIC_OVERFLOW]``.

Values: year-month intervals are int32 months, day-time intervals ``duration[us]``, dates
``date32`` and timestamps ``timestamp[us, UTC]`` (arrow_types.py). The specs here are not
registered under a name: they only stand behind ``+ - * /``.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import ArithmeticException, arithmetic_overflow
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import cast_to, make_call
from runtime.sql.expressions.datetime_calendar import bind_calendar_arith
from runtime.sql.expressions.datetime_columns import column, ints, out, valid, wall_micros, width
from runtime.sql.expressions.datetime_patterns import DAY_US, civil, days_of, month_length
from runtime.sql.expressions.registry import EvalContext, FunctionSpec
from runtime.sql.intervals import is_interval, widen_interval

__all__ = ["bind_datetime_arith"]

_DT, _YM = T.DayTimeIntervalType, T.YearMonthIntervalType
_DATES = (T.DateType, T.TimestampType)


def _sign(call: Any) -> int:
    return dict(call.options).get("sign", 1)


def _ordered(call: Any, args: list) -> tuple[list, list]:
    """(arguments, their types) with the date/timestamp (or interval) first: the call keeps
    its children in the order written (``2 * interval``) for its name."""
    kids = [c.dtype for c in call.children]
    if dict(call.options).get("swap"):
        return [args[1], args[0]], [kids[1], kids[0]]
    return list(args), kids


def _pretty(call: Any) -> str:
    a, b = call.children
    return f"({a.sql()} {dict(call.options)['symbol']} {b.sql()})"


# -- kernels --------------------------------------------------------------------------------------
def _add_months(call: Any, args: list, ectx: EvalContext) -> Any:
    """date/timestamp + months (args: the date or timestamp, the int32 months)."""
    import numpy as np

    args, types = _ordered(call, args)
    n = width(args)
    k = ints(args[1], n) * _sign(call)
    mask = valid(n, *args)
    dtype = types[0]
    if isinstance(dtype, T.DateType):
        days, tod = ints(args[0], n), None
    else:
        wall = wall_micros(args[0], dtype, n, ectx.time_zone)
        days, tod = np.floor_divide(wall, DAY_US), np.mod(wall, DAY_US)
    y, m, d = civil(days)
    total = y * 12 + (m - 1) + k
    ny, nm = total // 12, total % 12 + 1
    nd = np.minimum(d, month_length(ny, nm))
    new_days = days_of(ny, nm, nd)
    if tod is None:
        return out(new_days, mask, T.DateType())
    return out(new_days * DAY_US + tod, mask, T.TimestampType(), ectx.time_zone)


def _add_micros(call: Any, args: list, ectx: EvalContext) -> Any:
    """date/timestamp + a day-time interval (a date plus whole days stays a date)."""
    args, types = _ordered(call, args)
    n = width(args)
    us = ints(args[1], n) * _sign(call)
    mask = valid(n, *args)
    if isinstance(call.dtype, T.DateType):
        return out(ints(args[0], n) + us // DAY_US, mask, T.DateType())
    if isinstance(types[0], T.DateType):  # midnight in the session time zone, then the interval
        midnight = out(ints(args[0], n) * DAY_US, mask, T.TimestampType(), ectx.time_zone)
        return _shift(midnight, us, mask)
    return _shift(column(args[0], n), us, mask)


def _shift(ts: Any, us: Any, mask: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    base = pc.fill_null(ts.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    total = base + us
    return pa.array(np.asarray(total, np.int64), pa.int64(), mask=~mask).cast(ts.type)


def _diff(call: Any, args: list, ectx: EvalContext) -> Any:
    """date - date (days) or timestamp - timestamp (microseconds), as a duration."""
    import numpy as np
    import pyarrow as pa

    n = width(args)
    mask = valid(n, *args)
    if isinstance(call.children[0].dtype, T.DateType):
        us = (ints(args[0], n) - ints(args[1], n)) * DAY_US
    else:
        us = ints(args[0], n) - ints(args[1], n)
    return pa.array(np.asarray(us, np.int64), pa.int64(), mask=~mask).cast(pa.duration("us"))


def _same_family(call: Any, args: list, ectx: EvalContext) -> Any:
    """interval ± interval."""
    import pyarrow as pa
    import pyarrow.compute as pc

    fn = pc.add_checked if _sign(call) > 0 else pc.subtract_checked
    if isinstance(call.dtype, _YM):
        try:
            return fn(args[0], args[1])
        except pa.ArrowInvalid:
            raise arithmetic_overflow("integer overflow", "try_add") from None
    n = width(args)
    mask = valid(n, *args)
    a, b = ints(args[0], n), ints(args[1], n)
    return pa.array(a + b * _sign(call), pa.int64(), mask=~mask).cast(pa.duration("us"))


def _half_up(x: Any) -> Any:
    import numpy as np

    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _scale(call: Any, args: list, ectx: EvalContext) -> Any:
    """interval * number or interval / number (option ``divide``)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    args, _ = _ordered(call, args)
    n = width(args)
    mask = valid(n, *args)
    v = ints(args[0], n)
    num = pc.fill_null(column(args[1], n).cast(pa.float64()), 1.0).to_numpy(
        zero_copy_only=False)
    if dict(call.options).get("divide"):
        if np.any((num == 0) & mask):
            raise ArithmeticException(
                "[INTERVAL_DIVIDED_BY_ZERO] Division by zero. Use `try_divide` to tolerate "
                "divisor being 0 and return NULL instead. SQLSTATE: 22012",
                errorClass="INTERVAL_DIVIDED_BY_ZERO")
        res = _half_up(v / np.where(num == 0, 1.0, num))
    else:
        res = _half_up(v.astype(np.float64) * num)
    limit = 2**31 if isinstance(call.dtype, _YM) else 2**63
    if np.any((np.abs(res) >= limit) & mask):
        raise arithmetic_overflow("Overflow", "")
    arr = pa.array(res.astype(np.int64), pa.int64(), mask=~mask)
    return arr.cast(pa.int32()) if isinstance(call.dtype, _YM) else arr.cast(pa.duration("us"))


_MONTHS = FunctionSpec("add_months_interval", None, _add_months, _pretty)
_MICROS = FunctionSpec("add_interval", None, _add_micros, _pretty)
_DIFF = FunctionSpec("subtract_datetimes", None, _diff, _pretty)
_SAME = FunctionSpec("add_intervals", None, _same_family, _pretty)
_SCALE = FunctionSpec("scale_interval", None, _scale, _pretty)


# -- binding --------------------------------------------------------------------------------------
def _call(spec: FunctionSpec, args: list, dtype: T.DataType, **options: Any) -> Expression:
    return make_call(spec, args, dtype, options=tuple(sorted(options.items())))


def bind_datetime_arith(symbol: str, a: Expression, b: Expression) -> Expression | None:
    ta, tb = a.dtype, b.dtype
    if isinstance(ta, T.CalendarIntervalType) or isinstance(tb, T.CalendarIntervalType):
        return bind_calendar_arith(symbol, a, b)  # make_interval's type: datetime_calendar.py
    if not (is_interval(ta) or is_interval(tb) or
            (symbol == "-" and isinstance(ta, _DATES) and isinstance(tb, _DATES))):
        return None
    sign = -1 if symbol == "-" else 1
    opts = {"symbol": symbol}
    if symbol in ("+", "-"):
        if is_interval(ta) and is_interval(tb):
            w = widen_interval(ta, tb)
            if w is not None:
                return _call(_SAME, [a, b], w, sign=sign, **opts)
        elif isinstance(ta, _DATES) and isinstance(tb, _DATES):
            if isinstance(ta, T.DateType) and isinstance(tb, T.DateType):
                return _call(_DIFF, [a, b], _DT(0, 0), **opts)
            return _call(_DIFF, [cast_to(a, T.TimestampType()), cast_to(b, T.TimestampType())],
                         _DT(0, 3), **opts)
        else:
            swap = not is_interval(tb)
            x, iv = (b, a) if swap else (a, b)
            if symbol == "-" and swap:
                return None  # interval - date: a type mismatch
            if isinstance(x.dtype, T.StringType):
                x = cast_to(x, T.TimestampType())
            if isinstance(x.dtype, _DATES):
                kids = [iv, x] if swap else [x, iv]
                if isinstance(iv.dtype, _YM):
                    return _call(_MONTHS, kids, x.dtype, sign=sign, swap=swap, **opts)
                days_only = iv.dtype.endField == 0
                result = T.DateType() if isinstance(x.dtype, T.DateType) and days_only \
                    else T.TimestampType()
                return _call(_MICROS, kids, result, sign=sign, swap=swap, **opts)
        return None
    if symbol in ("*", "/"):
        swap = not is_interval(ta)
        iv, num = (b, a) if swap else (a, b)
        if symbol == "/" and swap:
            return None
        if isinstance(num.dtype, T.NumericType) and is_interval(iv.dtype):
            full = _YM(0, 1) if isinstance(iv.dtype, _YM) else _DT(0, 3)
            return _call(_SCALE, [a, b], full, divide=symbol == "/", swap=swap, **opts)
    return None
