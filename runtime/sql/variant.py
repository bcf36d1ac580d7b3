"""The VARIANT value: Spark's binary encoding, its Python form, and its JSON text.

A VARIANT column is, in Arrow, ``struct<value: binary, metadata: binary>``: the two byte
strings of Spark's variant encoding (the same pair Spark writes to Parquet). ``metadata``
is a dictionary of the object keys (header byte: version 1, sorted flag, offset width;
the key count; key offsets; the key bytes). ``value`` is one self-describing value whose
first byte holds a basic type in its low 2 bits (primitive, short string, object, array)
and type information in the upper 6:

* primitives: null, true, false, int8/16/32/64, double, decimal4/8/16 (a scale byte and
  the unscaled integer), date (days), timestamp / timestamp_ntz (microseconds), float,
  binary and long string (a 4-byte length and the bytes);
* a short string keeps its length (< 64 bytes) in the header;
* an object: its size, the key ids (ordered by key name), the value offsets, the values;
* an array: its size, the offsets, the elements.

In Python (what the functions work on, per row) a variant is a tree of: ``None`` (the
variant null), ``bool``, ``int``, ``decimal.Decimal``, ``float`` (double), ``Float32``,
``str``, ``bytes``, ``datetime.date``, ``Timestamp`` (microseconds and whether it is
NTZ), ``dict`` (an object) and ``list``. ``encode(tree)`` gives the (value, metadata)
pair, ``decode(value, metadata)`` the tree; ``to_json`` prints a tree as Spark does
(object keys in name order, doubles as Java prints them, dates and timestamps quoted);
``parse_json`` reads JSON text as Spark's ``parse_json`` does (integers as the narrowest
integer, a plain number with a fraction as a decimal when it fits 38 digits, else a
double; a duplicate key is ``[VARIANT_DUPLICATE_KEY]``). ``VariantVal`` is the value
``collect()`` returns, as PySpark's.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import json
import math
import struct
from dataclasses import dataclass
from typing import Any

from runtime.sql.errors import SparkRuntimeException

__all__ = ["Float32", "Timestamp", "VariantVal", "decode", "encode", "parse_json",
           "to_json", "to_python"]

_PRIMITIVE, _SHORT_STR, _OBJECT, _ARRAY = 0, 1, 2, 3
_NULL, _TRUE, _FALSE, _INT1, _INT2, _INT4, _INT8, _DOUBLE = range(8)
_DEC4, _DEC8, _DEC16, _DATE, _TS, _TS_NTZ, _FLOAT, _BINARY, _LONG_STR = range(8, 17)
_EPOCH = _dt.date(1970, 1, 1)
SIZE_LIMIT = 16 * 1024 * 1024


class Float32(float):
    """A FLOAT inside a variant (a double is a plain ``float``)."""


@dataclass(frozen=True)
class Timestamp:
    micros: int
    ntz: bool = False


def malformed() -> SparkRuntimeException:
    return SparkRuntimeException(
        "[MALFORMED_VARIANT] Variant binary is malformed. Please check the data source is "
        "valid. SQLSTATE: 22023", errorClass="MALFORMED_VARIANT")


# -- encoding -------------------------------------------------------------------------------------
def _width(n: int) -> int:
    return 1 if n <= 0xFF else 2 if n <= 0xFFFF else 3 if n <= 0xFFFFFF else 4


def _le(v: int, n: int) -> bytes:
    return v.to_bytes(n, "little")


class _Encoder:
    def __init__(self) -> None:
        self.keys: dict[str, int] = {}

    def key(self, k: str) -> int:
        if k not in self.keys:
            self.keys[k] = len(self.keys)
        return self.keys[k]

    def value(self, v: Any) -> bytes:
        if v is None:
            return bytes([_NULL << 2])
        if v is True:
            return bytes([_TRUE << 2])
        if v is False:
            return bytes([_FALSE << 2])
        if isinstance(v, int):
            for tid, n in ((_INT1, 1), (_INT2, 2), (_INT4, 4), (_INT8, 8)):
                if -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
                    return bytes([tid << 2]) + v.to_bytes(n, "little", signed=True)
            return self.value(decimal.Decimal(v))
        if isinstance(v, Float32):
            return bytes([_FLOAT << 2]) + struct.pack("<f", v)
        if isinstance(v, float):
            return bytes([_DOUBLE << 2]) + struct.pack("<d", v)
        if isinstance(v, decimal.Decimal):  # trailing zeros dropped, as Spark's builder
            v = v.normalize() if v else decimal.Decimal(0)
            if v.as_tuple().exponent > 0:
                v = v.quantize(decimal.Decimal(1))
            sign, digits, exp = v.as_tuple()
            scale = max(0, -int(exp))
            unscaled = int(v.scaleb(scale))
            precision = max(len(str(abs(unscaled))), scale)
            tid, n = (_DEC4, 4) if precision <= 9 else (_DEC8, 8) if precision <= 18 \
                else (_DEC16, 16)
            return bytes([tid << 2, scale]) + unscaled.to_bytes(n, "little", signed=True)
        if isinstance(v, str):
            data = v.encode("utf-8")
            if len(data) < 64:
                return bytes([(len(data) << 2) | _SHORT_STR]) + data
            return bytes([_LONG_STR << 2]) + _le(len(data), 4) + data
        if isinstance(v, (bytes, bytearray)):
            return bytes([_BINARY << 2]) + _le(len(v), 4) + bytes(v)
        if isinstance(v, Timestamp):
            return bytes([(_TS_NTZ if v.ntz else _TS) << 2]) + \
                v.micros.to_bytes(8, "little", signed=True)
        if isinstance(v, _dt.date):
            return bytes([_DATE << 2]) + (v - _EPOCH).days.to_bytes(4, "little", signed=True)
        if isinstance(v, dict):
            ids = {k: self.key(k) for k in v}
            names = sorted(v, key=lambda k: k.encode("utf-8"))
            parts = [self.value(v[k]) for k in names]
            return self._container(_OBJECT, parts, [ids[k] for k in names])
        if isinstance(v, (list, tuple)):
            return self._container(_ARRAY, [self.value(x) for x in v], None)
        raise TypeError(f"no variant encoding for {type(v).__name__}")

    def _container(self, kind: int, parts: list[bytes], ids: list[int] | None) -> bytes:
        size = len(parts)
        large = size > 0xFF
        total = sum(len(p) for p in parts)
        off_w = _width(total)
        offsets, pos = [], 0
        for p in parts:
            offsets.append(pos)
            pos += len(p)
        offsets.append(pos)
        head = _le(size, 4 if large else 1)
        if ids is not None:
            id_w = _width(max(len(self.keys) - 1, 0))
            header = (int(large) << 4) | ((id_w - 1) << 2) | (off_w - 1)
            head += b"".join(_le(i, id_w) for i in ids)
        else:
            header = (int(large) << 2) | (off_w - 1)
        head += b"".join(_le(o, off_w) for o in offsets)
        return bytes([(header << 2) | kind]) + head + b"".join(parts)

    def metadata(self) -> bytes:
        keys = [k.encode("utf-8") for k in self.keys]
        total = sum(len(k) for k in keys)
        w = _width(max(total, len(keys)))
        out = bytearray([1 | ((w - 1) << 6)])
        out += _le(len(keys), w)
        pos = 0
        out += _le(0, w)
        for k in keys:
            pos += len(k)
            out += _le(pos, w)
        return bytes(out) + b"".join(keys)


def encode(tree: Any) -> tuple[bytes, bytes]:
    """(value, metadata) of a Python variant tree."""
    enc = _Encoder()
    value = enc.value(tree)
    meta = enc.metadata()
    if len(value) + len(meta) > SIZE_LIMIT:
        raise SparkRuntimeException(
            "[VARIANT_SIZE_LIMIT] Cannot build variant bigger than 16.0 MiB in `parse_json`. "
            "Please avoid large input strings to this expression (for example, add function "
            "calls(s) to check the expression size and convert it to NULL first if it is too "
            "big). SQLSTATE: 22023", errorClass="VARIANT_SIZE_LIMIT")
    return value, meta


# -- decoding -------------------------------------------------------------------------------------
def _keys(meta: bytes) -> list[str]:
    if not meta or meta[0] & 0x0F != 1:
        raise malformed()
    w = ((meta[0] >> 6) & 3) + 1
    n = int.from_bytes(meta[1:1 + w], "little")
    offs = [int.from_bytes(meta[1 + (i + 1) * w:1 + (i + 2) * w], "little")
            for i in range(n + 1)]
    start = 1 + (n + 2) * w
    return [meta[start + offs[i]:start + offs[i + 1]].decode("utf-8") for i in range(n)]


def decode(value: bytes, metadata: bytes) -> Any:
    """The Python tree of a variant's (value, metadata)."""
    try:
        return _decode(value, 0, _keys(metadata))
    except SparkRuntimeException:
        raise
    except Exception:  # noqa: BLE001 - truncated or inconsistent bytes
        raise malformed() from None


