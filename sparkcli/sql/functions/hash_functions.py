"""``pyspark.sql.functions``, hashes with Spark's values: ``hash`` (Murmur3), ``xxhash64``,
``md5``, ``sha1``, ``sha2``, ``crc32``.

>>> from pyspark.sql import functions as F
>>> F.sha2("s", 256)
Column<'sha2(s, 256)'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import PySparkValueError
from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, named_call, unary

__all__ = [
    "crc32", "hash", "hmac", "md5", "sha", "sha1", "sha2", "xxhash64",
]

crc32 = unary("crc32")
md5 = unary("md5")
sha = unary("sha")
sha1 = unary("sha1")


def hash(*cols: Any) -> Column:  # noqa: A001 - PySpark's name
    """Spark's Murmur3 hash (seed 42) of the columns, an int."""
    return named_call("hash", *cols)


def xxhash64(*cols: Any) -> Column:
    """Spark's XXH64 hash (seed 42) of the columns, a bigint."""
    return named_call("xxhash64", *cols)


def sha2(col: Any, numBits: int) -> Column:
    """The SHA-2 digest (224, 256, 384 or 512 bits; 0 means 256) as hex."""
    if numBits not in (0, 224, 256, 384, 512):
        raise PySparkValueError(
            "[VALUE_NOT_ALLOWED] Value for `numBits` has to be amongst the following values: "
            "[0, 224, 256, 384, 512].", errorClass="VALUE_NOT_ALLOWED",
            messageParameters={"arg_name": "numBits",
                               "allowed_values": "[0, 224, 256, 384, 512]"})
    return call("sha2", col_arg(col), lit_arg(numBits))


def hmac(key: Any, message: Any, algorithm: Any = None) -> Column:
    """The HMAC of ``message`` with ``key`` (``SHA-256`` unless ``algorithm`` says
    ``SHA-384``, ``SHA-512``...), as binary."""
    return named_call("hmac", key, message, algorithm)
