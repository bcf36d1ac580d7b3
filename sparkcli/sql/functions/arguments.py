"""How a ``pyspark.sql.functions`` function's Python arguments become an unresolved call.

PySpark's rule, per parameter: a ``ColumnOrName`` parameter takes a Column or a column
*name* (``"a"``); any other parameter (``int``, ``str`` options, ``Union[Column, int]``)
takes a Column or a Python value, which becomes a literal. ``call(name, ...)`` builds
``UnresolvedFunction(name, ...)`` from already converted expressions; ``col_arg`` and
``lit_arg`` do the two conversions; ``named_call`` is the common case of a function whose
arguments are all ``ColumnOrName``.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.expressions.base import Expression, UnresolvedFunction
from sparkcli.sql.column import Column, lit_expr, to_expr

__all__ = ["by_kinds", "call", "col_arg", "lit_arg", "named_call", "unary", "value_arg"]


def col_arg(v: Any) -> Expression:
    """A ``ColumnOrName`` argument: a Column, or a string naming a column."""
    return to_expr(v)


def lit_arg(v: Any) -> Expression:
    """A Column, or a Python value as a literal."""
    return v._expr if isinstance(v, Column) else lit_expr(v)


value_arg = lit_arg  # the name the date/time, collection and aggregate modules use


def call(name: str, *args: Expression) -> Column:
    return Column(UnresolvedFunction(name, tuple(args)))


def named_call(name: str, *cols: Any) -> Column:
    """``name(cols...)`` with every argument a ``ColumnOrName``; ``None`` ends the list
    (PySpark's optional trailing arguments)."""
    args = []
    for c in cols:
        if c is None:
            break
        args.append(col_arg(c))
    return call(name, *args)


def unary(name: str, param: str = "col", doc: str | None = None):
    """A one-``ColumnOrName``-argument function named ``name`` (its parameter ``param``)."""
    def f(*args: Any, **kwargs: Any) -> Column:
        if kwargs:
            args = args + (kwargs.pop(param),)
        if kwargs or len(args) != 1:
            raise TypeError(f"{name}() takes exactly one argument ({param})")
        return call(name, col_arg(args[0]))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc or f"Spark's ``{name}({param})``."
    return f


def by_kinds(name: str, kinds: str):
    """A function of PySpark's shape: ``kinds`` has one letter per parameter, ``c`` for a
    ``ColumnOrName`` and ``v`` for a Column-or-literal value."""
    def f(*args: Any) -> Column:
        return call(name, *((col_arg if k == "c" else lit_arg)(a)
                            for k, a in zip(kinds, args)))
    f.__name__ = name
    f.__doc__ = f"Spark's ``{name}``."
    return f
