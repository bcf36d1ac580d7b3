"""Math functions beyond the arithmetic operators: trigonometry and hyperbolic functions,
logarithms with a base, rounding to integers, factorial, ``pmod``, ``width_bucket``, the
``try_*`` arithmetic, ``rand``'s siblings and the constants.

Every double function takes its argument cast to double and computes on the whole Arrow
array with numpy (NULLs carried by the validity mask, never looked at); out-of-domain input
follows Java's ``Math``: NaN (``acosh(-7)``, ``sqrt(-1)``), except the logarithms, which are
NULL for non-positive input as in Spark (``ln(0)``, ``log(2, -1)``, ``log1p(-1)``).
Column names are Spark's: the double functions print upper-case (``SINH(d)``, ``LOG(2, x)``)
except ``rint``, ``sign``, ``ln`` (as Spark).

``try_add``/``try_subtract``/``try_multiply``/``try_divide``/``try_mod`` bind exactly like
the operator (same result type) and run its kernel; an ANSI error becomes NULL for the rows
that caused it (integer overflow is recomputed per row in Python only for a batch that
overflowed). ``pmod`` is the operator ``%`` made non-negative.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import PySparkException
from runtime.sql.expressions.base import Call, Expression, Literal
from runtime.sql.expressions.binding import (
    alias_function, arity, cast_to, make_call, require, simple)
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.registry import EvalContext, lookup, type_mismatch

D, L, I = T.DoubleType(), T.LongType(), T.IntegerType()


# -- numpy over Arrow ---------------------------------------------------------------------------
def np_values(arr: Any, dtype: str = "float64") -> tuple[Any, Any]:
    """(numpy values with NULLs as 0, validity mask or None) of an Arrow array/scalar."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(arr, pa.Scalar):
        arr = pa.array([arr.as_py()], arr.type)
    mask = None if arr.null_count == 0 else np.asarray(pc.is_valid(arr))
    if arr.null_count:
        arr = pc.fill_null(arr, pa.scalar(0, arr.type) if not pa.types.is_boolean(arr.type)
                           else False)
    return np.asarray(arr.to_numpy(zero_copy_only=False)).astype(dtype, copy=False), mask


def from_np(values: Any, mask: Any, arrow_type: Any = None) -> Any:
    import numpy as np
    import pyarrow as pa

    values = np.asarray(values)
    return pa.array(values, type=arrow_type, mask=None if mask is None else ~mask)


def _broadcast(arrays: list) -> tuple[list, Any, bool]:
    """numpy views of several Arrow inputs with one combined validity mask; ``scalar`` when
    every input was a scalar (the result is then returned as a scalar)."""
    import numpy as np
    import pyarrow as pa

    scalar = all(isinstance(a, pa.Scalar) for a in arrays)
    n = max((len(a) for a in arrays if not isinstance(a, pa.Scalar)), default=1)
    vals, mask = [], None
    for a in arrays:
        v, m = np_values(a)
        if isinstance(a, pa.Scalar):
            v = np.full(n, v[0])
            m = None if m is None else np.full(n, bool(m[0]))
        vals.append(v)
        if m is not None:
            mask = m if mask is None else (mask & m)
    return vals, mask, scalar


def numpy_kernel(fn: Any, out_type: Any = None):
    """A kernel applying ``fn`` (numpy arrays -> numpy array) to the inputs as float64."""
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np

        vals, mask, scalar = _broadcast(args)
        with np.errstate(all="ignore"):
            out = fn(*vals)
        arr = from_np(out, mask, out_type or to_arrow(call.dtype))
        return arr[0] if scalar else arr
    return kernel


def _upper_pretty(shown: str):
    return lambda c: f"{shown}({', '.join(x.sql() for x in c.children)})"