def _decode(b: bytes, pos: int, keys: list[str]) -> Any:
    h = b[pos]
    kind, info = h & 3, h >> 2
    if kind == _SHORT_STR:
        return b[pos + 1:pos + 1 + info].decode("utf-8")
    if kind in (_OBJECT, _ARRAY):
        large = (info >> (4 if kind == _OBJECT else 2)) & 1
        off_w = (info & 3) + 1
        n_w = 4 if large else 1
        n = int.from_bytes(b[pos + 1:pos + 1 + n_w], "little")
        p = pos + 1 + n_w
        ids = []
        if kind == _OBJECT:
            id_w = ((info >> 2) & 3) + 1
            ids = [int.from_bytes(b[p + i * id_w:p + (i + 1) * id_w], "little")
                   for i in range(n)]
            p += n * id_w
        offs = [int.from_bytes(b[p + i * off_w:p + (i + 1) * off_w], "little")
                for i in range(n + 1)]
        data = p + (n + 1) * off_w
        items = [_decode(b, data + offs[i], keys) for i in range(n)]
        if kind == _ARRAY:
            return items
        return {keys[i]: v for i, v in zip(ids, items)}
    body = pos + 1
    if info == _NULL:
        return None
    if info in (_TRUE, _FALSE):
        return info == _TRUE
    sizes = {_INT1: 1, _INT2: 2, _INT4: 4, _INT8: 8}
    if info in sizes:
        return int.from_bytes(b[body:body + sizes[info]], "little", signed=True)
    if info == _DOUBLE:
        return struct.unpack_from("<d", b, body)[0]
    if info == _FLOAT:
        return Float32(struct.unpack_from("<f", b, body)[0])
    if info in (_DEC4, _DEC8, _DEC16):
        n = {_DEC4: 4, _DEC8: 8, _DEC16: 16}[info]
        scale = b[body]
        unscaled = int.from_bytes(b[body + 1:body + 1 + n], "little", signed=True)
        return decimal.Decimal(unscaled).scaleb(-scale)
    if info == _DATE:
        return _EPOCH + _dt.timedelta(days=int.from_bytes(b[body:body + 4], "little",
                                                          signed=True))
    if info in (_TS, _TS_NTZ):
        return Timestamp(int.from_bytes(b[body:body + 8], "little", signed=True),
                         info == _TS_NTZ)
    if info in (_BINARY, _LONG_STR):
        n = int.from_bytes(b[body:body + 4], "little")
        data = b[body + 4:body + 4 + n]
        return bytes(data) if info == _BINARY else data.decode("utf-8")
    raise malformed()


