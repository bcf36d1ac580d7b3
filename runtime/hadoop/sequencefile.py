"""Hadoop SequenceFiles (format version 6) in pure Python: writer and reader.

The bytes, as Hadoop's ``SequenceFile.Writer`` writes them (all integers big-endian):

    header   b"SEQ" + version byte (6)
             key class name, value class name      (Text: vint length + UTF-8)
             compressed? block-compressed?         (one byte each)
             codec class name                      (only when compressed)
             metadata: int32 count, (Text, Text) pairs
             sync marker: 16 random bytes
    record   int32 record length (key + value bytes), int32 key length, key, value
             (RECORD compression: the value alone is one compressed stream)
    block    (BLOCK compression) sync escape, vint record count, then four buffers, each
             vint length + one compressed stream: key lengths (vints), keys, value lengths
             (vints), values
    sync     int32 -1 followed by the 16 sync bytes, written between records at least every
             SYNC_INTERVAL bytes, and before every block: a reader that starts mid-file finds
             a record boundary after the next sync (Spark splits big files this way).

Key and value bytes are Writables (:mod:`runtime.hadoop.writables`). Codecs: Hadoop's
DefaultCodec (zlib stream), GzipCodec and BZip2Codec, which the standard library covers;
Snappy, LZ4 and Zstandard files are refused with a line naming the codec. Versions 4 and 5
(no metadata; version 4 without a codec name, meaning DefaultCodec) are read too.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import struct
import zlib
from typing import Any, BinaryIO, Iterator

from runtime.hadoop import writables as w

MAGIC = b"SEQ"
VERSION = 6
SYNC_SIZE = 16
SYNC_ESCAPE = -1
SYNC_INTERVAL = 100 * (4 + SYNC_SIZE)  # Hadoop 2's interval; any interval reads back
BLOCK_SIZE = 1_000_000  # io.seqfile.compress.blocksize: uncompressed bytes per block

_COMPRESS = "org.apache.hadoop.io.compress."
DEFAULT_CODEC = _COMPRESS + "DefaultCodec"
GZIP_CODEC = _COMPRESS + "GzipCodec"
BZIP2_CODEC = _COMPRESS + "BZip2Codec"

#: codec class -> (compress(bytes) -> bytes, decompress(bytes) -> bytes)
CODECS = {
    DEFAULT_CODEC: (zlib.compress, zlib.decompress),
    GZIP_CODEC: (gzip.compress, gzip.decompress),
    BZIP2_CODEC: (bz2.compress, bz2.decompress),
}
_INT32 = struct.Struct(">i")


class SequenceFileError(IOError):
    """The file is not a SequenceFile this engine can read, or a record is malformed."""


def _codec(name: str) -> tuple:
    try:
        return CODECS[name]
    except KeyError:
        raise SequenceFileError(
            f"compression codec {name} is not supported (use one of "
            + ", ".join(c.rsplit(".", 1)[1] for c in CODECS) + ")") from None


class Writer:
    """Append (key, value) records to a new SequenceFile.

    >>> import io
    >>> buf = io.BytesIO()
    >>> out = Writer(buf, w.INT, w.TEXT)
    >>> out.append(1, "a"); out.append(2, "b"); out.close()
    >>> list(Reader(io.BytesIO(buf.getvalue())))
    [(1, 'a'), (2, 'b')]
    """

    def __init__(self, f: BinaryIO, key_class: str, value_class: str, codec: str | None = None,
                 compression: str = "RECORD", metadata: dict[str, str] | None = None,
                 sync: bytes | None = None):
        for cls in (key_class, value_class):
            if not w.supported(cls):
                raise w.WritableError(f"unsupported Writable class {cls}")
        compression = compression.upper()
        if compression not in ("NONE", "RECORD", "BLOCK"):
            raise SequenceFileError(f"compression type must be NONE, RECORD or BLOCK, "
                                    f"not {compression}")
        if codec is None:
            compression = "NONE"
        self._compress = _codec(codec)[0] if compression != "NONE" else None
        self._block = compression == "BLOCK"
        self.key_class, self.value_class = key_class, value_class
        self._f = f
        self._sync = sync or os.urandom(SYNC_SIZE)
        self._pending: list[tuple[bytes, bytes]] = []
        self._pending_size = 0
        head = [MAGIC, bytes([VERSION]), w.encode(w.TEXT, key_class),
                w.encode(w.TEXT, value_class),
                bytes([compression != "NONE"]), bytes([self._block])]
        if compression != "NONE":
            head.append(w.encode(w.TEXT, codec))
        meta = metadata or {}
        head.append(_INT32.pack(len(meta)))
        for k, v in meta.items():
            head += [w.encode(w.TEXT, k), w.encode(w.TEXT, v)]
        head.append(self._sync)
        self._pos = 0
        self._write(b"".join(head))
        self._last_sync = 0 if not self._block else -1

    def _write(self, data: bytes) -> None:
        self._f.write(data)
        self._pos += len(data)

    def _sync_marker(self) -> None:
        if self._last_sync != self._pos:
            self._write(_INT32.pack(SYNC_ESCAPE) + self._sync)
            self._last_sync = self._pos

    def append(self, key: Any, value: Any) -> None:
        w.check_class(self.key_class, key, "key")
        w.check_class(self.value_class, value, "value")
        kb = w.encode(self.key_class, key)
        vb = w.encode(self.value_class, value)
        if self._block:
            self._pending.append((kb, vb))
            self._pending_size += len(kb) + len(vb)
            if self._pending_size >= BLOCK_SIZE:
                self._flush_block()
            return
        if self._pos >= self._last_sync + SYNC_INTERVAL:
            self._sync_marker()
        if self._compress is not None:
            vb = self._compress(vb)
        self._write(_INT32.pack(len(kb) + len(vb)) + _INT32.pack(len(kb)) + kb + vb)

    def _flush_block(self) -> None:
        if not self._pending:
            return
        self._sync_marker()
        keys = [k for k, _ in self._pending]
        values = [v for _, v in self._pending]
        parts = [w.encode_vlong(len(self._pending))]
        for buf in (b"".join(w.encode_vlong(len(k)) for k in keys), b"".join(keys),
                    b"".join(w.encode_vlong(len(v)) for v in values), b"".join(values)):
            packed = self._compress(buf)
            parts += [w.encode_vlong(len(packed)), packed]
        self._write(b"".join(parts))
        self._pending, self._pending_size = [], 0

    def close(self) -> None:
        if self._block:
            self._flush_block()
        self._f.flush()


class Reader:
    """Iterate the (key, value) records of a SequenceFile, decoded to Python values.

    ``key_class``/``value_class`` and ``metadata`` are read from the header.
    """

    def __init__(self, f: BinaryIO, name: str = "<stream>"):
        data = f.read()
        self._buf = memoryview(data)
        self.name = name
        if data[:3] != MAGIC:
            raise SequenceFileError(f"{name} is not a SequenceFile (it does not start with SEQ)")
        self.version = data[3]
        if not 4 <= self.version <= VERSION:
            raise SequenceFileError(f"{name} is a version {self.version} SequenceFile; "
                                    "versions 4 to 6 can be read")
        pos = 4
        self.key_class, pos = w.decode(w.TEXT, self._buf, pos)
        self.value_class, pos = w.decode(w.TEXT, self._buf, pos)
        compressed, self.block_compressed = bool(data[pos]), bool(data[pos + 1])
        pos += 2
        self.codec = None
        if compressed:
            if self.version >= 5:
                self.codec, pos = w.decode(w.TEXT, self._buf, pos)
            else:
                self.codec = DEFAULT_CODEC
        self._decompress = _codec(self.codec)[1] if self.codec else None
        self.metadata: dict[str, str] = {}
        if self.version >= 6:
            n = _INT32.unpack_from(data, pos)[0]
            pos += 4
            for _ in range(n):
                k, pos = w.decode(w.TEXT, self._buf, pos)
                v, pos = w.decode(w.TEXT, self._buf, pos)
                self.metadata[k] = v
        self.sync = bytes(data[pos:pos + SYNC_SIZE])
        self._start = pos + SYNC_SIZE
        for cls in (self.key_class, self.value_class):
            if cls not in w.CODECS:  # ArrayWritable too: its element class is not recorded
                raise SequenceFileError(f"{name}: cannot read Writable class {cls}")

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        try:
            if self.block_compressed:
                yield from self._blocks()
            else:
                yield from self._records()
        except (struct.error, IndexError, UnicodeDecodeError, zlib.error, OSError,
                EOFError) as e:
            if isinstance(e, SequenceFileError):
                raise
            raise SequenceFileError(f"{self.name}: malformed or truncated SequenceFile "
                                    f"({type(e).__name__}: {e})") from None

    def _check_sync(self, pos: int) -> int:
        if bytes(self._buf[pos:pos + SYNC_SIZE]) != self.sync:
            raise SequenceFileError(f"{self.name}: sync check failure at byte {pos}")
        return pos + SYNC_SIZE

    def _records(self) -> Iterator[tuple[Any, Any]]:
        buf, pos, end = self._buf, self._start, len(self._buf)
        kcls, vcls, unpack = self.key_class, self.value_class, self._decompress
        while pos < end:
            length = _INT32.unpack_from(buf, pos)[0]
            pos += 4
            if length == SYNC_ESCAPE:
                pos = self._check_sync(pos)
                continue
            klen = _INT32.unpack_from(buf, pos)[0]
            pos += 4
            key = w.decode(kcls, buf[pos:pos + klen])[0]
            vbytes = buf[pos + klen:pos + length]
            if len(vbytes) != length - klen:
                raise SequenceFileError(f"{self.name}: truncated record at byte {pos}")
            if unpack is not None:
                vbytes = unpack(bytes(vbytes))
            yield key, w.decode(vcls, vbytes)[0]
            pos += length

    def _blocks(self) -> Iterator[tuple[Any, Any]]:
        buf, pos, end = self._buf, self._start, len(self._buf)
        while pos < end:
            if _INT32.unpack_from(buf, pos)[0] != SYNC_ESCAPE:
                raise SequenceFileError(f"{self.name}: no sync marker before block at {pos}")
            pos = self._check_sync(pos + 4)
            if pos >= end:
                return
            count, pos = w.decode_vlong(buf, pos)
            parts = []
            for _ in range(4):
                n, pos = w.decode_vlong(buf, pos)
                parts.append(memoryview(self._decompress(bytes(buf[pos:pos + n]))))
                pos += n
            klens, keys, vlens, values = parts
            kp = vp = kl = vl = 0
            for _ in range(count):
                kn, kl = w.decode_vlong(klens, kl)
                vn, vl = w.decode_vlong(vlens, vl)
                yield (w.decode(self.key_class, keys[kp:kp + kn])[0],
                       w.decode(self.value_class, values[vp:vp + vn])[0])
                kp += kn
                vp += vn


def read_path(path: str) -> Iterator[tuple[Any, Any]]:
    """Every record of the SequenceFile at ``path``."""
    with open(path, "rb") as f:
        reader = Reader(f, path)
    return iter(reader)


def write_path(path: str, records: Any, key_class: str, value_class: str,
               codec: str | None = None, compression: str = "RECORD") -> int:
    """Write ``records`` to a new file at ``path``; returns how many. The classes are the
    whole dataset's (Spark infers them from the RDD's first record), so an empty partition
    still writes a readable file with the same header."""
    n = 0
    with open(path, "wb") as raw:
        f = io.BufferedWriter(raw, 1 << 20)
        out = Writer(f, key_class, value_class, codec, compression)
        for k, v in records:
            out.append(k, v)
            n += 1
        out.close()
        f.flush()
    return n
