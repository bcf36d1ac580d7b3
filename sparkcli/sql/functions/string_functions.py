"""``pyspark.sql.functions``, strings: formatting, padding, searching, encodings, masks,
URL parts and the Java-regex family (``regexp_count``, ``regexp_extract_all``...).

>>> from pyspark.sql import functions as F
>>> F.format_string("%d-%s", "a", "b")
Column<'format_string(%d-%s, a, b)'>
>>> F.locate("o", "s")
Column<'locate(o, s, 1)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, named_call, unary

__all__ = [
    "ascii", "base64", "bit_length", "btrim", "char", "char_length", "character_length", "chr",
    "collate", "collation", "contains", "decode", "elt", "encode", "endswith", "find_in_set",
    "format_number", "format_string", "from_base32", "is_valid_utf8",
    "jaro_winkler_similarity", "lcase", "left", "levenshtein", "locate", "make_valid_utf8",
    "mask", "octet_length", "overlay", "parse_url", "position", "printf", "quote", "randstr",
    "regexp_count", "regexp_extract_all", "regexp_instr", "regexp_substr", "replace", "right",
    "sentences", "soundex", "split_part", "startswith", "substr", "substring_index",
    "to_base32", "to_binary", "to_char", "to_number", "to_varchar", "translate",
    "try_parse_url", "try_to_binary", "try_to_number", "try_url_decode", "try_validate_utf8",
    "unbase64", "url_decode", "url_encode", "validate_utf8",
]

ascii = unary("ascii")  # noqa: A001 - PySpark's name
base64 = unary("base64")
unbase64 = unary("unbase64")
bit_length = unary("bit_length")
octet_length = unary("octet_length")
char = unary("char")
chr = unary("chr", "n")  # noqa: A001
char_length = unary("char_length", "str")
character_length = unary("character_length", "str")
lcase = unary("lcase", "str")
quote = unary("quote")
soundex = unary("soundex")
is_valid_utf8 = unary("is_valid_utf8", "str")
make_valid_utf8 = unary("make_valid_utf8", "str")
validate_utf8 = unary("validate_utf8", "str")
try_validate_utf8 = unary("try_validate_utf8", "str")
url_encode = unary("url_encode", "str")
url_decode = unary("url_decode", "str")
try_url_decode = unary("try_url_decode", "str")


def _columns(name: str, params: str, doc: str = ""):
    """A function of ``ColumnOrName`` parameters (trailing ones optional when None)."""
    def f(*args: Any, **kwargs: Any) -> Column:
        names = params.split()
        values = list(args) + [kwargs.get(p) for p in names[len(args):]]
        return named_call(name, *values)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc or f"Spark's ``{name}({', '.join(params.split())})``."
    return f


btrim = _columns("btrim", "str trim")
contains = _columns("contains", "left right")
startswith = _columns("startswith", "str prefix")
endswith = _columns("endswith", "str suffix")
find_in_set = _columns("find_in_set", "str str_array")
jaro_winkler_similarity = _columns("jaro_winkler_similarity", "left right")
left = _columns("left", "str len")
right = _columns("right", "str len")
position = _columns("position", "substr str start")
regexp_count = _columns("regexp_count", "str regexp")
regexp_substr = _columns("regexp_substr", "str regexp")
replace = _columns("replace", "src search replace")
sentences = _columns("sentences", "string language country")
split_part = _columns("split_part", "src delimiter partNum")
substr = _columns("substr", "str pos len")
to_binary = _columns("to_binary", "col format")
try_to_binary = _columns("try_to_binary", "col format")
to_char = _columns("to_char", "col format")
to_varchar = _columns("to_varchar", "col format")
to_number = _columns("to_number", "col format")
try_to_number = _columns("try_to_number", "col format")
parse_url = _columns("parse_url", "url partToExtract key")
try_parse_url = _columns("try_parse_url", "url partToExtract key")
mask = _columns("mask", "col upperChar lowerChar digitChar otherChar")


def elt(*inputs: Any) -> Column:
    """The ``n``-th of the following arguments (``inputs[0]`` is ``n``)."""
    return named_call("elt", *inputs)


def printf(format: Any, *cols: Any) -> Column:  # noqa: A002
    """Java's ``String.format`` over the columns."""
    return call("printf", col_arg(format), *(col_arg(c) for c in cols))


def format_string(format: str, *cols: Any) -> Column:  # noqa: A002
    """Java's ``String.format(format, cols...)``; ``format`` is a literal."""
    return call("format_string", lit_arg(format), *(col_arg(c) for c in cols))


def format_number(col: Any, d: int) -> Column:
    """``col`` rounded to ``d`` decimals, with thousands separators."""
    return call("format_number", col_arg(col), lit_arg(d))


def decode(col: Any, charset: str) -> Column:
    return call("decode", col_arg(col), lit_arg(charset))


def encode(col: Any, charset: str) -> Column:
    return call("encode", col_arg(col), lit_arg(charset))


def levenshtein(left: Any, right: Any, threshold: int | None = None) -> Column:
    args = [col_arg(left), col_arg(right)]
    if threshold is not None:
        args.append(lit_arg(threshold))
    return call("levenshtein", *args)


def locate(substr: str, str: Any, pos: int = 1) -> Column:  # noqa: A002
    """1-based position of ``substr`` in ``str`` at or after ``pos`` (0 if absent)."""
    return call("locate", lit_arg(substr), col_arg(str), lit_arg(pos))


def _int_or_col(v: Any):
    return lit_arg(v) if isinstance(v, int) else col_arg(v)


def overlay(src: Any, replace: Any, pos: Any, len: Any = -1) -> Column:  # noqa: A002
    return call("overlay", col_arg(src), col_arg(replace), _int_or_col(pos), _int_or_col(len))


def regexp_extract_all(str: Any, regexp: Any, idx: Any = None) -> Column:  # noqa: A002
    args = [col_arg(str), col_arg(regexp)]
    if idx is not None:
        args.append(lit_arg(idx))
    return call("regexp_extract_all", *args)


def regexp_instr(str: Any, regexp: Any, idx: Any = None) -> Column:  # noqa: A002
    args = [col_arg(str), col_arg(regexp)]
    if idx is not None:
        args.append(lit_arg(idx))
    return call("regexp_instr", *args)


def substring_index(str: Any, delim: str, count: int) -> Column:  # noqa: A002
    return call("substring_index", col_arg(str), lit_arg(delim), lit_arg(count))


def translate(srcCol: Any, matching: str, replace: str) -> Column:
    """Each character of ``matching`` replaced by the one at the same place in ``replace``
    (deleted when ``replace`` is shorter)."""
    return call("translate", col_arg(srcCol), lit_arg(matching), lit_arg(replace))


collation = unary("collation")


def collate(col: Any, collation: str) -> Column:
    """``col`` under a collation (sparkcli has ``UTF8_BINARY``, byte order, only)."""
    return call("collate", col_arg(col), lit_arg(collation))


def randstr(length: Any, seed: Any = None) -> Column:
    """Random strings of ``length`` characters from [0-9a-zA-Z]."""
    return call("randstr", lit_arg(length), *([lit_arg(seed)] if seed is not None else []))


to_base32 = unary("to_base32", doc="The RFC 4648 base32 text of a binary (or string's bytes).")
from_base32 = unary("from_base32", doc="The bytes of base32 text (bad characters skipped).")
