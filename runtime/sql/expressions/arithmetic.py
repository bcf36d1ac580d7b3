"""Arithmetic: + - * / div % pmod, unary minus, abs, round and the math functions.

Spark's semantics over Arrow kernels:
* result types from coercion.py (integer widening, decimal precision/scale, ``/`` is double
  unless decimal);
* ANSI (default): integer overflow raises ``[ARITHMETIC_OVERFLOW]`` (Arrow's ``*_checked``
  kernels detect it), any division by zero raises ``[DIVIDE_BY_ZERO]``; without ANSI the
  overflow wraps and x/0 is NULL;
* ``div`` and ``%`` truncate toward zero (``-7 div 2 = -3``, ``-7 % 2 = -1``);
* ``round`` is HALF_UP (``round(2.5) = 3``, ``round(-2.5) = -3``), ``bround`` HALF_EVEN.
"""

from __future__ import annotations

import math
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import arithmetic_overflow, divide_by_zero, numeric_out_of_range, \
    remainder_by_zero
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import (
    arity, binary_pretty, cast_to, fixed_function, make_call, require, simple)
from runtime.sql.expressions.coercion import adjust_decimal, decimal_for, wider_numeric
from runtime.sql.expressions.decimal_scaled import remainder as decimal_remainder
from runtime.sql.expressions.interval_arithmetic import bind_datetime_arith
from runtime.sql.intervals import is_interval
from runtime.sql.expressions.registry import EvalContext, lookup, type_mismatch
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.registry import wrong_num_args

_NUMERIC_OR_STRING = "(\"NUMERIC\" or \"INTERVAL\")"


def _operand_type(a: Expression, b: Expression, symbol: str) -> T.DataType:
    ta, tb = a.dtype, b.dtype
    if isinstance(ta, T.StringType):  # ANSI: a string meets a number as that number's type
        ta = tb if isinstance(tb, T.NumericType) and not isinstance(tb, T.DecimalType) \
            else T.DoubleType()
    if isinstance(tb, T.StringType):
        tb = ta if isinstance(ta, T.NumericType) and not isinstance(ta, T.DecimalType) \
            else T.DoubleType()
    if isinstance(ta, T.NullType):
        ta = tb if not isinstance(tb, T.NullType) else T.DoubleType()
    if isinstance(tb, T.NullType):
        tb = ta
    w = wider_numeric(ta, tb) if isinstance(ta, T.NumericType) and \
        isinstance(tb, T.NumericType) else None
    if w is None:
        sql = f"({a.sql()} {symbol} {b.sql()})"
        bad = a if not isinstance(ta, T.NumericType) else b
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "{sql}" due to data '
            f'type mismatch: the left and right operands of the binary operator have '
            f'incompatible types ("{a.dtype.simpleString().upper()}" and '
            f'"{b.dtype.simpleString().upper()}"). SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
            messageParameters={"sqlExpr": f'"{sql}"', "left": a.dtype.simpleString(),
                               "right": b.dtype.simpleString(), "bad": bad.sql()})
    return w


def _decimal_result(op: str, da: T.DecimalType, db: T.DecimalType) -> T.DecimalType:
    p1, s1, p2, s2 = da.precision, da.scale, db.precision, db.scale
    if op in ("+", "-"):
        s = max(s1, s2)
        return adjust_decimal(max(p1 - s1, p2 - s2) + s + 1, s)
    if op == "*":
        return adjust_decimal(p1 + p2 + 1, s1 + s2)
    if op == "/":
        s = max(6, s1 + p2 + 1)
        return adjust_decimal(p1 - s1 + s2 + s, s)
    s = max(s1, s2)
    return adjust_decimal(min(p1 - s1, p2 - s2) + s, s)


