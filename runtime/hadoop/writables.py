"""Hadoop's Writable types in pure Python: their bytes, their class names, PySpark's conversions.

A Writable is a Java class that writes itself to a ``DataOutput`` (big-endian). The SequenceFile
format (:mod:`runtime.hadoop.sequencefile`) stores one key and one value class name in its
header and then each record's key and value bytes, so reading and writing a file needs, per
class, an encoder (Python value -> bytes) and a decoder (bytes at an offset -> value, new
offset). This module has both for the Writables PySpark converts (its programming guide's table):

    Text              str          vint byte length + UTF-8
    IntWritable       int          4 bytes, signed
    LongWritable      int          8 bytes, signed
    VIntWritable, VLongWritable    int, Hadoop's zero-compressed vlong
    ByteWritable      int          1 byte, signed
    FloatWritable     float        4 bytes IEEE 754
    DoubleWritable    float        8 bytes IEEE 754
    BooleanWritable   bool         1 byte
    NullWritable      None         nothing
    BytesWritable     bytearray    4-byte length + bytes
    MapWritable       dict         class table, 4-byte size, (class id, key, class id, value)...
    ArrayWritable     tuple/list   4-byte length + elements of one declared class

Which Writable a Python value becomes follows PySpark (its values are unpickled into Java
objects, then ``JavaToWritableConverter``): an int that fits 32 bits is an Integer, so an
IntWritable, a larger one a LongWritable; float -> DoubleWritable; str -> Text; bool ->
BooleanWritable; bytes/bytearray -> BytesWritable; None -> NullWritable; dict -> MapWritable;
tuple -> ArrayWritable. Reading gives PySpark's Python values back (BytesWritable ->
bytearray, ArrayWritable -> list).

MapWritable (Hadoop's AbstractMapWritable) numbers the classes it holds: a fixed table of
predefined ids (-127 .. -113) plus the "new" classes it lists in its own header as (id,
writeUTF(class name)); every entry then names its key's and value's class by id.
"""

from __future__ import annotations

import struct
from typing import Any, Callable

IO = "org.apache.hadoop.io."
TEXT = IO + "Text"
INT = IO + "IntWritable"
LONG = IO + "LongWritable"
VINT = IO + "VIntWritable"
VLONG = IO + "VLongWritable"
BYTE = IO + "ByteWritable"
FLOAT = IO + "FloatWritable"
DOUBLE = IO + "DoubleWritable"
BOOLEAN = IO + "BooleanWritable"
NULL = IO + "NullWritable"
BYTES = IO + "BytesWritable"
MAP = IO + "MapWritable"
ARRAY = IO + "ArrayWritable"

#: AbstractMapWritable's predefined class ids (Hadoop's constructor order)
MAP_CLASS_IDS: dict[str, int] = {
    ARRAY: -127, BOOLEAN: -126, BYTES: -125, FLOAT: -124, INT: -123, LONG: -122, MAP: -121,
    IO + "MD5Hash": -120, NULL: -119, IO + "ObjectWritable": -118,
    IO + "SortedMapWritable": -117, TEXT: -116, IO + "TwoDArrayWritable": -115, VINT: -114,
    VLONG: -113,
}

_INT32 = struct.Struct(">i")
_INT64 = struct.Struct(">q")
_FLOAT = struct.Struct(">f")
_DOUBLE = struct.Struct(">d")
_UINT16 = struct.Struct(">H")


class WritableError(ValueError):
    """A value cannot be written as the file's Writable class, or bytes do not decode."""


# -- Hadoop's variable-length integers (WritableUtils.writeVLong / readVLong) -----------------
def encode_vlong(i: int) -> bytes:
    if -112 <= i <= 127:
        return struct.pack(">b", i)
    length = -112
    if i < 0:
        i ^= -1  # one's complement
        length = -120
    tmp = i
    while tmp:
        tmp >>= 8
        length -= 1
    n = -(length + 120) if length < -120 else -(length + 112)
    return struct.pack(">b", length) + i.to_bytes(n, "big")


def decode_vlong(buf: bytes | memoryview, pos: int) -> tuple[int, int]:
    first = buf[pos]
    if first > 127:
        first -= 256
    if first >= -112:
        return first, pos + 1
    n = (-119 - first) if first < -120 else (-111 - first)
    value = int.from_bytes(buf[pos + 1:pos + n], "big")
    if first < -120:
        value ^= -1
    return value, pos + n


