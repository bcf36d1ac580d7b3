"""``aes_encrypt``, ``aes_decrypt`` and ``try_aes_decrypt`` with Spark's modes and layouts.

Spark (Java's javax.crypto) writes, for a 16, 24 or 32-byte key:
* GCM (the default; padding NONE/DEFAULT): a 12-byte IV (random unless given), the
  ciphertext, then a 16-byte tag; the optional AAD is authenticated, not stored;
* CBC (padding PKCS/DEFAULT): a 16-byte IV (random unless given), then the PKCS#5-padded
  ciphertext;
* ECB (padding PKCS/DEFAULT): the PKCS#5-padded ciphertext alone (no IV, no AAD).

No crypto library is a dependency of this project and none is installed here, so the block
cipher is FIPS-197 AES in plain Python (tables built at import from the field arithmetic,
checked against FIPS-197's vectors in the tests), with GCM's GHASH over GF(2^128) as in
NIST SP 800-38D. It runs one Python call per row: on this (loaded) machine about 40 µs per
16-byte block for the cipher, and about 0.5 ms for a 63-byte value in GCM, whose bit-serial
GHASH dominates; fine for the small values these functions see (keys, tokens, fields), not
for bulk data. Values are
byte-identical to Spark's for the same key, IV and AAD (tests use PySpark 4.3's outputs).

A wrong key, a corrupt buffer or a failed GCM tag check is Spark's
``[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR]`` for aes_decrypt and NULL for try_aes_decrypt.
"""

from __future__ import annotations

import os
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.registry import FunctionSpec, lookup, register
from runtime.sql.expressions.rowwise import per_row

__all__ = ["decrypt", "encrypt"]


# -- AES (FIPS-197) ------------------------------------------------------------------------------
def _xtime(a: int) -> int:
    return ((a << 1) ^ 0x1B) & 0xFF if a & 0x80 else a << 1


def _gmul(a: int, b: int) -> int:
    out = 0
    while b:
        if b & 1:
            out ^= a
        a, b = _xtime(a), b >> 1
    return out


def _make_sbox() -> list[int]:
    def rotl8(x: int, s: int) -> int:
        return ((x << s) | (x >> (8 - s))) & 0xFF

    box = [0] * 256
    p = q = 1
    while True:
        p = p ^ _xtime(p)  # p * 3
        q ^= q << 1  # q / 3
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        box[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63
        if p == 1:
            break
    box[0] = 0x63
    return box


_SBOX = _make_sbox()
_INV = [0] * 256
for _i, _v in enumerate(_SBOX):
    _INV[_v] = _i
_M = {m: [_gmul(x, m) for x in range(256)] for m in (2, 3, 9, 11, 13, 14)}
_SHIFT = [r + 4 * ((c + r) % 4) for c in range(4) for r in range(4)]  # new[i] = s[_SHIFT[i]]
_UNSHIFT = [0] * 16
for _i, _j in enumerate(_SHIFT):
    _UNSHIFT[_j] = _i


def _expand(key: bytes) -> list[list[int]]:
    nk = len(key) // 4
    rounds = nk + 6
    w = [list(key[4 * i:4 * i + 4]) for i in range(nk)]
    rcon = 1
    for i in range(nk, 4 * (rounds + 1)):
        t = list(w[i - 1])
        if i % nk == 0:
            t = [_SBOX[b] for b in t[1:] + t[:1]]
            t[0] ^= rcon
            rcon = _xtime(rcon)
        elif nk > 6 and i % nk == 4:
            t = [_SBOX[b] for b in t]
        w.append([a ^ b for a, b in zip(w[i - nk], t)])
    return [sum(w[4 * r:4 * r + 4], []) for r in range(rounds + 1)]


def _encrypt_block(keys: list, block: bytes) -> bytes:
    m2, m3 = _M[2], _M[3]
    s = [a ^ b for a, b in zip(block, keys[0])]
    last = len(keys) - 1
    for r in range(1, last + 1):
        s = [_SBOX[s[j]] for j in _SHIFT]
        if r != last:
            mixed = []
            for c in range(0, 16, 4):
                a0, a1, a2, a3 = s[c:c + 4]
                mixed += [m2[a0] ^ m3[a1] ^ a2 ^ a3, a0 ^ m2[a1] ^ m3[a2] ^ a3,
                          a0 ^ a1 ^ m2[a2] ^ m3[a3], m3[a0] ^ a1 ^ a2 ^ m2[a3]]
            s = mixed
        s = [a ^ b for a, b in zip(s, keys[r])]
    return bytes(s)


def _decrypt_block(keys: list, block: bytes) -> bytes:
    m9, m11, m13, m14 = _M[9], _M[11], _M[13], _M[14]
    last = len(keys) - 1
    s = [a ^ b for a, b in zip(block, keys[last])]
    for r in range(last - 1, -1, -1):
        s = [_INV[s[j]] for j in _UNSHIFT]
        s = [a ^ b for a, b in zip(s, keys[r])]
        if r:
            mixed = []
            for c in range(0, 16, 4):
                a0, a1, a2, a3 = s[c:c + 4]
                mixed += [m14[a0] ^ m11[a1] ^ m13[a2] ^ m9[a3],
                          m9[a0] ^ m14[a1] ^ m11[a2] ^ m13[a3],
                          m13[a0] ^ m9[a1] ^ m14[a2] ^ m11[a3],
                          m11[a0] ^ m13[a1] ^ m9[a2] ^ m14[a3]]
            s = mixed
    return bytes(s)


# -- modes ---------------------------------------------------------------------------------------
class _CryptoError(Exception):
    pass


def _pad(data: bytes) -> bytes:
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    if not data or len(data) % 16 or not 1 <= data[-1] <= 16 or \
            data[-data[-1]:] != bytes([data[-1]]) * data[-1]:
        raise _CryptoError("Given final block not properly padded. Such issues can arise if a "
                           "bad key is used during decryption.")
    return data[:-data[-1]]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b))


