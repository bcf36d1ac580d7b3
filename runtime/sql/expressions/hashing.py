"""Hash functions with Spark's exact values: ``hash`` (Murmur3_x86_32, seed 42),
``xxhash64`` (XXH64, seed 42), ``md5``, ``sha1``/``sha``, ``sha2(bits)``, ``crc32``.

``hash(a, b, ...)`` folds the arguments left to right, each column's hash seeding the
next; a NULL leaves the running hash unchanged (so ``hash(NULL) = 42``). Per Spark type:
boolean, byte, short, int and date hash their int value (``hashInt``), bigint and
timestamps their long (``hashLong``), float/double the bits of the value with ``-0.0``
hashed as ``0.0``, a decimal of precision <= 18 its unscaled long (else the bytes of the
unscaled BigInteger), strings their UTF-8 bytes and binaries their bytes
(``hashUnsafeBytes``: whole 4-byte little-endian words, then each remaining *signed* byte
as one more round, unlike the reference Murmur3 tail), arrays/structs/maps each element in
turn. XXH64 is the reference algorithm over the same layout.

Numeric columns hash in numpy on whole arrays (uint32/uint64 arithmetic wraps as Java's
int/long does), and so do strings and binaries under ``hash`` (word k of every value at
once, straight from the Arrow buffers); decimals, nested values and strings under
``xxhash64`` take a Python call per row, as do md5/sha/crc32 (hashlib/zlib per value).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup, wrong_num_args
from runtime.sql.expressions.rowwise import per_row

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
_C1, _C2 = 0xCC9E2D51, 0x1B873593
_P1, _P2, _P3 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9
_P4, _P5 = 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5
SEED = 42


# -- Murmur3_x86_32, one value at a time ------------------------------------------------------------
def _rotl32(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & M32


def _mix_k1(k: int) -> int:
    return (_rotl32((k * _C1) & M32, 15) * _C2) & M32


def _mix_h1(h: int, k: int) -> int:
    return (_rotl32(h ^ k, 13) * 5 + 0xE6546B64) & M32


def _fmix32(h: int, length: int) -> int:
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    return h ^ (h >> 16)


def murmur_int(v: int, seed: int) -> int:
    return _fmix32(_mix_h1(seed, _mix_k1(v & M32)), 4)


def murmur_long(v: int, seed: int) -> int:
    v &= M64
    h = _mix_h1(seed, _mix_k1(v & M32))
    return _fmix32(_mix_h1(h, _mix_k1(v >> 32)), 8)


def murmur_bytes(data: bytes, seed: int) -> int:
    n = len(data)
    aligned = n - n % 4
    h = seed
    for (word,) in struct.iter_unpack("<I", data[:aligned]):
        h = _mix_h1(h, _mix_k1(word))
    for b in data[aligned:]:
        h = _mix_h1(h, _mix_k1((b - 256 if b > 127 else b) & M32))
    return _fmix32(h, n)


# -- XXH64, one value at a time --------------------------------------------------------------------
def _rotl64(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & M64


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * _P2) & M64
    h ^= h >> 29
    h = (h * _P3) & M64
    return h ^ (h >> 32)


def xx_int(v: int, seed: int) -> int:
    h = (seed + _P5 + 4) & M64
    h ^= ((v & M32) * _P1) & M64
    return _fmix64((_rotl64(h, 23) * _P2 + _P3) & M64)


def _xx_round(acc: int, lane: int) -> int:
    return (_rotl64((acc + lane * _P2) & M64, 31) * _P1) & M64


def xx_long(v: int, seed: int) -> int:
    h = (seed + _P5 + 8) & M64
    h ^= _xx_round(0, v & M64)
    return _fmix64((_rotl64(h, 27) * _P1 + _P4) & M64)


def xx_bytes(data: bytes, seed: int) -> int:
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + _P1 + _P2) & M64, (seed + _P2) & M64, seed & M64, (seed - _P1) & M64]
        while i <= n - 32:
            lanes = struct.unpack_from("<4Q", data, i)
            v = [_xx_round(a, lane) for a, lane in zip(v, lanes)]
            i += 32
        h = (_rotl64(v[0], 1) + _rotl64(v[1], 7) + _rotl64(v[2], 12) + _rotl64(v[3], 18)) & M64
        for a in v:
            h = ((h ^ _xx_round(0, a)) * _P1 + _P4) & M64
    else:
        h = (seed + _P5) & M64
    h = (h + n) & M64
    while i <= n - 8:
        (lane,) = struct.unpack_from("<Q", data, i)
        h = (_rotl64(h ^ _xx_round(0, lane), 27) * _P1 + _P4) & M64
        i += 8
    if i <= n - 4:
        (word,) = struct.unpack_from("<I", data, i)
        h = (_rotl64(h ^ ((word * _P1) & M64), 23) * _P2 + _P3) & M64
        i += 4
    while i < n:
        h = (_rotl64(h ^ ((data[i] * _P5) & M64), 11) * _P1) & M64
        i += 1
    return _fmix64(h)


_ALGOS = {"hash": (murmur_int, murmur_long, murmur_bytes),
          "xxhash64": (xx_int, xx_long, xx_bytes)}


def hash_value(v: Any, dtype: T.DataType, seed: int, algo: str) -> int:
    """One value's hash given the running ``seed`` (unsigned)."""
    h_int, h_long, h_bytes = _ALGOS[algo]
    if v is None:
        return seed
    if isinstance(dtype, T.BooleanType):
        return h_int(1 if v else 0, seed)
    if isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType)):
        return h_int(v, seed)
    if isinstance(dtype, T.DateType):
        return h_int((v - _EPOCH).days, seed)
    if isinstance(dtype, T.LongType):
        return h_long(v, seed)
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)):
        return h_long(_micros(v), seed)
    if isinstance(dtype, T.FloatType):
        return h_int(struct.unpack("<i", struct.pack("<f", 0.0 if v == 0 else v))[0], seed)
    if isinstance(dtype, T.DoubleType):
        return h_long(struct.unpack("<q", struct.pack("<d", 0.0 if v == 0 else v))[0], seed)
    if isinstance(dtype, T.DecimalType):
        unscaled = int(v.scaleb(dtype.scale))
        if dtype.precision <= 18:
            return h_long(unscaled, seed)
        nbytes = max((unscaled.bit_length() + 8) // 8, 1)
        return h_bytes(unscaled.to_bytes(nbytes, "big", signed=True), seed)
    if isinstance(dtype, T.StringType):
        return h_bytes(v.encode("utf-8"), seed)
    if isinstance(dtype, T.BinaryType):
        return h_bytes(bytes(v), seed)
    if isinstance(dtype, T.ArrayType):
        for x in v:
            seed = hash_value(x, dtype.elementType, seed, algo)
        return seed
    if isinstance(dtype, T.StructType):
        values = v.values() if isinstance(v, dict) else v
        for x, f in zip(values, dtype.fields):
            seed = hash_value(x, f.dataType, seed, algo)
        return seed
    if isinstance(dtype, T.MapType):
        for k, x in (v.items() if isinstance(v, dict) else v):
            seed = hash_value(k, dtype.keyType, seed, algo)
            seed = hash_value(x, dtype.valueType, seed, algo)
        return seed
    raise TypeError(f"cannot hash {dtype.simpleString()}")


def _micros(ts: Any) -> int:
    import datetime as dt

    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=dt.timezone.utc)
    delta = ts - dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _epoch() -> Any:
    import datetime as dt

    return dt.date(1970, 1, 1)