# -- per-class codecs -----------------------------------------------------------------------------
def _enc_text(v: Any) -> bytes:
    if not isinstance(v, str):
        raise WritableError(f"Text needs a str, got {type(v).__name__}")
    data = v.encode("utf-8")
    return encode_vlong(len(data)) + data


def _dec_text(buf, pos):
    n, pos = decode_vlong(buf, pos)
    return bytes(buf[pos:pos + n]).decode("utf-8"), pos + n


def _fixed(st: struct.Struct, kinds: tuple, name: str) -> tuple[Callable, Callable]:
    def enc(v: Any) -> bytes:
        if not isinstance(v, kinds) or (bool not in kinds and isinstance(v, bool)):
            raise WritableError(f"{name} needs {'/'.join(k.__name__ for k in kinds)}, "
                                f"got {type(v).__name__}")
        try:
            return st.pack(v)
        except struct.error as e:
            raise WritableError(f"{name} cannot hold {v!r}: {e}") from None

    def dec(buf, pos):
        return st.unpack_from(buf, pos)[0], pos + st.size

    return enc, dec


def _enc_vlong(v: Any) -> bytes:
    if not isinstance(v, int) or isinstance(v, bool):
        raise WritableError(f"VLongWritable needs an int, got {type(v).__name__}")
    return encode_vlong(v)


def _enc_bool(v: Any) -> bytes:
    if not isinstance(v, bool):
        raise WritableError(f"BooleanWritable needs a bool, got {type(v).__name__}")
    return b"\x01" if v else b"\x00"


def _dec_bool(buf, pos):
    return buf[pos] != 0, pos + 1


def _enc_null(v: Any) -> bytes:
    if v is not None:
        raise WritableError(f"NullWritable needs None, got {type(v).__name__}")
    return b""


def _dec_null(buf, pos):
    return None, pos


def _enc_bytes(v: Any) -> bytes:
    if not isinstance(v, (bytes, bytearray, memoryview)):
        raise WritableError(f"BytesWritable needs bytes, got {type(v).__name__}")
    return _INT32.pack(len(v)) + bytes(v)


def _dec_bytes(buf, pos):
    n = _INT32.unpack_from(buf, pos)[0]
    return bytearray(buf[pos + 4:pos + 4 + n]), pos + 4 + n


def _write_utf(s: str) -> bytes:
    data = s.encode("utf-8")
    return _UINT16.pack(len(data)) + data


def _read_utf(buf, pos):
    n = _UINT16.unpack_from(buf, pos)[0]
    return bytes(buf[pos + 2:pos + 2 + n]).decode("utf-8"), pos + 2 + n


def _enc_map(v: Any) -> bytes:
    if not isinstance(v, dict):
        raise WritableError(f"MapWritable needs a dict, got {type(v).__name__}")
    new_classes: dict[str, int] = {}
    body = [_INT32.pack(len(v))]

    def class_id(cls: str) -> int:
        if cls in MAP_CLASS_IDS:
            return MAP_CLASS_IDS[cls]
        if cls not in new_classes:
            new_classes[cls] = len(new_classes) + 1
        return new_classes[cls]

    for key, value in v.items():
        for item in (key, value):
            cls = writable_class_of(item)
            body.append(struct.pack(">b", class_id(cls)) + encode(cls, item))
    head = [struct.pack(">b", len(new_classes))]
    for cls, i in new_classes.items():
        head.append(struct.pack(">b", i) + _write_utf(cls))
    return b"".join(head + body)


def _dec_map(buf, pos):
    names = {i: cls for cls, i in MAP_CLASS_IDS.items()}
    count = struct.unpack_from(">b", buf, pos)[0]
    pos += 1
    for _ in range(count):
        i = struct.unpack_from(">b", buf, pos)[0]
        names[i], pos = _read_utf(buf, pos + 1)
    size = _INT32.unpack_from(buf, pos)[0]
    pos += 4
    out = {}
    for _ in range(size):
        kid = struct.unpack_from(">b", buf, pos)[0]
        key, pos = decode(names[kid], buf, pos + 1)
        vid = struct.unpack_from(">b", buf, pos)[0]
        value, pos = decode(names[vid], buf, pos + 1)
        out[_hashable(key)] = value
    return out, pos


