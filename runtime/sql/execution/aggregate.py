"""Hash aggregation and sorting within a partition.

``HashAggregateExec`` runs in one of two modes:
* ``complete``: its input partition holds whole groups (after an Exchange on the grouping
  keys, or one partition for a global aggregate): pre-project the keys and the aggregate
  inputs, group with Arrow's ``Table.group_by(...).aggregate(...)`` (single-threaded, so
  groups come out in order of first appearance), let every aggregate ``finish`` its Arrow
  results into Spark's value and type, then evaluate the output expressions over keys and
  aggregate values;
* ``partial``/``final`` (planned for decomposable aggregates: the planner emits partial
  before the Exchange and final after) share the same code with the AggSpec's parts;
  ``finish`` takes partial rows that are already one per group (a streaming aggregation's
  state) and only finishes them. A partial aggregate groups its input a run at a time and
  merges the runs' partial rows where runs shrink (aggregate_stream.py).

Float grouping keys are normalized first (``-0.0`` becomes ``0.0``) so Spark's grouping
(``NaN`` one group, ``0.0`` and ``-0.0`` one group) holds. A global aggregate over no rows
gives one row (count 0, sum NULL), as Spark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.execution.aggregate_stream import partial_runs
from runtime.sql.execution.operators import PhysicalPlan, _attrs, positions_of, schema_of
from runtime.sql.execution.aggregate_runs import aggregate_sorted_runs
from runtime.sql.execution.sort import sort_indices, sort_table
from runtime.sql.execution.subexpr import eliminate
from runtime.sql.execution.spill import (
    CHUNK_ROWS, BatchBuffer, HashBuckets, RunFile, SpillResources, merge_sorted_runs)
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Expression, transform_up)
from runtime.sql.expressions.decimal_scaled import Scaled, scalable, sum_fits, to_decimal
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.aggregates import MERGE
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.execution.operators import empty_batch
from runtime.sql.execution.operators import _expr_str
from runtime.sql.plan.logical import _order

__all__ = ["HashAggregateExec", "SortExec", "collect_aggregates"]

#: a partial aggregate emits its partial result whenever this many input rows are buffered
#: (or its memory budget is reached): big input batches (a Parquet row group's, ~100k rows)
#: are aggregated one by one, never copied into one table first, small ones a few together,
#: and the final aggregate merges the partial rows
PARTIAL_FLUSH_ROWS = 1 << 16
#: the partial aggregations whose merge gives their own partial type exactly (a partial
#: aggregate merges its runs' rows: aggregate_stream.py)
_STREAMED = frozenset({"count", "count_all", "min", "max", "all", "any"})


def collect_aggregates(exprs: list[Expression]) -> list[AggCall]:
    found: dict[str, AggCall] = {}

    def visit(e: Expression) -> None:
        if isinstance(e, AggCall):
            found.setdefault(_agg_key(e), e)
            return
        for c in e.children:
            visit(c)

    for e in exprs:
        visit(e)
    return list(found.values())


def _agg_key(a: AggCall) -> str:
    return f"{a.spec.name}|{a.distinct}|{a.options}|" + "|".join(
        f"{c.sql()}#{sorted(c.references())}" for c in a.children)


@dataclass(eq=False)
class HashAggregateExec(PhysicalPlan):
    groupings: list
    aggregates: list  # named output expressions
    children: tuple
    mode: str = "complete"  # complete | partial | final | finish (see the module doc)

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._aggs = collect_aggregates(self.aggregates)
        # the Arrow aggregations: (name, input column or None, function, options, agg, input)
        self._specs: list[tuple] = []
        self._part_names: list[list[str]] = []
        seen: dict[tuple, str] = {}
        for j, a in enumerate(self._aggs):
            names = []
            for k, (idx, fn, opts) in enumerate(a.spec.agg.parts(a)):
                src = None if idx is None else f"a{j}_{idx}"
                key = (src or "*", fn, repr(opts))
                if key not in seen:
                    seen[key] = f"{src}_{fn}" if src else fn
                    # Arrow's options objects do not pickle: keep where to find them (k)
                    self._specs.append((seen[key], src, fn, k, j, idx))
                names.append(seen[key])
            self._part_names.append(names)
        # a grouping column keeps its attribute (the Exchange above a partial aggregate
        # shows ``hashpartitioning(k#2L, 200)`` as Spark's does)
        self._key_attrs = [g if isinstance(g, AttributeReference)
                           else AttributeReference(f"k{i}", g.dtype, True)
                           for i, g in enumerate(self.groupings)]
        self._agg_attrs = [AttributeReference(f"a{j}", a.dtype, True)
                           for j, a in enumerate(self._aggs)]
        self._partial_attrs = self._key_attrs + [
            AttributeReference(name, _part_type(fn, self._aggs[j], idx), True)
            for name, _, fn, _, j, idx in self._specs]
        keys = {_group_key(g): k for g, k in zip(self.groupings, self._key_attrs)}
        aggs = {_agg_key(a): attr for a, attr in zip(self._aggs, self._agg_attrs)}

        def rewrite(e: Expression) -> Expression | None:
            if isinstance(e, AggCall):
                return aggs[_agg_key(e)]
            return keys.get(_group_key(e))

        self._final_exprs = [_rewrite_top_down(e, rewrite) for e in self.aggregates]
        # sums and averages of decimal trees computed as scaled int64 (decimal_scaled.py);
        # they stay out of the shared subexpressions (which would compute them in decimal)
        self._scaled = {j for j, a in enumerate(self._aggs) if _scalable_agg(a)} \
            if self.mode in ("complete", "partial") else set()
        # what _group evaluates per batch, with repeated subexpressions computed once
        plain = [a for j, a in enumerate(self._aggs) if j not in self._scaled]
        self._cse, shared = eliminate(list(self.groupings) + plain)
        self._cse_groupings = shared[:len(self.groupings)]
        rest = iter(shared[len(self.groupings):])
        self._cse_inputs = [a.children if j in self._scaled else next(rest).children
                            for j, a in enumerate(self._aggs)]
        self._final_pos = positions_of(self._key_attrs + self._agg_attrs)
        if self.mode == "partial":
            self._out = list(self._partial_attrs)
        else:
            self._out = [e.to_attribute() if isinstance(e, Alias) else e for e in self.aggregates]
        self._schema = schema_of(self._out)

    @property
    def output(self) -> list[AttributeReference]:
        return self._out

    @property
    def partial_keys(self) -> list[AttributeReference]:
        return self._key_attrs

    def _input_batch(self, batches: list) -> tuple[Any, int]:
        import pyarrow as pa

        n = sum(b.num_rows for b in batches)
        if not n:
            return empty_batch(self.children[0].output), 0
        if len(batches) == 1:
            return batches[0], n
        table = pa.Table.from_batches(batches, schema=schema_of(self.children[0].output))
        return table.combine_chunks().to_batches()[0], n

    spillable = True

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext,
            res: SpillResources | None = None) -> Iterator[Any]:
        """Under a memory budget (``res``): a partial aggregate emits its partial results
        whenever its input buffer reaches the budget (the final one merges them); a
        final/complete one with grouping keys switches to Grace hashing: its buffered and
        remaining input goes to hash buckets on disk, aggregated one bucket at a time."""
        if res is None:
            yield from self._run_all(list(batches), ectx)
        elif self.mode == "partial":
            yield from self._run_chunked(batches, ectx, res)
        elif not self.groupings:
            yield from self._run_all(list(batches), ectx)
        else:
            yield from self._run_spilling(batches, ectx, res)

    def _run_chunked(self, batches: Iterator[Any], ectx: EvalContext, res: SpillResources
                     ) -> Iterator[Any]:
        """Partial mode: aggregate each run of buffered input (PARTIAL_FLUSH_ROWS rows or
        the memory budget); the partial rows of runs that shrink are merged into one batch
        at the end (aggregate_stream.py)."""
        buf = BatchBuffer(res, "HashAggregate", factor=2.0)
        held = res.memory.budget("HashAggregate partial rows")
        try:
            yield from partial_runs(batches, buf, PARTIAL_FLUSH_ROWS,
                                    lambda run: next(self._run_all(run, ectx)),
                                    self._merge_partials if self._merges() else None,
                                    held.grow_to)
        finally:
            buf.release()
            held.release()

    def _run_spilling(self, batches: Iterator[Any], ectx: EvalContext, res: SpillResources
                      ) -> Iterator[Any]:
        buf = BatchBuffer(res, "HashAggregate", factor=2.0)
        buckets: HashBuckets | None = None
        try:
            for b in batches:
                if b.num_rows and not buf.add(b):
                    if buckets is None:
                        buckets = HashBuckets(res, schema_of(self.children[0].output),
                                              self._bucket_keys(ectx))
                    buckets.spill(buf.take())
            if buckets is None:
                yield from self._run_all(buf.take(), ectx)
                return
            if buf.rows:
                buckets.spill(buf.take())
            for part in buckets.buckets():
                if part:
                    yield from self._run_all(part, ectx)
        finally:
            buf.release()
            if buckets is not None:
                buckets.remove()

    def _bucket_keys(self, ectx: EvalContext) -> Any:
        """batch -> the grouping key columns (what the hash buckets hash)."""
        import pyarrow as pa

        g = len(self.groupings)
        if self.mode == "final":
            return lambda b: pa.RecordBatch.from_arrays(
                [b.column(i) for i in range(g)], names=[f"k{i}" for i in range(g)])

        def keys(b: Any) -> Any:
            cols = [_normalize(materialize(evaluate(e, b, self._pos, ectx), b.num_rows))
                    for e in self.groupings]
            return pa.RecordBatch.from_arrays(cols, names=[f"k{i}" for i in range(g)])

        return keys

    def _run_all(self, batches: list, ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        batch, n = self._input_batch(batches)
        if self.mode == "final":
            grouped, parts = self._merge(batch, n)
        elif self.mode == "finish":
            grouped, parts = self._as_merged(batch)
        else:
            grouped, parts = self._group(batch, n, ectx)
        m = grouped.num_rows
        keys = [grouped.column(f"k{i}").combine_chunks() for i in range(len(self.groupings))]
        if self.mode == "partial":
            yield self._partial_batch(grouped, parts)
            return
        arrays = list(keys)
        for a, names in zip(self._aggs, self._part_names):
            arrays.append(a.spec.agg.finish(a, [grouped.column(parts[nm]).combine_chunks()
                                                for nm in names]))
        inter_schema = schema_of(self._key_attrs + self._agg_attrs)
        fixed = [x if x.type == f.type else x.cast(f.type) for x, f in zip(arrays, inter_schema)]
        inter = pa.RecordBatch.from_arrays(fixed, schema=inter_schema)
        out = []
        for e, f in zip(self._final_exprs, self._schema):
            v = materialize(evaluate(e, inter, self._final_pos, ectx), m)
            out.append(v if v.type == f.type else v.cast(f.type))
        yield pa.RecordBatch.from_arrays(out, schema=self._schema)

    def _partial_batch(self, grouped: Any, parts: dict) -> Any:
        import pyarrow as pa

        keys = [grouped.column(f"k{i}").combine_chunks() for i in range(len(self.groupings))]
        cols = keys + [grouped.column(parts[s[0]]).combine_chunks() for s in self._specs]
        fixed = [x if x.type == f.type else x.cast(f.type) for x, f in zip(cols, self._schema)]
        return pa.RecordBatch.from_arrays(fixed, schema=self._schema)

    def _merges(self) -> bool:
        """Whether this partial aggregate may merge its runs' partial rows
        (aggregate_stream.py): it has grouping keys and parts that merge exactly into their
        own type."""
        if self.mode != "partial" or not self.groupings:
            return False
        g = len(self.groupings)
        return all(fn in _STREAMED or (fn == "sum" and isinstance(
            self._partial_attrs[g + i].dtype, (T.LongType, T.DoubleType)))
            for i, (_, _, fn, _, _, _) in enumerate(self._specs))

    def _merge_partials(self, parts: list) -> Any:
        """Partial batches (of the same groups, from several runs) merged into one."""
        import pyarrow as pa

        batch = pa.Table.from_batches(parts, schema=self._schema).combine_chunks()
        batch = batch.to_batches()[0] if batch.num_rows else parts[0]
        grouped, names = self._merge(batch, batch.num_rows)
        return self._partial_batch(grouped, names)

    def _group(self, batch: Any, n: int, ectx: EvalContext) -> tuple[Any, dict]:
        """Arrow's aggregations over the evaluated keys and inputs (complete, partial)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        cols: dict[str, Any] = {}
        scaled = Scaled(batch, self._pos) if self._scaled else None
        batch, pos = self._cse.extend(batch, self._pos, ectx)
        for i, g in enumerate(self._cse_groupings):
            cols[f"k{i}"] = _normalize(materialize(evaluate(g, batch, pos, ectx), n))
        inputs: dict[int, list] = {}
        as_int: set[int] = set()  # the aggregates whose input is scaled int64
        used = {s[4] for s in self._specs if s[1] is not None}
        for j, a in enumerate(self._aggs):
            if j not in used:  # count(*), count(1): Arrow's count_all reads no column
                continue
            if scaled is not None and j in self._scaled:
                v = scaled.eval(a.children[0])
                if v is not None and sum_fits(v):
                    inputs[j] = [v]
                    as_int.add(j)
                    continue
            vals = [materialize(evaluate(c, batch, pos, ectx), n) for c in self._cse_inputs[j]]
            if a.distinct and len(vals) > 1:
                valid = vals[0].is_valid()
                for x in vals[1:]:
                    valid = pc.and_(valid, x.is_valid())
                st = pc.make_struct(*vals, field_names=[str(i) for i in range(len(vals))])
                vals = [pc.if_else(valid, st, pa.scalar(None, st.type))]
            inputs[j] = vals
        specs = []
        for name, src, fn, k, j, idx in self._specs:
            opts = self._options(j, k)
            if src is not None:
                cols[src] = inputs[j][idx]
            specs.append(((src or []), fn, opts) if opts is not None else ((src or []), fn))
        out = self._aggregate(cols, specs, n)
        for name, src, fn, k, j, idx in self._specs:
            if j in as_int and fn == "sum":  # Arrow's decimal sum type: decimal(38, s)
                col = _arrow_name(src, fn)
                out = out.set_column(out.schema.get_field_index(col), col, to_decimal(
                    out.column(col), 38, self._aggs[j].children[0].dtype.scale))
        return out, {s[0]: _arrow_name(s[1], s[2]) for s in self._specs}

    def _merge(self, batch: Any, n: int) -> tuple[Any, dict]:
        """The final aggregation: partial results merged per group (sum of counts...)."""
        import pyarrow.compute as pc

        cols: dict[str, Any] = {}
        for i in range(len(self.groupings)):
            cols[f"k{i}"] = batch.column(i)
        specs = []
        names = {}
        for offset, (name, src, fn, k, j, idx) in enumerate(self._specs):
            opts = self._options(j, k)
            col = f"p{offset}"
            cols[col] = batch.column(len(self.groupings) + offset)
            merge = MERGE[fn]
            if fn in ("count", "count_all"):
                mopts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=0)
            elif merge in ("first", "last"):
                mopts = opts
            else:
                mopts = pc.ScalarAggregateOptions(skip_nulls=True, min_count=1)
            specs.append((col, merge, mopts) if mopts is not None else (col, merge))
            names[name] = f"{col}_{merge}"
        return self._aggregate(cols, specs, n), names

    def _as_merged(self, batch: Any) -> tuple[Any, dict]:
        """``finish`` mode: partial rows that are already one per group (a streaming
        aggregation's state rows) taken as the merged parts."""
        import pyarrow as pa

        g = len(self.groupings)
        cols = {f"k{i}": batch.column(i) for i in range(g)}
        names = {}
        for offset, spec in enumerate(self._specs):
            cols[f"p{offset}"] = batch.column(g + offset)
            names[spec[0]] = f"p{offset}"
        return pa.table(cols) if cols else pa.table({"__one": pa.nulls(batch.num_rows)}), names

    def _options(self, j: int, k: int) -> Any:
        a = self._aggs[j]
        return a.spec.agg.parts(a)[k][2]

    def _aggregate(self, cols: dict, specs: list, n: int) -> Any:
        import pyarrow as pa

        keys = [f"k{i}" for i in range(len(self.groupings))]
        if keys or n:
            group_keys = keys or ["__global"]
            if not keys:
                cols["__global"] = pa.repeat(pa.scalar(0, pa.int8()), n)
            nested = _nested_lists(cols, specs, n)
            if nested:  # Arrow lists no nested values: list row numbers, then take
                specs = [(f"{s[0]}__row",) + tuple(s[1:]) if s[0] in nested and
                         s[1] == "list" else s for s in specs]
            picked = _first_last_rows(cols, specs, n)
            if picked:  # nor first/last of decimals, nested values, NULLs: of row numbers
                specs = [(f"{s[0]}__pick",) + tuple(s[1:]) if isinstance(s[0], str) and
                         s[0] in picked and s[1] in ("first", "last") else s for s in specs]
            structs = {k: cols[k] for k in keys if pa.types.is_struct(cols[k].type)}
            if structs:  # Arrow groups by no struct key (window()): group by its fields
                out = _group_by_struct_keys(cols, group_keys, structs, specs)
            else:  # keys already sorted (clustered data): runs, no hash table
                out = None if nested else aggregate_sorted_runs(cols, group_keys, specs)
                if out is None:
                    out = pa.table(cols).group_by(group_keys, use_threads=False
                                                  ).aggregate(specs)
            return _take_picked(_take_nested(out, nested), picked)
        return _empty_global(cols, specs, n)  # a global aggregate of no rows: one row

    def node_name(self) -> str:
        return "HashAggregate"

    def arg_string(self) -> str:
        prefix = "partial_" if self.mode == "partial" else ""
        fns = ", ".join(prefix + _fn_string(a) for a in self._aggs)
        return f"(keys={_attrs(self.groupings)}, functions=[{fns}])"


