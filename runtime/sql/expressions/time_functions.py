"""Spark 4.1's TIME type functions: ``current_time``, ``make_time``, ``to_time``/
``try_to_time``, ``time_diff``, ``time_trunc``, ``time_from_seconds``/``millis``/``micros``
and ``time_to_seconds``/``millis``/``micros``.

A TIME value is microseconds since midnight, carried as Arrow ``time64[us]`` (collects as
``datetime.time``). As in Spark 4.3 the type is off unless ``spark.sql.timeType.enabled``
is true: a function that makes or reads a TIME is then ``[UNSUPPORTED_TIME_TYPE]`` at
analysis (``typeof(current_time())`` still answers ``time(6)``, as Spark's does).

Spark's rules: ``make_time(h, m, s)`` takes seconds as decimal(16,6) and checks the second
first, then the hour and the minute (``[DATETIME_FIELD_OUT_OF_BOUNDS]`` with java.time's
text); ``to_time(s [, fmt])`` parses ``HH:mm[:ss[.ffffff]]`` or a Java pattern and fails
with ``[CANNOT_PARSE_TIME]`` (``try_to_time`` gives NULL); the units of ``time_diff`` and
``time_trunc`` are HOUR, MINUTE, SECOND, MILLISECOND and MICROSECOND, a difference
truncated toward zero; ``time_from_*`` outside a day is an error and ``time_to_seconds``
is decimal(14,6). Every kernel is numpy/Arrow over whole columns except the parse with a
Java pattern, which goes through datetime_patterns.parse_local.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, DateTimeException, IllegalArgumentException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.datetime_columns import column, ints, valid, width
from runtime.sql.expressions.datetime_fields import decimal_micros
from runtime.sql.expressions.time_parsing import DAY_US, parse_times
from runtime.sql.expressions.registry import EvalContext, lookup, type_mismatch

_TIME = T.TimeType()
_LONG = T.LongType()
_UNITS = {"HOUR": 3_600_000_000, "MINUTE": 60_000_000, "SECOND": 1_000_000,
          "MILLISECOND": 1000, "MICROSECOND": 1}
_DEFAULT_FORMAT = "HH:mm:ss.SSSSSS"


def check_enabled(ctx: Any) -> None:
    if not getattr(ctx, "time_type", True):
        raise AnalysisException(
            "[UNSUPPORTED_TIME_TYPE] The data type TIME is not supported. SQLSTATE: 0A000",
            errorClass="UNSUPPORTED_TIME_TYPE")


def _is_time(a: Expression) -> bool:
    return isinstance(a.dtype, (T.TimeType, T.NullType))


def _time_arg(name: str, sql: str, a: Expression, index: int) -> Expression:
    if isinstance(a.dtype, T.StringType):
        return make_call(lookup("to_time"), [a], _TIME)
    if not _is_time(a):
        raise type_mismatch(sql, index, '"TIME"', a.sql(), a.dtype)
    return cast_to(a, _TIME)


def _times(arr: Any, n: int) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column(arr, n)
    if pa.types.is_null(arr.type):
        return np.zeros(n, np.int64)
    return pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)


def _out_time(micros: Any, ok: Any, args: list) -> Any:
    import numpy as np
    import pyarrow as pa

    out = pa.array(np.where(ok, micros, 0).astype(np.int64), pa.int64(), mask=~ok) \
        .cast(pa.time64("us"))
    return out[0] if all(isinstance(a, pa.Scalar) for a in args) else out


def _out_long(values: Any, ok: Any, args: list) -> Any:
    import numpy as np
    import pyarrow as pa

    out = pa.array(np.where(ok, values, 0).astype(np.int64), pa.int64(), mask=~ok)
    return out[0] if all(isinstance(a, pa.Scalar) for a in args) else out


def _field_error(text: str) -> DateTimeException:
    return DateTimeException(
        f"[DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION] {text}  SQLSTATE: 22023",
        errorClass="DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
        messageParameters={"rangeMessage": text})


def _check_day(micros: Any, ok: Any) -> None:
    import numpy as np

    bad = ok & ((micros < 0) | (micros >= DAY_US))
    if bad.any():
        v = int(micros[np.argmax(bad)]) * 1000
        raise _field_error("Invalid TIME value: must be between 00:00:00 and "
                           f"23:59:59.999999999, but got {v} nanoseconds.")


# -- current_time ---------------------------------------------------------------------------------
def _micros_of(t: _dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _bind_current_time(args: list[Expression], ctx: Any) -> Expression:
    """The time of day when the query is analyzed, in the session time zone (constant)."""
    from zoneinfo import ZoneInfo

    arity("current_time", args, 0, 1)
    p = args[0].value if args and isinstance(args[0], Literal) else 6
    if not isinstance(p, int) or not 0 <= p <= 6:
        raise AnalysisException(
            f"[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve \"current_time({p})\" due "
            f"to data type mismatch: The `precision` must be between [0, 6] (current value = "
            f"{p}). SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    now = _dt.datetime.now(ZoneInfo(getattr(ctx, "time_zone", None) or "UTC")).time()
    step = 10 ** (6 - p)
    micros = _micros_of(now) // step * step
    return make_call(lookup("current_time"), [], T.TimeType(p), False,
                     (("precision", p), ("micros", micros)))


def _current_time(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return pa.scalar(dict(call.options)["micros"], pa.int64()).cast(pa.time64("us"))


simple("current_time", _bind_current_time, _current_time,
       lambda c: f"current_time({dict(c.options)['precision']})")


# -- make_time ------------------------------------------------------------------------------------
def _bind_make_time(args: list[Expression], ctx: Any) -> Expression:
    check_enabled(ctx)
    arity("make_time", args, 3)
    sec = args[2] if isinstance(args[2].dtype, T.NumericType) else \
        cast_to(args[2], T.DecimalType(16, 6))
    kids = [cast_to(args[0], T.IntegerType()), cast_to(args[1], T.IntegerType()), sec]
    return make_call(lookup("make_time"), kids, _TIME)


def _make_time(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = width(args)
    ok = valid(n, *args)
    h, m = ints(args[0], n), ints(args[1], n)
    us = decimal_micros(column(args[2], n))  # seconds rounded to microseconds, HALF_UP
    for bad, text in (
            ((us < 0) | (us >= 60_000_000), lambda i: ("SecondOfMinute", "0 - 59",
                                                       int(us[i] / 1_000_000))),
            ((h < 0) | (h > 23), lambda i: ("HourOfDay", "0 - 23", int(h[i]))),
            ((m < 0) | (m > 59), lambda i: ("MinuteOfHour", "0 - 59", int(m[i])))):
        bad = bad & ok
        if bad.any():
            field, rng, v = text(int(np.argmax(bad)))
            raise _field_error(f"Invalid value for {field} (valid values {rng}): {v}.")
    return _out_time((h * 60 + m) * 60_000_000 + us, ok, args)


simple("make_time", _bind_make_time, _make_time)


# -- to_time / try_to_time ------------------------------------------------------------------------
def _bind_to_time(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        check_enabled(ctx)
        arity(name, args, 1, 2)
        kids = [cast_to(a, T.StringType()) for a in args]
        opts = (("try", name == "try_to_time"),)
        return make_call(lookup("to_time"), kids, _TIME, True,
                         opts + ((("display", "try_to_time"),) if name == "try_to_time" else ()))
    return bind


def _to_time(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    present = valid(n, *args)
    strings = column(args[0], n)
    pattern = None
    if len(args) > 1:
        fmt = column(args[1], n)
        pattern = fmt[int(np.argmax(present))].as_py() if present.any() else None
    micros, ok = parse_times(strings, pattern)
    bad = present & ~ok
    if bad.any() and not dict(call.options).get("try"):
        text = strings[int(np.argmax(bad))].as_py()
        raise DateTimeException(
            f"[CANNOT_PARSE_TIME] The input string '{text}' cannot be parsed to a TIME value "
            f"because it does not match to the datetime format '{pattern or _DEFAULT_FORMAT}'."
            " SQLSTATE: 22010", errorClass="CANNOT_PARSE_TIME",
            messageParameters={"input": f"'{text}'", "format": f"'{pattern or _DEFAULT_FORMAT}'"})
    return _out_time(micros, present & ok, args)


def _to_time_pretty(call: Any) -> str:
    inner = f"to_time({', '.join(c.sql() for c in call.children)})"
    return f"try_to_time({inner})" if dict(call.options).get("try") else inner


simple("to_time", _bind_to_time("to_time"), _to_time, _to_time_pretty)
simple("try_to_time", _bind_to_time("try_to_time"), _to_time, _to_time_pretty)


# -- time_diff / time_trunc -----------------------------------------------------------------------
def _unit(name: str, arg: Expression) -> None:
    if isinstance(arg, Literal) and isinstance(arg.value, str) and \
            arg.value.upper() not in _UNITS:
        raise IllegalArgumentException(
            f"[INVALID_PARAMETER_VALUE.TIME_UNIT] The value of parameter(s) `unit` in `{name}` "
            "is invalid: expects one of the units 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', "
            f"'MICROSECOND', but got ''{arg.value}''. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.TIME_UNIT")


def _unit_steps(name: str, arr: Any, n: int, ok: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    units = column(arr, n).cast(pa.string()).to_pylist()
    out = np.ones(n, np.int64)
    for i, u in enumerate(units):  # usually one literal: a dict lookup per row
        if ok[i]:
            step = _UNITS.get(str(u).upper())
            if step is None:
                _unit(name, Literal(u, T.StringType()))
            out[i] = step
    return out


def _bind_time_diff(args: list[Expression], ctx: Any) -> Expression:
    check_enabled(ctx)
    arity("time_diff", args, 3)
    sql = f"time_diff({', '.join(a.sql() for a in args)})"
    _unit("time_diff", args[0])
    kids = [cast_to(args[0], T.StringType()), _time_arg("time_diff", sql, args[1], 2),
            _time_arg("time_diff", sql, args[2], 3)]
    return make_call(lookup("time_diff"), kids, _LONG)


def _time_diff(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    n = width(args)
    ok = valid(n, *args)
    steps = _unit_steps("time_diff", args[0], n, ok)
    d = _times(args[2], n) - _times(args[1], n)
    return _out_long(np.sign(d) * (np.abs(d) // steps), ok, args)


def _bind_time_trunc(args: list[Expression], ctx: Any) -> Expression:
    check_enabled(ctx)
    arity("time_trunc", args, 2)
    sql = f"time_trunc({', '.join(a.sql() for a in args)})"
    _unit("time_trunc", args[0])
    kids = [cast_to(args[0], T.StringType()), _time_arg("time_trunc", sql, args[1], 2)]
    return make_call(lookup("time_trunc"), kids, _TIME)


def _time_trunc(call: Any, args: list, ectx: EvalContext) -> Any:
    n = width(args)
    ok = valid(n, *args)
    steps = _unit_steps("time_trunc", args[0], n, ok)
    t = _times(args[1], n)
    return _out_time(t // steps * steps, ok, args)


simple("time_diff", _bind_time_diff, _time_diff)
simple("time_trunc", _bind_time_trunc, _time_trunc)


# -- time_from_* / time_to_* ----------------------------------------------------------------------
_FROM = {"time_from_seconds": 1_000_000, "time_from_millis": 1000, "time_from_micros": 1}


def _bind_from(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        check_enabled(ctx)
        arity(name, args, 1)
        a = args[0]
        ok_types = (T.NumericType, T.NullType) if name == "time_from_seconds" else \
            (T.IntegralType, T.NullType)
        if not isinstance(a.dtype, ok_types):
            required = '"NUMERIC"' if name == "time_from_seconds" else '"INTEGRAL"'
            raise type_mismatch(f"{name}({a.sql()})", 1, required, a.sql(), a.dtype)
        kid = a if name == "time_from_seconds" and not isinstance(a.dtype, T.NullType) \
            else cast_to(a, _LONG)
        return make_call(lookup(name), [kid], _TIME)
    return bind


def _from_kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        n = width(args)
        ok = valid(n, *args)
        arr = column(args[0], n)
        if pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):
            micros = decimal_micros(arr)
        else:
            micros = ints(arr, n) * _FROM[name]
        _check_day(micros, ok)
        return _out_time(micros, ok, args)
    return kernel


def _bind_to(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        check_enabled(ctx)
        arity(name, args, 1)
        a = _time_arg(name, f"{name}({args[0].sql()})", args[0], 1)
        result = T.DecimalType(14, 6) if name == "time_to_seconds" else _LONG
        return make_call(lookup(name), [a], result)
    return bind


def _to_kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        n = width(args)
        ok = valid(n, *args)
        t = _times(args[0], n)
        if name == "time_to_seconds":  # the micros are the decimal's unscaled value
            import numpy as np

            words = np.stack([t, np.where(t < 0, -1, 0)], axis=1).astype(np.int64)
            mask = pa.array(~ok).buffers()[1] if not ok.all() else None
            validity = pa.array(ok).buffers()[1] if mask is not None else None
            out = pa.Array.from_buffers(pa.decimal128(14, 6), n,
                                        [validity, pa.py_buffer(words.tobytes())])
            return out[0] if all(isinstance(a, pa.Scalar) for a in args) else out
        return _out_long(t // (1000 if name == "time_to_millis" else 1), ok, args)
    return kernel


for _name in _FROM:
    simple(_name, _bind_from(_name), _from_kernel(_name))
for _name in ("time_to_seconds", "time_to_millis", "time_to_micros"):
    simple(_name, _bind_to(_name), _to_kernel(_name))
