"""Evaluate bound expressions on a RecordBatch, column at a time.

``evaluate(expr, batch, positions, ectx)`` returns a ``pa.Array`` (or a ``pa.Scalar`` for
an expression without column inputs; ``materialize`` turns that into an array of the batch's
length). ``positions`` maps each input attribute's ``expr_id`` to its column index in the
batch (the binding the physical operator computed once from its child's output).
Nothing here loops over rows: kernels are pyarrow.compute calls plus Spark's semantics.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Call, CaseWhen, Cast, Expression, Literal)
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.arrow_types import column_from_python
from runtime.sql.expressions.casts import cast_array

__all__ = ["evaluate", "is_deterministic", "literal_scalar", "materialize"]


def literal_scalar(value: Any, dtype: T.DataType):
    import pyarrow as pa


    if value is None:
        return pa.scalar(None, type=to_arrow(dtype))
    return column_from_python([value], dtype)[0]


def materialize(value: Any, n: int):
    import pyarrow as pa

    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks() if value.num_chunks != 1 else value.chunk(0)
    if isinstance(value, pa.Scalar):
        if not value.is_valid:
            return pa.nulls(n, type=value.type)
        return pa.repeat(value, n)
    return value


def evaluate(expr: Expression, batch: Any, positions: dict[int, int], ectx: EvalContext) -> Any:
    if isinstance(expr, AttributeReference):
        return batch.column(positions[expr.expr_id])
    if isinstance(expr, Literal):
        return literal_scalar(expr.value, expr.dtype)
    if isinstance(expr, Alias):
        return evaluate(expr.child, batch, positions, ectx)
    if isinstance(expr, Cast):
        child = evaluate(expr.child, batch, positions, ectx)
        ansi = ectx.ansi if expr.ansi is None else expr.ansi
        return cast_array(child, expr.child.dtype, expr.dtype, ansi and not expr.try_, ectx)
    if isinstance(expr, Call):
        if expr.spec.extra.get("lazy"):
            return expr.spec.kernel(expr, batch, positions, ectx)
        if expr.spec.name in _SHORT_CIRCUIT and is_deterministic(expr):
            return _short_circuit(expr, batch, positions, ectx)
        args = [evaluate(c, batch, positions, ectx) for c in expr.children]
        return expr.spec.kernel(expr, args, ectx)
    if isinstance(expr, CaseWhen):
        return _case_when(expr, batch, positions, ectx)
    raise TypeError(f"cannot evaluate {type(expr).__name__}: {expr.sql()}")


def is_deterministic(expr: Expression) -> bool:
    """Whether no part of ``expr`` depends on the row's position or draws at random."""
    return getattr(expr, "deterministic", True) and \
        all(is_deterministic(c) for c in expr.children)


#: AND and OR: the left value that decides the result without the right side
_SHORT_CIRCUIT = {"and": False, "or": True}


def _short_circuit(expr: Call, batch: Any, positions: dict[int, int], ectx: EvalContext):
    """As Spark's And/Or: the right side is evaluated only on the rows the left does not
    decide (AND: left not false; OR: left not true), so ``d <> 0 AND x / d > 1`` never
    divides by zero. Kleene logic on the rest; a decided row's right side counts as NULL,
    which leaves its result as the left decided it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows
    deciding = _SHORT_CIRCUIT[expr.spec.name]
    kernel = pc.and_kleene if expr.spec.name == "and" else pc.or_kleene
    left = materialize(evaluate(expr.children[0], batch, positions, ectx), n)
    decided = pc.fill_null(left if deciding else pc.invert(left), False)
    k = pc.sum(decided).as_py() or 0
    if k == n:
        return left
    if not k:
        return kernel(left, evaluate(expr.children[1], batch, positions, ectx))
    keep = pc.invert(decided)
    rest = batch.filter(keep)
    right = materialize(evaluate(expr.children[1], rest, positions, ectx), rest.num_rows)
    index = np.full(n, len(right), dtype=np.int64)
    index[keep.to_numpy(zero_copy_only=False)] = np.arange(len(right))
    right = pa.concat_arrays([right, pa.nulls(1, type=right.type)]).take(pa.array(index))
    return kernel(left, right)


def _case_when(expr: CaseWhen, batch: Any, positions: dict[int, int], ectx: EvalContext):
    """As Spark: a branch's value is evaluated only on the rows that reach it (the rows its
    condition holds for and no earlier one did), and a condition only on the rows no earlier
    condition took, so ``CASE WHEN d <> 0 THEN x / d END`` never divides by zero. A CASE with
    a non-deterministic part (rand, monotonically_increasing_id: they depend on the row's
    position in the batch) is evaluated on whole columns instead."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not is_deterministic(expr):
        return _case_when_whole(expr, batch, positions, ectx)
    n = batch.num_rows
    target = to_arrow(expr.dtype)
    rows = np.arange(n)   # the batch rows still unmatched, and their sub-batch
    rest = batch
    pieces: list[tuple[Any, Any]] = []  # (batch rows, their values)

    def values(e: Expression, part: Any):
        v = materialize(evaluate(e, part, positions, ectx), part.num_rows)
        return v.cast(target) if v.type != target else v

    for cond, value in expr.branches:
        if not len(rows):
            break
        c = materialize(evaluate(cond, rest, positions, ectx), rest.num_rows)
        c = pc.fill_null(c, False).to_numpy(zero_copy_only=False)
        if not c.any():
            continue
        if c.all():
            pieces.append((rows, values(value, rest)))
            rows = rows[:0]
            break
        pieces.append((rows[c], values(value, rest.filter(pa.array(c)))))
        rows, rest = rows[~c], rest.filter(pa.array(~c))
    if len(rows) and expr.has_else:
        pieces.append((rows, values(expr.else_value, rest)))  # type: ignore[arg-type]
    if len(pieces) == 1 and len(pieces[0][0]) == n:
        return pieces[0][1]
    # scatter: row i takes its value from the concatenated pieces, or the trailing NULL
    stacked = pa.concat_arrays([v for _, v in pieces] + [pa.nulls(1, type=target)])
    index = np.full(n, len(stacked) - 1, dtype=np.int64)
    offset = 0
    for at, v in pieces:
        index[at] = np.arange(offset, offset + len(v))
        offset += len(v)
    return stacked.take(pa.array(index))


def _case_when_whole(expr: CaseWhen, batch: Any, positions: dict[int, int],
                     ectx: EvalContext):
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows
    target = to_arrow(expr.dtype)
    if expr.has_else:
        result = materialize(evaluate(expr.else_value, batch, positions, ectx), n)  # type: ignore
    else:
        result = pa.nulls(n, type=target)
    result = result.cast(target) if result.type != target else result
    for cond, value in reversed(expr.branches):
        c = materialize(evaluate(cond, batch, positions, ectx), n)
        c = pc.fill_null(c, False)
        v = materialize(evaluate(value, batch, positions, ectx), n)
        v = v.cast(target) if v.type != target else v
        result = pc.if_else(c, v, result)
    return result
