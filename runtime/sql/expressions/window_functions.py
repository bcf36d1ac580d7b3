"""Ranking and offset window functions: row_number, rank, dense_rank, percent_rank,
cume_dist, ntile, lag, lead, nth_value.

Each is a registry ``FunctionSpec`` whose ``extra["window"]`` is its kernel over one sorted
partition batch (see execution/window.py for the ``WindowGroups`` it receives: numpy arrays
of each row's partition start/end ``gstart``/``gend``, peer-group start/end
``pstart``/``pend`` (rows with equal ORDER BY keys), and the frame ``fstart``/``fend``, all
half-open row positions). Everything is computed with numpy over the whole batch, never a
Python loop per row:

* row_number = i - gstart + 1; rank = pstart - gstart + 1; dense_rank counts the peer-group
  starts since the partition start; percent_rank = (rank - 1) / (n - 1) (0 for n = 1);
  cume_dist = (pend - gstart) / n;
* ntile(k): Spark's buckets (the first n % k buckets hold one row more);
* lag/lead(x, offset, default): the row ``offset`` before/after within the partition, else
  the default (IGNORE NULLS: the offset-th non-NULL row); nth_value(x, k [ignore nulls]): the k-th (non-NULL) row of the frame.

``extra["window_frame"]`` gives the fixed frame of a ranking/offset function (Spark names the
column with it: ``lag(v, 1, NULL) OVER (... ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)``).
Used without OVER, any of them is ``[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]``.
"""

from __future__ import annotations

from dataclasses import replace as _replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Call, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions import aggregates  # noqa: F401 - registers first/last (renamed below)
from runtime.sql.expressions.registry import FUNCTIONS, FunctionSpec, lookup, register
from runtime.sql.expressions.window_base import (
    RUNNING_RANGE, RUNNING_ROWS, WindowFrame, offset_bound)
from runtime.sql.arrow_types import to_arrow

__all__ = ["without_over"]


def without_over(call: Any) -> AnalysisException:
    return AnalysisException(
        f'[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function "{call.sql()}" requires an '
        "OVER clause. SQLSTATE: 42601", errorClass="WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
        messageParameters={"funcName": f'"{call.sql()}"'})


def _no_kernel(call: Any, args: list, ectx: Any) -> Any:
    raise without_over(call)


def _window(name: str, bind: Any, kernel: Any, pretty: Any, frame: Any = None,
            needs_order: bool = True) -> None:
    extra = {"window": kernel, "needs_order": needs_order}
    if frame is not None:
        extra["window_frame"] = frame
    register(FunctionSpec(name, bind, _no_kernel, pretty, extra=extra))


def _np_result(values: Any, dtype: T.DataType) -> Any:
    import pyarrow as pa

    return pa.array(values, to_arrow(dtype))


# -- ranking ----------------------------------------------------------------------------------------
def _bind_nullary(name: str, dtype: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 0)
        return Call(lookup(name), (), dtype, False)
    return bind


