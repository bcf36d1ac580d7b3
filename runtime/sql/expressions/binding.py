"""Helpers shared by the function modules: implicit casts, arity and type checks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.expressions.base import Call, Cast, Expression, Literal
from runtime.sql.expressions.registry import (
    FunctionSpec, default_pretty, lookup, register, type_mismatch, wrong_num_args)

__all__ = ["alias_function", "arity", "cast_to", "fixed_function", "make_call", "require",
           "simple"]


def cast_to(expr: Expression, dtype: T.DataType) -> Expression:
    """``expr`` implicitly cast to ``dtype`` (no-op when it already is)."""
    if expr.dtype == dtype:
        return expr
    if isinstance(expr, Literal) and expr.value is None:
        return Literal(None, dtype)
    return Cast((expr,), dtype, implicit=True)


def make_call(spec: FunctionSpec, args: list[Expression], dtype: T.DataType,
              nullable: bool | None = None, options: tuple = ()) -> Call:
    if nullable is None:
        nullable = any(a.nullable for a in args) or not args
    return Call(spec, tuple(args), dtype, nullable, options)


def arity(name: str, args: list, lo: int, hi: int | None = None) -> None:
    hi = lo if hi is None else hi
    if not lo <= len(args) <= hi:
        expected = str(lo) if lo == hi else f"[{lo}, {hi}]"
        raise wrong_num_args(name, expected, len(args))


def require(call_sql: str, index: int, arg: Expression, ok: Callable[[T.DataType], bool],
            required: str) -> None:
    if not ok(arg.dtype) and not isinstance(arg.dtype, T.NullType):
        raise type_mismatch(call_sql, index, required, arg.sql(), arg.dtype)


def fixed_function(name: str, arg_types: list[T.DataType], result: T.DataType,
                   kernel: Callable[..., Any], pretty: Callable | None = None,
                   nullable: bool | None = None, *aliases: str) -> FunctionSpec:
    """A function with fixed argument types (arguments implicitly cast) and result type."""

    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, len(arg_types))
        cast = [cast_to(a, t) for a, t in zip(args, arg_types)]
        return make_call(spec, cast, result, nullable)

    spec = register(FunctionSpec(name, bind, kernel, pretty or default_pretty), *aliases)
    return spec


def simple(name: str, bind: Callable, kernel: Callable, pretty: Callable | None = None,
           *aliases: str, **extra: Any) -> FunctionSpec:
    return register(FunctionSpec(name, bind, kernel, pretty or default_pretty, extra=extra),
                    *aliases)


def binary_pretty(symbol: str) -> Callable[[Any], str]:
    return lambda call: f"({call.children[0].sql()} {symbol} {call.children[1].sql()})"


def alias_function(name: str, target: str, pretty: Callable | None = None) -> FunctionSpec:
    """``name`` binds and computes as ``target`` but keeps its own name in columns
    (``lcase(s)``, ``mod(a, b)``: Spark names a column after the function written)."""
    def bind(args: list[Expression], ctx: Any) -> Expression:
        inner = lookup(target).bind(list(args), ctx)
        return Call(spec, inner.children, inner.dtype, inner.nullable, inner.options)

    def kernel(call: Any, args: list, ectx: Any) -> Any:
        return lookup(target).kernel(replace(call, spec=lookup(target)), args, ectx)

    spec = register(FunctionSpec(name, bind, kernel, pretty or default_pretty))
    return spec
