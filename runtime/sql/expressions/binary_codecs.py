"""Binary codecs and keyed hashes: ``to_base32``/``from_base32`` (RFC 4648) and
``hmac(key, message [, algorithm])``.

``to_base32(bin)`` gives the padded upper-case text; ``from_base32(str)`` is lenient as
Apache Commons' Base32 that Spark uses: case does not matter, characters outside the
alphabet (padding included) are skipped and a trailing partial group decodes to the whole
bytes it holds, so bad input gives fewer bytes, never an error. ``hmac`` takes binary key
and message (strings are their UTF-8 bytes) and one of Spark's algorithm names
(``SHA-256`` by default, ``SHA-384``, ``SHA-512``, ``SHA-224``, ``SHA-1``, ``MD5``).

Python's ``base64``/``hmac`` run once per row: Arrow has no kernel for them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac as _hmac
import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import lookup, type_mismatch
from runtime.sql.expressions.rowwise import per_row

S, B = T.StringType(), T.BinaryType()
_NOT_BASE32 = re.compile(r"[^A-Z2-7]")
_WHOLE = {0: 0, 1: 0, 2: 2, 3: 2, 4: 4, 5: 5, 6: 5, 7: 7}  # chars kept of a partial group


def _binary(a: Expression, call_sql: str = "", index: int = 1) -> Expression:
    """A binary argument: strings are their UTF-8 bytes; another type is a mismatch."""
    if call_sql and not isinstance(a.dtype, (T.BinaryType, T.StringType, T.NullType)):
        raise type_mismatch(call_sql, index, '"BINARY"', a.sql(), a.dtype)
    return a if isinstance(a.dtype, T.BinaryType) else cast_to(a, B)


def _bind_to_base32(args: list[Expression], ctx: Any) -> Expression:
    arity("to_base32", args, 1)
    return make_call(lookup("to_base32"), [_binary(args[0], f"to_base32({args[0].sql()})")],
                     S)


def _bind_from_base32(args: list[Expression], ctx: Any) -> Expression:
    arity("from_base32", args, 1)
    return make_call(lookup("from_base32"), [cast_to(args[0], S)], B)


def from_base32(text: str) -> bytes:
    chars = _NOT_BASE32.sub("", text.upper())
    whole = len(chars) - len(chars) % 8 + _WHOLE[len(chars) % 8]
    chars = chars[:whole]
    return base64.b32decode(chars + "=" * (-len(chars) % 8))


simple("to_base32", _bind_to_base32,
       per_row(lambda c, b: base64.b32encode(b).decode("ascii")))
simple("from_base32", _bind_from_base32, per_row(lambda c, s: from_base32(s)))


# -- hmac -----------------------------------------------------------------------------------------
_ALGORITHMS = {"SHA-256": "sha256", "SHA256": "sha256", "SHA-384": "sha384",
               "SHA384": "sha384", "SHA-512": "sha512", "SHA512": "sha512",
               "SHA-224": "sha224", "SHA224": "sha224", "SHA-1": "sha1", "SHA1": "sha1",
               "MD5": "md5"}


def _bind_hmac(args: list[Expression], ctx: Any) -> Expression:
    arity("hmac", args, 2, 3)
    algo = args[2] if len(args) > 2 else Literal("SHA-256", S)
    kids = [_binary(args[0]), _binary(args[1]), cast_to(algo, S)]
    return make_call(lookup("hmac"), kids, B)


def _hmac_row(call: Any, key: bytes, message: bytes, algorithm: str) -> bytes:
    digest = _ALGORITHMS.get(algorithm.upper())
    if digest is None:
        raise SparkRuntimeException(
            f"[INVALID_PARAMETER_VALUE.HMAC_ALGORITHM] The value of parameter(s) `algorithm` "
            f"in `hmac` is invalid: expects one of SHA-256, SHA-384, SHA-512, but got "
            f"'{algorithm}'. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.HMAC_ALGORITHM",
            messageParameters={"parameter": "`algorithm`", "functionName": "`hmac`"})
    return _hmac.new(key, message, getattr(hashlib, digest)).digest()


simple("hmac", _bind_hmac, per_row(_hmac_row))
