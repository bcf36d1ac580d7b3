"""``pyspark.sql.functions``, math: trigonometry, logarithms, rounding, bases, bit operations,
and the ``try_*`` arithmetic that returns NULL where ANSI mode raises.

>>> from pyspark.sql import functions as F
>>> F.sinh("x")
Column<'sinh(x)'>
>>> F.pmod("a", 3)
Column<'pmod(a, 3)'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg, named_call, unary

__all__ = [
    "acosh", "asinh", "atanh", "bin", "bit_count", "bit_get", "bitwise_not",
    "conv", "cosh", "cot", "csc", "degrees", "e", "expm1", "factorial", "getbit", "hex",
    "hypot", "log1p", "negate", "negative", "pi", "pmod", "positive", "radians", "randn",
    "random", "rint", "sec", "shiftleft",
    "shiftright", "shiftrightunsigned", "sign", "signum", "sinh", "tanh",
    "try_add", "try_divide", "try_mod", "try_multiply", "try_subtract", "unhex", "uniform",
    "width_bucket",
]

acosh = unary("acosh")
asinh = unary("asinh")
atanh = unary("atanh")
cosh = unary("cosh")
sinh = unary("sinh")
tanh = unary("tanh")
cot = unary("cot")
csc = unary("csc")
sec = unary("sec")
degrees = unary("degrees")
radians = unary("radians")
toDegrees = degrees
toRadians = radians
expm1 = unary("expm1")
log1p = unary("log1p")
rint = unary("rint")
sign = unary("sign")
signum = unary("signum")
negative = unary("negative")
negate = negative
positive = unary("positive")
factorial = unary("factorial")
bin = unary("bin")  # noqa: A001 - PySpark's name
hex = unary("hex")  # noqa: A001
unhex = unary("unhex")
bit_count = unary("bit_count")
bitwise_not = unary("~")
bitwiseNOT = bitwise_not


def e() -> Column:
    """Euler's number, ``E()``."""
    return call("e")


def pi() -> Column:
    """π, ``PI()``."""
    return call("pi")


def _number_or_col(v: Any):
    return col_arg(v) if isinstance(v, (Column, str)) else lit_arg(v)


def hypot(col1: Any, col2: Any) -> Column:
    return call("hypot", _number_or_col(col1), _number_or_col(col2))


def pmod(dividend: Any, divisor: Any) -> Column:
    return call("pmod", _number_or_col(dividend), _number_or_col(divisor))


def conv(col: Any, fromBase: int, toBase: int) -> Column:
    """``col`` (a string of digits in ``fromBase``) written in ``toBase``
    (a negative ``toBase`` writes a signed number)."""
    return call("conv", col_arg(col), lit_arg(fromBase), lit_arg(toBase))


def width_bucket(v: Any, min: Any, max: Any, numBucket: Any) -> Column:  # noqa: A002
    nb = lit_arg(numBucket) if isinstance(numBucket, int) else col_arg(numBucket)
    return call("width_bucket", col_arg(v), col_arg(min), col_arg(max), nb)


def _binary(name: str):
    def f(left: Any, right: Any) -> Column:
        return named_call(name, left, right)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Spark's ``{name}(left, right)``: NULL instead of an ANSI error."
    return f


try_add = _binary("try_add")
try_subtract = _binary("try_subtract")
try_multiply = _binary("try_multiply")
try_divide = _binary("try_divide")
try_mod = _binary("try_mod")


def bit_get(col: Any, pos: Any) -> Column:
    return named_call("bit_get", col, pos)


def getbit(col: Any, pos: Any) -> Column:
    return named_call("getbit", col, pos)


def _shift(name: str):
    def f(col: Any, numBits: int) -> Column:
        return call(name, col_arg(col), lit_arg(numBits))
    f.__name__ = f.__qualname__ = name
    return f


shiftleft = _shift("shiftleft")
shiftright = _shift("shiftright")
shiftrightunsigned = _shift("shiftrightunsigned")
shiftLeft, shiftRight, shiftRightUnsigned = shiftleft, shiftright, shiftrightunsigned


def randn(seed: int | None = None) -> Column:
    """Standard normal samples (seeded per partition)."""
    return call("randn", *((lit_arg(seed),) if seed is not None else ()))


def random(seed: int | None = None) -> Column:
    """``rand`` under its SQL alias."""
    return call("random", *((lit_arg(seed),) if seed is not None else ()))


def uniform(min: Any, max: Any, seed: Any = None) -> Column:  # noqa: A002
    """Random values uniformly distributed in [min, max] (the type of min and max)."""
    args = [lit_arg(min), lit_arg(max)] + ([lit_arg(seed)] if seed is not None else [])
    return call("uniform", *args)