def _row_number(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    return _np_result((np.arange(w.n) - w.gstart + 1).astype(np.int32), T.IntegerType())


def _rank(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    return _np_result((w.pstart - w.gstart + 1).astype(np.int32), T.IntegerType())


def dense_ranks(w: Any) -> Any:
    import numpy as np

    idx = np.arange(w.n)
    starts = (idx == w.pstart).astype(np.int64)
    cum = np.cumsum(starts)
    return cum - cum[w.gstart] + 1


def _dense_rank(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    return _np_result(dense_ranks(w).astype(np.int32), T.IntegerType())


def _percent_rank(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    size = (w.gend - w.gstart).astype(np.float64)
    rank = (w.pstart - w.gstart).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(size > 1, rank / np.maximum(size - 1, 1), 0.0)
    return _np_result(out, T.DoubleType())


def _cume_dist(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    out = (w.pend - w.gstart).astype(np.float64) / (w.gend - w.gstart).astype(np.float64)
    return _np_result(out, T.DoubleType())


def _upper_pretty(name: str):
    return lambda call: f"{name}()"


_window("row_number", _bind_nullary("row_number", T.IntegerType()), _row_number,
        lambda c: "row_number()", lambda c: RUNNING_ROWS)
_window("rank", _bind_nullary("rank", T.IntegerType()), _rank, _upper_pretty("RANK"),
        lambda c: RUNNING_ROWS)
_window("dense_rank", _bind_nullary("dense_rank", T.IntegerType()), _dense_rank,
        _upper_pretty("DENSE_RANK"), lambda c: RUNNING_ROWS)
_window("percent_rank", _bind_nullary("percent_rank", T.DoubleType()), _percent_rank,
        _upper_pretty("PERCENT_RANK"), lambda c: RUNNING_ROWS)
_window("cume_dist", _bind_nullary("cume_dist", T.DoubleType()), _cume_dist,
        lambda c: "cume_dist()", lambda c: RUNNING_RANGE)


# -- ntile --------------------------------------------------------------------------------------------
def _bind_ntile(args: list[Expression], ctx: Any) -> Expression:
    arity("ntile", args, 1)
    a = args[0]
    if not isinstance(a, Literal) or not isinstance(a.dtype, T.IntegralType) or \
            a.value is None or not 0 < int(a.value) <= 2147483647:
        value = getattr(a, "value", a.sql())
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve "ntile({a.sql()})" due to '
            "data type mismatch: The buckets must be between (0, 2147483647] (current value "
            f"= {value}). SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    return Call(lookup("ntile"), (a,), T.IntegerType(), False)


def _ntile(call: Any, args: list, w: Any) -> Any:
    import numpy as np

    k = int(call.children[0].value)
    i = np.arange(w.n) - w.gstart
    n = w.gend - w.gstart
    size, rem = n // k, n % k
    big = rem * (size + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.where(size > 0, (i - big) // np.maximum(size, 1) + rem + 1, i + 1)
    out = np.where(i < big, i // (size + 1) + 1, small)
    return _np_result(out.astype(np.int32), T.IntegerType())


_window("ntile", _bind_ntile, _ntile, lambda c: f"ntile({c.children[0].sql()})",
        lambda c: RUNNING_ROWS)


# -- lag / lead ------------------------------------------------------------------------------------
def _bind_offset(name: str, sign: int):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 3)
        x = args[0]
        offset = args[1] if len(args) > 1 else Literal(1, T.IntegerType())
        if not isinstance(offset, Literal) or not isinstance(offset.dtype, T.IntegralType):
            raise AnalysisException(
                f"[NON_FOLDABLE_ARGUMENT] The function `{name}` requires the parameter "
                "`offset` to be a foldable expression of the type \"INT\", but the actual "
                f"argument is a non-foldable. SQLSTATE: 42K08",
                errorClass="NON_FOLDABLE_ARGUMENT")
        default = args[2] if len(args) > 2 else Literal(None, T.NullType())
        dtype = x.dtype
        if not isinstance(default.dtype, T.NullType) and default.dtype != dtype:
            wide = common_type([dtype, default.dtype])
            if wide is not None:
                dtype = wide
                x = cast_to(x, dtype)
        default = cast_to(default, dtype)
        offset = Literal(int(offset.value), T.IntegerType())
        return Call(lookup(name), (x, offset, default), dtype, True, (("sign", sign),))
    return bind


def _offset_frame(call: Any) -> WindowFrame:
    k = dict(call.options)["sign"] * int(call.children[1].value)
    b = offset_bound(k)
    return WindowFrame("rows", b, b)


def _offset_pretty(call: Any) -> str:
    x, off, default = call.children
    tail = " ignore nulls" if dict(call.options).get("ignorenulls") else ""
    return f"{call.spec.name}({x.sql()}, {off.sql()}, {default.sql()}){tail}"


def _lag_lead(call: Any, args: list, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    x, _, default = args
    opts = dict(call.options)
    k = opts["sign"] * int(call.children[1].value)
    if opts.get("ignorenulls") and k != 0:
        j, ok = _non_null_offset(x, k, w)
    else:
        j = np.arange(w.n) + k
        ok = (j >= w.gstart) & (j < w.gend)
    taken = x.take(pa.array(np.where(ok, j, 0), pa.int64())) if w.n else x
    return pc.if_else(pa.array(ok, pa.bool_()), taken, default)


def _non_null_offset(x: Any, k: int, w: Any) -> Any:
    """IGNORE NULLS: each row's |k|-th non-NULL row before (k < 0) or after (k > 0) it in
    its partition, from the running count of non-NULL rows (``cum[i]`` = non-NULL rows
    before row i)."""
    import numpy as np
    import pyarrow.compute as pc

    valid = np.asarray(pc.is_valid(x).to_numpy(zero_copy_only=False), dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(valid)])
    i = np.arange(w.n)
    if k < 0:  # the row p < i with cum[p] == cum[i] + k and p non-NULL
        target = cum[i] + k
        ok = target >= cum[w.gstart]
    else:  # the row p > i with cum[p + 1] == cum[i + 1] + k
        target = cum[i + 1] + k - 1
        ok = target < cum[w.gend]
    j = np.searchsorted(cum, target + 1, side="left") - 1
    return np.where(ok, j, 0), ok


_window("lag", _bind_offset("lag", -1), _lag_lead, _offset_pretty, _offset_frame)
_window("lead", _bind_offset("lead", 1), _lag_lead, _offset_pretty, _offset_frame)


# -- nth_value --------------------------------------------------------------------------------------
def _bind_nth(args: list[Expression], ctx: Any) -> Expression:
    arity("nth_value", args, 2, 3)
    x, k = args[0], args[1]
    if not isinstance(k, Literal) or not isinstance(k.dtype, T.IntegralType) or \
            k.value is None or int(k.value) <= 0:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] Cannot resolve "nth_value({x.sql()}, '
            f'{k.sql()})" due to data type mismatch: The offset must be greater than 0 '
            f"(current value = {getattr(k, 'value', k.sql())}). SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    ignore = len(args) > 2 and bool(getattr(args[2], "value", False))
    return Call(lookup("nth_value"), (x, Literal(int(k.value), T.IntegerType())), x.dtype, True,
                (("ignorenulls", ignore),))


def _nth_pretty(call: Any) -> str:
    tail = " ignore nulls" if dict(call.options).get("ignorenulls") else ""
    return f"nth_value({call.children[0].sql()}, {call.children[1].sql()}){tail}"


def _nth_value(call: Any, args: list, w: Any) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    x = args[0]
    k = int(call.children[1].value)
    if dict(call.options).get("ignorenulls"):
        valid = np.asarray(pc.is_valid(x).to_numpy(zero_copy_only=False), dtype=np.int64)
        cum = np.concatenate([[0], np.cumsum(valid)])
        # the k-th valid row at or after fstart: position p with cum[p+1] == cum[fstart] + k
        target = cum[w.fstart] + k
        pos = np.searchsorted(cum, target, side="left") - 1
        ok = (target <= cum[w.fend]) & (w.fend > w.fstart)
    else:
        pos = w.fstart + k - 1
        ok = pos < w.fend
    if not w.n:
        return x
    taken = x.take(pa.array(np.where(ok, pos, 0), pa.int64()))
    return pc.if_else(pa.array(ok, pa.bool_()), taken, pa.scalar(None, x.type))


_window("nth_value", _bind_nth, _nth_value, _nth_pretty)


# -- first_value / last_value: first/last under their own names ------------------------------------
def _named_like(name: str, base: str) -> None:
    spec = FUNCTIONS[base]  # not lookup(): importing this module must not load every kernel

    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        return _replace(spec.bind(args, ctx, distinct), spec=own)

    own = register(_replace(spec, name=name, bind=bind,
                            extra={**spec.extra, "pretty_name": name}))


_named_like("first_value", "first")
_named_like("last_value", "last")
