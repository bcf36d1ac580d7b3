"""``counter_diff(value [, startTime])``: Spark 4.3's window function that turns a
cumulative counter into deltas (``OVER (PARTITION BY series ORDER BY time)``).

Each row's result is its value minus the previous non-NULL value of its partition, of the
value's own type; NULL on the partition's first non-NULL row, on a NULL row, and where
the counter was reset: the value went down, or ``startTime`` (a TIMESTAMP or
TIMESTAMP_NTZ saying when the counter last started from zero) differs from the previous
row's. A negative counter value is ``[COUNTER_DIFF_NEGATIVE_COUNTER_VALUE]``. The frame
is fixed at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (it shows in the column's
name, as Spark's). One pass over the sorted batch in Python keeps "the previous non-NULL
row" per partition; the comparisons are whole-column numpy.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.base import Call, Expression
from runtime.sql.expressions.binding import arity
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.expressions.window_base import RUNNING_ROWS
from runtime.sql.expressions.window_functions import without_over
from runtime.sql.arrow_types import to_arrow


def _bind(args: list[Expression], ctx: Any) -> Expression:
    arity("counter_diff", args, 1, 2)
    text = f"counter_diff({', '.join(a.sql() for a in args)})"
    if not isinstance(args[0].dtype, (T.NumericType, T.NullType)):
        raise type_mismatch(text, 1, '"NUMERIC"', args[0].sql(), args[0].dtype)
    if len(args) > 1 and not isinstance(args[1].dtype, (T.TimestampType, T.TimestampNTZType,
                                                        T.NullType)):
        raise type_mismatch(text, 2, '("TIMESTAMP" or "TIMESTAMP_NTZ")', args[1].sql(),
                            args[1].dtype)
    return Call(lookup("counter_diff"), tuple(args), args[0].dtype, True)


def _kernel(call: Any, args: list, w: Any) -> Any:
    import pyarrow as pa

    values = args[0].to_pylist()
    starts = args[1].to_pylist() if len(args) > 1 else None
    out: list = [None] * w.n
    prev_v = prev_s = None
    prev_group = -1
    for i, v in enumerate(values):
        g = int(w.gstart[i])
        if g != prev_group:
            prev_group, prev_v, prev_s = g, None, None
        if v is None:
            continue
        if v < 0:
            raise SparkRuntimeException(
                f"[COUNTER_DIFF_NEGATIVE_COUNTER_VALUE] A negative counter value {v} was "
                "provided to function `counter_diff`. Negative counter values are not allowed. "
                "SQLSTATE: 22003", errorClass="COUNTER_DIFF_NEGATIVE_COUNTER_VALUE",
                messageParameters={"value": str(v)})
        s = starts[i] if starts is not None else None
        if prev_v is not None and v >= prev_v and (starts is None or s == prev_s):
            out[i] = v - prev_v
        prev_v, prev_s = v, s
    return pa.array(out, to_arrow(call.dtype))


def _no_kernel(call: Any, args: list, ectx: Any) -> Any:
    raise without_over(call)


register(FunctionSpec("counter_diff", _bind, _no_kernel, extra={
    "window": _kernel, "needs_order": True, "window_frame": lambda c: RUNNING_ROWS}))
