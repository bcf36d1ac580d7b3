"""Joins on Arrow: equi-join keys through Arrow's hash join, everything else vectorized.

``join_batches(left, right, ...)`` joins one left and one right input (a partition pair of
a shuffled join, or a stream partition against the broadcast build side):

1. the equi-join keys (``l = r`` conjuncts of the condition, split out by the planner) are
   evaluated on each side. Integer-like keys (hash_index.py) index the build side once
   (a broadcast join probes that index with every stream batch) and give the matching
   row-id pairs in order; other keys go through Arrow's join of two small tables
   ``(keys, row id)`` (inner), whose pairs are then sorted into that order. Nested payload
   columns never enter a join, which cannot carry them;
2. the residual condition (whatever is not an equi-key) is evaluated on the matched pairs
   and filters them;
3. the join type decides what is emitted: matched pairs (inner/cross), plus unmatched left
   rows padded with NULLs (left/full), unmatched right rows (right/full), or only left rows
   with (semi) or without (anti) a match. ``take`` with NULL row ids pads.

NULL keys never match (Spark's ``=``). Float keys are normalized (-0.0 -> 0.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.hash_index import KeyIndex
from runtime.sql.execution.operators import (
    PhysicalPlan, _attrs, _expr_str, empty_batch, positions_of, schema_of)
from runtime.sql.execution.spill import BatchBuffer, HashBuckets, SpillResources
from runtime.sql.expressions.base import AttributeReference, Expression
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan.logical import JOIN_NAMES
from runtime.sql.types import LongType

__all__ = ["JoinExec", "join_batches"]

#: a broadcast join whose keys Arrow must join (no KeyIndex) gathers this many stream rows
#: per call: Arrow rebuilds its hash table of the build side on every call
ARROW_PROBE_ROWS = 1 << 20
_AUTO = object()  # join_batches: build the index of the right side itself
#: join types whose pairs do not depend on which side builds the index
_EITHER_SIDE = ("inner", "cross", "semi", "anti")


@dataclass(eq=False)
class JoinExec(PhysicalPlan):
    join_type: str
    left_keys: list
    right_keys: list
    residual: Expression | None
    children: tuple
    strategy: str  # "broadcast" (right side broadcast) or "shuffled"
    attrs: list
    hint: str | None = None  # the join's SQL/DataFrame hint (a hinted join stays as planned)
    kind = "join"

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    def join(self, index: int, left: Iterator[Any], right: Any, ectx: EvalContext,
             res: SpillResources | None = None) -> Iterator[Any]:
        """Partition ``index``: the left stream joined with the right side (the broadcast
        build side, or the right shuffle's partition). A broadcast join streams the left
        side batch by batch; a shuffled equi-join under a memory budget (``res``) that
        does not fit goes Grace: both sides to hash buckets on disk, joined bucket by
        bucket (rows with equal keys meet in one bucket; unmatched rows of an outer join
        stay unmatched in theirs)."""
        lo, ro = self.children[0].output, self.children[1].output
        schema = schema_of(self.attrs)
        if self.strategy == "broadcast":
            rb = _concat(list(right), ro)
            index = KeyIndex.build(_keys(rb, self.right_keys, ro, ectx)) \
                if self.left_keys else None
            for b in _gathered(left, lo, ARROW_PROBE_ROWS if index is None else 0):
                yield join_batches(b, rb, lo, ro, self.left_keys, self.right_keys,
                                   self.residual, self.join_type, schema, ectx, index)
            return
        if res is None or not self.left_keys:
            lb = _concat(list(left), lo)
            rb = _concat(list(right), ro)
            yield join_batches(lb, rb, lo, ro, self.left_keys, self.right_keys, self.residual,
                               self.join_type, schema, ectx)
            return
        yield from self._grace(iter(left), iter(right), ectx, res)

    def left_matches(self, lb: Any, right: Iterator[Any], ectx: EvalContext) -> Any:
        """A semi/anti join built on its left side ``lb`` (small, whole): per left row a
        numpy bool, does a row of ``right`` (one partition of the right side, where it
        stands) match it, residual condition included. The left rows carry their row
        number through an inner join of each right batch against them."""
        import numpy as np
        import pyarrow as pa

        lo, ro = self.children[0].output, self.children[1].output
        row = AttributeReference("__left_row", LongType(), False)
        lo2 = list(lo) + [row]
        lb2 = pa.RecordBatch.from_arrays(list(lb.columns) + [_ids(lb.num_rows)],
                                         schema=schema_of(lo2))
        schema = schema_of(list(ro) + lo2)
        index = KeyIndex.build(_keys(lb2, self.left_keys, lo2, ectx))
        hit = np.zeros(lb.num_rows, dtype=bool)
        for rb in _gathered(right, ro, ARROW_PROBE_ROWS if index is None else 1 << 17):
            out = join_batches(rb, lb2, ro, lo2, self.right_keys, self.left_keys,
                               self.residual, "inner", schema, ectx, index)
            if out.num_rows:
                hit[out.column(out.num_columns - 1).to_numpy()] = True
        return hit

    def _grace(self, left: Iterator[Any], right: Iterator[Any], ectx: EvalContext,
               res: SpillResources) -> Iterator[Any]:
        lo, ro = self.children[0].output, self.children[1].output
        schema = schema_of(self.attrs)
        buf = BatchBuffer(res, "ShuffledHashJoin", factor=2.0)
        rbuf: list = []
        fits = True
        try:
            for b in right:
                if b.num_rows and not buf.add(b):
                    fits = False
                    break
            if fits:
                rbuf = list(buf.batches)
                lbuf: list = []
                for b in left:
                    if b.num_rows and not buf.add(b):
                        fits = False
                        lbuf.append(b)
                        break
                    lbuf.append(b)
                if fits:
                    buf.release()
                    yield join_batches(_concat([b for b in lbuf if b.num_rows], lo),
                                       _concat(rbuf, ro), lo, ro, self.left_keys,
                                       self.right_keys, self.residual, self.join_type,
                                       schema, ectx)
                    return
                right, left = iter(rbuf), _chain(lbuf, left)
            else:
                right = _chain(buf.batches, right)
            buf.release()
            yield from self._join_buckets(left, right, ectx, res)
        finally:
            buf.release()

    def _join_buckets(self, left: Iterator[Any], right: Iterator[Any], ectx: EvalContext,
                      res: SpillResources) -> Iterator[Any]:
        lo, ro = self.children[0].output, self.children[1].output
        schema = schema_of(self.attrs)
        rside = HashBuckets(res, schema_of(ro), _key_fn(self.right_keys, ro, ectx))
        lside = HashBuckets(res, schema_of(lo), _key_fn(self.left_keys, lo, ectx))
        try:
            for side, it in ((rside, right), (lside, left)):
                buf = BatchBuffer(res, "ShuffledHashJoin")
                try:
                    for b in it:
                        if b.num_rows and not buf.add(b):
                            side.spill(buf.take())
                    if buf.rows:
                        side.spill(buf.take())
                finally:
                    buf.release()
            for lpart, rpart in zip(lside.buckets(), rside.buckets()):
                if not lpart and (not rpart or self.join_type not in ("right", "full")):
                    continue
                yield join_batches(_concat(lpart, lo), _concat(rpart, ro), lo, ro,
                                   self.left_keys, self.right_keys, self.residual,
                                   self.join_type, schema, ectx)
        finally:
            lside.remove()
            rside.remove()

    def node_name(self) -> str:
        if self.strategy == "broadcast":
            return "BroadcastHashJoin" if self.left_keys else "BroadcastNestedLoopJoin"
        return "ShuffledHashJoin" if self.left_keys else "CartesianProduct"

    def arg_string(self) -> str:
        jt = JOIN_NAMES[self.join_type]
        res = _expr_str(self.residual) if self.residual is not None else None
        if not self.left_keys:
            return f"BuildRight, {jt}" + (f", {res}" if res else "")
        side = ", BuildRight" if self.strategy in ("broadcast", "shuffled") else ""
        return f"{_attrs(self.left_keys)}, {_attrs(self.right_keys)}, {jt}{side}, " \
            f"{res if res else 'false' if False else ''}".rstrip(", ") + \
            (", false, false" if self.strategy == "broadcast" else "")


def _gathered(batches: Iterator[Any], attrs: list, rows: int) -> Iterator[Any]:
    """The non-empty ``batches``, concatenated into batches of at least ``rows`` rows
    (the last may have fewer); as they come when ``rows`` is 0."""
    buf: list = []
    held = 0
    for b in batches:
        if not b.num_rows:
            continue
        if not rows:
            yield b
            continue
        buf.append(b)
        held += b.num_rows
        if held >= rows:
            yield _concat(buf, attrs)
            buf, held = [], 0
    if buf:
        yield _concat(buf, attrs)


def _chain(first: list, rest: Iterator[Any]) -> Iterator[Any]:
    yield from first
    yield from rest


def _key_fn(exprs: list, attrs: list, ectx: EvalContext) -> Any:
    def keys(batch: Any) -> Any:
        import pyarrow as pa

        cols = _keys(batch, exprs, attrs, ectx)
        return pa.RecordBatch.from_arrays(cols, names=[f"k{i}" for i in range(len(cols))])

    return keys


def _concat(batches: list, attrs: list) -> Any:
    import pyarrow as pa

    if not batches:
        return empty_batch(attrs)
    if len(batches) == 1:
        return batches[0]
    t = pa.Table.from_batches(batches).combine_chunks()
    return t.to_batches()[0] if t.num_rows else empty_batch(attrs)


def _keys(batch: Any, exprs: list, attrs: list, ectx: EvalContext) -> list:
    import pyarrow as pa
    import pyarrow.compute as pc

    pos = positions_of(attrs)
    out = []
    for e in exprs:
        v = materialize(evaluate(e, batch, pos, ectx), batch.num_rows)
        if pa.types.is_floating(v.type):
            v = pc.add(v, pa.scalar(0.0, v.type))
        out.append(v)
    return out


def join_batches(lb: Any, rb: Any, lo: list, ro: list, left_keys: list, right_keys: list,
                 residual: Expression | None, join_type: str, schema: Any,
                 ectx: EvalContext, index: Any = _AUTO) -> Any:
    """``index``: the KeyIndex of ``rb``'s keys (None: they need Arrow's join); when not
    given, the index is built here, over the left side's keys instead when that side is
    the smaller one and the join type allows it (the pairs are then put in the right
    side's order: same result)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    nl, nr = lb.num_rows, rb.num_rows
    pairs = None
    lkeys = rkeys = None
    if left_keys and index is _AUTO:  # both sides whole here: the smaller one builds
        lkeys, rkeys = _keys(lb, left_keys, lo, ectx), _keys(rb, right_keys, ro, ectx)
        if nl < nr and join_type in _EITHER_SIDE:
            flipped = KeyIndex.build(lkeys)
            found = flipped.probe(rkeys) if flipped is not None else None
            if found is not None:
                pairs = _in_left_order(found[1], found[0], nr, join_type)
        index = KeyIndex.build(rkeys) if pairs is None else None
        if pairs is None and index is not None:
            pairs = index.probe(lkeys)
    elif left_keys and index is not None:
        lkeys = _keys(lb, left_keys, lo, ectx)
        pairs = index.probe(lkeys)
    if pairs is not None:
        lid, rid = pa.array(pairs[0]), pa.array(pairs[1])
    elif left_keys:
        lkeys = lkeys if lkeys is not None else _keys(lb, left_keys, lo, ectx)
        rkeys = rkeys if rkeys is not None else _keys(rb, right_keys, ro, ectx)
        lcols = {f"k{i}": k for i, k in enumerate(lkeys)}
        rcols = {f"r{i}": k for i, k in enumerate(rkeys)}
        lcols["__lid"] = _ids(nl)
        rcols["__rid"] = _ids(nr)
        lt, rt = pa.table(lcols), pa.table(rcols)
        m = lt.join(rt, keys=[f"k{i}" for i in range(len(left_keys))],
                    right_keys=[f"r{i}" for i in range(len(right_keys))],
                    join_type="inner", use_threads=False)
        lid = m.column("__lid").combine_chunks()
        rid = m.column("__rid").combine_chunks()
        if len(lid):
            lid, rid = _pair_order(lid, rid, nr)
    else:
        lid = pc.cast(pc.divide(_ids(nl * nr), max(nr, 1)), pa.int64()) \
            if nr else pa.array([], pa.int64())
        rid = pa.array(np.tile(np.arange(nr, dtype=np.int64), nl))
    if residual is not None and len(lid):
        pair = _combine(lb.take(lid), rb.take(rid), lo, ro)
        mask = materialize(evaluate(residual, pair, positions_of(lo + ro), ectx), len(lid))
        mask = pc.fill_null(mask, False)
        lid, rid = lid.filter(mask), rid.filter(mask)
    if join_type in ("semi", "anti"):
        hit = _matched(lid, nl)
        keep = hit if join_type == "semi" else ~hit
        if keep.all():
            return pa.RecordBatch.from_arrays(list(lb.columns), schema=schema)
        return pa.RecordBatch.from_arrays(list(lb.filter(pa.array(keep)).columns),
                                          schema=schema)
    if join_type in ("left", "full"):
        miss = pa.array(np.flatnonzero(~_matched(lid, nl)))
        lid = pa.concat_arrays([lid, miss])
        rid = pa.concat_arrays([rid, pa.nulls(len(miss), pa.int64())])
    if join_type in ("right", "full"):
        miss = pa.array(np.flatnonzero(~_matched(rid, nr)))
        lid = pa.concat_arrays([lid, pa.nulls(len(miss), pa.int64())])
        rid = pa.concat_arrays([rid, miss])
    cols = list(lb.take(lid).columns) + list(rb.take(rid).columns)
    fixed = [c if c.type == f.type else c.cast(f.type) for c, f in zip(cols, schema)]
    return pa.RecordBatch.from_arrays(fixed, schema=schema)


def _in_left_order(lrows: Any, rrows: Any, nr: int, join_type: str) -> tuple[Any, Any]:
    """Pairs found from the right side (the left one built the index) in (left, right)
    order, as the right side's index would have given them; semi and anti joins only ask
    which left rows matched, in any order."""
    import numpy as np

    if join_type in ("semi", "anti") or not len(lrows):
        return lrows, rrows
    if (int(lrows.max()) + 1) * max(nr, 1) < (1 << 62):
        key = lrows * nr + rrows
        key.sort()
        return key // nr, key % nr
    order = np.lexsort((rrows, lrows))
    return lrows[order], rrows[order]


def _matched(ids: Any, n: int) -> Any:
    """A numpy bool per row 0..n-1: does it occur in ``ids`` (an int64 Arrow array; its
    NULLs, a full join's padding, are no row)?"""
    import numpy as np

    hit = np.zeros(n, dtype=bool)
    if ids.null_count:
        ids = ids.drop_null()
    if len(ids):
        hit[ids.to_numpy(zero_copy_only=False)] = True
    return hit


def _pair_order(lid: Any, rid: Any, nr: int) -> tuple[Any, Any]:
    """The matched (left row, right row) pairs in (left, right) order, as Spark's hash join
    emits them (stream rows in order, each with its matches). When ``left * nr + right``
    fits in int64 that one key is sorted in numpy (Arrow's join already gives the left rows
    in order, so the sort mostly meets sorted runs): ~5x cheaper than Arrow's two-key
    sort_indices and two takes; else that sort."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if (int(pc.max(lid).as_py()) + 1) * max(nr, 1) < (1 << 62):
        key = lid.to_numpy() * nr + rid.to_numpy()
        key.sort(kind="stable")
        return pa.array(key // nr), pa.array(key % nr)
    order = pc.sort_indices(pa.table({"l": lid, "r": rid}),
                            sort_keys=[("l", "ascending"), ("r", "ascending")])
    return lid.take(order), rid.take(order)


def _ids(n: int) -> Any:
    """0..n-1 as an int64 array, made in numpy (no Python int per row)."""
    import numpy as np
    import pyarrow as pa

    return pa.array(np.arange(n, dtype=np.int64))


def _combine(lbatch: Any, rbatch: Any, lo: list, ro: list) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(list(lbatch.columns) + list(rbatch.columns),
                                      schema=schema_of(lo + ro))