def _bind_arith(symbol: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        a, b = args
        dated = bind_datetime_arith(symbol, a, b)  # intervals, dates and timestamps
        if dated is not None:
            return dated
        w = _operand_type(a, b, symbol)
        if symbol == "/" and not isinstance(w, T.DecimalType):
            return make_call(_SPECS[symbol], [cast_to(a, T.DoubleType()),
                                              cast_to(b, T.DoubleType())], T.DoubleType(), True)
        if symbol == "div":
            if isinstance(w, (T.FloatType, T.DoubleType)):
                w = T.LongType()
            return make_call(_SPECS[symbol], [cast_to(a, w), cast_to(b, w)], T.LongType(), True)
        if isinstance(w, T.DecimalType):
            da, db = _operand_decimal(a) or w, _operand_decimal(b) or w
            result = _decimal_result(symbol, da, db)
            return make_call(_SPECS[symbol], [cast_to(a, da), cast_to(b, db)], result,
                             True if symbol in ("/", "%") else None)
        return make_call(_SPECS[symbol], [cast_to(a, w), cast_to(b, w)], w,
                         True if symbol in ("/", "%") else None)
    return bind


def _operand_decimal(e: Expression) -> T.DecimalType | None:
    """An integral literal counts with its own digits (Spark's DecimalType.fromLiteral:
    ``3`` is decimal(1,0)); other integral types with their full range."""
    if isinstance(e, Literal) and isinstance(e.dtype, T.IntegralType) and e.value is not None:
        return T.DecimalType(max(len(str(abs(int(e.value)))), 1), 0)
    return decimal_for(e.dtype)


def _overflow_name(dtype: T.DataType) -> str:
    return "overflow"  # Spark 4's text for integral + - * overflow


def _checked(fn_checked: str, fn: str, alt: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        dtype = call.dtype
        if isinstance(dtype, T.DecimalType):
            try:
                out = getattr(pc, fn)(*args)
            except pa.ArrowInvalid:  # Arrow's exact result type passes 38 digits
                narrow = _narrowed_product(args) if fn == "multiply" else None
                out = narrow if narrow is not None else \
                    getattr(pc, fn)(*[_decimal256(x) for x in args])  # decimal256
            return _fit_decimal(out, dtype, ectx)
        if isinstance(dtype, T.IntegralType):
            if ectx.ansi:
                try:
                    return getattr(pc, fn_checked)(*args)
                except pa.ArrowInvalid:
                    raise arithmetic_overflow(_overflow_name(dtype), alt) from None
            return getattr(pc, fn)(*args)
        return getattr(pc, fn)(*args)
    return kernel


def _narrowed_product(args: list) -> Any:
    """The exact decimal128 product when the values allow: Arrow types a product
    decimal(p1 + p2 + 1, s1 + s2), past 38 digits for Spark's wide intermediates (TPC-H Q1's
    ``price * (1 - disc) * (1 + tax)``: decimal(32,4) * decimal(16,2)), though the values
    are far smaller. The wider operand is cast (checked) to the precision that keeps the
    product within 38 digits; None when a value does not fit (then decimal256 runs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a, b = args
    ta, tb = a.type, b.type
    if not (pa.types.is_decimal128(ta) and pa.types.is_decimal128(tb)):
        return None
    swap = ta.precision < tb.precision
    wide, other = (b, a) if swap else (a, b)
    room = 37 - other.type.precision
    if room <= wide.type.scale:
        return None
    try:
        wide = pc.cast(wide, pa.decimal128(room, wide.type.scale))
        return pc.multiply(other, wide) if swap else pc.multiply(wide, other)
    except pa.ArrowInvalid:
        return None


def _decimal256(x: Any) -> Any:
    import pyarrow as pa

    t = x.type
    if pa.types.is_decimal128(t):
        return x.cast(pa.decimal256(t.precision, t.scale))
    return x


def _fit_decimal(out: Any, dtype: T.DecimalType, ectx: EvalContext) -> Any:
    import decimal

    import pyarrow as pa
    import pyarrow.compute as pc

    target = to_arrow(dtype)
    if out.type == target:
        return out
    if out.type.scale > dtype.scale:
        out = pc.round(out, dtype.scale, round_mode="half_towards_infinity")
    try:
        return pc.cast(out, target)
    except pa.ArrowInvalid:
        if ectx.ansi:
            values = [out.as_py()] if isinstance(out, pa.Scalar) else out.to_pylist()
            for v in values:  # name the first value that does not fit, as Spark
                try:
                    pc.cast(pa.array([v], out.type), target)
                except pa.ArrowInvalid:
                    raise numeric_out_of_range(v, dtype.precision, dtype.scale) from None
            raise
        limit = decimal.Decimal(10) ** (dtype.precision - dtype.scale)
        if isinstance(out, pa.Scalar):
            return pa.scalar(None, target)
        return pa.array([v if v is not None and abs(v) < limit else None  # NULL for what
                         for v in out.to_pylist()], target)  # does not fit (not ANSI)


def _zero_error(call: Any) -> Exception:
    return remainder_by_zero() if call.spec.name == "%" else divide_by_zero()


def _zero_of(arrow_type: Any) -> Any:
    import decimal

    import pyarrow as pa

    if pa.types.is_decimal(arrow_type):
        return pa.scalar(decimal.Decimal(0), arrow_type)
    return pa.scalar(0).cast(arrow_type)


def _zero_mask(divisor: Any, dividend: Any, ectx: EvalContext, call: Any) -> Any:
    """Rows whose divisor is 0; raises [DIVIDE_BY_ZERO] under ANSI if any."""
    import pyarrow as pa
    import pyarrow.compute as pc

    zero = pc.equal(divisor, _zero_of(divisor.type))
    zero = pc.fill_null(zero, False)
    if isinstance(dividend, (pa.Array, pa.ChunkedArray)):
        zero_rows = pc.and_(zero, pc.is_valid(dividend))
    else:
        zero_rows = zero if dividend.is_valid else pc.and_(zero, False)
    if ectx.ansi and pc.any(zero_rows).as_py():
        raise _zero_error(call)
    return zero


def _divide_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    a, b = args
    zero = _zero_mask(b, a, ectx, call) if not isinstance(b, pa.Scalar) else \
        _scalar_zero(b, a, ectx, call)
    target = to_arrow(call.dtype)
    safe_b = pc.if_else(zero, pa.scalar(None, b.type), b) if not isinstance(zero, bool) \
        else (pa.scalar(None, b.type) if zero else b)
    if isinstance(call.dtype, T.DecimalType) and call.spec.name == "%":
        return decimal_remainder(a, safe_b, call.dtype.precision, call.dtype.scale)
    if isinstance(call.dtype, T.DecimalType):
        return _decimal_divide(a, safe_b, call.dtype, ectx)
    if call.spec.name == "div":
        q = pc.divide(a, safe_b)
        return pc.cast(q, target)
    if call.spec.name == "%":
        if isinstance(call.dtype, T.IntegralType):
            q = pc.divide(a, safe_b)
            return pc.subtract(a, pc.multiply(q, safe_b))
        q = pc.trunc(pc.divide(a, safe_b))
        return pc.subtract(a, pc.multiply(q, safe_b))
    return pc.divide(a, safe_b)


def _scalar_zero(b: Any, a: Any, ectx: EvalContext, call: Any) -> bool:
    if not b.is_valid or b.as_py() != 0:
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    any_valid = a.is_valid if isinstance(a, pa.Scalar) else pc.any(pc.is_valid(a)).as_py()
    if ectx.ansi and any_valid:
        raise _zero_error(call)
    return True


def _decimal_divide(a: Any, b: Any, dtype: T.DecimalType, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    at, bt = a.type, b.type
    # Arrow's scale is s1' + p2 - s2 + 1 for a dividend of scale s1': aim one digit past
    # Spark's scale, then round HALF_UP to it.
    want = dtype.scale + 1 + bt.scale - bt.precision - 1
    up = max(at.scale, want)
    prec = at.precision - at.scale + up
    if prec <= 38 and prec + bt.scale + max(4, up + bt.precision - bt.scale + 1) <= 76:
        try:
            a2 = pc.cast(a, pa.decimal128(prec, up)) if up != at.scale else a
            return _fit_decimal(pc.divide(a2, b), dtype, ectx)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    import decimal

    ctx = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)
    q = decimal.Decimal(1).scaleb(-dtype.scale)
    av = a.to_pylist() if not isinstance(a, pa.Scalar) else None
    bv = b.to_pylist() if not isinstance(b, pa.Scalar) else None
    both_scalars = av is None and bv is None  # a constant folded in the optimizer
    n = 1 if both_scalars else len(av if av is not None else bv)  # type: ignore[arg-type]
    out = []
    for i in range(n):
        x = av[i] if av is not None else a.as_py()
        y = bv[i] if bv is not None else b.as_py()
        out.append(None if x is None or y is None else
                   ctx.divide(x, y).quantize(q, rounding=decimal.ROUND_HALF_UP))
    result = pa.array(out, to_arrow(dtype))
    return result[0] if both_scalars else result


_SPECS = {
    "+": simple("+", _bind_arith("+"), _checked("add_checked", "add", "try_add"),
                binary_pretty("+"), "add"),
    "-": simple("-", _bind_arith("-"), _checked("subtract_checked", "subtract", "try_subtract"),
                binary_pretty("-"), "subtract"),
    "*": simple("*", _bind_arith("*"),
                _checked("multiply_checked", "multiply", "try_multiply"),
                binary_pretty("*"), "multiply"),
    "/": simple("/", _bind_arith("/"), _divide_kernel, binary_pretty("/"), "divide"),
    "div": simple("div", _bind_arith("div"), _divide_kernel, binary_pretty("div")),
    "%": simple("%", _bind_arith("%"), _divide_kernel, binary_pretty("%")),
}


# -- unary --------------------------------------------------------------------------------------
def _bind_numeric_same(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if isinstance(a.dtype, T.StringType):
            a = cast_to(a, T.DoubleType())
        pretty = f"{name}({a.sql()})"
        require(pretty, 1, a, lambda t: isinstance(t, T.NumericType) or is_interval(t),
                _NUMERIC_OR_STRING)
        return make_call(lookup(name), [a], a.dtype)
    return bind


def _negate(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(call.dtype, T.IntegralType) and ectx.ansi:
        try:
            return pc.negate_checked(args[0])
        except pa.ArrowInvalid:
            raise arithmetic_overflow(_overflow_name(call.dtype), "") from None
    return pc.negate(args[0])


def _abs(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(call.dtype, T.IntegralType) and ectx.ansi:
        try:
            return pc.abs_checked(args[0])
        except pa.ArrowInvalid:
            raise arithmetic_overflow(_overflow_name(call.dtype), "") from None
    return pc.abs(args[0])


def _negative_pretty(call: Any) -> str:  # SQL's -x is "(- x)", negative(x) keeps its name
    if dict(call.options).get("display") == "-":
        return f"(- {call.children[0].sql()})"
    return f"negative({call.children[0].sql()})"


simple("negative", _bind_numeric_same("negative"), _negate, _negative_pretty)
simple("abs", _bind_numeric_same("abs"), _abs)
simple("positive", _bind_numeric_same("positive"), lambda c, a, e: a[0],
       lambda c: f"(+ {c.children[0].sql()})")


# -- rounding -----------------------------------------------------------------------------------
def _bind_round(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        a = args[0]
        scale = args[1] if len(args) > 1 else Literal(0, T.IntegerType())
        if isinstance(a.dtype, T.StringType):
            a = cast_to(a, T.DoubleType())
        pretty = f"{name}({a.sql()}, {scale.sql()})"
        require(pretty, 1, a, lambda t: isinstance(t, T.NumericType), "\"NUMERIC\"")
        if not isinstance(scale, Literal):
            raise type_mismatch(pretty, 2, "foldable \"INT\"", scale.sql(), scale.dtype)
        dtype = a.dtype
        if isinstance(dtype, T.DecimalType):
            s = max(min(int(scale.value), dtype.scale), 0) if scale.value is not None else 0
            ip = dtype.precision - dtype.scale
            dtype = T.DecimalType(min(ip + s + 1, 38), s)
        return make_call(lookup(name), [a, scale], dtype)
    return bind


def _round_kernel(mode: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        a, scale = args
        nd = scale.as_py() or 0
        if isinstance(call.dtype, T.IntegralType):
            if nd >= 0:
                return a
            f = 10 ** (-nd)
            r = pc.round(pc.cast(a, "float64"), nd, round_mode=mode)
            del f
            return pc.cast(r, to_arrow(call.dtype))
        out = pc.round(a, nd, round_mode=mode)
        if isinstance(call.dtype, T.DecimalType):
            return _fit_decimal(out, call.dtype, ectx)
        return out
    return kernel


simple("round", _bind_round("round"), _round_kernel("half_towards_infinity"))
simple("bround", _bind_round("bround"), _round_kernel("half_to_even"))


# -- math on doubles ------------------------------------------------------------------------------
def _double_fn(name: str, fn: Any, pretty_name: str | None = None, arity_n: int = 1) -> None:
    shown = pretty_name or name.upper()

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        return fn(*args)

    fixed_function(name, [T.DoubleType()] * arity_n, T.DoubleType(), kernel,
                   lambda c: f"{shown}({', '.join(x.sql() for x in c.children)})")


def _pc(name: str):
    def call(*args: Any) -> Any:
        import pyarrow.compute as pc

        return getattr(pc, name)(*args)
    return call


def _nan_for_domain(fn: str, low: float):
    def call(x: Any) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        bad = pc.less(x, pa.scalar(low))
        safe = pc.if_else(bad, pa.scalar(None, pa.float64()), x)
        return pc.if_else(bad, pa.scalar(math.nan), getattr(pc, fn)(safe))
    return call


_double_fn("sqrt", _nan_for_domain("sqrt", 0.0))
_double_fn("exp", _pc("exp"))
_double_fn("sin", _pc("sin"))
_double_fn("cos", _pc("cos"))
_double_fn("tan", _pc("tan"))
_double_fn("asin", _pc("asin"))
_double_fn("acos", _pc("acos"))
_double_fn("atan", _pc("atan"))
_double_fn("atan2", _pc("atan2"), "ATAN2", 2)


def _bind_ceil_floor(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        a = args[0]
        if len(args) == 2:  # ceil(x, scale): a decimal rounded up/down to `scale` digits
            scale = args[1]
            if not isinstance(scale, Literal):
                raise type_mismatch(f"{name}({a.sql()}, {scale.sql()})", 2, "foldable \"INT\"",
                                    scale.sql(), scale.dtype)
            d = decimal_for(a.dtype) or T.DecimalType(30, 15)
            t = max(int(scale.value or 0), 0)
            return make_call(lookup(name), [cast_to(a, d), scale],
                             T.DecimalType(min(d.precision - d.scale + 1 + t, 38), t))
        if isinstance(a.dtype, T.DecimalType):
            d = a.dtype
            return make_call(lookup(name), [a], T.DecimalType(min(d.precision - d.scale + 1,
                                                                  38), 0))
        if isinstance(a.dtype, T.IntegralType):
            return make_call(lookup(name), [cast_to(a, T.LongType())], T.LongType())
        return make_call(lookup(name), [cast_to(a, T.DoubleType())], T.LongType())
    return bind


def _ceil_floor(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        if len(args) == 2:
            out = pc.round(args[0], int(args[1].as_py() or 0),
                           round_mode="up" if fn == "ceil" else "down")
            return pc.cast(out, to_arrow(call.dtype))
        if isinstance(call.dtype, T.LongType) and call.children[0].dtype == T.LongType():
            return args[0]
        return pc.cast(getattr(pc, fn)(args[0]), to_arrow(call.dtype))
    return kernel


def _ceil_floor_pretty(name: str):
    def pretty(c: Any) -> str:
        if len(c.children) == 2:
            return f"{name}({c.children[0].sql()}, {c.children[1].sql()})"
        return f"{name.upper()}({c.children[0].sql()})"
    return pretty


simple("ceil", _bind_ceil_floor("ceil"), _ceil_floor("ceil"), _ceil_floor_pretty("ceil"))
simple("ceiling", _bind_ceil_floor("ceiling"), _ceil_floor("ceil"),
       lambda c: f"ceiling({', '.join(x.sql() for x in c.children)})")
simple("floor", _bind_ceil_floor("floor"), _ceil_floor("floor"), _ceil_floor_pretty("floor"))


def _bind_extreme(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if len(args) < 2:
            raise wrong_num_args(name, "> 1", len(args))
        t = common_type([a.dtype for a in args]) or T.StringType()
        return make_call(lookup(name), [cast_to(a, t) for a in args], t,
                         all(a.nullable for a in args))
    return bind


def _extreme(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        if all(pa.types.is_null(a.type) for a in args):  # greatest(NULL, NULL): VOID NULL
            return args[0]
        return getattr(pc, fn)(*args, skip_nulls=True)
    return kernel


simple("greatest", _bind_extreme("greatest"), _extreme("max_element_wise"))
simple("least", _bind_extreme("least"), _extreme("min_element_wise"))
