"""Comparisons, boolean logic, null tests, IN, LIKE/RLIKE and coalesce.

Spark's semantics where Arrow's differ: ``NaN = NaN`` is true and NaN is larger than every
other double (Arrow: NaN compares false); AND/OR are three-valued (``NULL AND FALSE`` is
false: Arrow's ``*_kleene`` kernels); ``<=>`` is null-safe equality; operands of different
types meet at their common type (a string compared with a number is cast to the number's
type).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import (
    arity, binary_pretty, cast_to, make_call, simple)
from runtime.sql.expressions.coercion import common_type, is_numeric
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.registry import wrong_num_args

_FLOATS = (T.FloatType, T.DoubleType)


def _compare_type(a: Expression, b: Expression, symbol: str) -> T.DataType:
    ta, tb = a.dtype, b.dtype
    if isinstance(ta, T.StringType) and is_numeric(tb):
        return tb if not isinstance(tb, T.DecimalType) else T.DoubleType()
    if isinstance(tb, T.StringType) and is_numeric(ta):
        return ta if not isinstance(ta, T.DecimalType) else T.DoubleType()
    if isinstance(ta, T.StringType) and isinstance(tb, (T.DateType, T.TimestampType)):
        return tb
    if isinstance(tb, T.StringType) and isinstance(ta, (T.DateType, T.TimestampType)):
        return ta
    t = common_type([ta, tb])
    if t is None or (isinstance(t, T.StringType) and not (
            isinstance(ta, (T.StringType, T.NullType)) and
            isinstance(tb, (T.StringType, T.NullType)))):
        sql = f"({a.sql()} {symbol} {b.sql()})"
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "{sql}" due to data '
            f'type mismatch: the left and right operands of the binary operator have '
            f'incompatible types ("{ta.simpleString().upper()}" and '
            f'"{tb.simpleString().upper()}"). SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES")
    return t


def _bind_compare(symbol: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        a, b = args
        if isinstance(a.dtype, T.VariantType) or isinstance(b.dtype, T.VariantType):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve "({a.sql()} {symbol} '
                f'{b.sql()})" due to data type mismatch: The `{symbol}` does not support '
                'ordering on type "VARIANT". SQLSTATE: 42K09',
                errorClass="DATATYPE_MISMATCH.INVALID_ORDERING_TYPE")
        t = _compare_type(a, b, symbol)
        return make_call(lookup(symbol), [cast_to(a, t), cast_to(b, t)], T.BooleanType(),
                         False if symbol == "<=>" else None)
    return bind


def _is_nan(x: Any) -> Any:
    import pyarrow.compute as pc

    return pc.fill_null(pc.is_nan(x), False)


def _compare_kernel(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        a, b = args
        if pa.types.is_null(a.type) and pa.types.is_null(b.type):  # NULL = NULL: Arrow has
            a, b = a.cast(pa.bool_()), b.cast(pa.bool_())  # no kernel for two null types
        out = getattr(pc, fn)(a, b)
        if isinstance(call.children[0].dtype, _FLOATS):
            na, nb = _is_nan(a), _is_nan(b)
            both = pc.and_(na, nb)
            if fn == "equal":
                out = pc.or_(out, both)
            elif fn == "not_equal":
                out = pc.and_(out, pc.invert(both))
            elif fn in ("less", "less_equal"):  # a < NaN unless a is NaN
                out = pc.if_else(nb, pc.invert(na) if fn == "less" else pa.scalar(True), out)
                out = pc.if_else(pc.and_(na, pc.invert(nb)), pa.scalar(False), out)
            else:  # greater, greater_equal: NaN > everything else
                out = pc.if_else(na, pc.invert(nb) if fn == "greater" else pa.scalar(True), out)
                out = pc.if_else(pc.and_(nb, pc.invert(na)), pa.scalar(False), out)
            out = pc.if_else(pc.or_(pc.is_null(a), pc.is_null(b)),
                             pa.scalar(None, pa.bool_()), out)
        return out
    return kernel


def _null_safe_eq(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    a, b = args
    eq = _compare_kernel("equal")(call, args, ectx)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.fill_null(pc.or_kleene(eq, both_null), False)


for _sym, _fn in (("=", "equal"), ("<", "less"), ("<=", "less_equal"), (">", "greater"),
                  (">=", "greater_equal"), ("!=", "not_equal")):
    simple(_sym, _bind_compare(_sym), _compare_kernel(_fn), binary_pretty(_sym))
simple("<=>", _bind_compare("<=>"), _null_safe_eq, binary_pretty("<=>"))
lookup_aliases = {"==": "=", "equal_to": "="}


def _bind_bool(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        return make_call(lookup(name), [cast_to(a, T.BooleanType()) for a in args],
                         T.BooleanType())
    return bind


simple("and", _bind_bool("and"), lambda c, a, e: _pc("and_kleene")(*a), binary_pretty("AND"))
simple("or", _bind_bool("or"), lambda c, a, e: _pc("or_kleene")(*a), binary_pretty("OR"))
simple("not", _bind_bool("not"), lambda c, a, e: _pc("invert")(*a),
       lambda c: f"(NOT {c.children[0].sql()})")


def _pc(name: str):
    def call(*args: Any) -> Any:
        import pyarrow.compute as pc

        return getattr(pc, name)(*args)
    return call


def _bind_null_test(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        return make_call(lookup(name), args, T.BooleanType(), False)
    return bind


simple("isnull", _bind_null_test("isnull"), lambda c, a, e: _pc("is_null")(a[0]),
       lambda c: f"({c.children[0].sql()} IS NULL)")
simple("isnotnull", _bind_null_test("isnotnull"), lambda c, a, e: _pc("is_valid")(a[0]),
       lambda c: f"({c.children[0].sql()} IS NOT NULL)")


def _bind_isnan(args: list[Expression], ctx: Any) -> Expression:
    arity("isnan", args, 1)
    return make_call(lookup("isnan"), [cast_to(args[0], T.DoubleType())], T.BooleanType(), False)


simple("isnan", _bind_isnan, lambda c, a, e: _is_nan(a[0]))


# -- IN ---------------------------------------------------------------------------------------
def _bind_in(args: list[Expression], ctx: Any) -> Expression:
    value, items = args[0], args[1:]
    t = common_type([value.dtype] + [i.dtype for i in items]) or value.dtype
    if isinstance(t, T.StringType) and is_numeric(value.dtype):
        t = value.dtype
    return make_call(lookup("in"), [cast_to(value, t)] + [cast_to(i, t) for i in items],
                     T.BooleanType())


def _in_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    value, items = args[0], args[1:]
    if all(isinstance(i, pa.Scalar) for i in items):
        valid = [i for i in items if i.is_valid]
        has_null = len(valid) != len(items)
        vs = pa.array([i.as_py() for i in valid], type=value.type)
        hit = pc.is_in(value, value_set=vs, skip_nulls=True)
        if has_null:  # x IN (1, NULL) is NULL unless x = 1
            hit = pc.if_else(hit, True, pa.scalar(None, pa.bool_()))
        return pc.if_else(pc.is_null(value), pa.scalar(None, pa.bool_()), hit)
    out = None
    for i in items:
        eq = pc.equal(value, i)
        out = eq if out is None else pc.or_kleene(out, eq)
    return out


simple("in", _bind_in, _in_kernel,
       lambda c: f"({c.children[0].sql()} IN ({', '.join(x.sql() for x in c.children[1:])}))")


# -- LIKE / RLIKE / ILIKE ------------------------------------------------------------------------
def _bind_pattern(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        a = cast_to(args[0], T.StringType())
        p = cast_to(args[1], T.StringType())
        return make_call(lookup(name), [a, p] + list(args[2:]), T.BooleanType())
    return bind


def _like_to_regex(pattern: str, escape: str = "\\") -> str:
    import re

    out, i = ["^"], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return "".join(out) + "$"


def _pattern_kernel(kind: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        s, p = args[0], args[1]
        escape = args[2].as_py() if len(args) > 2 else "\\"
        if not isinstance(p, pa.Scalar) or isinstance(s, pa.Scalar):
            return _like_rows(s, p, escape, kind == "ilike")
        if not p.is_valid:
            return pa.nulls(len(s), pa.bool_())
        pat = p.as_py()
        regex = _like_to_regex(pat, escape)
        return pc.match_substring_regex(s, pattern="(?s)" + regex, ignore_case=kind == "ilike")
    return kernel


def _like_rows(s: Any, p: Any, escape: str, ignore_case: bool) -> Any:
    """A pattern per row (a column of patterns): Python's ``re``, each distinct pattern
    compiled once."""
    import re

    import pyarrow as pa

    n = max(1 if isinstance(x, pa.Scalar) else len(x) for x in (s, p))
    values = [s.as_py()] * n if isinstance(s, pa.Scalar) else s.to_pylist()
    patterns = [p.as_py()] * n if isinstance(p, pa.Scalar) else p.to_pylist()
    flags = re.S | (re.I if ignore_case else 0)
    cache: dict[str, Any] = {}
    out = []
    for v, pat in zip(values, patterns):
        if v is None or pat is None:
            out.append(None)
            continue
        rx = cache.get(pat)
        if rx is None:
            rx = cache[pat] = re.compile(_like_to_regex(pat, escape), flags)
        out.append(rx.match(v) is not None)
    arr = pa.array(out, pa.bool_())
    return arr[0] if isinstance(s, pa.Scalar) and isinstance(p, pa.Scalar) else arr


def _like_pretty(c: Any) -> str:
    escape = f" ESCAPE '{c.children[2].value}'" if len(c.children) > 2 else ""
    return f"{c.children[0].sql()} LIKE {c.children[1].sql()}{escape}"


simple("like", _bind_pattern("like"), _pattern_kernel("like"), _like_pretty)
simple("ilike", _bind_pattern("ilike"), _pattern_kernel("ilike"),
       lambda c: f"ilike({c.children[0].sql()}, {c.children[1].sql()})")


# -- coalesce / nvl / nullif ----------------------------------------------------------------------
def _bind_coalesce(args: list[Expression], ctx: Any) -> Expression:
    if not args:
        raise wrong_num_args("coalesce", "> 0", 0)
    t = common_type([a.dtype for a in args]) or T.StringType()
    return make_call(lookup("coalesce"), [cast_to(a, t) for a in args], t,
                     all(a.nullable for a in args))


def _coalesce(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.coalesce(*args) if len(args) > 1 else args[0]


simple("coalesce", _bind_coalesce, _coalesce)




def _bind_boolean_literal(args: list[Expression], ctx: Any) -> Expression:
    return Literal(True, T.BooleanType())
