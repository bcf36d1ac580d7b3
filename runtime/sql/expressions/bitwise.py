"""Bitwise operators on integral columns: ``&``, ``|``, ``^``, ``~`` and the shifts.

Spark's rules: both operands of ``&``/``|``/``^`` are integral and meet at the wider type
(``int & bigint`` is bigint); ``~`` keeps its operand's type; ``shiftleft``/``shiftright``/
``shiftrightunsigned`` take an int or bigint (byte and short widen to int) and an int shift
count, masked to the width as the JVM does (``1 << 33`` on an int is ``1 << 1``). The kernels
are Arrow's ``bit_wise_*`` and ``shift_*`` functions; NULL in, NULL out.

Column.bitwiseAND/OR/XOR and grouping()/grouping_id() (grouping sets) build on these.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, binary_pretty, cast_to, make_call, simple
from runtime.sql.expressions.coercion import wider_numeric
from runtime.sql.expressions.registry import EvalContext, lookup, type_mismatch

_INTEGRAL = '"INTEGRAL"'


def _integral(call_sql: str, index: int, e: Expression) -> T.DataType:
    t = e.dtype
    if isinstance(t, T.NullType):
        return T.IntegerType()
    if not isinstance(t, T.IntegralType):
        raise type_mismatch(call_sql, index, _INTEGRAL, e.sql(), t)
    return t


def _bind_binary(symbol: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(symbol, args, 2)
        a, b = args
        sql = f"({a.sql()} {symbol} {b.sql()})"
        w = wider_numeric(_integral(sql, 1, a), _integral(sql, 2, b))
        return make_call(lookup(symbol), [cast_to(a, w), cast_to(b, w)], w)
    return bind


def _binary_kernel(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        return getattr(pc, fn)(args[0], args[1])
    return kernel


def _bind_not(args: list[Expression], ctx: Any) -> Expression:
    arity("~", args, 1)
    a = args[0]
    t = _integral(f"~{a.sql()}", 1, a)
    return make_call(lookup("~"), [cast_to(a, t)], t)


def _not_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.bit_wise_not(args[0])


def _bind_shift(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        a, n = args
        sql = f"{name}({a.sql()}, {n.sql()})"
        t = _integral(sql, 1, a)
        if not isinstance(t, T.LongType):
            t = T.IntegerType()
        _integral(sql, 2, n)
        return make_call(lookup(name), [cast_to(a, t), cast_to(n, T.IntegerType())], t)
    return bind


def _shift_kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        value, count = args
        width = 64 if isinstance(call.dtype, T.LongType) else 32
        count = pc.bit_wise_and(pc.cast(count, value.type), pa.scalar(width - 1, value.type))
        if name == "shiftleft":
            return pc.shift_left(value, count)
        if name == "shiftright":
            return pc.shift_right(value, count)
        unsigned = pa.uint64() if width == 64 else pa.uint32()
        out = pc.shift_right(pc.cast(value, unsigned, safe=False), pc.cast(count, unsigned))
        return pc.cast(out, value.type, safe=False)
    return kernel


simple("&", _bind_binary("&"), _binary_kernel("bit_wise_and"), binary_pretty("&"))
simple("|", _bind_binary("|"), _binary_kernel("bit_wise_or"), binary_pretty("|"))
simple("^", _bind_binary("^"), _binary_kernel("bit_wise_xor"), binary_pretty("^"))
simple("~", _bind_not, _not_kernel, lambda c: f"~{c.children[0].sql()}")
for _name in ("shiftleft", "shiftright", "shiftrightunsigned"):
    simple(_name, _bind_shift(_name), _shift_kernel(_name))