def _scalable_agg(a: AggCall) -> bool:
    """sum/avg/count (not DISTINCT) of one decimal expression that runs as scaled int64."""
    return not a.distinct and len(a.children) == 1 and \
        all(fn in ("sum", "count") for _, fn, _ in a.spec.agg.parts(a)) and \
        scalable(a.children[0])


def _nested_lists(cols: dict, specs: list, n: int) -> dict:
    """The columns a ``list`` aggregation reads whose type Arrow's hash_list cannot collect
    (lists, structs, maps: collect_list of arrays or structs); each gets a ``__row``
    column of row numbers to collect instead."""
    import pyarrow as pa

    nested = {}
    for spec in specs:
        src = spec[0]
        if spec[1] == "list" and isinstance(src, str) and src in cols:
            t = cols[src].type
            if pa.types.is_nested(t) and src not in nested:
                column = cols[src]
                nested[src] = column.combine_chunks() \
                    if isinstance(column, pa.ChunkedArray) else column
                cols[f"{src}__row"] = pa.array(range(n), pa.int64())
    return nested


def _first_last_rows(cols: dict, specs: list, n: int) -> dict:
    """The columns a ``first``/``last`` aggregation reads whose type Arrow's hash_first_last
    has no kernel for (decimals, lists, structs, maps, NULLs); each gets a ``__pick`` column
    of row numbers, NULL where the value is, to aggregate instead."""
    import pyarrow as pa

    picked = {}
    for spec in specs:
        src = spec[0]
        if spec[1] in ("first", "last") and isinstance(src, str) and src in cols and \
                src not in picked:
            column = cols[src]
            t = column.type
            if pa.types.is_decimal(t) or pa.types.is_nested(t) or pa.types.is_null(t):
                column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) \
                    else column
                picked[src] = column
                cols[f"{src}__pick"] = pa.array(range(n), pa.int64(), mask=column.is_null())
    return picked


