"""``session_window(timeColumn, gapDuration)``: session windows (the expression).

As an expression, each row's own session: ``struct<start, end>`` = ``[t, t + gap)`` (NULL
for a NULL time), named ``session_window``; the gap is an interval string (``'5 minutes'``)
or a string column holding one per row (Spark's dynamic gap), and a gap that is not
positive gives the row no session (NULL).

Grouped by (``groupBy(session_window(...), keys)``), sessions merge: that is
runtime/sql/execution/sessions.py; on a stream, with the sessions kept in the state store
between batches, runtime/sql/streaming/session_aggregation.py.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Call, Expression, Literal
from runtime.sql.expressions.binding import arity, make_call
from runtime.sql.expressions.datetime_columns import column, width
from runtime.sql.expressions.registry import EvalContext, FunctionSpec, lookup, register
from runtime.sql.expressions.time_window import parse_duration, window_type

__all__ = ["is_session_window"]


def is_session_window(e: Any) -> bool:
    return isinstance(e, Call) and e.spec.name == "session_window"


def _bind(args: list[Expression], ctx: Any) -> Expression:
    arity("session_window", args, 2)
    ts, gap = args
    if not isinstance(ts.dtype, (T.TimestampType, T.TimestampNTZType)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve '
            f'"session_window({ts.sql()}, {gap.sql()})" due to data type mismatch: The first '
            f'parameter requires the ("TIMESTAMP" or "TIMESTAMP_NTZ") type, however '
            f'"{ts.sql()}" has the type "{ts.dtype.simpleString().upper()}". SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    if isinstance(gap, Literal) and isinstance(gap.value, str):
        parse_duration(gap.value, "gapDuration")  # a bad literal fails here
    elif not isinstance(gap.dtype, (T.StringType, T.DayTimeIntervalType)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve '
            f'"session_window({ts.sql()}, {gap.sql()})" due to data type mismatch: The second '
            f'parameter requires the ("STRING" or "INTERVAL DAY TO SECOND") type, however '
            f'"{gap.sql()}" has the type "{gap.dtype.simpleString().upper()}". '
            'SQLSTATE: 42K09', errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    return make_call(lookup("session_window"), [ts, gap], window_type(ts.dtype), False)


def _gaps(arr: Any, n: int) -> Any:
    """Per row, the gap in microseconds (0: none)."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_duration(arr.type):
        return np.asarray(arr.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
    out = np.zeros(n, dtype=np.int64)
    cache: dict = {}
    for i, s in enumerate(arr.to_pylist()):
        if s is None:
            continue
        if s not in cache:
            try:
                cache[s] = parse_duration(s, "gapDuration")
            except AnalysisException:
                cache[s] = 0
        out[i] = cache[s]
    return out


def _session(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = width(args)
    arr = column(args[0], n)
    us = arr.cast(pa.int64())
    ts = np.asarray(us.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
    gap = _gaps(column(args[1], n), n)
    ok = np.asarray(us.is_valid().to_numpy(zero_copy_only=False)) & (gap > 0)
    start = pa.array(ts, pa.int64()).cast(arr.type)
    end = pa.array(ts + gap, pa.int64()).cast(arr.type)
    return pa.StructArray.from_arrays([start, end], names=["start", "end"],
                                      mask=pa.array(~ok))


register(FunctionSpec("session_window", _bind, _session, lambda c: "session_window"))
