"""String functions beyond the core ones of strings.py: ``ascii``, ``chr``, ``base64``,
``bit_length``/``octet_length``, ``btrim`` and trimming given characters, ``decode``/
``encode``, ``elt``, ``find_in_set``, ``left``/``right``, ``levenshtein``, ``locate``/
``position``, ``mask``, ``overlay``, ``quote``, ``replace``, ``sentences``, ``soundex``,
``split_part``, ``substring_index``, ``translate``, ``jaro_winkler_similarity``, the UTF-8
validity functions, and the names Spark prints for aliases (``lcase``, ``substr``...).

Vectorized on Arrow where a kernel exists (trimming, ``replace`` with literal arguments,
``left``/``right``, ``octet_length``); per row in Python (rowwise.py) for ``levenshtein``,
``soundex``, ``sentences``, ``translate``, ``overlay``, ``mask``, ``elt``, ``find_in_set``,
``substring_index``, ``split_part``, ``locate``, ``encode``/``decode``, base64.
Binary arguments keep binary results where Spark does (``overlay``, ``lpad`` on binary).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import ArrayIndexOutOfBoundsException, SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import alias_function, arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup, wrong_num_args
from runtime.sql.expressions.rowwise import per_row, with_ansi

S, I, L, B = T.StringType(), T.IntegerType(), T.LongType(), T.BinaryType()


def _is_binary(e: Expression) -> bool:
    return isinstance(e.dtype, T.BinaryType)


def _bind_fixed(name: str, types: list[T.DataType], result: T.DataType,
                defaults: tuple = (), nullable: bool | None = None):
    """Arguments cast to ``types``; missing trailing ones take ``defaults``."""
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, len(types) - len(defaults), len(types))
        full = list(args) + [Literal(v, t) for v, t in
                             zip(defaults[len(args) - len(types) + len(defaults):],
                                 types[len(args):])]
        return make_call(lookup(name), [cast_to(a, t) for a, t in zip(full, types)], result,
                         nullable)
    return bind


def _row_function(name: str, types: list[T.DataType], result: T.DataType, fn: Any,
                  defaults: tuple = (), nullable: bool | None = None, pretty: Any = None,
                  null_safe: bool = False) -> None:
    simple(name, _bind_fixed(name, types, result, defaults, nullable),
           per_row(fn, None, null_safe), pretty)


# -- characters and bytes ----------------------------------------------------------------------
_row_function("ascii", [S], I, lambda c, s: ord(s[0]) if s else 0)


def _chr(call: Any, n: int) -> str:
    return "" if n < 0 else chr(n & 0xFF)


_row_function("chr", [L], S, _chr)
_row_function("char", [L], S, _chr)


def _bind_byte_length(name: str, factor: int):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0] if _is_binary(args[0]) else cast_to(args[0], S)
        return make_call(lookup(name), [a], I)

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        n = pc.binary_length(args[0])
        return pc.cast(pc.multiply(n, factor) if factor != 1 else n, pa.int32())
    return bind, kernel


simple("octet_length", *_bind_byte_length("octet_length", 1))
simple("bit_length", *_bind_byte_length("bit_length", 8))


def _bind_length_named(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0] if _is_binary(args[0]) else cast_to(args[0], S)
        return make_call(lookup(name), [a], I)
    return bind


def _length(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    a = args[0]
    n = pc.binary_length(a) if pa.types.is_binary(a.type) else pc.utf8_length(a)
    return pc.cast(n, pa.int32())


for _name in ("char_length", "character_length", "len"):
    simple(_name, _bind_length_named(_name), _length)

_row_function("base64", [B], S, lambda c, b: base64.b64encode(b).decode("ascii"))


def _unbase64(call: Any, s: str) -> bytes:
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4))
    except ValueError:
        raise SparkRuntimeException(
            f"[CONVERSION_INVALID_INPUT] The value '{s}' (STRING) cannot be converted to "
            "BINARY because it is malformed. Correct the value as per the syntax, or change "
            "its format. Use 'try_to_binary' to tolerate malformed input and return NULL "
            "instead. SQLSTATE: 22018", errorClass="CONVERSION_INVALID_INPUT") from None


_row_function("unbase64", [S], B, _unbase64)

# -- charsets ---------------------------------------------------------------------------------------
_CHARSETS = {"us-ascii": "ascii", "iso-8859-1": "latin-1", "utf-8": "utf-8",
             "utf-16be": "utf-16-be", "utf-16le": "utf-16-le", "utf-16": "utf-16",
             "utf-32": "utf-32-be", "utf8": "utf-8"}


def _charset(fn: str, name: str) -> str:
    codec = _CHARSETS.get(name.lower())
    if codec is None:
        raise SparkRuntimeException(
            f"[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) `charset` in `{fn}` "
            f"is invalid: expects one of the US-ASCII, ISO-8859-1, UTF-8, UTF-16BE, UTF-16LE, "
            f"UTF-16, UTF-32, but got {name}. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.CHARSET")
    return codec


def _encode(call: Any, s: str, cs: str) -> bytes:
    codec = _charset("encode", cs)
    if codec == "utf-16":  # Java writes a big-endian byte order mark
        return b"\xfe\xff" + s.encode("utf-16-be")
    return s.encode(codec, errors="replace")


def _decode(call: Any, b: bytes, cs: str) -> str:
    return b.decode(_charset("decode", cs), errors="replace")


_row_function("encode", [S, S], B, _encode)
_row_function("decode", [B, S], S, _decode)

# -- trimming -----------------------------------------------------------------------------------------
_TRIM_WORD = {"btrim": None, "trim": "BOTH", "ltrim": "LEADING", "rtrim": "TRAILING"}
_TRIM_PC = {"btrim": "utf8_trim", "trim": "utf8_trim", "ltrim": "utf8_ltrim",
            "rtrim": "utf8_rtrim"}


def _trim_pretty(name: str):
    def pretty(c: Any) -> str:
        if len(c.children) == 1 or _TRIM_WORD[name] is None:
            return f"{name}({', '.join(x.sql() for x in c.children)})"
        return f"TRIM({_TRIM_WORD[name]} {c.children[1].sql()} FROM {c.children[0].sql()})"
    return pretty


def _trim_kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        chars = args[1] if len(args) > 1 else pa.scalar(" ")
        if isinstance(chars, pa.Scalar):
            if not chars.is_valid:
                return pa.nulls(len(args[0]), pa.string()) if not isinstance(
                    args[0], pa.Scalar) else pa.scalar(None, pa.string())
            return getattr(pc, _TRIM_PC[name])(args[0], characters=chars.as_py())
        strip = {"ltrim": str.lstrip, "rtrim": str.rstrip}.get(name, str.strip)
        return per_row(lambda c, s, t: strip(s, t), pa.string())(call, args, ectx)
    return kernel


def _bind_trim(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        return make_call(lookup(name), [cast_to(a, S) for a in args], S)
    return bind


for _name in _TRIM_WORD:
    simple(_name, _bind_trim(_name), _trim_kernel(_name), _trim_pretty(_name))


# -- picking and searching ----------------------------------------------------------------------------
def _bind_elt(args: list[Expression], ctx: Any) -> Expression:
    if len(args) < 2:
        raise wrong_num_args("elt", "> 1", len(args))
    return make_call(lookup("elt"), [cast_to(args[0], I)] + [cast_to(a, S) for a in args[1:]],
                     S, True)


def _elt(call: Any, n: int | None, *values: str) -> str | None:
    if n is None:
        return None
    if not 1 <= n <= len(values):
        if call.options and dict(call.options).get("ansi") is False:
            return None
        raise ArrayIndexOutOfBoundsException(
            f"[INVALID_ARRAY_INDEX] The index {n} is out of bounds. The array has "
            f"{len(values)} elements. Use the SQL function `get()` to tolerate accessing "
            "element at invalid index and return NULL instead. If necessary set "
            '"spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22003',
            errorClass="INVALID_ARRAY_INDEX")
    return values[n - 1]


simple("elt", _bind_elt, with_ansi(per_row(_elt, None, null_safe=True)))


def _find_in_set(call: Any, s: str, items: str) -> int:
    if "," in s:
        return 0
    parts = items.split(",")
    return parts.index(s) + 1 if s in parts else 0


_row_function("find_in_set", [S, S], I, _find_in_set)


def _locate(call: Any, sub: str, s: str, pos: int) -> int:
    if pos < 1:
        return 0
    return s.find(sub, pos - 1) + 1


def _locate_bind(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        pos = args[2] if len(args) > 2 else Literal(1, I)
        return make_call(lookup(name), [cast_to(args[0], S), cast_to(args[1], S),
                                        cast_to(pos, I)], I)
    return bind


def _locate_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    # locate(sub, NULL-pos) is 0 in Spark only for a NULL start? NULL sub/str give NULL
    return per_row(lambda c, sub, s, p: _locate(c, sub, s, p), pa.int32())(call, args, ectx)


simple("locate", _locate_bind("locate"), _locate_kernel)
simple("position", _locate_bind("position"), _locate_kernel)


def _substring_index(call: Any, s: str, delim: str, count: int) -> str:
    if count == 0 or not delim:
        return ""
    parts = s.split(delim)
    if count > 0:
        return delim.join(parts[:count])
    return delim.join(parts[count:]) if -count < len(parts) else s


_row_function("substring_index", [S, S, I], S, _substring_index)


def _split_part(call: Any, s: str, delim: str, n: int) -> str:
    if n == 0:
        raise SparkRuntimeException(
            "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or "
            "> 0 (the first element has index 1). SQLSTATE: 22003",
            errorClass="INVALID_INDEX_OF_ZERO")
    parts = s.split(delim) if delim else [s]
    idx = n - 1 if n > 0 else len(parts) + n
    return parts[idx] if 0 <= idx < len(parts) else ""


_row_function("split_part", [S, S, I], S, _split_part)


def _bind_left_right(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        return make_call(lookup(name), [cast_to(args[0], S), cast_to(args[1], I)], S)
    return bind


def _left_right(call: Any, s: str, n: int) -> str:
    if n <= 0:
        return ""
    return s[:n] if call.spec.name == "left" else s[-n:]


simple("left", _bind_left_right("left"), per_row(_left_right))
simple("right", _bind_left_right("right"), per_row(_left_right))


# -- rewriting ----------------------------------------------------------------------------------------
def _bind_replace(args: list[Expression], ctx: Any) -> Expression:
    arity("replace", args, 2, 3)
    rep = args[2] if len(args) > 2 else Literal("", S)
    return make_call(lookup("replace"), [cast_to(a, S) for a in (args[0], args[1], rep)], S)


def _replace(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    s, search, rep = args
    if isinstance(search, pa.Scalar) and isinstance(rep, pa.Scalar) and \
            not isinstance(s, pa.Scalar) and search.is_valid and rep.is_valid:
        if not search.as_py():
            return s
        return pc.replace_substring(s, pattern=search.as_py(), replacement=rep.as_py())
    return per_row(lambda c, a, b, r: a.replace(b, r) if b else a, pa.string())(
        call, args, ectx)


simple("replace", _bind_replace, _replace)


def _translate(call: Any, s: str, frm: str, to: str) -> str:
    table: dict[int, Any] = {}
    for i, ch in enumerate(frm):
        if ord(ch) not in table:
            table[ord(ch)] = to[i] if i < len(to) else None
    return s.translate(table)


_row_function("translate", [S, S, S], S, _translate)


def _bind_overlay(args: list[Expression], ctx: Any) -> Expression:
    arity("overlay", args, 3, 4)
    ln = args[3] if len(args) > 3 else Literal(-1, I)
    t = B if _is_binary(args[0]) and _is_binary(args[1]) else S
    return make_call(lookup("overlay"), [cast_to(args[0], t), cast_to(args[1], t),
                                         cast_to(args[2], I), cast_to(ln, I)], t)


def _overlay(call: Any, src: Any, rep: Any, pos: int, ln: int) -> Any:
    n = len(rep) if ln < 0 else ln
    start = max(pos, 1) - 1
    return src[:start] + rep + src[start + n:]


simple("overlay", _bind_overlay, per_row(_overlay))


def _bind_mask(args: list[Expression], ctx: Any) -> Expression:
    arity("mask", args, 1, 5)
    defaults = [Literal("X", S), Literal("x", S), Literal("n", S), Literal(None, S)]
    full = list(args) + defaults[len(args) - 1:]
    return make_call(lookup("mask"), [cast_to(a, S) for a in full], S, args[0].nullable)


def _mask(call: Any, s: str | None, up: Any, lo: Any, dig: Any, other: Any) -> str | None:
    if s is None:
        return None
    out = []
    for ch in s:
        if "A" <= ch <= "Z":
            out.append(ch if up is None else up[:1])
        elif "a" <= ch <= "z":
            out.append(ch if lo is None else lo[:1])
        elif "0" <= ch <= "9":
            out.append(ch if dig is None else dig[:1])
        else:
            out.append(ch if other is None else other[:1])
    return "".join(out)


simple("mask", _bind_mask, per_row(_mask, None, null_safe=True))


def _quote(call: Any, s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


_row_function("quote", [S], S, _quote)


# -- words and sounds -----------------------------------------------------------------------------------
def _levenshtein(call: Any, a: str, b: str, threshold: int | None = None) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    d = prev[-1]
    return -1 if threshold is not None and d > threshold else d


def _bind_levenshtein(args: list[Expression], ctx: Any) -> Expression:
    arity("levenshtein", args, 2, 3)
    kids = [cast_to(args[0], S), cast_to(args[1], S)] + [cast_to(a, I) for a in args[2:]]
    return make_call(lookup("levenshtein"), kids, I)


simple("levenshtein", _bind_levenshtein, per_row(_levenshtein))

_SOUNDEX = {**dict.fromkeys("BFPV", "1"), **dict.fromkeys("CGJKQSXZ", "2"),
            **dict.fromkeys("DT", "3"), "L": "4", **dict.fromkeys("MN", "5"), "R": "6"}


def _soundex(call: Any, s: str) -> str:
    if not s or not ("A" <= s[0].upper() <= "Z"):
        return s
    up = s.upper()
    out, last = [up[0]], _SOUNDEX.get(up[0], "")
    for ch in up[1:]:
        code = _SOUNDEX.get(ch)
        if code is None:
            if ch not in "HW":
                last = ""
            continue
        if code != last:
            out.append(code)
            if len(out) == 4:
                break
        last = code
    return "".join(out).ljust(4, "0")


_row_function("soundex", [S], S, _soundex)


def _sentences(call: Any, s: str, lang: Any = None, country: Any = None) -> list:
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", s.strip()):
        words = re.findall(r"[^\W_]+(?:'[^\W_]+)?", sentence)
        if words:
            out.append(words)
    return out


def _bind_sentences(args: list[Expression], ctx: Any) -> Expression:
    arity("sentences", args, 1, 3)
    full = list(args) + [Literal("", S)] * (3 - len(args))
    return make_call(lookup("sentences"), [cast_to(a, S) for a in full],
                     T.ArrayType(T.ArrayType(S, True), True), args[0].nullable)


simple("sentences", _bind_sentences,
       per_row(lambda c, s, lang, country: None if s is None else _sentences(c, s),
               None, null_safe=True))


def _jaro_winkler(call: Any, a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    ma, mb = [False] * len(a), [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not mb[j] and b[j] == ch:
                ma[i] = mb[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    sa = [c for c, m in zip(a, ma) if m]
    sb = [c for c, m in zip(b, mb) if m]
    transpositions = sum(x != y for x, y in zip(sa, sb)) / 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


_row_function("jaro_winkler_similarity", [S, S], T.DoubleType(), _jaro_winkler)

# -- UTF-8 validity (Arrow strings are valid UTF-8 by construction) -----------------------------------
_row_function("is_valid_utf8", [S], T.BooleanType(), lambda c, s: True)
for _name in ("validate_utf8", "make_valid_utf8", "try_validate_utf8"):
    _row_function(_name, [S], S, lambda c, s: s)

# -- the names Spark prints for aliases ---------------------------------------------------------------


alias_function("lcase", "lower")
alias_function("ucase", "upper")
alias_function("substr", "substring")


# -- collations (strings compare by their UTF-8 bytes: Spark's UTF8_BINARY) -----------------------
def _bind_collation(args: list[Expression], ctx: Any) -> Expression:
    arity("collation", args, 1)
    return make_call(lookup("collation"), [args[0]], S, False)


def _collation(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return pa.scalar("SYSTEM.BUILTIN.UTF8_BINARY", pa.string())


simple("collation", _bind_collation, _collation)


def _bind_collate(args: list[Expression], ctx: Any) -> Expression:
    arity("collate", args, 2)
    name = args[1]
    if not (isinstance(name, Literal) and str(name.value).upper() in (
            "UTF8_BINARY", "SYSTEM.BUILTIN.UTF8_BINARY")):
        raise SparkRuntimeException(
            f"[COLLATION_INVALID_NAME] The value {name.sql()} does not represent a correct "
            "collation name; only UTF8_BINARY is supported. SQLSTATE: 42704",
            errorClass="COLLATION_INVALID_NAME")
    return make_call(lookup("collate"), [cast_to(args[0], S), name], S, args[0].nullable)


simple("collate", _bind_collate, lambda c, a, e: a[0])