def _take_picked(out: Any, picked: dict) -> Any:
    """Replace each picked row-number column by the values of those rows."""
    for src, values in picked.items():
        for fn in ("first", "last"):
            name = f"{src}__pick_{fn}"
            if name in out.column_names:
                rows = out.column(name).combine_chunks()
                out = out.append_column(f"{src}_{fn}", values.take(rows)).drop_columns([name])
    return out


def _take_nested(out: Any, nested: dict) -> Any:
    """Replace each listed row-number column by the lists of the rows' values."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for src, values in nested.items():
        name = f"{src}__row_list"
        rows = out.column(name).combine_chunks()
        taken = values.take(pc.list_flatten(rows))
        offsets = pc.subtract(rows.offsets, rows.offsets[0])
        lists = pa.ListArray.from_arrays(offsets, taken, mask=rows.is_null())
        out = out.append_column(f"{src}_list", lists).drop_columns([name])
    return out


def _group_by_struct_keys(cols: dict, keys: list, structs: dict, specs: list) -> Any:
    """Group by the fields of struct keys (and their validity), then rebuild the structs."""
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = dict(cols)
    group_keys: list[str] = []
    for k in keys:
        if k not in structs:
            group_keys.append(k)
            continue
        arr = flat.pop(k)
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        flat[f"{k}__valid"] = arr.is_valid()
        group_keys.append(f"{k}__valid")
        for i in range(arr.type.num_fields):
            flat[f"{k}__{i}"] = pc.struct_field(arr, [i])
            group_keys.append(f"{k}__{i}")
    out = pa.table(flat).group_by(group_keys, use_threads=False).aggregate(specs)
    for k, arr in structs.items():
        fields = [out.column(f"{k}__{i}").combine_chunks() for i in range(arr.type.num_fields)]
        valid = out.column(f"{k}__valid").combine_chunks()
        rebuilt = pa.StructArray.from_arrays(fields, fields=list(arr.type),
                                             mask=pc.invert(valid))
        out = out.append_column(k, rebuilt)
    return out


def _arrow_name(src: str | None, fn: str) -> str:
    return f"{src}_{fn}" if src else fn


def _part_type(fn: str, agg: AggCall, idx: int | None) -> Any:
    if fn in ("count", "count_all"):
        return T.LongType()
    if fn in ("all", "any"):
        return T.BooleanType()
    dtype = agg.children[idx].dtype if idx is not None else T.LongType()
    if fn in ("list", "distinct"):  # a collected partial (a streaming state's)
        return T.ArrayType(dtype, True)
    if fn == "sum" and isinstance(dtype, T.DecimalType):
        return T.DecimalType(38, dtype.scale)
    if fn == "sum" and isinstance(dtype, T.BooleanType):
        return T.LongType()
    return dtype


def _empty_global(cols: dict, specs: list, n: int) -> Any:
    """Arrow's scalar aggregates for an empty input; list-valued ones (hash-only) as []."""
    import pyarrow as pa

    table = pa.table(cols) if cols else pa.table({"__dummy": pa.nulls(0)})
    scalar = [s for s in specs if s[1] not in ("list", "distinct")]
    out = table.group_by([], use_threads=False).aggregate(scalar) if scalar else None
    arrays, names = [], []
    for spec in specs:
        src, fn = spec[0], spec[1]
        name = f"{src}_{fn}" if src else fn
        names.append(name)
        if fn in ("list", "distinct"):
            arrays.append(pa.array([[]], pa.list_(table.column(src).type)))
        else:
            arrays.append(out.column(name))  # type: ignore[union-attr]
    return pa.table(dict(zip(names, arrays))) if names else pa.table({"__one": [None]})


