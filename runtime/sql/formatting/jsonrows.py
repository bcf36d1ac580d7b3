"""Rows as Spark writes them in JSON (``df.write.json``, ``df.toJSON()``): NULL fields are
left out, dates ``yyyy-MM-dd``, timestamps ``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``, decimals as
numbers, binary as base64, maps as objects, structs as objects."""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
from typing import Any

from runtime.sql import types as T

__all__ = ["row_to_json", "timestamp_text"]


def timestamp_text(v: _dt.datetime) -> str:
    if v.tzinfo is None:
        v = v.astimezone()
    offset = v.utcoffset() or _dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    zone = "Z" if minutes == 0 else \
        f"{'+' if minutes > 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}" + zone


def _value(v: Any, dt: T.DataType) -> Any:
    if v is None:
        return None
    if isinstance(dt, T.StructType):
        return row_to_json(v, dt)
    if isinstance(dt, T.ArrayType):
        return [_value(x, dt.elementType) for x in v]
    if isinstance(dt, T.MapType):
        return {str(k): _value(x, dt.valueType) for k, x in v.items()}
    if isinstance(v, _dt.datetime):
        return timestamp_text(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v) if v != v.to_integral_value() else int(v)
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode("ascii")
    return v


def row_to_json(row: Any, schema: T.StructType) -> dict:
    out = {}
    for f, v in zip(schema.fields, row):
        if v is not None:
            out[f.name] = _value(v, f.dataType)
    return out
