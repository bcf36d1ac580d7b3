"""String functions on Arrow utf8 kernels, with Spark's semantics.

``concat`` is NULL if any input is NULL; ``concat_ws`` skips NULLs; ``substring(s, pos, len)``
is 1-based, treats position 0 as 1 and counts a negative position from the end;
``length`` counts characters; ``split`` and ``regexp_*`` take Java regular expressions
(``$1`` group references in replacements become RE2's ``\\1``); ``trim`` strips spaces only.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, fixed_function, make_call, simple
from runtime.sql.expressions.evaluate import materialize
from runtime.sql.expressions.regex import compile_java, re2_pattern
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.registry import wrong_num_args
from runtime.sql.expressions.rowwise import per_row

S, I, B = T.StringType(), T.IntegerType(), T.BinaryType()


def _pc(name: str, **kw: Any):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        return getattr(pc, name)(*args, **kw)
    return kernel


fixed_function("upper", [S], S, _pc("utf8_upper"))
fixed_function("lower", [S], S, _pc("utf8_lower"))
fixed_function("reverse", [S], S, _pc("utf8_reverse"))
fixed_function("initcap", [S], S, lambda c, a, e: _initcap(a[0]))


def _initcap(arr: Any) -> Any:
    """Spark capitalizes the first letter after each space only (``spark_sql`` ->
    ``Spark_sql``), one value at a time."""
    import pyarrow as pa

    def cap(s: str) -> str:
        return " ".join(w[:1].upper() + w[1:] for w in s.lower().split(" "))

    if isinstance(arr, pa.Scalar):
        return pa.scalar(None if not arr.is_valid else cap(arr.as_py()), pa.string())
    return pa.array([None if v is None else cap(v) for v in arr.to_pylist()], pa.string())


def _length(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_binary(args[0].type):
        return pc.cast(pc.binary_length(args[0]), "int32")
    return pc.cast(pc.utf8_length(args[0]), "int32")


def _bind_length(args: list[Expression], ctx: Any) -> Expression:
    arity("length", args, 1)
    a = args[0] if isinstance(args[0].dtype, T.BinaryType) else cast_to(args[0], S)
    return make_call(lookup("length"), [a], I)


simple("length", _bind_length, _length)


def _bind_concat(args: list[Expression], ctx: Any) -> Expression:
    return make_call(lookup("concat"), [cast_to(a, S) for a in args], S)


def _concat(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not args:
        return pa.scalar("")
    return pc.binary_join_element_wise(*args, pa.scalar(""), null_handling="emit_null")


simple("concat", _bind_concat, _concat)


def _bind_concat_ws(args: list[Expression], ctx: Any) -> Expression:
    if not args:
        raise wrong_num_args("concat_ws", "> 0", 0)
    return make_call(lookup("concat_ws"), [cast_to(a, S) if not isinstance(a.dtype, T.ArrayType)
                                           else a for a in args], S, args[0].nullable)


def _concat_ws(call: Any, args: list, ectx: EvalContext) -> Any:
    """Per row in Python: Arrow's ``binary_join_element_wise(null_handling="skip")`` drops
    a row whose inputs are all NULL (pyarrow 26) instead of giving ``""``."""
    import pyarrow as pa

    sep, rest = args[0], args[1:]
    if not rest:
        return pa.scalar("") if isinstance(sep, pa.Scalar) and sep.is_valid else \
            pa.scalar(None, pa.string())
    scalar = all(isinstance(a, pa.Scalar) for a in args)
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [[a.as_py()] * n if isinstance(a, pa.Scalar) else a.to_pylist() for a in args]
    out = []
    for row in zip(*cols):
        if row[0] is None:
            out.append(None)
            continue
        items: list[str] = []
        for v in row[1:]:
            if isinstance(v, list):
                items.extend(x for x in v if x is not None)
            elif v is not None:
                items.append(v)
        out.append(row[0].join(items))
    arr = pa.array(out, pa.string())
    return arr[0] if scalar else arr


simple("concat_ws", _bind_concat_ws, _concat_ws)


def _bind_substring(args: list[Expression], ctx: Any) -> Expression:
    arity("substring", args, 2, 3)
    length = args[2] if len(args) > 2 else Literal(2**31 - 1, I)
    t = args[0].dtype if isinstance(args[0].dtype, T.BinaryType) else S
    return make_call(lookup("substring"), [cast_to(args[0], t), cast_to(args[1], I),
                                           cast_to(length, I)], t)


def _substring(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    s, pos, ln = args
    if isinstance(s, pa.Scalar):  # a literal string, a position or length per row
        rows = next((len(a) for a in (pos, ln) if not isinstance(a, pa.Scalar)), None)
        if rows is not None:
            s = materialize(s, rows)
    if pa.types.is_binary(s.type):
        return _binary_substring(s, pos, ln)
    if isinstance(pos, pa.Scalar) and isinstance(ln, pa.Scalar):
        p, n = pos.as_py(), ln.as_py()
        if p is None or n is None:
            return pa.nulls(len(s), pa.string())
        if n <= 0:
            return pc.if_else(pc.is_valid(s), pa.scalar(""), pa.scalar(None, pa.string()))
        if p > 0:
            start = p - 1
            return pc.utf8_slice_codeunits(s, start=start, stop=start + n)
        if p == 0:
            return pc.utf8_slice_codeunits(s, start=0, stop=n)
        # negative: from the end; Spark clips at the string's start
        lens = pc.utf8_length(s)
        start = pc.add(lens, pa.scalar(p, pa.int32()).cast(lens.type))
        out = []
        for v, st in zip(s.to_pylist(), start.to_pylist()):
            if v is None:
                out.append(None)
            else:
                end = st + n
                out.append(v[max(st, 0):max(end, 0)])
        return pa.array(out, pa.string())
    out = []
    for v, p, n in zip(s.to_pylist(), _vals(pos, len(s)), _vals(ln, len(s))):
        if v is None or p is None or n is None:
            out.append(None)
            continue
        start = p - 1 if p > 0 else (0 if p == 0 else len(v) + p)
        end = start + n
        out.append(v[max(start, 0):max(end, 0)] if n > 0 else "")
    return pa.array(out, pa.string())


def _binary_substring(s: Any, pos: Any, ln: Any) -> Any:
    import pyarrow as pa

    n = 1 if isinstance(s, pa.Scalar) else len(s)
    out = []
    for v, p, k in zip(_vals(s, n), _vals(pos, n), _vals(ln, n)):
        if v is None or p is None or k is None:
            out.append(None)
            continue
        start = p - 1 if p > 0 else (0 if p == 0 else len(v) + p)
        out.append(v[max(start, 0):max(start + k, 0)] if k > 0 else b"")
    arr = pa.array(out, pa.binary())
    return arr[0] if isinstance(s, pa.Scalar) else arr


def _vals(x: Any, n: int) -> list:
    import pyarrow as pa

    return [x.as_py()] * n if isinstance(x, pa.Scalar) else x.to_pylist()


simple("substring", _bind_substring, _substring)


def _bind_split(args: list[Expression], ctx: Any) -> Expression:
    arity("split", args, 2, 3)
    limit = args[2] if len(args) > 2 else Literal(-1, I)
    return make_call(lookup("split"), [cast_to(args[0], S), cast_to(args[1], S),
                                       cast_to(limit, I)], T.ArrayType(S, False))


def _split(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    s, p, limit = args
    n = limit.as_py() if isinstance(limit, pa.Scalar) else None
    max_splits = None if n is None or n <= 0 else n - 1
    if not isinstance(p, pa.Scalar) or not isinstance(limit, pa.Scalar):
        return _split_rows(s, p, limit)
    pattern = p.as_py()
    if pattern is None:
        return pa.nulls(len(s), pa.list_(pa.string())) if not isinstance(s, pa.Scalar) \
            else pa.scalar(None, pa.list_(pa.string()))
    if pattern == r"\s+":  # Java's \s: ASCII [ \t\n\x0B\f\r], as Arrow's (4x the regex's speed)
        return pc.ascii_split_whitespace(s, max_splits=max_splits)
    if pattern and (re.escape(pattern) == pattern or
                    (len(pattern) == 1 and pattern not in ".$|()[{^?*+\\")):
        return pc.split_pattern(s, pattern=pattern, max_splits=max_splits)
    rx = compile_java(pattern, "split")  # Spark's error for an invalid pattern
    re2 = re2_pattern(pattern)
    if re2 is not None and not _may_match_empty(rx, pattern):
        try:
            return pc.split_pattern_regex(s, pattern=re2, max_splits=max_splits)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return _split_rows(s, p, limit)


#: what lets a pattern match an empty string somewhere without matching "": anchors,
#: boundaries, lookarounds (Arrow's regex split loops forever on an empty match)
_ZERO_WIDTH = re.compile(r"\\[bBAGZz]|[\^$]|\(\?<?[=!]")


def _may_match_empty(rx: re.Pattern, pattern: str) -> bool:
    return rx.fullmatch("") is not None or _ZERO_WIDTH.search(pattern) is not None


def _split_rows(s: Any, p: Any, limit: Any) -> Any:
    """split one row at a time with Java's String.split rules (a pattern that may match
    an empty string, one RE2 cannot run, a pattern or limit column)."""
    import pyarrow as pa

    scalar = isinstance(s, pa.Scalar)
    rows = len(s) if not scalar else (1 if isinstance(p, pa.Scalar) else len(p))
    vals, pats, lims = _vals(s, rows), _vals(p, rows), _vals(limit, rows)
    out = [None if v is None or q is None or k is None
           else _java_split(v, compile_java(q, "split"), k) for v, q, k in zip(vals, pats, lims)]
    arr = pa.array(out, pa.list_(pa.string()))
    return arr[0] if scalar and isinstance(p, pa.Scalar) else arr


def _java_split(s: str, rx: re.Pattern, limit: int) -> list[str]:
    """Java's ``s.split(regex, limit)`` (Spark: limit <= 0 keeps every field, trailing empty
    ones too); a zero-width match at the start makes no leading empty field."""
    if not rx.pattern and limit <= 0:  # Spark: the characters, no trailing empty field
        return list(s) or [""]
    out: list[str] = []
    index = 0
    for m in rx.finditer(s):
        if 0 < limit <= len(out) + 1:
            break
        if index == 0 and m.start() == 0 and m.end() == 0:
            continue
        out.append(s[index:m.start()])
        index = m.end()
    if not out:
        return [s]
    out.append(s[index:])
    return out


simple("split", _bind_split, _split)


def _bind_pad(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        pad = args[2] if len(args) > 2 else Literal(" ", S)
        t = B if isinstance(args[0].dtype, T.BinaryType) and \
            isinstance(pad.dtype, T.BinaryType) else S
        return make_call(lookup(name), [cast_to(args[0], t), cast_to(args[1], I),
                                        cast_to(pad, t)], t)
    return bind


def _pad(call: Any, v: Any, width: int, p: Any) -> Any:
    """lpad/rpad of one value (text or bytes): cut to ``width`` when longer, unchanged when
    the pad is empty, else filled with repeats of the pad on the left or right."""
    if len(v) >= width:
        return v[:max(width, 0)]
    if not p:
        return v
    fill = (p * (width // len(p) + 1))[: width - len(v)]
    return fill + v if call.spec.name == "lpad" else v + fill


simple("lpad", _bind_pad("lpad"), per_row(_pad))
simple("rpad", _bind_pad("rpad"), per_row(_pad))


def _bind_str_pred(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        return make_call(lookup(name), [cast_to(a, S) for a in args], T.BooleanType())
    return bind


def _str_pred(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        s, p = args
        if isinstance(p, pa.Scalar):
            if not p.is_valid:
                return pa.nulls(len(s), pa.bool_())
            return getattr(pc, fn)(s, pattern=p.as_py())
        out = [None if a is None or b is None else getattr(a, _PY[fn])(b)
               for a, b in zip(s.to_pylist(), p.to_pylist())]
        return pa.array(out, pa.bool_())
    return kernel


_PY = {"match_substring": "__contains__", "starts_with": "startswith",
       "ends_with": "endswith"}
simple("contains", _bind_str_pred("contains"), _str_pred("match_substring"))
simple("startswith", _bind_str_pred("startswith"), _str_pred("starts_with"))
simple("endswith", _bind_str_pred("endswith"), _str_pred("ends_with"))


def _instr(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.cast(pc.add(pc.find_substring(args[0], pattern=args[1].as_py()), 1), "int32")


fixed_function("instr", [S, S], I, _instr)


def _repeat(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.binary_repeat(args[0], pc.max_element_wise(args[1], 0))


fixed_function("repeat", [S, I], S, _repeat)