# -- JSON -----------------------------------------------------------------------------------------
def java_double(v: float, single: bool = False) -> str:
    """Java's Double.toString / Float.toString."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    r = _shortest_float32(v) if single else repr(v)
    if v == 0:
        return "-0.0" if math.copysign(1, v) < 0 else "0.0"
    a = abs(v)
    if 1e-3 <= a < 1e7:
        d = decimal.Decimal(r)
        text = format(d, "f")
        return text if "." in text else text + ".0"
    d = decimal.Decimal(r)
    sign, digits, exp = d.as_tuple()
    mant = "".join(map(str, digits)).rstrip("0") or "0"
    e = exp + len(digits) - 1
    body = mant[0] + "." + (mant[1:] or "0")
    return ("-" if sign else "") + f"{body}E{e}"


def _shortest_float32(v: float) -> str:
    f = struct.unpack("<f", struct.pack("<f", v))[0]
    for digits in range(1, 10):
        text = f"{f:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == f:
            return text
    return repr(f)


def _ts_text(t: Timestamp, zone: str) -> str:
    base = _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=t.micros)
    if t.ntz:
        text = base.strftime("%Y-%m-%d %H:%M:%S")
        frac = ""
    else:
        from zoneinfo import ZoneInfo

        local = base.replace(tzinfo=_dt.timezone.utc).astimezone(ZoneInfo(zone))
        text = local.strftime("%Y-%m-%d %H:%M:%S")
        frac = ""
        base = local
    if base.microsecond:
        frac = "." + f"{base.microsecond:06d}".rstrip("0")
    if t.ntz:
        return text + frac
    off = base.utcoffset() or _dt.timedelta(0)
    mins = int(off.total_seconds()) // 60
    zone_text = "+00:00" if mins == 0 else \
        f"{'+' if mins > 0 else '-'}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"
    return text + frac + zone_text


def to_json(tree: Any, zone: str = "UTC") -> str:
    """Spark's JSON text of a variant tree."""
    if tree is None:
        return "null"
    if tree is True:
        return "true"
    if tree is False:
        return "false"
    if isinstance(tree, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{to_json(tree[k], zone)}"
                              for k in sorted(tree, key=lambda k: k.encode("utf-8"))) + "}"
    if isinstance(tree, list):
        return "[" + ",".join(to_json(x, zone) for x in tree) + "]"
    if isinstance(tree, Float32):
        f = float(tree)
        return _quote_special(java_double(f, True) if math.isfinite(f) else java_double(f))
    if isinstance(tree, float):
        return _quote_special(java_double(tree))
    if isinstance(tree, int):
        return str(tree)
    if isinstance(tree, decimal.Decimal):
        return format(tree, "f")
    if isinstance(tree, str):
        return json.dumps(tree, ensure_ascii=False)
    if isinstance(tree, bytes):
        return json.dumps(base64.b64encode(tree).decode())
    if isinstance(tree, Timestamp):
        return json.dumps(_ts_text(tree, zone))
    if isinstance(tree, _dt.date):
        return json.dumps(tree.isoformat())
    raise TypeError(type(tree).__name__)


