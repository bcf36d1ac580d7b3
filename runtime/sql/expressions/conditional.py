"""Conditional functions: ``nvl``/``ifnull``, ``nvl2``, ``nullif``, ``nanvl``,
``nullifzero``, ``zeroifnull``, ``equal_null``.

Each binds to Spark's result type (the common type of the values it may return, as
``coalesce``) and keeps its own name in columns (``nvl(s, x)``, not ``coalesce``): Spark
shows the function the user wrote even where it rewrites it. All are Arrow ``if_else`` /
``coalesce`` over whole arrays.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.registry import EvalContext, lookup


def _common(args: list[Expression]) -> T.DataType:
    return common_type([a.dtype for a in args]) or T.StringType()


def _bind_nvl(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        t = _common(args)
        return make_call(lookup(name), [cast_to(a, t) for a in args], t,
                         all(a.nullable for a in args))
    return bind


def _coalesce(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.coalesce(*args)


simple("nvl", _bind_nvl("nvl"), _coalesce)
simple("ifnull", _bind_nvl("ifnull"), _coalesce)


def _bind_nvl2(args: list[Expression], ctx: Any) -> Expression:
    arity("nvl2", args, 3)
    t = _common(args[1:])
    return make_call(lookup("nvl2"), [args[0]] + [cast_to(a, t) for a in args[1:]], t,
                     args[1].nullable or args[2].nullable)


def _nvl2(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    test, a, b = args
    return pc.if_else(pc.is_valid(test), a, b)


simple("nvl2", _bind_nvl2, _nvl2)


def _bind_nullif(args: list[Expression], ctx: Any) -> Expression:
    arity("nullif", args, 2)
    t = _common(args)
    # children: the value returned, then both sides as compared
    return make_call(lookup("nullif"), [args[0], cast_to(args[0], t), cast_to(args[1], t)],
                     args[0].dtype, True)


def _nullif(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    value, a, b = args
    same = pc.fill_null(pc.equal(a, b), False)
    return pc.if_else(same, pa.scalar(None, value.type), value)


simple("nullif", _bind_nullif, _nullif,
       lambda c: f"nullif({c.children[0].sql()}, {c.children[2].sql()})")


def _bind_nanvl(args: list[Expression], ctx: Any) -> Expression:
    arity("nanvl", args, 2)
    t = T.FloatType() if all(isinstance(a.dtype, T.FloatType) for a in args) \
        else T.DoubleType()
    return make_call(lookup("nanvl"), [cast_to(a, t) for a in args], t)


def _nanvl(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    a, b = args
    return pc.if_else(pc.fill_null(pc.is_nan(a), False), b, a)


simple("nanvl", _bind_nanvl, _nanvl)


def _bind_nullifzero(args: list[Expression], ctx: Any) -> Expression:
    arity("nullifzero", args, 1)
    return make_call(lookup("nullifzero"), [args[0]], args[0].dtype, True)


def _nullifzero(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    a = args[0]
    zero = pc.fill_null(pc.equal(a, pa.scalar(0).cast(a.type)), False)
    return pc.if_else(zero, pa.scalar(None, a.type), a)


simple("nullifzero", _bind_nullifzero, _nullifzero)


def _bind_zeroifnull(args: list[Expression], ctx: Any) -> Expression:
    arity("zeroifnull", args, 1)
    t = args[0].dtype if not isinstance(args[0].dtype, T.NullType) else T.IntegerType()
    zero = cast_to(Literal(0, T.IntegerType()), t)
    return make_call(lookup("zeroifnull"), [cast_to(args[0], t), zero], t, False)


simple("zeroifnull", _bind_zeroifnull, _coalesce,
       lambda c: f"zeroifnull({c.children[0].sql()})")


def _bind_equal_null(args: list[Expression], ctx: Any) -> Expression:
    arity("equal_null", args, 2)
    inner = lookup("<=>").bind(list(args), ctx)
    return make_call(lookup("equal_null"), list(inner.children), T.BooleanType(), False)


def _equal_null(call: Any, args: list, ectx: EvalContext) -> Any:
    return lookup("<=>").kernel(call, args, ectx)


simple("equal_null", _bind_equal_null, _equal_null)
