"""The physical window operator: window functions over sorted partitions.

The planner puts ``WindowExec`` over ``Sort(partition keys, order keys)`` over
``Exchange hashpartitioning(partition keys)`` (one partition when there are no keys), so a
task's input holds whole window partitions, sorted (a stable sort: ties keep their input
order, as Spark's do). ``run`` then works on the task's rows as one Arrow batch:

1. evaluate the partition and order keys; ``segments`` marks where consecutive rows differ
   (NULL equals NULL and NaN equals NaN here, as in Spark's grouping): for every row, the
   start and end (half-open) of its **partition** (``gstart``/``gend``) and of its **peer
   group** (``pstart``/``pend``: equal partition and order keys);
2. for each window expression, ``frame_bounds`` turns the frame into per-row
   ``fstart``/``fend``: ROWS offsets are clipped arithmetic; RANGE ``CURRENT ROW`` is the
   peer group; RANGE offsets are ``searchsorted`` on the single numeric order key within
   the partition's non-NULL rows (descending keys negated first; NULL keys frame their own
   peers);
3. a ranking/offset function's kernel (window_functions.py) or an aggregate over frames
   (window_aggregates.py) computes the whole column with numpy/pyarrow; the columns are
   appended to the input.

``WindowGroups`` carries the arrays of step 1 and 2 to the kernels. State: none beyond the
bound positions of the child's attributes and the output schema (``__post_init__``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.execution.operators import PhysicalPlan, _attrs, _expr_str, positions_of, schema_of
from runtime.sql.expressions.base import AggCall, AttributeReference
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.expressions.window_aggregates import frame_aggregate
from runtime.sql.expressions.window_base import FrameBound, WindowFrame
from runtime.sql.plan.logical import _order

__all__ = ["WindowExec", "WindowGroups", "segments"]


@dataclass
class WindowGroups:
    n: int
    gstart: Any
    gend: Any
    pstart: Any
    pend: Any
    fstart: Any = None
    fend: Any = None


def _changes(k: Any) -> Any:
    """Boolean numpy array: row i (i >= 1) differs from row i - 1 on key ``k``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(k)
    a, b = k.slice(1), k.slice(0, n - 1)
    if isinstance(k.type, (pa.ListType, pa.StructType, pa.MapType, pa.LargeListType)):
        va, vb = a.to_pylist(), b.to_pylist()
        return np.array([x != y for x, y in zip(va, vb)], bool)
    va = np.asarray(pc.is_valid(a))
    vb = np.asarray(pc.is_valid(b))
    ne = np.asarray(pc.fill_null(pc.not_equal(a, b), False))
    if pa.types.is_floating(k.type):
        both_nan = np.asarray(pc.fill_null(pc.and_(pc.is_nan(a), pc.is_nan(b)), False))
        ne = ne & ~both_nan
    return (va != vb) | (va & vb & ne)


def segments(keys: list, n: int) -> tuple[Any, Any]:
    """Per row: the start and (exclusive) end of its run of equal ``keys``."""
    import numpy as np

    boundary = np.zeros(n, bool)
    if n:
        boundary[0] = True
    for k in keys:
        if n > 1:
            boundary[1:] |= _changes(k)
    idx = np.arange(n)
    starts = np.flatnonzero(boundary)
    gid = np.cumsum(boundary) - 1
    ends = np.append(starts[1:], n)
    return starts[gid] if n else idx, ends[gid] if n else idx


def _rows_bound(b: FrameBound, w: WindowGroups, lower: bool) -> Any:
    import numpy as np

    i = np.arange(w.n)
    if b.kind == "unbounded_preceding":
        return w.gstart.copy()
    if b.kind == "unbounded_following":
        return w.gend.copy()
    k = 0 if b.kind == "current" else int(b.value)
    pos = i + k + (0 if lower else 1)
    return np.clip(pos, w.gstart, w.gend)


def _range_keys(key: Any, ascending: bool) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_decimal(key.type):
        key = pc.cast(key, pa.float64())
    elif pa.types.is_date32(key.type) or pa.types.is_timestamp(key.type):
        key = pc.cast(key, pa.int64())
    vals = np.asarray(pc.fill_null(key, 0).to_numpy(zero_copy_only=False))
    vals = vals.astype(np.float64) if vals.dtype.kind == "f" else vals.astype(np.int64)
    return vals if ascending else -vals


