"""Formatting numbers and strings: ``format_string``/``printf`` (Java's ``Formatter``),
``format_number`` (``DecimalFormat``'s ``#,###.##``), ``to_char``/``to_varchar`` and
``to_number``/``try_to_number`` (Spark's number format strings: ``9 0 . D , G $ S MI PR``),
``to_binary``/``try_to_binary`` (hex, utf-8, base64).

All per row in Python (rowwise.py): every value is formatted by its own rules. Java's
conversions are rewritten into Python's format mini-language one ``%`` specifier at a time:
``%d %s %f %e %g %x %o %c %b %h %n %%`` with flags ``-#+ 0,(`` and ``n$`` argument
indexes; ``%x``/``%o`` print a negative int or bigint as its two's complement of the
argument's width, a NULL argument prints ``null`` (``false`` for ``%b``).
"""

from __future__ import annotations

import base64
import decimal
import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import IllegalArgumentException, SparkRuntimeException
from runtime.sql.formatting.values import format_value
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import lookup, wrong_num_args
from runtime.sql.expressions.rowwise import per_row

S, I, B = T.StringType(), T.IntegerType(), T.BinaryType()
_SPEC = re.compile(r"%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(?:\.(\d+))?([bBhHsScCdoxXeEfgGaAn%])")
_WIDTH = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}


def _java_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return format_value(v, T.DoubleType())  # Java's Double.toString
    if isinstance(v, (bytes, bytearray)):
        return "[B@" + format(id(v) & 0xFFFFFFF, "x")
    if isinstance(v, list):
        return "[" + ", ".join(_java_str(x) for x in v) + "]"
    return str(v)


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width:
        return text
    return text.ljust(int(width)) if "-" in flags else text.rjust(int(width))


def _format_one(conv: str, flags: str, width: str | None, prec: str | None, v: Any,
                dtype: T.DataType) -> str:
    upper = conv.isupper()
    c = conv.lower()
    if c == "b":
        text = ("false" if v is None else "true" if not isinstance(v, bool) else
                _java_str(v))
    elif v is None:
        text = "null" if prec is None else "null"[:int(prec)]
    elif c == "s":
        text = _java_str(v)
    elif c == "h":
        text = format(hash(v) & 0xFFFFFFFF, "x")
    elif c == "c":
        text = chr(v) if isinstance(v, int) else str(v)[:1]
    elif c in "dox":
        if not isinstance(v, (int, decimal.Decimal)) or isinstance(v, bool):
            raise _illegal(conv, v)
        n = int(v)
        if c in "ox" and n < 0:
            n &= (1 << _WIDTH.get(type(dtype), 64)) - 1
        spec = "".join(f for f in ("+", " ") if f in flags) + \
            ("0" if "0" in flags and width else "") + (width or "") + \
            ("," if "," in flags else "") + {"d": "d", "o": "o", "x": "x"}[c]
        text = format(n, spec)
        if "#" in flags and c != "d":
            text = ("0x" if c == "x" else "0") + text.lstrip()
        if "(" in flags and n < 0:
            text = "(" + text.replace("-", "", 1) + ")"
        return _case(text if "0" in flags else _pad(text, flags, width), upper)
    elif c in "efga":
        if isinstance(v, bool) or not isinstance(v, (int, float, decimal.Decimal)):
            raise _illegal(conv, v)
        if isinstance(v, int):
            raise _illegal(conv, v)
        p = int(prec) if prec is not None else 6
        spec = "".join(f for f in ("+", " ") if f in flags) + \
            ("0" if "0" in flags and width else "") + (width or "") + \
            ("," if "," in flags else "") + f".{p}" + ("e" if c == "e" else
                                                     "f" if c == "f" else "g")
        text = format(v, spec)
        return _case(text if "0" in flags else _pad(text, flags, width), upper)
    else:
        text = str(v)
    if prec is not None and c in "sbhc":
        text = text[:int(prec)]
    return _case(_pad(text, flags, width), upper)


def _case(text: str, upper: bool) -> str:
    return text.upper() if upper else text


def _illegal(conv: str, v: Any) -> SparkRuntimeException:
    kind = {int: "java.lang.Integer", float: "java.lang.Double", str: "java.lang.String"
            }.get(type(v), type(v).__name__)
    return SparkRuntimeException(
        f"[FORMAT_STRING] {conv} != {kind}", errorClass="FORMAT_STRING")


def java_format(fmt: str, values: list, types: list[T.DataType]) -> str:
    out, pos, ordinary = [], 0, 0
    last = -1
    for m in _SPEC.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        index, flags, width, prec, conv = m.groups()
        if conv == "%":
            out.append(_pad("%", flags, width))
            continue
        if conv == "n":
            out.append("\n")
            continue
        if index == "<":
            k = last
        elif index:
            k = int(index[:-1]) - 1
        else:
            k = ordinary
            ordinary += 1
        last = k
        if k >= len(values):
            raise SparkRuntimeException(
                f"[FORMAT_STRING] Format specifier '{m.group(0)}' has no argument",
                errorClass="FORMAT_STRING")
        out.append(_format_one(conv, flags, width, prec, values[k], types[k]))
    out.append(fmt[pos:])
    return "".join(out)


