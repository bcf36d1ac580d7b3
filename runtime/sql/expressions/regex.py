"""Regular expressions with Java's syntax: ``rlike``/``regexp``/``regexp_like``,
``regexp_count``, ``regexp_extract``, ``regexp_extract_all``, ``regexp_instr``,
``regexp_substr`` and ``regexp_replace``.

Spark's patterns are ``java.util.regex`` patterns. A pattern runs on Arrow's RE2 kernels
(whole arrays, no Python per row) when RE2 can run it; RE2 has no lookaround (``(?=``,
``(?<!``), backreferences (``\\1``, ``\\k<name>``), possessive quantifiers or atomic groups,
so such a pattern (or one RE2 rejects) runs on Python's ``re`` one value at a time.
``java_to_python`` rewrites the few Java spellings Python lacks: ``(?<name>`` named groups,
``\\k<name>``, ``\\z``, ``\\Q...\\E`` quoting, ``\\h`` and the POSIX ``\\p{Alpha}`` classes.
Replacement strings use Java's ``$1``/``${name}`` group references and ``\\$`` escapes.
``regexp_extract``, ``regexp_extract_all`` and ``regexp_instr`` look at match groups, which
Arrow's kernels do not return by number: they always take the Python path.
Compiled patterns are cached (a column of patterns compiles each distinct one once).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.rowwise import per_row

S, I = T.StringType(), T.IntegerType()

_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7F", "Alpha": "a-zA-Z",
    "Digit": "0-9", "Alnum": "a-zA-Z0-9", "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "Graph": "\\x21-\\x7E", "Print": "\\x20-\\x7E", "Blank": " \\t", "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0B\\f\\r",
}
_H = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
_PY_ONLY = re.compile(r"\(\?<?[=!]|(?<!\\)\\[1-9]|\\k<|[*+?}]\+|\(\?>")


@functools.lru_cache(maxsize=256)
def java_to_python(pattern: str) -> str:
    """A Java regex in Python ``re`` syntax (same meaning for what both accept)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt == "Q":
                end = pattern.find("\\E", i + 2)
                end = n if end < 0 else end
                out.append(re.escape(pattern[i + 2:end]))
                i = end + 2
                continue
            if nxt == "z":
                out.append("\\Z")
            elif nxt == "Z":
                out.append("(?=\\n?\\Z)")
            elif nxt == "h":
                out.append(f"[{_H}]")
            elif nxt == "k" and pattern.startswith("<", i + 2):
                end = pattern.index(">", i + 3)
                out.append(f"(?P={pattern[i + 3:end]})")
                i = end + 1
                continue
            elif nxt in "pP" and pattern.startswith("{", i + 2):
                end = pattern.index("}", i + 3)
                name = pattern[i + 3:end].removeprefix("Is")
                cls = _POSIX.get(name)
                if cls is None and name in ("L", "Alphabetic", "Letter"):
                    out.append("[^\\W\\d_]" if nxt == "p" else "[\\W\\d_]")
                elif cls is not None:
                    out.append(f"[{'^' if nxt == 'P' else ''}{cls}]")
                else:
                    out.append(pattern[i:end + 1])
                i = end + 1
                continue
            else:
                out.append(ch + nxt)
            i += 2
            continue
        if pattern.startswith("(?<", i) and i + 3 < n and pattern[i + 3] not in "=!":
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _invalid(fn: str, pattern: str, err: Exception) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `{fn}` is "
        f"invalid: {err} (pattern '{pattern}'). SQLSTATE: 22023",
        errorClass="INVALID_PARAMETER_VALUE.PATTERN",
        messageParameters={"parameter": "`regexp`", "functionName": f"`{fn}`"})


@functools.lru_cache(maxsize=256)
def _compile(pattern: str, fn: str) -> re.Pattern:
    try:
        return re.compile(java_to_python(pattern))
    except (re.error, ValueError) as e:
        raise _invalid(fn, pattern, e) from None


def compile_java(pattern: str, fn: str = "regexp") -> re.Pattern:
    """The compiled Python form of a Java regex (Spark's error if it is invalid)."""
    return _compile(pattern, fn)


def re2_pattern(pattern: str) -> str | None:
    """The pattern for Arrow's RE2 kernels, or None when only Python can run it."""
    if _PY_ONLY.search(pattern) or "\\Q" in pattern or "\\h" in pattern or "\\z" in pattern:
        return None
    return java_to_python(pattern)


def java_replacement_python(rep: str) -> str:
    """A Java replacement (``$1``, ``${name}``, ``\\$``) as a Python ``re.sub`` template."""
    out, i = [], 0
    while i < len(rep):
        ch = rep[i]
        if ch == "\\" and i + 1 < len(rep):
            out.append(rep[i + 1].replace("\\", "\\\\"))
            i += 2
        elif ch == "$" and rep.startswith("{", i + 1):
            end = rep.index("}", i)
            out.append(f"\\g<{rep[i + 2:end]}>")
            i = end + 1
        elif ch == "$" and i + 1 < len(rep) and rep[i + 1].isdigit():
            j = i + 1
            while j < len(rep) and rep[j].isdigit():
                j += 1
            out.append(f"\\g<{rep[i + 1:j]}>")
            i = j
        else:
            out.append("\\\\" if ch == "\\" else ch)
            i += 1
    return "".join(out)


def _pattern_of(args: list) -> str | None:
    import pyarrow as pa

    p = args[1]
    return p.as_py() if isinstance(p, pa.Scalar) and p.is_valid else None


