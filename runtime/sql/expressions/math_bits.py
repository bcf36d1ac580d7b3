"""Bit operations and number bases: ``& | ^ ~``, ``shiftleft``/``shiftright``/
``shiftrightunsigned``, ``bit_count``, ``bit_get``/``getbit``, ``bin``, ``hex``, ``unhex``
and ``conv``.

Integers follow Java: shifts take the distance modulo the width (``shiftleft(l, 65)`` is
``l << 1``), ``shiftrightunsigned`` shifts in zeros, ``bit_count`` counts the bits of the
64-bit two's complement (``bit_count(-7) = 62``), ``bin``/``hex`` of a negative number
print its 64-bit two's complement. The bit operations run in numpy on whole arrays; the
base conversions format each value in Python (``bin``, ``conv``: no Arrow kernel writes
numbers in base 2..36), ``hex``/``unhex`` of strings and binaries are per value too.
``conv`` is Spark's NumberConverter: digits are read until the first one invalid in the
base, the value is an unsigned 64-bit number (a leading ``-`` negates it), a negative
``toBase`` prints it signed.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import IllegalArgumentException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.coercion import wider_numeric
from runtime.sql.expressions.binding import (
    alias_function, arity, binary_pretty, cast_to, make_call, require, simple)
from runtime.sql.expressions.math_functions import from_np
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.rowwise import per_row

S, I, L, B = T.StringType(), T.IntegerType(), T.LongType(), T.BinaryType()
_INTEGRAL = '("INTEGRAL")'
_WIDTH = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}


def _np_int(fn: Any, out: T.DataType | None = None):
    """Apply ``fn`` to int64 numpy views of the arguments; result cast to ``out``."""
    import numpy as np

    def kernel(c: Any, args: list, ectx: EvalContext) -> Any:
        vals, mask, scalar = _int_views(args)
        with np.errstate(all="ignore"):
            res = fn(c, *vals)
        arr = from_np(res.astype(to_arrow(out or c.dtype).to_pandas_dtype()), mask,
                      to_arrow(out or c.dtype))
        return arr[0] if scalar else arr
    return kernel


def _int_views(args: list) -> tuple[list, Any, bool]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    scalar = all(isinstance(a, pa.Scalar) for a in args)
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    vals, mask = [], None
    for a in args:
        if isinstance(a, pa.Scalar):
            v = np.full(n, a.as_py() if a.is_valid else 0, dtype="int64")
            m = None if a.is_valid else np.zeros(n, bool)
        else:
            if isinstance(a, pa.ChunkedArray):
                a = a.combine_chunks()
            m = None if a.null_count == 0 else np.asarray(pc.is_valid(a))
            filled = pc.fill_null(a, 0) if a.null_count else a
            v = np.asarray(pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False))
        vals.append(v)
        if m is not None:
            mask = m if mask is None else (mask & m)
    return vals, mask, scalar


def _integral(name: str, a: Expression, sql: str, index: int = 1) -> Expression:
    if isinstance(a.dtype, T.NullType):
        return cast_to(a, L)
    require(sql, index, a, lambda t: isinstance(t, T.IntegralType), _INTEGRAL)
    return a


# -- & | ^ ~ --------------------------------------------------------------------------------------
def _bind_bitwise(symbol: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(symbol, args, 2)
        a, b = args
        sql = f"({a.sql()} {symbol} {b.sql()})"
        t = wider_numeric(a.dtype, b.dtype) if not isinstance(a.dtype, T.NullType) else b.dtype
        t = t if isinstance(t, T.IntegralType) else (L if isinstance(t, T.NullType) else t)
        a, b = _integral(symbol, cast_to(a, t), sql), _integral(symbol, cast_to(b, t), sql, 2)
        return make_call(lookup(symbol), [a, b], t)
    return bind


simple("&", _bind_bitwise("&"), _np_int(lambda c, x, y: x & y), binary_pretty("&"))
simple("|", _bind_bitwise("|"), _np_int(lambda c, x, y: x | y), binary_pretty("|"))
simple("^", _bind_bitwise("^"), _np_int(lambda c, x, y: x ^ y), binary_pretty("^"))


def _bind_not(args: list[Expression], ctx: Any) -> Expression:
    arity("~", args, 1)
    a = _integral("~", args[0], f"~{args[0].sql()}")
    return make_call(lookup("~"), [a], a.dtype)


simple("~", _bind_not, _np_int(lambda c, x: ~x), lambda c: f"~{c.children[0].sql()}",
       "bitwise_not")


# -- shifts ---------------------------------------------------------------------------------------
def _bind_shift(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        a, n = args
        sql = f"{name}({a.sql()}, {n.sql()})"
        a = _integral(name, a, sql)
        t = L if isinstance(a.dtype, T.LongType) else I
        return make_call(lookup(name), [cast_to(a, t), cast_to(n, I)], t)
    return bind


def _shift(kind: str):
    def fn(call: Any, x: Any, n: Any) -> Any:
        import numpy as np

        width = 64 if isinstance(call.dtype, T.LongType) else 32
        n = n & (width - 1)
        if width == 32:
            x32 = x.astype("int32")
            if kind == "left":
                return np.left_shift(x32, n.astype("int32"))
            if kind == "right":
                return np.right_shift(x32, n.astype("int32"))
            return np.right_shift(x32.view("uint32"), n.astype("uint32")).view("int32")
        if kind == "left":
            return np.left_shift(x, n)
        if kind == "right":
            return np.right_shift(x, n)
        return np.right_shift(x.view("uint64"), n.astype("uint64")).view("int64")
    return fn


for _name, _kind in (("shiftleft", "left"), ("shiftright", "right"),
                     ("shiftrightunsigned", "unsigned")):
    simple(_name, _bind_shift(_name), _np_int(_shift(_kind)))
for _symbol, _target in (("<<", "shiftleft"), (">>", "shiftright"),
                         (">>>", "shiftrightunsigned")):  # 1 << 2 in SQL, named (1 << 2)
    alias_function(_symbol, _target, binary_pretty(_symbol))


# -- bit_count / bit_get --------------------------------------------------------------------------
def _bind_bit_count(args: list[Expression], ctx: Any) -> Expression:
    arity("bit_count", args, 1)
    a = args[0]
    if not isinstance(a.dtype, T.BooleanType):
        a = _integral("bit_count", a, f"bit_count({a.sql()})")
    return make_call(lookup("bit_count"), [a], I)


def _bit_count(call: Any, x: Any) -> Any:
    import numpy as np

    return np.bitwise_count(x.view("uint64")).astype("int32")


simple("bit_count", _bind_bit_count, _np_int(_bit_count))


def _bind_bit_get(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        a, pos = args
        a = _integral(name, a, f"{name}({a.sql()}, {pos.sql()})")
        return make_call(lookup(name), [a, cast_to(pos, I)], T.ByteType())
    return bind


def _bit_get(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    vals, mask, scalar = _int_views(args)
    x, pos = vals
    width = _WIDTH.get(type(call.children[0].dtype), 64)
    valid = mask if mask is not None else np.ones(len(pos), bool)
    bad = valid & ((pos < 0) | (pos >= width))
    if bad.any():
        p = int(pos[bad][0])
        raise IllegalArgumentException(
            f"[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE] The value of parameter(s) `pos` in "
            f"`{call.spec.name}` is invalid: expects an integer value in [0, {width}), but "
            f"got {p}. SQLSTATE: 22023",
            errorClass="INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE",
            messageParameters={"parameter": "`pos`", "functionName": f"`{call.spec.name}`",
                               "upper": str(width), "invalidValue": str(p)})
    out = (x.view("uint64") >> np.clip(pos, 0, 63).astype("uint64")) & np.uint64(1)
    arr = from_np(out.astype("int8"), mask, to_arrow(T.ByteType()))
    return arr[0] if scalar else arr


simple("bit_get", _bind_bit_get("bit_get"), _bit_get)
simple("getbit", _bind_bit_get("getbit"), _bit_get)


# -- bin / hex / unhex / conv ---------------------------------------------------------------------
def _bind_bin(args: list[Expression], ctx: Any) -> Expression:
    arity("bin", args, 1)
    return make_call(lookup("bin"), [cast_to(args[0], L)], S)


simple("bin", _bind_bin, per_row(lambda c, v: format(v & (2**64 - 1), "b")))


def _bind_hex(args: list[Expression], ctx: Any) -> Expression:
    arity("hex", args, 1)
    a = args[0]
    if not isinstance(a.dtype, (T.StringType, T.BinaryType)):
        require(f"hex({a.sql()})", 1, a, lambda t: isinstance(t, T.IntegralType),
                '("BIGINT" or "BINARY" or "STRING")')
        a = cast_to(a, L)
    return make_call(lookup("hex"), [a], S)


def _hex(call: Any, v: Any) -> str:
    if isinstance(v, int):
        return format(v & (2**64 - 1), "X")
    data = v.encode() if isinstance(v, str) else v
    return data.hex().upper()


simple("hex", _bind_hex, per_row(_hex))


def _bind_unhex(args: list[Expression], ctx: Any) -> Expression:
    arity("unhex", args, 1)
    return make_call(lookup("unhex"), [cast_to(args[0], S)], B, True)


def _unhex(call: Any, v: str) -> bytes | None:
    if len(v) % 2:
        v = "0" + v
    try:
        return bytes.fromhex(v)
    except ValueError:
        return None


simple("unhex", _bind_unhex, per_row(_unhex))


def _bind_conv(args: list[Expression], ctx: Any) -> Expression:
    arity("conv", args, 3)
    return make_call(lookup("conv"), [cast_to(args[0], S), cast_to(args[1], I),
                                      cast_to(args[2], I)], S, True)


_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _conv(call: Any, text: str, from_base: int, to_base: int) -> str | None:
    if not 2 <= abs(from_base) <= 36 or not 2 <= abs(to_base) <= 36:
        return None
    s = text.strip()
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    value = 0
    base = abs(from_base)
    for ch in s.upper():
        d = _DIGITS.find(ch)
        if d < 0 or d >= base:
            break
        value = value * base + d
        if value >= 2**64:
            value = 2**64 - 1
            break
    if neg:
        value = (-value) & (2**64 - 1)
    if to_base < 0 and value >= 2**63:
        signed, value = True, 2**64 - value
    else:
        signed = False
    tb = abs(to_base)
    digits = ""
    while True:
        value, d = divmod(value, tb)
        digits = _DIGITS[d] + digits
        if not value:
            break
    return ("-" if signed else "") + digits


simple("conv", _bind_conv, per_row(_conv))