_EPOCH = _epoch()


# -- whole columns in numpy -------------------------------------------------------------------------
_NP_INT = (T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.DateType)
_NP_LONG = (T.LongType, T.TimestampType, T.TimestampNTZType)


def _np_column(arr: Any, dtype: T.DataType) -> tuple[Any, Any, int] | None:
    """(uint64 words, validity, width 4 or 8) of a numeric column, or None."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    valid = np.asarray(pc.is_valid(arr)) if arr.null_count else None
    if isinstance(dtype, _NP_INT):
        ints = pc.cast(pc.fill_null(arr, False if isinstance(dtype, T.BooleanType) else 0),
                       pa.int32()) if not isinstance(dtype, T.DateType) else \
            pc.cast(pc.fill_null(arr.cast(pa.int32()), 0), pa.int32())
        words = np.asarray(ints.to_numpy(zero_copy_only=False)).astype(np.int64)
        return (words & M32).astype(np.uint64), valid, 4
    if isinstance(dtype, _NP_LONG):
        longs = pc.fill_null(arr.cast(pa.int64()), 0)
        return np.asarray(longs.to_numpy(zero_copy_only=False)).view(np.uint64), valid, 8
    if isinstance(dtype, (T.FloatType, T.DoubleType)):
        np_t, view, width = (np.float32, np.uint32, 4) if isinstance(dtype, T.FloatType) \
            else (np.float64, np.uint64, 8)
        vals = np.asarray(pc.fill_null(arr, 0.0).to_numpy(zero_copy_only=False)).astype(np_t)
        vals = np.where(vals == 0, np_t(0.0), vals)  # -0.0 hashes as 0.0
        vals = np.where(np.isnan(vals), np_t("nan"), vals)  # Java's canonical NaN
        return vals.view(view).astype(np.uint64), valid, width
    return None


def _np_mix_k1(k: Any) -> Any:
    import numpy as np

    k = (k * np.uint32(_C1)).astype(np.uint32)
    k = (k << np.uint32(15)) | (k >> np.uint32(17))
    return (k * np.uint32(_C2)).astype(np.uint32)


def _np_mix_h1(h: Any, k: Any) -> Any:
    import numpy as np

    h = h ^ k
    h = (h << np.uint32(13)) | (h >> np.uint32(19))
    return (h * np.uint32(5) + np.uint32(0xE6546B64)).astype(np.uint32)


def _np_fmix32(h: Any, length: Any) -> Any:
    import numpy as np

    h = h ^ length
    h ^= h >> np.uint32(16)
    h = (h * np.uint32(0x85EBCA6B)).astype(np.uint32)
    h ^= h >> np.uint32(13)
    h = (h * np.uint32(0xC2B2AE35)).astype(np.uint32)
    return h ^ (h >> np.uint32(16))


def _np_murmur(words: Any, width: int, h: Any) -> Any:
    import numpy as np

    h = _np_mix_h1(h, _np_mix_k1((words & np.uint64(M32)).astype(np.uint32)))
    if width == 8:
        h = _np_mix_h1(h, _np_mix_k1((words >> np.uint64(32)).astype(np.uint32)))
    return _np_fmix32(h, np.uint32(width))


def _np_murmur_bytes(arr: Any, h: Any) -> Any:
    """Murmur3 ``hashUnsafeBytes`` of every value of a string/binary column at once: the
    k-th 4-byte word of all the values that long, then their (signed) tail bytes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    valid = np.asarray(pc.is_valid(arr)) if arr.null_count else None
    arr = arr.cast(pa.binary())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset:arr.offset + len(arr) + 1].astype(np.int64)
    buf = arr.buffers()[2]
    data = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, np.uint8)
    starts, lengths = offsets[:-1], offsets[1:] - offsets[:-1]
    if valid is not None:
        lengths = np.where(valid, lengths, 0)
    words = lengths // 4
    out = h.copy()
    for k in range(int(words.max()) if len(words) else 0):
        rows = np.nonzero(words > k)[0]
        p = starts[rows] + 4 * k
        w = data[p].astype(np.uint32) | (data[p + 1].astype(np.uint32) << np.uint32(8)) | \
            (data[p + 2].astype(np.uint32) << np.uint32(16)) | \
            (data[p + 3].astype(np.uint32) << np.uint32(24))
        out[rows] = _np_mix_h1(out[rows], _np_mix_k1(w))
    for t in range(3):
        rows = np.nonzero(lengths % 4 > t)[0]
        b = data[starts[rows] + words[rows] * 4 + t].view(np.int8).astype(np.int32)
        out[rows] = _np_mix_h1(out[rows], _np_mix_k1(b.view(np.uint32)))
    out = _np_fmix32(out, lengths.astype(np.uint32))
    return out if valid is None else np.where(valid, out, h)


