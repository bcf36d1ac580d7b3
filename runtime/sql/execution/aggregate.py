"""Hash aggregation and sorting within a partition.

``HashAggregateExec`` runs in one of two modes:
* ``complete``: its input partition holds whole groups (after an Exchange on the grouping
  keys, or one partition for a global aggregate): pre-project the keys and the aggregate
  inputs, group with Arrow's ``Table.group_by(...).aggregate(...)`` (single-threaded, so
  groups come out in order of first appearance), let every aggregate ``finish`` its Arrow
  results into Spark's value and type, then evaluate the output expressions over keys and
  aggregate values;
* ``partial``/``final`` (planned for decomposable aggregates: the planner emits partial
  before the Exchange and final after) share the same code with the AggSpec's parts.

Float grouping keys are normalized first (``-0.0`` becomes ``0.0``) so Spark's grouping
(``NaN`` one group, ``0.0`` and ``-0.0`` one group) holds. A global aggregate over no rows
gives one row (count 0, sum NULL), as Spark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.execution.operators import PhysicalPlan, _attrs, positions_of, schema_of
from runtime.sql.execution.sort import sort_table
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Expression, transform_up)
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.execution.operators import empty_batch
from runtime.sql.execution.operators import _expr_str
from runtime.sql.plan.logical import _order

__all__ = ["HashAggregateExec", "SortExec", "collect_aggregates"]


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
    mode: str = "complete"

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._out = [e.to_attribute() if isinstance(e, Alias) else e for e in self.aggregates]
        self._schema = schema_of(self._out)
        self._aggs = collect_aggregates(self.aggregates)
        # placeholders: keys and aggregate values as attributes of an intermediate batch
        self._key_attrs = [AttributeReference(f"k{i}", g.dtype, True)
                           for i, g in enumerate(self.groupings)]
        self._agg_attrs = [AttributeReference(f"a{j}", a.dtype, True)
                           for j, a in enumerate(self._aggs)]
        keys = {_group_key(g): k for g, k in zip(self.groupings, self._key_attrs)}
        aggs = {_agg_key(a): attr for a, attr in zip(self._aggs, self._agg_attrs)}

        def rewrite(e: Expression) -> Expression | None:
            if isinstance(e, AggCall):
                return aggs[_agg_key(e)]
            k = keys.get(_group_key(e))
            return k

        self._final_exprs = [_rewrite_top_down(e, rewrite) for e in self.aggregates]
        self._final_pos = positions_of(self._key_attrs + self._agg_attrs)

    @property
    def output(self) -> list[AttributeReference]:
        return self._out

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        batches = list(batches)
        cols: dict[str, Any] = {}
        n = sum(b.num_rows for b in batches)
        table = pa.Table.from_batches(batches, schema=schema_of(self.children[0].output)) \
            if batches else None
        batch = table.combine_chunks().to_batches()[0] if table is not None and n else None
        if batch is None:
            batch = empty_batch(self.children[0].output)
        for i, g in enumerate(self.groupings):
            cols[f"k{i}"] = _normalize(materialize(evaluate(g, batch, self._pos, ectx), n))
        specs: list = []
        spec_names: dict[tuple, str] = {}
        part_cols: list[list[str]] = []
        for j, a in enumerate(self._aggs):
            inputs = [materialize(evaluate(c, batch, self._pos, ectx), n) for c in a.children]
            if a.distinct and len(inputs) > 1:
                valid = inputs[0].is_valid()
                for x in inputs[1:]:
                    valid = pc.and_(valid, x.is_valid())
                st = pc.make_struct(*inputs, field_names=[str(i) for i in range(len(inputs))])
                inputs = [pc.if_else(valid, st, pa.scalar(None, st.type))]
            names = []
            for idx, fn, opts in a.spec.agg.parts(a):
                if idx is None:
                    key = ("*", fn, None)
                    src: Any = []
                else:
                    cname = f"a{j}_{idx}"
                    cols[cname] = inputs[idx]
                    key = (cname, fn, repr(opts))
                    src = cname
                if key not in spec_names:
                    spec_names[key] = f"{src}_{fn}" if src else fn
                    specs.append((src, fn, opts) if opts is not None else (src, fn))
                names.append(spec_names[key])
            part_cols.append(names)
        keys = [f"k{i}" for i in range(len(self.groupings))]
        if keys or n:
            group_keys = keys or ["__global"]
            if not keys:
                cols["__global"] = pa.repeat(pa.scalar(0, pa.int8()), n)
            grouped = pa.table(cols).group_by(group_keys, use_threads=False).aggregate(specs)
        else:  # a global aggregate over no rows still gives one row
            grouped = _empty_global(cols, specs, n)
        m = grouped.num_rows
        arrays = [grouped.column(k).combine_chunks() for k in keys]
        for a, names in zip(self._aggs, part_cols):
            parts = [grouped.column(nm).combine_chunks() for nm in names]
            arrays.append(a.spec.agg.finish(a, parts))
        inter_schema = schema_of(self._key_attrs + self._agg_attrs)
        fixed = [x if x.type == f.type else x.cast(f.type) for x, f in zip(arrays, inter_schema)]
        inter = pa.RecordBatch.from_arrays(fixed, schema=inter_schema)
        out = []
        for e, f in zip(self._final_exprs, self._schema):
            v = materialize(evaluate(e, inter, self._final_pos, ectx), m)
            out.append(v if v.type == f.type else v.cast(f.type))
        yield pa.RecordBatch.from_arrays(out, schema=self._schema)

    def node_name(self) -> str:
        return "HashAggregate"

    def arg_string(self) -> str:
        fns = ", ".join(_fn_string(a) for a in self._aggs)
        return f"(keys={_attrs(self.groupings)}, functions=[{fns}])"


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

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        batches = list(batches)
        if not batches:
            return
        table = pa.Table.from_batches(batches)
        for b in sort_table(table, self.orders, self._pos, ectx).combine_chunks().to_batches():
            yield b

    def node_name(self) -> str:
        return "Sort"

    def arg_string(self) -> str:
        return "[" + ", ".join(_order(o) for o in self.orders) + \
            f"], {str(self.is_global).lower()}, 0"


_unused = (T, transform_up)
