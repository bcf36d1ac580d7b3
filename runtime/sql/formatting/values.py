"""Values as Spark prints them: show() cells, CAST(x AS STRING) and literal names.

Spark's forms differ from Python's: doubles as Java's ``Double.toString`` (``1.0``,
``1.0E10``, ``1.0E-4``, ``NaN``, ``Infinity``), booleans ``true``/``false``, timestamps
``2024-01-01 12:00:00`` with the fraction's trailing zeros dropped, arrays ``[1, 2]``, maps
``{a -> 1}``, structs ``{1, a}``, binary ``[01 02]``. In show() every NULL prints ``NULL``
(Spark 4's ToPrettyString, nested ones too: ``[1, NULL]``); CAST(... AS STRING) prints a
nested NULL as ``null``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import struct
from typing import Any

from runtime.sql import types as T
from runtime.sql.intervals import interval_text, is_interval
from runtime.sql.variant import decode as decode_variant
from runtime.sql.variant import to_json as variant_json

__all__ = ["format_value", "java_double", "java_float", "literal_sql"]


def java_double(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    a = abs(v)
    if 1e-3 <= a < 1e7:
        r = repr(v)
        if "e" in r or "E" in r:
            r = format(decimal.Decimal(r), "f")
        return r if "." in r else r + ".0"
    return _scientific(repr(v))


def _scientific(shortest: str) -> str:
    sign, digits, exp = decimal.Decimal(shortest).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    e10 = exp + len(digits) - 1  # type: ignore[operator]
    mant = ds[0] + "." + (ds[1:] or "0")
    return ("-" if sign else "") + f"{mant}E{e10}"


def java_float(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0:
        return "-0.0" if math.copysign(1.0, v) < 0 else "0.0"
    f32 = struct.unpack("f", struct.pack("f", v))[0]
    shortest = repr(f32)
    for p in range(1, 10):
        s = f"{f32:.{p}g}"
        if struct.unpack("f", struct.pack("f", float(s)))[0] == f32:
            shortest = s
            break
    a = abs(f32)
    if 1e-3 <= a < 1e7:
        r = format(decimal.Decimal(shortest), "f")
        return r if "." in r else r + ".0"
    return _scientific(shortest)


def in_zone(v: _dt.datetime, tz: str) -> _dt.datetime:
    """A TIMESTAMP value (a naive datetime is this process's local time, as PySpark's
    collect gives it) as the wall-clock time of zone ``tz``."""
    from zoneinfo import ZoneInfo

    zone = _dt.timezone.utc if tz in ("UTC", "Z", "GMT") else ZoneInfo(tz)
    return v.astimezone(zone).replace(tzinfo=None)


def _timestamp(v: _dt.datetime) -> str:
    s = v.strftime("%Y-%m-%d %H:%M:%S")
    if v.microsecond:
        s += ("." + f"{v.microsecond:06d}").rstrip("0")
    return s


def calendar_interval_text(months: int, days: int, micros: int) -> str:
    """Spark's CalendarInterval.toString: ``1 years 2 months 25 days 5 hours 6 minutes 7.5
    seconds`` (zero units left out; ``0 seconds`` for a zero interval)."""
    if not (months or days or micros):
        return "0 seconds"
    parts = []

    def unit(value: int, name: str) -> None:
        if value:
            parts.append(f"{value} {name}")
    if months:
        unit(int(months / 12), "years")  # Java's / and % truncate toward zero
        unit(int(math.fmod(months, 12)), "months")
    unit(days, "days")
    if micros:
        rest = micros
        hours = int(rest / 3_600_000_000)
        unit(hours, "hours")
        rest -= hours * 3_600_000_000
        minutes = int(rest / 60_000_000)
        unit(minutes, "minutes")
        rest -= minutes * 60_000_000
        if rest:
            secs = decimal.Decimal(rest).scaleb(-6).normalize()
            parts.append(f"{format(secs, 'f')} seconds")
    return " ".join(parts)


def format_value(v: Any, dtype: T.DataType, top_level: bool = True, tz: str | None = None,
                 pretty: bool = False) -> str:
    """Spark's cast-to-string text of one Python value of Spark type ``dtype``; with
    ``pretty`` (show()'s ToPrettyString) every NULL, nested or not, prints ``NULL``."""
    if v is None:
        return "NULL" if top_level or pretty else "null"
    if isinstance(dtype, T.VariantType):  # its JSON text
        pair = (v["value"], v["metadata"]) if isinstance(v, dict) else (v.value, v.metadata)
        return variant_json(decode_variant(*pair), tz or "UTC")
    if is_interval(dtype):
        return interval_text(v, dtype)
    if isinstance(dtype, T.CalendarIntervalType):
        return calendar_interval_text(v.months, v.days, v.nanoseconds // 1000)
    if isinstance(dtype, T.StringType) or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(dtype, T.DoubleType):
        return java_double(float(v))
    if isinstance(dtype, T.FloatType):
        return java_float(float(v))
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, _dt.datetime):
        if tz and isinstance(dtype, T.TimestampType):  # an instant, shown in the session zone
            v = in_zone(v, tz)
        return _timestamp(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, _dt.time):  # TIME: 12:34:56, 12:34:56.1
        return v.strftime("%H:%M:%S") + (f".{v.microsecond:06d}".rstrip("0")
                                          if v.microsecond else "")
    if isinstance(v, (bytes, bytearray)):
        return "[" + " ".join(f"{b:02X}" for b in v) + "]"
    if isinstance(dtype, T.ArrayType):
        return "[" + ", ".join(format_value(x, dtype.elementType, False, tz, pretty)
                               for x in v) + "]"
    if isinstance(dtype, T.MapType):
        items = v.items() if isinstance(v, dict) else v
        return "{" + ", ".join(f"{format_value(k, dtype.keyType, False, tz, pretty)} -> "
                               f"{format_value(x, dtype.valueType, False, tz, pretty)}"
                               for k, x in items) + "}"
    if isinstance(dtype, T.StructType):
        vals = v.values() if isinstance(v, dict) else v
        return "{" + ", ".join(format_value(x, f.dataType, False, tz, pretty)
                               for x, f in zip(vals, dtype.fields)) + "}"
    if isinstance(v, _dt.timedelta):
        return _interval(v)
    if isinstance(v, float):
        return java_double(v)
    return str(v)


def _interval(v: _dt.timedelta) -> str:
    total = v.days * 86400 + v.seconds
    sign = "-" if total < 0 else ""
    total = abs(total)
    d, rem = divmod(total, 86400)
    h, rem = divmod(rem, 3600)
    m, s = divmod(rem, 60)
    frac = f"{s:02d}" + (f".{v.microseconds:06d}" if v.microseconds else "")
    return f"INTERVAL '{sign}{d} {h:02d}:{m:02d}:{frac}' DAY TO SECOND"


def literal_sql(value: Any, dtype: T.DataType) -> str:
    """The name Spark gives an unaliased literal column (``lit(1)`` -> ``1``)."""
    if value is None:
        return "NULL"
    if isinstance(dtype, T.StringType):
        return value
    if isinstance(dtype, T.DateType):
        return f"DATE '{value.isoformat()}'"
    if is_interval(dtype):
        return interval_text(value, dtype)
    if isinstance(dtype, T.TimestampType):
        return f"TIMESTAMP '{_timestamp(value)}'"
    if isinstance(dtype, T.DecimalType):
        return format(value, "f")
    if isinstance(dtype, T.BinaryType):
        return "X'" + bytes(value).hex().upper() + "'"
    if isinstance(dtype, T.ArrayType):
        return "array(" + ", ".join(literal_sql(x, dtype.elementType) for x in value) + ")"
    return format_value(value, dtype)
