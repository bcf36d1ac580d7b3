"""Common subexpression elimination for one operator's expressions (Spark's
``spark.sql.subexpressionElimination.enabled``, on by default).

TPC-H Q1 sums ``price * (1 - disc)`` and ``price * (1 - disc) * (1 + tax)``: evaluated as
written, the decimal product runs twice over every row. ``eliminate(exprs)`` finds each
deterministic, non-trivial expression that occurs more than once, gives it an attribute,
and rewrites the expressions to read that attribute; ``Subexpressions.extend(batch)``
evaluates the shared ones once per batch (in dependency order) and appends them as columns.

Only subexpressions that are always evaluated are shared: the search does not descend into
CASE WHEN, into lazily evaluated calls (``if``, ``coalesce``... whose kernels choose what to
evaluate) nor into aggregates' FILTER-like options, so computing a shared value up front
never raises an error (ANSI overflow, division by zero) that the row's own evaluation
would not have raised. Greedy: the largest repeated expression first, then the counts are
taken again over the rewritten expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Call, CaseWhen, Cast, Expression, Literal,
    transform_up)
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext

__all__ = ["Subexpressions", "eliminate"]


def _key(e: Expression) -> tuple:
    """Structural identity: two expressions with equal keys compute the same column (the
    SQL text is not enough: hidden options such as a moment term's powers do not show)."""
    kids = tuple(_key(c) for c in e.children)
    if isinstance(e, AttributeReference):
        return ("attr", e.expr_id)
    if isinstance(e, Call):
        return ("call", e.spec.name, id(e.spec), repr(getattr(e, "options", ())),
                repr(e.dtype), kids)
    if isinstance(e, Cast):
        return ("cast", repr(e.dtype), e.try_, e.ansi, kids)
    if isinstance(e, Literal):
        return ("lit", type(e.value).__name__, repr(e.value), repr(e.dtype))
    return ("other", id(e))


def _shareable(e: Expression) -> bool:
    if isinstance(e, Call):
        return e.spec.deterministic and not e.spec.extra.get("lazy") and \
            not e.spec.generator and not e.spec.agg and bool(e.references())
    return isinstance(e, Cast) and bool(e.references())


def _walk(e: Expression, counts: dict[tuple, list], top: bool) -> None:
    if isinstance(e, (CaseWhen, AttributeReference)):
        return
    if not top and _shareable(e):
        counts.setdefault(_key(e), []).append(e)
    if isinstance(e, Call) and e.spec.extra.get("lazy"):
        return
    for c in e.children:
        _walk(c, counts, False)


def _size(e: Expression) -> int:
    return 1 + sum(_size(c) for c in e.children)


@dataclass
class Subexpressions:
    """The shared expressions (evaluated in order, each may read the earlier ones)."""

    shared: list = field(default_factory=list)  # Alias nodes

    def extend(self, batch: Any, positions: dict[int, int], ectx: EvalContext
               ) -> tuple[Any, dict[int, int]]:
        if not self.shared:
            return batch, positions
        import pyarrow as pa

        cols, names, pos = list(batch.columns), list(batch.schema.names), dict(positions)
        for a in self.shared:
            b = pa.RecordBatch.from_arrays(cols, names=names)
            cols.append(materialize(evaluate(a.child, b, pos, ectx), batch.num_rows))
            names.append(f"__cse{len(names)}")
            pos[a.expr_id] = len(cols) - 1
        return pa.RecordBatch.from_arrays(cols, names=names), pos


def eliminate(exprs: list[Expression]) -> tuple[Subexpressions, list[Expression]]:
    """``exprs`` (each evaluated over the same rows) rewritten to share repeated work."""
    shared: list[Alias] = []
    out = list(exprs)
    while True:
        counts: dict[tuple, list] = {}
        for e in out:
            if isinstance(e, AggCall):
                for c in e.children:
                    _walk(c, counts, False)
            else:
                _walk(e, counts, False)
        repeated = [v[0] for v in counts.values() if len(v) > 1]
        if not repeated:
            break
        best = max(repeated, key=_size)
        alias = Alias((best,), f"__cse{len(shared)}")
        attr = AttributeReference(alias.name, best.dtype, True, expr_id=alias.expr_id)
        key = _key(best)

        def sub(x: Expression, key: tuple = key, attr: AttributeReference = attr
                ) -> Expression | None:
            return attr if _shareable(x) and _key(x) == key else None

        out = [transform_up(e, sub) for e in out]
        shared.append(alias)
    # a shared expression may contain a later one: rewrite it to read the later one and
    # order them so each comes after what it reads
    done: list[Alias] = []
    pending = list(shared)
    while pending:
        for a in pending:
            inner = a.child
            for b in shared:
                if b is not a:
                    kb = _key(b.child)
                    inner = transform_up(inner, lambda x, kb=kb, b=b: AttributeReference(
                        b.name, b.child.dtype, True, expr_id=b.expr_id)
                        if _shareable(x) and _key(x) == kb else None)
            needs = inner.references() & {b.expr_id for b in pending if b is not a}
            if not needs:
                done.append(Alias((inner,), a.name, a.expr_id))
                pending.remove(a)
                break
        else:  # unreachable for trees; keep every expression whole rather than loop
            return Subexpressions(), list(exprs)
    return Subexpressions(done), out