def _ghash(h: int, aad: bytes, data: bytes) -> int:
    def blocks(b: bytes) -> list[int]:
        b = b + bytes(-len(b) % 16)
        return [int.from_bytes(b[i:i + 16], "big") for i in range(0, len(b), 16)]

    x = 0
    lengths = ((len(aad) * 8) << 64) | (len(data) * 8)
    for block in blocks(aad) + blocks(data) + [lengths]:
        x ^= block
        z, v = 0, h
        for i in range(127, -1, -1):  # x * h in GF(2^128), GCM's bit order
            if (x >> i) & 1:
                z ^= v
            v = (v >> 1) ^ (0xE1 << 120) if v & 1 else v >> 1
        x = z
    return x


def _ctr(keys: list, j0: bytes, data: bytes) -> bytes:
    out = bytearray()
    counter = int.from_bytes(j0[12:], "big")
    for i in range(0, len(data), 16):
        counter = (counter + 1) & 0xFFFFFFFF
        stream = _encrypt_block(keys, j0[:12] + counter.to_bytes(4, "big"))
        out += _xor(data[i:i + 16], stream)
    return bytes(out)


def _gcm(keys: list, iv: bytes, data: bytes, aad: bytes, decrypting: bool) -> bytes:
    h = int.from_bytes(_encrypt_block(keys, bytes(16)), "big")
    j0 = iv + b"\x00\x00\x00\x01"
    if decrypting:
        data, tag = data[:-16], data[-16:]
        expected = _xor(_encrypt_block(keys, j0), _ghash(h, aad, data).to_bytes(16, "big"))
        if expected != tag:
            raise _CryptoError("Tag mismatch!")
        return _ctr(keys, j0, data)
    out = _ctr(keys, j0, data)
    return out + _xor(_encrypt_block(keys, j0), _ghash(h, aad, out).to_bytes(16, "big"))


def encrypt(data: bytes, key: bytes, mode: str, iv: bytes | None, aad: bytes | None) -> bytes:
    keys = _expand(key)
    if mode == "GCM":
        iv = iv or os.urandom(12)
        return iv + _gcm(keys, iv, data, aad or b"", False)
    padded = _pad(data)
    if mode == "ECB":
        return b"".join(_encrypt_block(keys, padded[i:i + 16])
                        for i in range(0, len(padded), 16))
    iv = iv or os.urandom(16)
    out, prev = [iv], iv
    for i in range(0, len(padded), 16):
        prev = _encrypt_block(keys, _xor(padded[i:i + 16], prev))
        out.append(prev)
    return b"".join(out)


def decrypt(data: bytes, key: bytes, mode: str, aad: bytes | None) -> bytes:
    keys = _expand(key)
    if mode == "GCM":
        if len(data) < 12:
            raise _CryptoError("Invalid buffer arguments")
        if len(data) < 28:
            raise _CryptoError("Tag mismatch!")
        return _gcm(keys, data[:12], data[12:], aad or b"", True)
    if mode == "ECB":
        if len(data) % 16 or not data:
            raise _CryptoError("Input length must be multiple of 16 when decrypting with "
                               "padded cipher")
        return _unpad(b"".join(_decrypt_block(keys, data[i:i + 16])
                               for i in range(0, len(data), 16)))
    if len(data) < 32 or len(data) % 16:
        raise _CryptoError("Input length must be multiple of 16 when decrypting with padded "
                           "cipher")
    out, prev = [], data[:16]
    for i in range(16, len(data), 16):
        block = data[i:i + 16]
        out.append(_xor(_decrypt_block(keys, block), prev))
        prev = block
    return _unpad(b"".join(out))


