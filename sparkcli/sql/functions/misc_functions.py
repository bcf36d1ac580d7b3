"""``pyspark.sql.functions``: conditional (``nvl2``, ``nullif``, ``nanvl``...), predicate
(``like``, ``ilike``, ``regexp_like``, ``equal_null``) and miscellaneous functions
(``typeof``, ``assert_true``, ``raise_error``, ``current_database``, ``uuid``...).

>>> from pyspark.sql import functions as F
>>> F.nvl2("a", "b", "c")
Column<'nvl2(a, b, c)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, named_call, unary

__all__ = [
    "aes_decrypt", "aes_encrypt", "assert_true", "try_aes_decrypt", "bitmap_bit_position", "bitmap_bucket_number", "bitmap_count",
    "call_function", "call_udf", "current_catalog", "current_database", "current_path",
    "current_schema", "current_user", "equal_null", "ifnull", "ilike",
    "input_file_block_length", "input_file_block_start", "input_file_name", "java_method",
    "like", "nanvl", "nullif", "nullifzero", "nvl2", "raise_error", "reflect", "regexp",
    "regexp_like", "session_user", "try_reflect", "typeof", "user", "uuid", "version",
    "zeroifnull",
]


def reflect(*cols: Any) -> Column:
    """Calls a static Java method by reflection (``reflect('java.util.UUID',
    'randomUUID')``); without a JVM, the common methods of java.lang/java.util/java.net
    (runtime/sql/expressions/misc_reflect.py)."""
    return named_call("reflect", *cols)


def java_method(*cols: Any) -> Column:
    """``reflect`` under its other name."""
    return named_call("java_method", *cols)


def try_reflect(*cols: Any) -> Column:
    """``reflect``, NULL when the method throws."""
    return named_call("try_reflect", *cols)


def ifnull(col1: Any, col2: Any) -> Column:
    return named_call("ifnull", col1, col2)


def nanvl(col1: Any, col2: Any) -> Column:
    """``col1`` unless it is NaN, else ``col2``."""
    return named_call("nanvl", col1, col2)


def nullif(col1: Any, col2: Any) -> Column:
    """NULL when ``col1 = col2``, else ``col1``."""
    return named_call("nullif", col1, col2)


def nvl2(col1: Any, col2: Any, col3: Any) -> Column:
    """``col2`` when ``col1`` is not NULL, else ``col3``."""
    return named_call("nvl2", col1, col2, col3)


def equal_null(col1: Any, col2: Any) -> Column:
    """``col1 <=> col2`` under its own name."""
    return named_call("equal_null", col1, col2)


nullifzero = unary("nullifzero")
bitmap_bit_position = unary("bitmap_bit_position")
bitmap_bucket_number = unary("bitmap_bucket_number")
bitmap_count = unary("bitmap_count")
zeroifnull = unary("zeroifnull")
typeof = unary("typeof")


def _pattern(name: str):
    def f(str: Any, pattern: Any, escapeChar: Any = None) -> Column:  # noqa: A002
        args = [col_arg(str), col_arg(pattern)]
        if escapeChar is not None:
            args.append(lit_arg(escapeChar))
        return call(name, *args)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"``str {name.upper()} pattern`` (SQL wildcards ``%`` and ``_``)."
    return f


like = _pattern("like")
ilike = _pattern("ilike")


def regexp(str: Any, regexp: Any) -> Column:  # noqa: A002
    """Whether ``str`` matches the Java regular expression ``regexp``."""
    return named_call("regexp", str, regexp)


def regexp_like(str: Any, regexp: Any) -> Column:  # noqa: A002
    return named_call("regexp_like", str, regexp)


def assert_true(col: Any, errMsg: Any = None) -> Column:
    """NULL, or ``[USER_RAISED_EXCEPTION]`` for the first row where ``col`` is not true."""
    if errMsg is None:
        return named_call("assert_true", col)
    return call("assert_true", col_arg(col), lit_arg(errMsg))


def raise_error(errMsg: Any) -> Column:
    return call("raise_error", lit_arg(errMsg))


def _nullary(name: str):
    def f() -> Column:
        return call(name)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Spark's ``{name}()``."
    return f


current_catalog = _nullary("current_catalog")
current_path = _nullary("current_path")
current_database = _nullary("current_database")
current_schema = _nullary("current_schema")
current_user = _nullary("current_user")
user = _nullary("user")
session_user = _nullary("session_user")
version = _nullary("version")
input_file_name = _nullary("input_file_name")
input_file_block_start = _nullary("input_file_block_start")
input_file_block_length = _nullary("input_file_block_length")


def uuid(seed: Any = None) -> Column:
    """A random version-4 UUID per row."""
    return call("uuid")


def call_function(funcName: str, *cols: Any) -> Column:
    """Call the SQL function ``funcName`` (a built-in or a registered UDF) on ``cols``."""
    return call(funcName.lower(), *(col_arg(c) for c in cols))


def call_udf(udfName: str, *cols: Any) -> Column:
    """Call the UDF registered as ``udfName`` (``spark.udf.register``) on ``cols``."""
    return call(udfName.lower(), *(col_arg(c) for c in cols))


_AES_DEFAULTS = {"mode": "GCM", "padding": "DEFAULT", "iv": "", "aad": ""}


def _aes(name: str, input: Any, key: Any, **optional: Any) -> Column:
    """``name(input, key, ...)``: optional arguments up to the last one given, the ones left
    out before it filled with Spark's defaults (as PySpark does)."""
    args = [col_arg(input), col_arg(key)]
    given = [k for k, v in optional.items() if v is not None]
    for k in list(optional)[:list(optional).index(given[-1]) + 1] if given else []:
        v = optional[k]
        args.append(lit_arg(_AES_DEFAULTS[k]) if v is None else col_arg(v))
    return call(name, *args)


def aes_encrypt(input: Any, key: Any, mode: Any = None, padding: Any = None, iv: Any = None,
                aad: Any = None) -> Column:
    """AES encryption as Spark's (GCM by default; ECB, CBC); see misc_aes.py."""
    return _aes("aes_encrypt", input, key, mode=mode, padding=padding, iv=iv, aad=aad)


def aes_decrypt(input: Any, key: Any, mode: Any = None, padding: Any = None,
                aad: Any = None) -> Column:
    """AES decryption of what aes_encrypt (or Spark's) wrote."""
    return _aes("aes_decrypt", input, key, mode=mode, padding=padding, aad=aad)


def try_aes_decrypt(input: Any, key: Any, mode: Any = None, padding: Any = None,
                    aad: Any = None) -> Column:
    """aes_decrypt, NULL where decryption fails."""
    return _aes("try_aes_decrypt", input, key, mode=mode, padding=padding, aad=aad)