def _range_bound(b: FrameBound, w: WindowGroups, lower: bool, key: Any, order: Any) -> Any:
    import numpy as np
    import pyarrow.compute as pc

    if b.kind == "unbounded_preceding":
        return w.gstart.copy()
    if b.kind == "unbounded_following":
        return w.gend.copy()
    if b.kind == "current":
        return (w.pstart if lower else w.pend).copy()
    vals = _range_keys(key, order.ascending)
    valid = np.asarray(pc.is_valid(key))
    out = np.where(lower, w.pstart, w.pend).astype(np.int64)  # NULL keys: their peers
    nulls_first = order.nulls_first_effective
    bounds = list(np.flatnonzero(np.arange(w.n) == w.gstart)) + [w.n]
    for s, e in zip(bounds[:-1], bounds[1:]):
        nnull = int((~valid[s:e]).sum())
        a, z = (s + nnull, e) if nulls_first else (s, e - nnull)
        if a >= z:
            continue
        seg = vals[a:z]
        target = seg + b.value
        found = np.searchsorted(seg, target, side="left" if lower else "right") + a
        out[a:z] = found
    return out


def frame_bounds(frame: WindowFrame, w: WindowGroups, okeys: list, orders: list
                 ) -> tuple[Any, Any]:
    import numpy as np

    if frame.kind == "rows":
        lo = _rows_bound(frame.lower, w, True)
        hi = _rows_bound(frame.upper, w, False)
    else:
        key = okeys[0] if okeys else None
        order = orders[0] if orders else None
        lo = _range_bound(frame.lower, w, True, key, order)
        hi = _range_bound(frame.upper, w, False, key, order)
    return lo, np.maximum(hi, lo)


@dataclass(eq=False)
class WindowExec(PhysicalPlan):
    window_exprs: list  # Alias(WindowExpression)
    partition: list
    orders: list  # SortOrder
    children: tuple

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._in_schema = schema_of(self.children[0].output)
        self._out = list(self.children[0].output) + [e.to_attribute() for e in self.window_exprs]
        self._schema = schema_of(self._out)

    @property
    def output(self) -> list[AttributeReference]:
        return self._out

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        got = [b for b in batches if b.num_rows]
        if not got:
            return
        batch = pa.Table.from_batches(got, schema=self._in_schema).combine_chunks() \
            .to_batches()[0]
        n = batch.num_rows
        pkeys = [materialize(evaluate(e, batch, self._pos, ectx), n) for e in self.partition]
        okeys = [materialize(evaluate(o.child, batch, self._pos, ectx), n) for o in self.orders]
        gstart, gend = segments(pkeys, n)
        pstart, pend = segments(pkeys + okeys, n)
        cols = list(batch.columns)
        fields = list(self._schema)[len(cols):]
        for alias, field in zip(self.window_exprs, fields):
            we = alias.child
            fn = we.function
            w = WindowGroups(n, gstart, gend, pstart, pend)
            w.fstart, w.fend = frame_bounds(we.spec.frame, w, okeys, self.orders)
            args = [materialize(evaluate(c, batch, self._pos, ectx), n) for c in fn.children]
            if isinstance(fn, AggCall):
                v = frame_aggregate(fn, args, w)
            else:
                v = fn.spec.extra["window"](fn, args, w)
            if isinstance(v, pa.ChunkedArray):
                v = v.combine_chunks()
            cols.append(v if v.type == field.type else v.cast(field.type))
        yield pa.RecordBatch.from_arrays(cols, schema=self._schema)

    def node_name(self) -> str:
        return "Window"

    def arg_string(self) -> str:
        def one(a: Any) -> str:
            we = a.child
            spec = we.spec
            inner = [_expr_str(p) for p in spec.partition] + \
                [_order(o) for o in spec.orders] + [spec.frame.debug()]
            return f"{_expr_str(we.function)} windowspecdefinition({', '.join(inner)}) " \
                f"AS {a.name}#{a.expr_id}"
        return "[" + ", ".join(one(a) for a in self.window_exprs) + "], " + \
            _attrs(self.partition) + ", [" + ", ".join(_order(o) for o in self.orders) + "]"


_unused = T