# -- the SQL functions ---------------------------------------------------------------------------
_PADDINGS = {("GCM", "NONE"), ("GCM", "DEFAULT"), ("ECB", "PKCS"), ("ECB", "DEFAULT"),
             ("CBC", "PKCS"), ("CBC", "DEFAULT")}


def _param_error(name: str, cls: str, text: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[INVALID_PARAMETER_VALUE.{cls}] The value of parameter(s) {text}",
        errorClass=f"INVALID_PARAMETER_VALUE.{cls}")


def _check(name: str, key: bytes, mode: str, padding: str) -> None:
    if len(key) not in (16, 24, 32):
        raise _param_error(
            name, "AES_KEY_LENGTH",
            f"`key` in `aes_encrypt`/`aes_decrypt` is invalid: expects a binary value with 16, "
            f"24 or 32 bytes, but got {len(key)} bytes. SQLSTATE: 22023")
    if (mode, padding) not in _PADDINGS:
        raise SparkRuntimeException(
            f"[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-{mode} with "
            f"the padding {padding} by the `aes_encrypt`/`aes_decrypt` function. SQLSTATE: 0A000",
            errorClass="UNSUPPORTED_FEATURE.AES_MODE")


def _encrypt_row(call: Any, data: bytes, key: bytes, mode: str = "GCM",
                 padding: str = "DEFAULT", iv: bytes | None = None,
                 aad: bytes | None = None) -> bytes:
    mode, padding = mode.upper(), padding.upper()
    _check("aes_encrypt", key, mode, padding)
    if iv:
        want = {"GCM": 12, "CBC": 16}.get(mode)
        if want is None:
            raise SparkRuntimeException(
                "[UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: `aes_encrypt` "
                f"with AES-{mode} does not support initialization vectors (IVs). SQLSTATE: 0A000",
                errorClass="UNSUPPORTED_FEATURE.AES_MODE_IV")
        if len(iv) != want:
            raise _param_error(
                "aes_encrypt", "AES_IV_LENGTH",
                "`iv` in `aes_encrypt`/`aes_decrypt` is invalid: supports 16-byte CBC IVs and "
                f"12-byte GCM IVs, but got {len(iv)} bytes for {mode}. SQLSTATE: 22023")
    if aad and mode != "GCM":
        raise SparkRuntimeException(
            f"[UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: `aes_encrypt` "
            f"with AES-{mode} does not support additional authenticate data (AAD). "
            "SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE.AES_MODE_AAD")
    return encrypt(bytes(data), bytes(key), mode, bytes(iv) if iv else None,
                   bytes(aad) if aad else None)


def _decrypt_row(name: str):
    def row(call: Any, data: bytes, key: bytes, mode: str = "GCM", padding: str = "DEFAULT",
            aad: bytes | None = None) -> bytes | None:
        mode, padding = mode.upper(), padding.upper()
        try:
            _check(name, key, mode, padding)
            return decrypt(bytes(data), bytes(key), mode, bytes(aad) if aad else None)
        except (_CryptoError, SparkRuntimeException) as e:
            if name == "try_aes_decrypt":
                return None
            if isinstance(e, SparkRuntimeException):
                raise
            raise _param_error(
                name, "AES_CRYPTO_ERROR",
                "`expr`, `key` in `aes_encrypt`/`aes_decrypt` is invalid: detail message: "
                f"{e} SQLSTATE: 22023"
            ) from None
    return row


def _bind(name: str, params: tuple):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, len(params))
        typed = [cast_to(a, T.StringType() if p in ("mode", "padding") else T.BinaryType())
                 for a, p in zip(args, params)]
        defaults = {"mode": "GCM", "padding": "DEFAULT", "iv": "", "aad": ""}  # as Spark shows
        shown = [a.sql() for a in args] + [defaults[p] for p in params[len(args):]]
        return make_call(lookup(name), typed, T.BinaryType(), True,
                         (("sql", f"{name}({', '.join(shown)})"),))
    return bind


def _kernel(fn: Any):
    def row(call: Any, *values: Any) -> Any:
        if any(v is None for v in values[:4]):  # NULL input, key, mode or padding
            return None
        return fn(call, *values)
    return per_row(row, None, null_safe=True)


register(FunctionSpec("aes_encrypt", _bind("aes_encrypt", ("input", "key", "mode", "padding",
                                                           "iv", "aad")),
                      _kernel(_encrypt_row), lambda c: dict(c.options)["sql"]))
for _name in ("aes_decrypt", "try_aes_decrypt"):
    register(FunctionSpec(_name, _bind(_name, ("input", "key", "mode", "padding", "aad")),
                          _kernel(_decrypt_row(_name)), lambda c: dict(c.options)["sql"]))