def double_function(name: str, fn: Any, shown: str | None = None, nargs: int = 1,
                    *aliases: str, null_below: float | None = None) -> None:
    """A function of ``nargs`` doubles returning a double, named ``shown`` in columns."""
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, nargs)
        cast = []
        for i, a in enumerate(args, 1):
            require(f"{shown or name.upper()}({', '.join(x.sql() for x in args)})", i, a,
                    lambda t: isinstance(t, (T.NumericType, T.StringType)), '"DOUBLE"')
            cast.append(cast_to(a, D))
        return make_call(spec, cast, D, True if null_below is not None else None)

    def compute(*xs: Any) -> Any:
        import numpy as np

        out = fn(*xs)
        if null_below is not None:
            out = np.where(xs[-1] <= null_below, np.nan, out)
        return out

    inner = numpy_kernel(compute)

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        out = inner(call, args, ectx)
        if null_below is None:
            return out
        import pyarrow as pa
        import pyarrow.compute as pc

        # Spark's logarithms: NULL (not NaN) where the argument is out of the domain
        x = args[-1]
        bad = pc.less_equal(x, pa.scalar(null_below))
        if len(args) == 2:
            bad = pc.or_(bad, pc.less_equal(args[0], pa.scalar(0.0)))
        return pc.if_else(bad, pa.scalar(None, pa.float64()), out)

    spec = simple(name, bind, kernel, _upper_pretty(shown or name.upper()), *aliases)


def _np(name: str):
    import numpy as np

    return getattr(np, name)


def _lazy(name: str):
    return lambda *xs: _np(name)(*xs)


double_function("sinh", _lazy("sinh"))
double_function("cosh", _lazy("cosh"))
double_function("tanh", _lazy("tanh"))
double_function("asinh", _lazy("arcsinh"))
double_function("acosh", _lazy("arccosh"))
double_function("atanh", _lazy("arctanh"))
double_function("cot", lambda x: 1.0 / _np("tan")(x))
double_function("sec", lambda x: 1.0 / _np("cos")(x))
double_function("csc", lambda x: 1.0 / _np("sin")(x))
double_function("degrees", _lazy("degrees"))
double_function("radians", _lazy("radians"))
double_function("expm1", _lazy("expm1"))
double_function("log1p", _lazy("log1p"), null_below=-1.0)
double_function("ln", _lazy("log"), "ln", null_below=0.0)
double_function("log10", _lazy("log10"), null_below=0.0)
double_function("log2", _lazy("log2"), null_below=0.0)
double_function("cbrt", _lazy("cbrt"))
double_function("pow", _lazy("power"), "POWER", 2, "power")
double_function("rint", _lazy("rint"), "rint")
double_function("hypot", _lazy("hypot"), None, 2)
double_function("log", lambda b, x: _np("log")(x) / _np("log")(b), "LOG", 2, null_below=0.0)


def _signum_bind(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        require(f"{name}({args[0].sql()})", 1, args[0],
                lambda t: isinstance(t, (T.NumericType, T.StringType)), '"NUMERIC"')
        return make_call(lookup(name), [cast_to(args[0], D)], D)
    return bind


simple("signum", _signum_bind("signum"), numpy_kernel(lambda x: _np("sign")(x)),
       _upper_pretty("SIGNUM"))
simple("sign", _signum_bind("sign"), numpy_kernel(lambda x: _np("sign")(x)),
       _upper_pretty("sign"))


def _constant(name: str, value: float) -> None:
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 0)
        return make_call(lookup(name), [], D, False)

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        return pa.scalar(value, pa.float64())

    simple(name, bind, kernel, lambda c: f"{name.upper()}()")


_constant("e", math.e)
_constant("pi", math.pi)


# -- integers -----------------------------------------------------------------------------------
def _bind_factorial(args: list[Expression], ctx: Any) -> Expression:
    arity("factorial", args, 1)
    require(f"factorial({args[0].sql()})", 1, args[0],
            lambda t: isinstance(t, (T.IntegralType, T.StringType)), '"INT"')
    return make_call(lookup("factorial"), [cast_to(args[0], I)], L, True)