def _bind_format_string(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if not args:
            raise wrong_num_args(name, "> 0", 0)
        return make_call(lookup(name), [cast_to(args[0], S)] + list(args[1:]), S,
                         args[0].nullable)
    return bind


def _format_string(call: Any, fmt: str | None, *values: Any) -> str | None:
    if fmt is None:
        return None
    return java_format(fmt, list(values), [c.dtype for c in call.children[1:]])


for _name in ("format_string", "printf"):
    simple(_name, _bind_format_string(_name), per_row(_format_string, None, null_safe=True))


# -- format_number ------------------------------------------------------------------------------
def _bind_format_number(args: list[Expression], ctx: Any) -> Expression:
    arity("format_number", args, 2)
    d = args[1] if isinstance(args[1].dtype, T.StringType) else cast_to(args[1], I)
    return make_call(lookup("format_number"), [args[0], d], S, True)


def _format_number(call: Any, x: Any, d: Any) -> str | None:
    if isinstance(d, str):
        frac = d.split(".", 1)[1] if "." in d else ""
        d = len(frac)
    if d < 0:
        return None
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return "NaN" if x != x else ("\u221e" if x > 0 else "-\u221e")
    value = decimal.Decimal(repr(x)) if isinstance(x, float) else decimal.Decimal(x)
    q = value.quantize(decimal.Decimal(1).scaleb(-d), rounding=decimal.ROUND_HALF_EVEN)
    return format(q, f",.{d}f")


simple("format_number", _bind_format_number, per_row(_format_number))


# -- to_char / to_number: Spark's number format strings -----------------------------------------------
def _invalid_format(fmt: str, reason: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[INVALID_FORMAT.{reason}] The format is invalid: '{fmt}'. SQLSTATE: 42601",
        errorClass=f"INVALID_FORMAT.{reason}")


def _parse_format(fmt: str) -> tuple[int, int]:
    """(digit positions before the decimal point, after it)."""
    body = fmt.upper().replace("MI", "").replace("PR", "").replace("S", "").replace("$", "")
    body = body.replace("D", ".").replace("G", ",")
    if not body or any(ch not in "09.," for ch in body) or body.count(".") > 1:
        raise _invalid_format(fmt, "WRONG_NUM_DIGIT")
    whole, _, frac = body.partition(".")
    return sum(ch in "09" for ch in whole), len(frac)


def _to_char_number(value: decimal.Decimal, fmt: str) -> str:
    up = fmt.upper()
    _, frac_n = _parse_format(fmt)
    q = value.quantize(decimal.Decimal(1).scaleb(-frac_n), rounding=decimal.ROUND_HALF_UP)
    neg = q < 0
    digits = format(abs(q), "f")
    whole_digits, _, frac_digits = digits.partition(".")
    whole_digits = whole_digits.lstrip("0")
    body = up.replace("MI", "").replace("PR", "")
    lead_sign = body.startswith("S")
    body = body.strip("S")
    whole_fmt, dot, frac_fmt = body.replace("D", ".").partition(".")
    positions = [ch for ch in whole_fmt if ch in "09"]
    if len(whole_digits) > len(positions):
        return "#" * len(fmt)
    out, di = [], len(whole_digits) - 1
    first_zero = next((i for i, ch in enumerate(whole_fmt) if ch == "0"), len(whole_fmt))
    for i in range(len(whole_fmt) - 1, -1, -1):
        ch = whole_fmt[i]
        if ch in "09":
            if di >= 0:
                out.append(whole_digits[di])
                di -= 1
            else:
                out.append("0" if i >= first_zero else " ")
        elif ch in ",G":
            out.append("," if di >= 0 or i > first_zero else " ")
        else:
            out.append(ch)
    text = "".join(reversed(out))
    if "$" in text:  # the dollar sign sits next to the first printed digit
        stripped = text.replace("$", "")
        text = "$" + stripped if text.startswith("$") else stripped
    if dot:
        text += "." + frac_digits.ljust(len(frac_fmt), "0")[:len(frac_fmt)]
    if lead_sign:
        text = ("-" if neg else "+") + text
    elif up.endswith("S"):
        text += "-" if neg else "+"
    elif up.endswith("MI"):
        text += "-" if neg else " "
    elif up.endswith("PR"):
        text = f"<{text}>" if neg else f" {text} "
    return text


def _bind_to_char(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        a = args[0]
        if not isinstance(a.dtype, (T.BinaryType, T.DecimalType)):
            a = cast_to(a, T.DecimalType(38, 10) if not isinstance(a.dtype, T.IntegralType)
                        else T.DecimalType(20, 0))
        return make_call(lookup(name), [a, cast_to(args[1], S)], S)
    return bind


def _to_char(call: Any, v: Any, fmt: str) -> str:
    if isinstance(v, (bytes, bytearray)):
        f = fmt.lower()
        if f == "hex":
            return v.hex().upper()
        if f == "base64":
            return base64.b64encode(v).decode()
        if f in ("utf-8", "utf8"):
            return v.decode("utf-8", errors="replace")
        raise _invalid_format(fmt, "BINARY_FORMAT")
    return _to_char_number(v, fmt)


def _to_char_pretty(c: Any) -> str:
    if isinstance(c.children[0].dtype, T.BinaryType):
        return f"{c.spec.name}({c.children[0].sql()})"
    return f"{c.spec.name}({c.children[0].sql()}, {c.children[1].sql()})"


for _name in ("to_char", "to_varchar"):
    simple(_name, _bind_to_char(_name), per_row(_to_char), _to_char_pretty)


def _bind_to_number(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        fmt = args[1]
        if not isinstance(fmt, Literal) or fmt.value is None:
            raise _invalid_format(str(getattr(fmt, "value", fmt.sql())), "WRONG_NUM_DIGIT")
        whole, frac = _parse_format(fmt.value)
        return make_call(lookup(name), [cast_to(args[0], S), cast_to(fmt, S)],
                         T.DecimalType(max(whole + frac, 1), frac), True)
    return bind


def _to_number(call: Any, s: str, fmt: str) -> decimal.Decimal | None:
    whole_n, frac_n = _parse_format(fmt)
    up = fmt.upper()
    text = s.strip()
    neg = False
    if up.endswith("PR") and text.startswith("<") and text.endswith(">"):
        neg, text = True, text[1:-1]
    elif text[-1:] in "+-" and (up.endswith("S") or up.endswith("MI")):
        neg, text = text[-1] == "-", text[:-1]
    elif text[:1] in "+-":
        neg, text = text[0] == "-", text[1:]
    if "$" in up:
        if not text.startswith("$"):
            return _mismatch(call, s, fmt)
        text = text[1:]
    m = re.fullmatch(r"([0-9,]*)(?:\.([0-9]*))?", text)
    if m is None or not text:
        return _mismatch(call, s, fmt)
    whole, frac = m.group(1).replace(",", ""), m.group(2) or ""
    if len(whole) > whole_n or len(frac) > frac_n:
        return _mismatch(call, s, fmt)
    value = decimal.Decimal(f"{whole or '0'}.{frac or '0'}")
    value = value.quantize(decimal.Decimal(1).scaleb(-frac_n))
    return -value if neg else value


def _mismatch(call: Any, s: str, fmt: str) -> None:
    if call.spec.name.startswith("try_"):
        return None
    raise IllegalArgumentException(
        f'[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: {fmt}. The input "STRING" '
        f"{s} does not match the format. SQLSTATE: 42601",
        errorClass="INVALID_FORMAT.MISMATCH_INPUT")


for _name in ("to_number", "try_to_number"):
    simple(_name, _bind_to_number(_name), per_row(_to_number))


# -- to_binary --------------------------------------------------------------------------------------
def _bind_to_binary(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        fmt = args[1] if len(args) > 1 else Literal("hex", S)
        return make_call(lookup(name), [cast_to(args[0], S), cast_to(fmt, S)], B, True)
    return bind


def _to_binary(call: Any, s: str, fmt: str) -> bytes | None:
    f = fmt.lower()
    try:
        if f == "hex":
            return bytes.fromhex(s if len(s) % 2 == 0 else "0" + s)
        if f in ("utf-8", "utf8"):
            return s.encode("utf-8")
        if f == "base64":
            return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except ValueError:
        if call.spec.name.startswith("try_"):
            return None
        raise SparkRuntimeException(
            f"[CONVERSION_INVALID_INPUT] The value '{s}' (STRING) cannot be converted to "
            f"BINARY because it is malformed. Correct the value as per the syntax, or change "
            f"its format. Use 'try_to_binary' to tolerate malformed input and return NULL "
            f"instead. SQLSTATE: 22018", errorClass="CONVERSION_INVALID_INPUT") from None
    raise SparkRuntimeException(
        f"[INVALID_PARAMETER_VALUE.BINARY_FORMAT] The value of parameter(s) `format` in "
        f"`{call.spec.name}` is invalid: expects one of binary formats 'base64', 'hex', "
        f"'utf-8', but got '{fmt}'. SQLSTATE: 22023",
        errorClass="INVALID_PARAMETER_VALUE.BINARY_FORMAT")


for _name in ("to_binary", "try_to_binary"):
    simple(_name, _bind_to_binary(_name), per_row(_to_binary))