def _fn_string(a: AggCall) -> str:
    return _expr_str(a)


def _group_key(e: Expression) -> str:
    if isinstance(e, AttributeReference):
        return f"attr#{e.expr_id}"
    return e.sql() + "#" + ",".join(map(str, sorted(e.references())))


def _rewrite_top_down(e: Expression, fn) -> Expression:
    if isinstance(e, Alias):
        return e.with_children((_rewrite_top_down(e.child, fn),))
    out = fn(e)
    if out is not None:
        return out
    if not e.children:
        return e
    return e.with_children(tuple(_rewrite_top_down(c, fn) for c in e.children))


def _normalize(arr: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_floating(arr.type):
        return pc.add(arr, pa.scalar(0.0, arr.type))  # -0.0 + 0.0 == 0.0
    return arr


@dataclass(eq=False)
class SortExec(PhysicalPlan):
    orders: list
    is_global: bool
    children: tuple

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)

    spillable = True

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext,
            res: SpillResources | None = None) -> Iterator[Any]:
        """Sorted in memory, or (when the task's memory runs out) sorted runs spilled to
        Arrow IPC files and merged k ways (spill.py)."""
        import pyarrow as pa

        if res is None:
            batches = [b for b in batches if b.num_rows]
            if batches:
                yield from sort_table(pa.Table.from_batches(batches), self.orders, self._pos,
                                      ectx).combine_chunks().to_batches()
            return
        yield from self._external(batches, ectx, res)

    def _sorted(self, batches: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        return sort_table(pa.Table.from_batches(batches), self.orders, self._pos,
                          ectx).combine_chunks()

    def _external(self, batches: Iterator[Any], ectx: EvalContext, res: SpillResources
                  ) -> Iterator[Any]:
        buf = BatchBuffer(res, "Sort", factor=2.0)  # the input and its sorted copy
        runs: list[RunFile] = []
        schema = schema_of(self.output)
        try:
            for b in batches:
                if b.num_rows and not buf.add(b) and buf.rows > 1:
                    mem = buf.nbytes
                    table = self._sorted(buf.take(), ectx)
                    run = RunFile(res.tmp_dir, schema)
                    runs.append(run)
                    for chunk in table.to_batches():
                        run.write(chunk, CHUNK_ROWS)
                    res.tracker().spilled(mem, run.close())
            rest = buf.take()
            last = self._sorted(rest, ectx) if rest else None
            if not runs:
                if last is not None:
                    yield from last.to_batches()
                return
            sources = [r.read() for r in runs]
            if last is not None:
                sources.append(iter(last.to_batches(max_chunksize=CHUNK_ROWS)))

            def order(table: Any) -> Any:
                return sort_indices(table, self.orders, self._pos, ectx)

            yield from merge_sorted_runs(sources, order)
        finally:
            buf.release()
            for r in runs:
                r.remove()

    def node_name(self) -> str:
        return "Sort"

    def arg_string(self) -> str:
        return "[" + ", ".join(_order(o) for o in self.orders) + \
            f"], {str(self.is_global).lower()}, 0"


_unused = transform_up
