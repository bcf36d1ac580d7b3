"""Casting VARIANT values, in both directions, with Spark's rules: ``cast_tree`` turns a
(non-null) variant tree into a Python value of a Spark type (``variant_get``, CAST from
VARIANT), ``from_sql_value`` turns a value of a Spark type into a tree
(``to_variant_object``, CAST to VARIANT, the value of ``variant_set``...).

``cast_tree``: an object casts to a STRUCT (fields by name, a missing one NULL) or a
``MAP<STRING, _>``, an array to an ARRAY, anything to STRING (a string as itself, other
values as their JSON text); a scalar casts as SQL's CAST from its own type would
(``"12"`` to INT is 12, ``12.7`` is 12, ``300`` to TINYINT fails). A value that does not
cast raises ``CastFailed``; callers turn it into ``[INVALID_VARIANT_CAST]``
(``invalid_cast``) or NULL (the ``try_`` forms).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.variant import Float32, Timestamp, decode, to_json

__all__ = ["CastFailed", "cast_tree", "from_sql_value", "invalid_cast"]


class CastFailed(Exception):
    pass


def invalid_cast(node: Any, dt: T.DataType, zone: str) -> SparkRuntimeException:
    shown = to_json(node, zone)
    return SparkRuntimeException(
        f"[INVALID_VARIANT_CAST] The variant value `{shown}` cannot be cast into "
        f"`\"{dt.simpleString().upper()}\"`. Please use `try_variant_get` instead. SQLSTATE: 22023",
        errorClass="INVALID_VARIANT_CAST",
        messageParameters={"value": shown, "dataType": f'`"{dt.simpleString().upper()}"`'})


_INT_BITS = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}
_TRUE = {"t", "true", "y", "yes", "1"}
_FALSE = {"f", "false", "n", "no", "0"}


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, decimal.Decimal)) and not isinstance(x, bool)


def _scalar_text(x: Any, zone: str) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, (dict, list, float, bytes, Timestamp, _dt.date)) or x is True or \
            x is False:
        text = to_json(x, zone)
        return json.loads(text) if text.startswith('"') else text
    return to_json(x, zone)


def cast_tree(x: Any, dt: T.DataType, zone: str) -> Any:
    """A (non-null) variant tree as a Python value of Spark type ``dt``, or CastFailed."""
    if isinstance(dt, T.VariantType):
        return x
    if isinstance(dt, T.StructType):
        if not isinstance(x, dict):
            raise CastFailed
        return {f.name: None if x.get(f.name) is None else cast_tree(x[f.name], f.dataType, zone)
                for f in dt.fields}
    if isinstance(dt, T.ArrayType):
        if not isinstance(x, list):
            raise CastFailed
        return [None if e is None else cast_tree(e, dt.elementType, zone) for e in x]
    if isinstance(dt, T.MapType):
        if not isinstance(x, dict) or not isinstance(dt.keyType, T.StringType):
            raise CastFailed
        return [(k, None if e is None else cast_tree(e, dt.valueType, zone))
                for k, e in x.items()]
    if isinstance(dt, (T.StringType, T.VarcharType, T.CharType)):
        return _scalar_text(x, zone)
    if isinstance(x, (dict, list)):
        raise CastFailed
    if isinstance(dt, T.BooleanType):
        if isinstance(x, bool):
            return x
        if _is_number(x):
            return x != 0
        if isinstance(x, str) and x.strip().lower() in _TRUE | _FALSE:
            return x.strip().lower() in _TRUE
        raise CastFailed
    if isinstance(dt, T.IntegralType):
        v = _to_number(x)
        if isinstance(v, float) and not math.isfinite(v):
            raise CastFailed
        v = int(v) if not isinstance(v, int) else v  # truncates toward zero, as CAST
        bits = _INT_BITS[type(dt)]
        if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
            raise CastFailed
        return v
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return float(_to_number(x, allow_special=True))
    if isinstance(dt, T.DecimalType):
        v = _to_number(x)
        if isinstance(v, float) and not math.isfinite(v):
            raise CastFailed
        q = decimal.Decimal(str(v) if isinstance(v, float) else v).quantize(
            decimal.Decimal(1).scaleb(-dt.scale), rounding=decimal.ROUND_HALF_UP)
        if len(q.as_tuple().digits) - max(0, -q.as_tuple().exponent) > \
                dt.precision - dt.scale and q != 0:
            raise CastFailed
        return q
    if isinstance(dt, T.DateType):
        if isinstance(x, Timestamp):
            return _ts_datetime(x, zone).date()
        if isinstance(x, _dt.date):
            return x
        if isinstance(x, str):
            try:
                return _dt.date.fromisoformat(x.strip()[:10]) if len(x.strip()) >= 10 else \
                    _dt.date.fromisoformat(x.strip())
            except ValueError:
                raise CastFailed from None
        raise CastFailed
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        return _to_micros(x, dt, zone)
    if isinstance(dt, T.BinaryType):
        if isinstance(x, bytes):
            return x
        if isinstance(x, str):
            return x.encode("utf-8")
        raise CastFailed
    raise CastFailed


def _to_number(x: Any, allow_special: bool = False) -> Any:
    if isinstance(x, bool):
        return int(x)
    if _is_number(x):
        return float(x) if isinstance(x, Float32) else x
    if isinstance(x, str):
        s = x.strip()
        try:
            if any(c in s for c in ".eE") or s.lower() in ("nan", "infinity", "-infinity",
                                                          "inf", "-inf", "+inf"):
                return float(s) if allow_special or "." not in s else decimal.Decimal(s)
            return int(s)
        except (ValueError, decimal.InvalidOperation):
            raise CastFailed from None
    raise CastFailed


def _ts_datetime(x: Timestamp, zone: str) -> _dt.datetime:
    from zoneinfo import ZoneInfo

    base = _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=x.micros)
    if x.ntz:
        return base
    return base.replace(tzinfo=_dt.timezone.utc).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _to_micros(x: Any, dt: T.DataType, zone: str) -> int:
    import pyarrow as pa

    ntz = isinstance(dt, T.TimestampNTZType)
    if isinstance(x, Timestamp):
        if x.ntz == ntz:
            return x.micros
        local = _ts_datetime(x, zone)
        if ntz:
            return (local - _dt.datetime(1970, 1, 1)) // _dt.timedelta(microseconds=1)
        x = local.isoformat(sep=" ")
    elif isinstance(x, _dt.date):
        x = x.isoformat()
    if not isinstance(x, str):
        raise CastFailed
    import pyarrow.compute as pc

    try:
        naive = pc.cast(pa.array([x.strip().replace("T", " ", 1)]), pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise CastFailed from None
    if ntz:
        return naive.cast(pa.int64())[0].as_py()
    return pc.assume_timezone(naive, zone, ambiguous="earliest", nonexistent="latest") \
        .cast(pa.int64())[0].as_py()


def from_sql_value(v: Any, dt: T.DataType) -> Any:
    """A Python value of Spark type ``dt`` (as Arrow's to_pylist gives it) as a tree."""
    if v is None:
        return None
    if isinstance(dt, T.VariantType):
        return decode(v["value"], v["metadata"])
    if isinstance(dt, T.StructType):
        items = v.items() if isinstance(v, dict) else zip(dt.names, v)
        types = {f.name: f.dataType for f in dt.fields}
        return {k: from_sql_value(x, types[k]) for k, x in items}
    if isinstance(dt, T.MapType):
        pairs = v.items() if isinstance(v, dict) else v
        return {str(k): from_sql_value(x, dt.valueType) for k, x in pairs}
    if isinstance(dt, T.ArrayType):
        return [from_sql_value(x, dt.elementType) for x in v]
    if isinstance(dt, T.FloatType):
        return Float32(v)
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        if isinstance(v, _dt.datetime):
            if v.tzinfo is not None:
                v = v.astimezone(_dt.timezone.utc).replace(tzinfo=None)
            v = (v - _dt.datetime(1970, 1, 1)) // _dt.timedelta(microseconds=1)
        return Timestamp(int(v), isinstance(dt, T.TimestampNTZType))
    if isinstance(dt, T.DecimalType):
        return decimal.Decimal(v)
    return v


