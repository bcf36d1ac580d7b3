"""Decimal arithmetic as scaled int64: the fast path under sums and averages of decimals.

Arrow computes decimal128 ``+ - *`` and sums with 128-bit kernels that are several times
slower than int64 ones, and TPC-H's money columns are ``decimal(15,2)``: every value fits
an int64 as its unscaled integer (``12.34`` at scale 2 is ``1234``). This module evaluates
a decimal expression tree over such columns in that form, exactly:

* ``scalable(expr)`` (static, once per plan): the tree is made only of decimal columns of
  precision <= 18 (their unscaled values always fit an int64), decimal/integer literals,
  casts of those to a decimal of the same or a larger scale, and ``+ - *`` whose Spark
  result scale is the exact one (``max(s1, s2)`` for ``+ -``, ``s1 + s2`` for ``*``): no
  rounding anywhere. A product whose type was bounded to 38 digits keeps that property
  when its scale was not reduced (Q1's ``decimal(32,4) * decimal(16,2)`` is
  ``decimal(38,6)``).
* ``Scaled(batch, positions).eval(expr)``: the unscaled int64 values at the expression's
  scale, NULLs as Arrow's validity, or None when a value leaves the int64 range (Arrow's
  ``*_checked`` kernels detect it) or a cast's value does not fit its precision. The
  caller then evaluates the expression the ordinary way, which gives Spark's answer or
  its error (``NUMERIC_VALUE_OUT_OF_RANGE`` under ANSI, NULL without): the fast path never
  decides an error or a NULL itself. Spark's result types for ``+ -`` and ``*`` always
  hold their operands' exact result, so a value inside the int64 range (< 10^19) fits any
  result precision of 19 or more, and a result precision under 19 is never bounded: no
  check is needed on results beyond int64 overflow. Repeated subexpressions (Q1's
  ``price * (1 - disc)``) are computed once per batch (a memo by structure).
* ``sum_fits(values, groups_rows)``: whether int64 sums of these values cannot overflow
  (rows times the largest magnitude under 2^63); ``to_decimal(values, precision, scale)``
  turns unscaled int64 values (a few partial sums) back into Spark's decimal128.
* ``exact_double(arr, scale)``: a decimal of precision <= 18 as double the way Spark's
  ``Decimal.toDouble`` computes it for such values (held as a long): the unscaled value as
  a double divided by 10^scale. Below 2^53 (precision <= 15) that is the correctly rounded
  value (``BigDecimal.doubleValue``); Arrow's decimal128 cast is not (``6150.190`` gives
  ``6150.1900000000005``, Spark ``6150.19``) and takes three times as long (TPC-H Q6
  compares ``l_discount`` with the double ``0.05``: Spark casts the decimal).

State: ``Scaled`` keeps the batch, the column positions and the memo of one batch.
"""

from __future__ import annotations

import decimal as _dec
from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import AttributeReference, Call, Cast, Expression, Literal

__all__ = ["Scaled", "exact_double", "scalable", "sum_fits", "to_decimal", "unscaled"]

_OPS = {"+": "add_checked", "-": "subtract_checked", "*": "multiply_checked"}
_INTEGRAL = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
_MAX_PRECISION = 18  # 10^18 - 1 < 2^63: every unscaled value of such a column is an int64


def _scale(dtype: T.DataType) -> int | None:
    if isinstance(dtype, T.DecimalType):
        return dtype.scale
    return 0 if isinstance(dtype, _INTEGRAL) else None


def scalable(e: Expression) -> bool:
    """Whether ``e`` (a decimal expression) can run as scaled int64 (see the module doc)."""
    if not isinstance(e.dtype, T.DecimalType):
        return False
    return _tree_ok(e)