def _np_xx(words: Any, width: int, h: Any) -> Any:
    import numpy as np

    u = np.uint64

    def rotl(x: Any, r: int) -> Any:
        return (x << u(r)) | (x >> u(64 - r))

    h = h + u(_P5) + u(width)
    if width == 4:
        h = h ^ ((words & u(M32)) * u(_P1))
        h = rotl(h, 23) * u(_P2) + u(_P3)
    else:
        h = h ^ (rotl(words * u(_P2), 31) * u(_P1))
        h = rotl(h, 27) * u(_P1) + u(_P4)
    h ^= h >> u(33)
    h = h * u(_P2)
    h ^= h >> u(29)
    h = h * u(_P3)
    return h ^ (h >> u(32))


def _hash_kernel(algo: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np
        import pyarrow as pa

        from_scalar = all(isinstance(a, pa.Scalar) for a in args)
        n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
        wide = algo == "xxhash64"
        h = np.full(n, SEED, dtype=np.uint64 if wide else np.uint32)
        for a, child in zip(args, call.children):
            arr = pa.array([a.as_py()] * n, a.type) if isinstance(a, pa.Scalar) else a
            col = None if isinstance(child.dtype, T.NullType) else _np_column(arr, child.dtype)
            if col is not None:
                words, valid, width = col
                with np.errstate(over="ignore"):
                    new = (_np_xx if wide else _np_murmur)(words, width, h)
                h = new if valid is None else np.where(valid, new, h)
                continue
            if isinstance(child.dtype, T.NullType):
                continue
            if not wide and isinstance(child.dtype, (T.StringType, T.BinaryType)):
                with np.errstate(over="ignore"):
                    h = _np_murmur_bytes(arr, h)
                continue
            seeds = h.tolist()
            h = np.array([hash_value(v, child.dtype, s, algo) for v, s in
                          zip(arr.to_pylist(), seeds)], dtype=h.dtype)
        out = pa.array(h.view(np.int64 if wide else np.int32))
        return out[0] if from_scalar else out
    return kernel


def _bind_hash(name: str, dtype: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if not args:
            raise wrong_num_args(name, "> 0", 0)
        for a in args:
            if isinstance(a.dtype, T.MapType):
                raise AnalysisException(
                    f'[DATATYPE_MISMATCH.HASH_MAP_TYPE] Cannot resolve "{name}('
                    f'{", ".join(x.sql() for x in args)})" due to data type mismatch: Input '
                    f'to the function `{name}` cannot contain elements of the "MAP" type. '
                    "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.HASH_MAP_TYPE")
        return make_call(lookup(name), list(args), dtype, False)
    return bind


simple("hash", _bind_hash("hash", T.IntegerType()), _hash_kernel("hash"))
simple("xxhash64", _bind_hash("xxhash64", T.LongType()), _hash_kernel("xxhash64"))


# -- digests ----------------------------------------------------------------------------------------
def _bytes(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def _bind_digest(name: str, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0] if isinstance(args[0].dtype, T.BinaryType) else cast_to(
            args[0], T.StringType())
        return make_call(lookup(name), [a], result)
    return bind


simple("md5", _bind_digest("md5", T.StringType()),
       per_row(lambda c, v: hashlib.md5(_bytes(v)).hexdigest()))
for _name in ("sha1", "sha"):
    simple(_name, _bind_digest(_name, T.StringType()),
           per_row(lambda c, v: hashlib.sha1(_bytes(v)).hexdigest()))
simple("crc32", _bind_digest("crc32", T.LongType()),
       per_row(lambda c, v: zlib.crc32(_bytes(v))))


def _bind_sha2(args: list[Expression], ctx: Any) -> Expression:
    arity("sha2", args, 2)
    a = args[0] if isinstance(args[0].dtype, T.BinaryType) else cast_to(args[0],
                                                                         T.StringType())
    return make_call(lookup("sha2"), [a, cast_to(args[1], T.IntegerType())], T.StringType(),
                     True)


_SHA2 = {0: hashlib.sha256, 224: hashlib.sha224, 256: hashlib.sha256, 384: hashlib.sha384,
         512: hashlib.sha512}


def _sha2(call: Any, v: Any, bits: int) -> str | None:
    fn = _SHA2.get(bits)
    return None if fn is None else fn(_bytes(v)).hexdigest()


simple("sha2", _bind_sha2, per_row(_sha2, to_arrow(T.StringType())))


def hash64(arr: Any, dtype: T.DataType) -> Any:
    """A 64-bit hash (numpy uint64) of every non-NULL value of a column, for the sketches
    (sketch_distinct.py): integers of every width hash as the same long (XXH64, seed 9001),
    floats as the same double (-0.0 as 0.0),
    strings and binaries as two Murmur3 words (seeds 9001 and 9002) side by side. NULLs are
    dropped; the caller passes only valid values or filters them first."""
    import numpy as np
    import pyarrow as pa

    with np.errstate(over="ignore"):
        if isinstance(dtype, (T.StringType, T.BinaryType)):
            n = len(arr)
            hi = _np_murmur_bytes(arr, np.full(n, 9001, np.uint32)).astype(np.uint64)
            lo = _np_murmur_bytes(arr, np.full(n, 9002, np.uint32)).astype(np.uint64)
            return (hi << np.uint64(32)) | lo
        if isinstance(dtype, _NP_INT):
            arr, dtype = arr.cast(pa.int64()), T.LongType()
        elif isinstance(dtype, T.FloatType):  # a float hashes as the double it widens to
            arr, dtype = arr.cast(pa.float64()), T.DoubleType()
        col = _np_column(arr, dtype)
        assert col is not None
        words, _valid, width = col
        return _np_xx(words, width, np.full(len(words), 9001, np.uint64))
