"""Spark's ANSI interval values: literals from SQL text and their printed form.

Spark 3.2+ has two interval types (types.py), each with a start and an end field:

* ``YearMonthIntervalType(start, end)`` over YEAR/MONTH, a whole number of months (a Python
  ``int``, Arrow int32);
* ``DayTimeIntervalType(start, end)`` over DAY/HOUR/MINUTE/SECOND, a number of microseconds
  (a Python ``timedelta``, Arrow ``duration[us]``).

``interval_literal(text, unit, to_unit)`` is Spark's AstBuilder for ``INTERVAL '3' DAY``,
``INTERVAL 3 DAYS``, ``INTERVAL '1 02:03:04.5' DAY TO SECOND`` and ``INTERVAL '1-2' YEAR TO
MONTH``; ``multi_unit_literal`` combines ``INTERVAL 1 HOUR 30 MINUTES`` into one literal of type
``interval hour to minute`` (year-month and day-time units cannot be mixed). Weeks are 7 days,
milliseconds and microseconds are seconds; only seconds take a fraction.

``interval_text(value, dtype)`` is Spark's toYearMonthIntervalString/toDayTimeIntervalString in
the ANSI style, used by show(), CAST(... AS STRING) and literal column names:
``INTERVAL '1-2' YEAR TO MONTH``, ``INTERVAL '3' DAY``, ``INTERVAL '01:30' HOUR TO MINUTE``,
``INTERVAL '1 02:03:04.5' DAY TO SECOND`` (the first field unpadded for DAY and padded to two
digits otherwise, seconds with their fraction's trailing zeros dropped).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import ParseException

__all__ = ["interval_literal", "interval_text", "is_interval", "multi_unit_literal",
           "widen_interval"]

_US = {"DAY": 86_400_000_000, "HOUR": 3_600_000_000, "MINUTE": 60_000_000,
       "SECOND": 1_000_000}
_UNITS = {
    "YEAR": "YEAR", "YEARS": "YEAR", "MONTH": "MONTH", "MONTHS": "MONTH", "WEEK": "WEEK",
    "WEEKS": "WEEK", "DAY": "DAY", "DAYS": "DAY", "HOUR": "HOUR", "HOURS": "HOUR",
    "MINUTE": "MINUTE", "MINUTES": "MINUTE", "SECOND": "SECOND", "SECONDS": "SECOND",
    "MILLISECOND": "MILLISECOND", "MILLISECONDS": "MILLISECOND",
    "MICROSECOND": "MICROSECOND", "MICROSECONDS": "MICROSECOND",
}
_DT_FIELD = {"DAY": 0, "WEEK": 0, "HOUR": 1, "MINUTE": 2, "SECOND": 3, "MILLISECOND": 3,
             "MICROSECOND": 3}
_YM_FIELD = {"YEAR": 0, "MONTH": 1}
_SPANS = {
    ("DAY", "HOUR"): r"(?P<d>\d+) (?P<h>\d{1,2})",
    ("DAY", "MINUTE"): r"(?P<d>\d+) (?P<h>\d{1,2}):(?P<m>\d{1,2})",
    ("DAY", "SECOND"): r"(?P<d>\d+) (?P<h>\d{1,2}):(?P<m>\d{1,2}):(?P<s>\d{1,2}(\.\d{1,9})?)",
    ("HOUR", "MINUTE"): r"(?P<h>\d+):(?P<m>\d{1,2})",
    ("HOUR", "SECOND"): r"(?P<h>\d+):(?P<m>\d{1,2}):(?P<s>\d{1,2}(\.\d{1,9})?)",
    ("MINUTE", "SECOND"): r"(?P<m>\d+):(?P<s>\d{1,2}(\.\d{1,9})?)",
}


def is_interval(t: T.DataType) -> bool:
    return isinstance(t, (T.DayTimeIntervalType, T.YearMonthIntervalType))


def widen_interval(a: T.DataType, b: T.DataType) -> T.DataType | None:
    """The interval type covering both (``interval day`` and ``interval hour``: ``interval
    day to hour``); None when they are not of one family."""
    if type(a) is not type(b) or not is_interval(a):
        return None
    return type(a)(min(a.startField, b.startField), max(a.endField, b.endField))


def _error(msg: str, text: str) -> ParseException:
    return ParseException(f"{msg}\n== SQL ==\n{text}", errorClass="_LEGACY_ERROR_TEMP_0063")


def _unit(name: str) -> str:
    u = _UNITS.get(name.upper())
    if u is None:
        raise ParseException(
            f"[INVALID_INTERVAL_FORMAT.INVALID_UNIT] Error parsing interval: invalid unit "
            f"'{name}'. SQLSTATE: 22006", errorClass="INVALID_INTERVAL_FORMAT.INVALID_UNIT")
    return u


def _one_unit(value: str, unit: str) -> tuple[str, int]:
    """(family, amount in months or microseconds) of ``value unit``."""
    v = value.strip()
    try:
        num = decimal.Decimal(v)
    except decimal.InvalidOperation:
        raise _error(f"Error parsing interval {unit.lower()} string: {value}",
                     f"INTERVAL '{value}' {unit}") from None
    if unit in _YM_FIELD:
        if num != num.to_integral_value():
            raise _error(f"Error parsing interval {unit.lower()} string: {value}",
                         f"INTERVAL '{value}' {unit}")
        return "ym", int(num) * (12 if unit == "YEAR" else 1)
    scale = {"WEEK": 7 * _US["DAY"], "MILLISECOND": 1000, "MICROSECOND": 1}.get(unit) or \
        _US[unit]
    if num != num.to_integral_value() and unit not in ("SECOND", "MILLISECOND"):
        raise _error(f"Error parsing interval {unit.lower()} string: {value}",
                     f"INTERVAL '{value}' {unit}")
    return "dt", int((num * scale).to_integral_value(rounding=decimal.ROUND_DOWN))


def _value(family: str, amount: int) -> Any:
    return amount if family == "ym" else _dt.timedelta(microseconds=amount)


def interval_literal(value: str, unit: str, to_unit: str | None = None
                     ) -> tuple[Any, T.DataType]:
    """(Python value, Spark type) of ``INTERVAL 'value' unit [TO to_unit]``."""
    start = _unit(unit)
    if to_unit is None:
        family, amount = _one_unit(value, start)
        if family == "ym":
            f = _YM_FIELD[start]
            return amount, T.YearMonthIntervalType(f, f)
        f = _DT_FIELD[start]
        return _value(family, amount), T.DayTimeIntervalType(f, f)
    end = _unit(to_unit)
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if (start, end) == ("YEAR", "MONTH"):
        m = re.fullmatch(r"(\d+)-(\d{1,2})", body)
        if m is None or int(m.group(2)) > 11:
            raise _interval_format(value, "YEAR TO MONTH", "[+|-]y-m")
        return sign * (int(m.group(1)) * 12 + int(m.group(2))), T.YearMonthIntervalType(0, 1)
    pattern = _SPANS.get((start, end))
    m = re.fullmatch(pattern, body) if pattern else None
    if m is None:
        raise _interval_format(value, f"{start} TO {end}", "")
    g = m.groupdict()
    us = int(g.get("d") or 0) * _US["DAY"] + int(g.get("h") or 0) * _US["HOUR"] + \
        int(g.get("m") or 0) * _US["MINUTE"]
    if g.get("s"):
        us += int(decimal.Decimal(g["s"]) * _US["SECOND"])
    return _dt.timedelta(microseconds=sign * us), \
        T.DayTimeIntervalType(_DT_FIELD[start], _DT_FIELD[end])


def _interval_format(value: str, span: str, fmt: str) -> ParseException:
    return ParseException(
        f"[INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING] Error parsing interval {span} "
        f"string: Interval string does not match {span.lower()} format of `{fmt}` when cast "
        f"to interval {span.lower()}: {value}. SQLSTATE: 22006",
        errorClass="INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING")


def multi_unit_literal(parts: list[tuple[str, str]], text: str) -> tuple[Any, T.DataType]:
    """``INTERVAL 1 HOUR 30 MINUTES``: one literal over all its units."""
    families, total, fields = set(), 0, []
    for value, unit in parts:
        u = _unit(unit)
        family, amount = _one_unit(value, u)
        families.add(family)
        total += amount
        fields.append(_YM_FIELD[u] if family == "ym" else _DT_FIELD[u])
    if len(families) > 1:
        raise ParseException(
            f"Cannot mix year-month and day-time fields: {text}.",
            errorClass="_LEGACY_ERROR_TEMP_0029")
    family = families.pop()
    cls = T.YearMonthIntervalType if family == "ym" else T.DayTimeIntervalType
    return _value(family, total), cls(min(fields), max(fields))


# -- text -----------------------------------------------------------------------------------------
def _seconds(us: int) -> str:
    s = format(decimal.Decimal(us).scaleb(-6).normalize(), "f")
    return ("0" if us < 10_000_000 else "") + s


def interval_text(v: Any, dtype: T.DataType) -> str:
    """Spark's ANSI-style text of an interval value of type ``dtype``."""
    if isinstance(dtype, T.YearMonthIntervalType):
        months = int(v)
        sign = "-" if months < 0 else ""
        a = abs(months)
        start, end = (dtype._FIELDS[dtype.startField].upper(),
                      dtype._FIELDS[dtype.endField].upper())
        if start == end:
            body = f"{sign}{a // 12}" if start == "YEAR" else str(months)
            return f"INTERVAL '{body}' {start}"
        return f"INTERVAL '{sign}{a // 12}-{a % 12}' {start} TO {end}"
    us = v if isinstance(v, int) else (v.days * 86_400 + v.seconds) * 1_000_000 + \
        v.microseconds
    sign = "-" if us < 0 else ""
    rest = abs(us)
    s, e = dtype.startField, dtype.endField
    names = [dtype._FIELDS[s].upper(), dtype._FIELDS[e].upper()]
    out = sign
    if s == 0:
        out += str(rest // _US["DAY"])
        rest %= _US["DAY"]
    elif s == 1:
        out += f"{rest // _US['HOUR']:02d}"
        rest %= _US["HOUR"]
    elif s == 2:
        out += f"{rest // _US['MINUTE']:02d}"
        rest %= _US["MINUTE"]
    else:
        out += _seconds(rest)
    if s < 1 <= e:
        out += f" {rest // _US['HOUR']:02d}"
        rest %= _US["HOUR"]
    if s < 2 <= e:
        out += f":{rest // _US['MINUTE']:02d}"
        rest %= _US["MINUTE"]
    if s < 3 <= e:
        out += ":" + _seconds(rest)
    span = names[0] if s == e else f"{names[0]} TO {names[1]}"
    return f"INTERVAL '{out}' {span}"