def _vectorized(args: list, fn: str, arrow_fn: Any) -> Any:
    """``arrow_fn(strings, re2_pattern)`` when the pattern is a literal RE2 can run."""
    import pyarrow as pa

    p = _pattern_of(args)
    if p is None or isinstance(args[0], pa.Scalar):
        return None
    compile_java(p, fn)  # Spark's error for an invalid pattern, whichever engine runs it
    re2 = re2_pattern(p)
    if re2 is None:
        return None
    try:
        return arrow_fn(args[0], re2)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


# -- rlike / regexp / regexp_like -----------------------------------------------------------------
def _bind_two_strings(name: str, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        return make_call(lookup(name), [cast_to(a, S) for a in args], result)
    return bind


def _like_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    out = _vectorized(args, call.spec.name,
                      lambda s, p: pc.match_substring_regex(s, pattern=p))
    if out is not None:
        return out
    return per_row(lambda c, s, p: compile_java(p, c.spec.name).search(s) is not None,
                   pa.bool_())(call, args, ectx)


for _name in ("rlike", "regexp", "regexp_like"):
    simple(_name, _bind_two_strings(_name, T.BooleanType()), _like_kernel,
           (lambda shown: lambda c: f"{shown}({c.children[0].sql()}, {c.children[1].sql()})")(
               _name.upper()))


# -- regexp_count / regexp_substr -------------------------------------------------------------------
def _count(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    out = _vectorized(args, "regexp_count",
                      lambda s, p: pc.cast(pc.count_substring_regex(s, pattern=p), pa.int32()))
    if out is not None:
        return out
    return per_row(lambda c, s, p: sum(1 for _ in compile_java(p, "regexp_count").finditer(s)),
                   pa.int32())(call, args, ectx)


simple("regexp_count", _bind_two_strings("regexp_count", I), _count)


def _substr(call: Any, s: str, p: str) -> str | None:
    m = compile_java(p, "regexp_substr").search(s)
    return None if m is None else m.group(0)


def _bind_substr(args: list[Expression], ctx: Any) -> Expression:
    arity("regexp_substr", args, 2)
    return make_call(lookup("regexp_substr"), [cast_to(a, S) for a in args], S, True)


def _substr_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return per_row(_substr, pa.string())(call, args, ectx)


simple("regexp_substr", _bind_substr, _substr_kernel)


# -- regexp_extract / regexp_extract_all / regexp_instr ---------------------------------------------
def _bind_indexed(name: str, default: int, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        idx = args[2] if len(args) > 2 else Literal(default, I)
        return make_call(lookup(name), [cast_to(args[0], S), cast_to(args[1], S),
                                        cast_to(idx, I)], result)
    return bind


def _group_index(fn: str, rx: re.Pattern, idx: int) -> None:
    if not 0 <= idx <= rx.groups:
        raise SparkRuntimeException(
            f"[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` in "
            f"`{fn}` is invalid: Expects group index between 0 and {rx.groups}, but got "
            f"{idx}. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
            messageParameters={"parameter": "`idx`", "functionName": f"`{fn}`"})


def _extract(call: Any, s: str, p: str, idx: int) -> str:
    rx = compile_java(p, "regexp_extract")
    _group_index("regexp_extract", rx, idx)
    m = rx.search(s)
    return "" if m is None else (m.group(idx) or "")


def _extract_all(call: Any, s: str, p: str, idx: int) -> list[str]:
    rx = compile_java(p, "regexp_extract_all")
    _group_index("regexp_extract_all", rx, idx)
    return [m.group(idx) or "" for m in rx.finditer(s)]


def _instr(call: Any, s: str, p: str, idx: int) -> int:
    rx = compile_java(p, "regexp_instr")
    _group_index("regexp_instr", rx, idx)
    m = rx.search(s)
    return 0 if m is None else m.start(idx) + 1


def _typed_per_row(fn: Any):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        return per_row(fn, to_arrow(call.dtype))(call, args, ectx)
    return kernel


simple("regexp_extract", _bind_indexed("regexp_extract", 1, S), _typed_per_row(_extract))
simple("regexp_extract_all", _bind_indexed("regexp_extract_all", 1, T.ArrayType(S, True)),
       _typed_per_row(_extract_all))
simple("regexp_instr", _bind_indexed("regexp_instr", 0, I), _typed_per_row(_instr))


# -- regexp_replace ---------------------------------------------------------------------------------
def _bind_replace(args: list[Expression], ctx: Any) -> Expression:
    arity("regexp_replace", args, 3, 4)
    pos = args[3] if len(args) > 3 else Literal(1, I)
    return make_call(lookup("regexp_replace"), [cast_to(a, S) for a in args[:3]] +
                     [cast_to(pos, I)], S)


def _replace_row(call: Any, s: str, p: str, rep: str, pos: int) -> str:
    rx = compile_java(p, "regexp_replace")
    start = max(pos, 1) - 1
    return s[:start] + rx.sub(java_replacement_python(rep), s[start:])


def _replace(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    rep, pos = args[2], args[3]
    if isinstance(rep, pa.Scalar) and isinstance(pos, pa.Scalar) and rep.is_valid and \
            pos.as_py() == 1 and "${" not in rep.as_py():
        java = rep.as_py()
        re2_rep = re.sub(r"\$(\d)", r"\\\1", java.replace("\\", "\\\\")) \
            if "\\" not in java else None
        if re2_rep is not None:
            out = _vectorized(args, "regexp_replace", lambda s, p: pc.replace_substring_regex(
                s, pattern=p, replacement=re2_rep))
            if out is not None:
                return out
    return per_row(_replace_row, pa.string())(call, args, ectx)


simple("regexp_replace", _bind_replace, _replace)