def _tree_ok(e: Expression) -> bool:
    if isinstance(e, AttributeReference):
        return isinstance(e.dtype, T.DecimalType) and e.dtype.precision <= _MAX_PRECISION
    if isinstance(e, Literal):
        return _literal_value(e) is not None
    if isinstance(e, Cast):
        src, dst = _scale(e.child.dtype), e.dtype
        if e.try_ or src is None or not isinstance(dst, T.DecimalType) or dst.scale < src:
            return False
        return isinstance(e.child, Literal) and _literal_value(e.child) is not None or \
            isinstance(e.child.dtype, T.DecimalType) and _tree_ok(e.child)
    if isinstance(e, Call) and e.spec.name in _OPS and len(e.children) == 2 and \
            isinstance(e.dtype, T.DecimalType):
        a, b = e.children
        if not (isinstance(a.dtype, T.DecimalType) and isinstance(b.dtype, T.DecimalType)):
            return False
        s1, s2 = a.dtype.scale, b.dtype.scale
        exact = s1 + s2 if e.spec.name == "*" else max(s1, s2)
        return e.dtype.scale == exact and _tree_ok(a) and _tree_ok(b)
    return False


def _literal_value(e: Literal) -> int | None:
    """The literal's unscaled value at its type's scale, if exact and within int64."""
    v, s = e.value, _scale(e.dtype)
    if s is None or v is None or isinstance(v, bool) or not isinstance(v, (int, _dec.Decimal)):
        return None
    d = _dec.Decimal(v).scaleb(s)
    if d != d.to_integral_value():
        return None
    i = int(d)
    return i if -(1 << 63) < i < (1 << 63) else None


def unscaled(arr: Any) -> Any:
    """The int64 unscaled values of a decimal128 array of precision <= 18 (the low words
    of its 16-byte little-endian values; its validity kept)."""
    import numpy as np
    import pyarrow as pa

    n, off = len(arr), arr.offset
    if not n:
        return pa.array([], pa.int64())
    words = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=2 * (off + n))
    low = np.ascontiguousarray(words[2 * off::2])
    if not arr.null_count:
        return pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(low)])
    nulls = np.asarray(arr.is_null())
    low[nulls] = 0  # what lies under a NULL never overflows a checked kernel
    return pa.array(low, mask=nulls)


def to_decimal(values: Any, precision: int, scale: int) -> Any:
    """int64 unscaled values (an Array or ChunkedArray) as decimal128(precision, scale)."""
    import numpy as np
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    n = len(values)
    v = np.asarray(values.fill_null(0) if values.null_count else values, dtype=np.int64)
    words = np.empty((n, 2), dtype=np.int64)
    words[:, 0] = v
    words[:, 1] = v >> 63
    validity = None
    if values.null_count:
        validity = pa.array(np.asarray(values.is_valid())).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(precision, scale), n,
                                 [validity, pa.py_buffer(words)], null_count=values.null_count)