def _quote_special(text: str) -> str:
    return f'"{text}"' if text in ("NaN", "Infinity", "-Infinity") else text


def to_python(tree: Any) -> Any:
    """PySpark's ``VariantVal.toPython``: objects as dicts, timestamps as datetimes."""
    if isinstance(tree, dict):
        return {k: to_python(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [to_python(v) for v in tree]
    if isinstance(tree, Timestamp):
        base = _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=tree.micros)
        return base if tree.ntz else base.replace(tzinfo=_dt.timezone.utc)
    if isinstance(tree, Float32):
        return float(tree)
    return tree


def _number(text: str) -> Any:
    """Spark's choice: a long, else a decimal of at most 38 digits (trailing zeros of the
    fraction dropped), else a double; a number with an exponent is a double."""
    if "e" in text or "E" in text:
        return float(text)
    if "." not in text:
        v = int(text)
        if -(1 << 63) <= v < (1 << 63):
            return v
    d = decimal.Decimal(text)
    if "." in text:
        d = d.normalize()
        if d.as_tuple().exponent > 0:
            d = d.quantize(decimal.Decimal(1))
    return d if len(d.as_tuple().digits) <= 38 else float(text)


def _pairs(pairs: list) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise SparkRuntimeException(
                f"[VARIANT_DUPLICATE_KEY] Failed to build variant because of a duplicate "
                f"object key `{k}`. SQLSTATE: 22023", errorClass="VARIANT_DUPLICATE_KEY")
        out[k] = v
    return out


def parse_json(text: str) -> Any:
    """The variant tree of JSON text (``ValueError`` if it is not JSON)."""
    return json.loads(text, parse_int=_number, parse_float=_number,
                      parse_constant=_reject, object_pairs_hook=_pairs)


def _reject(name: str) -> Any:
    raise ValueError(name)


class VariantVal:
    """A VARIANT value as ``collect()`` returns it (PySpark's ``VariantVal``): the
    encoded ``value`` and ``metadata`` bytes; ``str()``/``toJson()`` give its JSON text and
    ``toPython()`` a Python structure."""

    def __init__(self, value: bytes, metadata: bytes):
        self.value = value
        self.metadata = metadata

    def __str__(self) -> str:
        return self.toJson()

    def __repr__(self) -> str:
        return "VariantVal(%r, %r)" % (self.value, self.metadata)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VariantVal) and (self.value, self.metadata) == \
            (other.value, other.metadata)

    def __hash__(self) -> int:
        return hash((self.value, self.metadata))

    def toPython(self) -> Any:
        return to_python(decode(self.value, self.metadata))

    def toJson(self, zone_id: str = "UTC") -> str:
        return to_json(decode(self.value, self.metadata), zone_id)

    @classmethod
    def parseJson(cls, json_str: str) -> VariantVal:
        return cls(*encode(parse_json(json_str)))