def _hashable(v: Any) -> Any:
    return bytes(v) if isinstance(v, bytearray) else v


def encode_array(element_class: str, values: Any) -> bytes:
    """ArrayWritable: length, then each element written as ``element_class``."""
    return _INT32.pack(len(values)) + b"".join(encode(element_class, x) for x in values)


def decode_array(element_class: str, buf, pos: int) -> tuple[list, int]:
    n = _INT32.unpack_from(buf, pos)[0]
    pos += 4
    out = []
    for _ in range(n):
        x, pos = decode(element_class, buf, pos)
        out.append(x)
    return out, pos


_INT_ENC, _INT_DEC = _fixed(_INT32, (int,), "IntWritable")
_LONG_ENC, _LONG_DEC = _fixed(_INT64, (int,), "LongWritable")
_BYTE_ENC, _BYTE_DEC = _fixed(struct.Struct(">b"), (int,), "ByteWritable")
_FLOAT_ENC, _FLOAT_DEC = _fixed(_FLOAT, (float, int), "FloatWritable")
_DOUBLE_ENC, _DOUBLE_DEC = _fixed(_DOUBLE, (float, int), "DoubleWritable")

#: class name -> (encode(value) -> bytes, decode(buf, pos) -> (value, pos))
CODECS: dict[str, tuple[Callable, Callable]] = {
    TEXT: (_enc_text, _dec_text),
    INT: (_INT_ENC, _INT_DEC),
    LONG: (_LONG_ENC, _LONG_DEC),
    VINT: (_enc_vlong, decode_vlong),
    VLONG: (_enc_vlong, decode_vlong),
    BYTE: (_BYTE_ENC, _BYTE_DEC),
    FLOAT: (_FLOAT_ENC, _FLOAT_DEC),
    DOUBLE: (_DOUBLE_ENC, _DOUBLE_DEC),
    BOOLEAN: (_enc_bool, _dec_bool),
    NULL: (_enc_null, _dec_null),
    BYTES: (_enc_bytes, _dec_bytes),
    MAP: (_enc_map, _dec_map),
}


def supported(cls: str) -> bool:
    return cls in CODECS or cls == ARRAY


def encode(cls: str, value: Any) -> bytes:
    if cls == ARRAY:
        if not isinstance(value, (tuple, list)):
            raise WritableError(f"ArrayWritable needs a tuple, got {type(value).__name__}")
        return encode_array(_array_element_class(value), value)
    try:
        return CODECS[cls][0](value)
    except KeyError:
        raise WritableError(f"unsupported Writable class {cls}") from None


def decode(cls: str, buf, pos: int = 0) -> tuple[Any, int]:
    try:
        dec = CODECS[cls][1]
    except KeyError:
        raise WritableError(
            f"cannot read Writable class {cls}: this engine reads "
            + ", ".join(sorted(c.rsplit(".", 1)[1] for c in CODECS))) from None
    return dec(buf, pos)


def _array_element_class(values: Any) -> str:
    classes = {writable_class_of(x) for x in values}
    if len(classes) > 1:
        raise WritableError("ArrayWritable elements must all have one Writable class, got "
                            + ", ".join(sorted(c.rsplit(".", 1)[1] for c in classes)))
    return classes.pop() if classes else TEXT


def writable_class_of(value: Any) -> str:
    """The Writable PySpark writes for a Python value (via Pyrolite + JavaToWritableConverter)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INT if -(1 << 31) <= value < (1 << 31) else LONG
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, str):
        return TEXT
    if isinstance(value, (bytes, bytearray)):
        return BYTES
    if isinstance(value, dict):
        return MAP
    if isinstance(value, tuple):
        return ARRAY
    raise WritableError(f"Data of type {type(value).__name__} cannot be used (PySpark writes "
                        "str, int, float, bool, bytes, None, dict and tuple as Writables)")


def check_class(cls: str, value: Any, role: str) -> None:
    """Raise unless ``value`` can be written as the file's ``cls`` (Hadoop's "wrong key
    class" check). A LongWritable file also takes small ints: their value reads back the
    same, whereas Spark would fail on the int that happens to fit 32 bits."""
    got = writable_class_of(value)
    if got != cls and not (cls == LONG and got == INT):
        raise WritableError(f"wrong {role} class: {got} is not class {cls} (the file's {role} "
                            f"class comes from the first record: {value!r} does not fit it)")