def exact_double(arr: Any, scale: int) -> Any:
    """A decimal128 array of precision <= 18 as float64 (see the module doc)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ints = unscaled(arr).cast(pa.float64(), safe=False)  # nearest, as Java's (double) long
    return ints if not scale else pc.divide(ints, pa.scalar(10.0 ** scale, pa.float64()))


def sum_fits(values: Any) -> bool:
    """Whether no int64 sum of any subset of ``values`` can overflow."""
    import pyarrow.compute as pc

    n = len(values) - values.null_count
    if not n:
        return True
    mm = pc.min_max(values)
    big = max(abs(mm["min"].as_py()), abs(mm["max"].as_py()))
    return big * n < (1 << 63)


class Scaled:
    """Scaled-int64 evaluation over one batch (see the module doc)."""

    def __init__(self, batch: Any, positions: dict[int, int]) -> None:
        self.batch = batch
        self.positions = positions
        self._memo: dict[tuple, Any] = {}

    def eval(self, e: Expression) -> Any:
        """The unscaled int64 Array of ``e`` at its scale, or None (see the module doc)."""
        import pyarrow as pa

        out = self._eval(e)
        if isinstance(out, int):
            out = pa.repeat(pa.scalar(out, pa.int64()), self.batch.num_rows)
        return out

    def _eval(self, e: Expression) -> Any:
        key = _key(e)
        if key in self._memo:
            return self._memo[key]
        out = self._compute(e)
        self._memo[key] = out
        return out

    def _compute(self, e: Expression) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(e, AttributeReference):
            col = self.batch.column(self.positions[e.expr_id])
            if isinstance(col, pa.ChunkedArray):
                col = col.combine_chunks()
            return unscaled(col)
        if isinstance(e, Literal):
            return _literal_value(e)
        if isinstance(e, Cast):
            inner = self._eval(e.child)
            if inner is None:
                return None
            factor = 10 ** (e.dtype.scale - _scale(e.child.dtype))
            limit = 10 ** e.dtype.precision
            if isinstance(inner, int):
                v = inner * factor
                return v if -limit < v < limit and -(1 << 63) < v < (1 << 63) else None
            try:
                v = inner if factor == 1 else pc.multiply_checked(inner, factor)
            except pa.ArrowInvalid:
                return None
            if e.dtype.precision <= _MAX_PRECISION and len(v) - v.null_count:
                mm = pc.min_max(v)
                if mm["min"].as_py() <= -limit or mm["max"].as_py() >= limit:
                    return None
            return v
        a, b = (self._eval(c) for c in e.children)
        if a is None or b is None:
            return None
        s1, s2 = _scale(e.children[0].dtype), _scale(e.children[1].dtype)
        name = e.spec.name
        try:
            if name != "*" and s1 != s2:  # + -: both at the larger scale
                if s1 < s2:
                    a = _times(a, 10 ** (s2 - s1))
                else:
                    b = _times(b, 10 ** (s1 - s2))
            if isinstance(a, int) and isinstance(b, int):
                v = {"+": a + b, "-": a - b, "*": a * b}[name]
                return v if -(1 << 63) < v < (1 << 63) else None
            return getattr(pc, _OPS[name])(_arg(a), _arg(b))
        except (pa.ArrowInvalid, OverflowError):
            return None


def _times(x: Any, factor: int) -> Any:
    import pyarrow.compute as pc

    if isinstance(x, int):
        v = x * factor
        if not -(1 << 63) < v < (1 << 63):
            raise OverflowError
        return v
    return pc.multiply_checked(x, factor)


def _arg(x: Any) -> Any:
    import pyarrow as pa

    return pa.scalar(x, pa.int64()) if isinstance(x, int) else x


def _key(e: Expression) -> tuple:
    kids = tuple(_key(c) for c in e.children)
    if isinstance(e, AttributeReference):
        return ("attr", e.expr_id)
    if isinstance(e, Literal):
        return ("lit", repr(e.value), repr(e.dtype))
    return (type(e).__name__, getattr(getattr(e, "spec", None), "name", ""), repr(e.dtype),
            kids)


def remainder(a: Any, b: Any, precision: int, scale: int) -> Any:
    """Spark's decimal ``a % b`` (its sign is the dividend's, as Java's BigDecimal.remainder)
    as decimal128(precision, scale), ``scale`` being the larger of the operands' scales: both
    sides as unscaled int64 at that scale and numpy's ``fmod`` when their integer digits
    allow, Python's Decimal otherwise. A NULL on either side (a zero divisor arrives as
    NULL) gives NULL. Scalars in, scalar out."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    scalars = isinstance(a, pa.Scalar) and isinstance(b, pa.Scalar)
    n = 1 if scalars else len(b if isinstance(a, pa.Scalar) else a)
    a, b = (_as_decimal_array(x, n) for x in (a, b))
    target = pa.decimal128(precision, scale)
    if all(t.precision - t.scale + scale <= _MAX_PRECISION for t in (a.type, b.type)):
        ai = unscaled(pc.cast(a, pa.decimal128(_MAX_PRECISION, scale)))
        bi = unscaled(pc.cast(b, pa.decimal128(_MAX_PRECISION, scale)))
        valid = np.asarray(pc.and_(pc.is_valid(ai), pc.is_valid(bi)))
        bv = np.asarray(bi.fill_null(1))
        r = np.fmod(np.asarray(ai.fill_null(0)), np.where(bv == 0, 1, bv))
        out = to_decimal(pa.array(r, mask=~valid), precision, scale)
    else:
        ctx = _dec.Context(prec=80)
        out = pa.array([None if x is None or y is None or y == 0 else ctx.remainder(x, y)
                        for x, y in zip(a.to_pylist(), b.to_pylist())], target)
    return out[0] if scalars else out


def _as_decimal_array(x: Any, n: int) -> Any:
    import pyarrow as pa

    if isinstance(x, pa.Scalar):
        x = pa.repeat(x, n) if x.is_valid else pa.nulls(n, x.type)
    if isinstance(x, pa.ChunkedArray):
        x = x.combine_chunks()
    if not pa.types.is_decimal(x.type):
        x = x.cast(pa.decimal128(19, 0))  # an integral operand
    return x