_FACTORIALS = [math.factorial(n) for n in range(21)]


def _factorial(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    vals, mask, scalar = _broadcast(args)
    n = vals[0].astype("int64")
    ok = (n >= 0) & (n <= 20)
    table = np.array(_FACTORIALS, dtype="int64")
    out = table[np.clip(n, 0, 20)]
    mask = ok if mask is None else (mask & ok)
    arr = from_np(out, mask, to_arrow(L))
    return arr[0] if scalar else arr


simple("factorial", _bind_factorial, _factorial)


def _bind_width_bucket(args: list[Expression], ctx: Any) -> Expression:
    arity("width_bucket", args, 4)
    return make_call(lookup("width_bucket"), [cast_to(a, D) for a in args[:3]] +
                     [cast_to(args[3], L)], L, True)


def _width_bucket(v: Any, lo: Any, hi: Any, n: Any) -> Any:
    import numpy as np

    up = lo < hi
    span = np.where(up, hi - lo, lo - hi)
    pos = np.where(up, v - lo, lo - v)
    bucket = np.floor(n * pos / np.where(span == 0, 1, span)) + 1
    out = np.where(pos < 0, 0, np.where(pos >= span, n + 1, bucket))
    bad = (n <= 0) | (lo == hi) | ~np.isfinite(lo) | ~np.isfinite(hi) | np.isnan(v)
    return np.where(bad, np.nan, out)


def _width_bucket_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np

    vals, mask, scalar = _broadcast(args)
    with np.errstate(all="ignore"):
        out = _width_bucket(*vals)
    ok = ~np.isnan(out)
    mask = ok if mask is None else (mask & ok)
    arr = from_np(np.nan_to_num(out).astype("int64"), mask, to_arrow(L))
    return arr[0] if scalar else arr


simple("width_bucket", _bind_width_bucket, _width_bucket_kernel)


# -- pmod and the try_ arithmetic ---------------------------------------------------------------
def _as(call: Call, name: str) -> Call:
    return replace(call, spec=lookup(name))


def _bind_like(name: str, op: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        bound = lookup(op).bind(list(args), ctx)
        return make_call(lookup(name), list(bound.children), bound.dtype, True)
    return bind


def _pmod(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    r = lookup("%").kernel(_as(call, "%"), args, ectx)
    b = args[1]
    zero = pa.scalar(0).cast(r.type) if not isinstance(call.dtype, T.DecimalType) else \
        pa.scalar(0, pa.int64())
    neg = pc.less(r, zero)
    fixed = lookup("%").kernel(_as(call, "%"), [pc.add(r, b), b], replace(ectx, ansi=False))
    return pc.if_else(neg, fixed, r)


simple("pmod", _bind_like("pmod", "%"), _pmod)


def _try(op: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        base = _as(call, op)
        try:
            return lookup(op).kernel(base, args, replace(ectx, ansi=True))
        except PySparkException:
            pass
        if op in ("/", "%") or not isinstance(call.dtype, T.IntegralType):
            return lookup(op).kernel(base, args, replace(ectx, ansi=False))
        # integer overflow somewhere in this batch: exact per-row arithmetic
        bits = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}[
            type(call.dtype)]
        lo, hi = -2 ** (bits - 1), 2 ** (bits - 1) - 1
        fn = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}[op]
        n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
        cols = [[a.as_py()] * n if isinstance(a, pa.Scalar) else a.to_pylist() for a in args]
        out = []
        for x, y in zip(*cols):
            v = None if x is None or y is None else fn(x, y)
            out.append(v if v is None or lo <= v <= hi else None)
        return pa.array(out, to_arrow(call.dtype))
    return kernel


for _name, _op in (("try_add", "+"), ("try_subtract", "-"), ("try_multiply", "*"),
                   ("try_divide", "/"), ("try_mod", "%")):
    simple(_name, _bind_like(_name, _op), _try(_op))


# -- random numbers -----------------------------------------------------------------------------
def _bind_seeded(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        import random

        arity(name, args, 0, 1)
        seed = args[0] if args else Literal(random.randrange(2**63), L)
        return make_call(lookup(name), [seed], D, False)
    return bind


def _randn(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    seed = call.children[0].value or 0
    rng = np.random.default_rng([seed & (2**63 - 1), ectx.partition_index, ectx.row_offset])
    return pa.array(rng.standard_normal(batch.num_rows), pa.float64())


def _random(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    return lookup("rand").kernel(call, batch, positions, ectx)


for _spec in (simple("randn", _bind_seeded("randn"), _randn,
                     lambda c: f"randn({c.children[0].sql()})", lazy=True),
              simple("random", _bind_seeded("random"), _random,
                     lambda c: f"rand({c.children[0].sql()})", lazy=True)):
    _spec.deterministic = False



def _bind_uniform(args: list[Expression], ctx: Any) -> Expression:
    import random

    arity("uniform", args, 2, 3)
    seed = args[2] if len(args) > 2 else Literal(random.randrange(2**31), I)
    fractional = [a.dtype for a in args[:2] if not isinstance(a.dtype, T.IntegralType)]
    t = fractional[0] if fractional else (common_type([args[0].dtype, args[1].dtype]) or I)
    for i, a in enumerate(list(args[:2]) + [seed], 1):
        if not isinstance(a, Literal):
            raise type_mismatch(f"uniform({', '.join(x.sql() for x in args)})", i,
                                'foldable "NUMERIC"', a.sql(), a.dtype)
    # min and max keep their own types: the value is drawn as a double, then typed
    return make_call(lookup("uniform"), [args[0], args[1], seed], t, False)


def _uniform(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    """Uniform in [min, max) (integers: [min, max]); ``min``/``max`` are literals."""
    import decimal

    import numpy as np
    import pyarrow as pa

    lo, hi, seed = (c.value for c in call.children)
    rng = np.random.default_rng([int(seed or 0) & (2**63 - 1), ectx.partition_index,
                                 ectx.row_offset])
    n = batch.num_rows
    if lo is None or hi is None:
        return pa.nulls(n, to_arrow(call.dtype))
    if isinstance(call.dtype, T.IntegralType):
        a, b = sorted((int(lo), int(hi)))
        return pa.array(rng.integers(a, b + 1, n), to_arrow(call.dtype))
    values = float(lo) + rng.random(n) * (float(hi) - float(lo))
    if isinstance(call.dtype, T.DecimalType):
        q = decimal.Decimal(1).scaleb(-call.dtype.scale)
        return pa.array([decimal.Decimal(repr(v)).quantize(q) for v in values],
                        pa.decimal128(38, call.dtype.scale)).cast(to_arrow(call.dtype),
                                                                  safe=False)
    return pa.array(values, to_arrow(call.dtype))


def _bind_randstr(args: list[Expression], ctx: Any) -> Expression:
    import random

    arity("randstr", args, 1, 2)
    seed = args[1] if len(args) > 1 else Literal(random.randrange(2**31), I)
    return make_call(lookup("randstr"), [cast_to(args[0], I), seed], T.StringType(), False)


_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _randstr(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    """Random strings of ``length`` characters from [0-9a-zA-Z] (one Python join per row)."""
    import numpy as np
    import pyarrow as pa

    length, seed = (c.value for c in call.children)
    rng = np.random.default_rng([int(seed or 0) & (2**63 - 1), ectx.partition_index,
                                 ectx.row_offset])
    idx = rng.integers(0, len(_ALNUM), (batch.num_rows, max(int(length or 0), 0)))
    return pa.array(["".join(_ALNUM[i] for i in row) for row in idx], pa.string())


for _spec in (simple("uniform", _bind_uniform, _uniform, lazy=True),
              simple("randstr", _bind_randstr, _randstr, lazy=True)):
    _spec.deterministic = False

alias_function("mod", "%")
