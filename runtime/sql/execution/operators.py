"""Physical operators. Each partition is an iterator of ``pa.RecordBatch``.

Four kinds, which the runner (local_runner.py, later the lineage-based one) treats
differently:
* **sources** (``LocalTableScanExec``, ``RangeExec``, ``FileScanExec``,
  ``InMemoryTableScanExec``): ``read(index, ectx)`` yields the batches of one partition;
* **narrow** unary operators (``ProjectExec``, ``FilterExec``, ``GenerateExec``,
  ``SampleExec``, ``LocalLimitExec``, ``SortExec``, ``HashAggregateExec``...):
  ``run(index, batches, ectx)`` maps one input partition to one output partition, so a chain
  of them fuses into one function per partition (one task);
* **exchanges** (``ShuffleExchangeExec``, ``BroadcastExchangeExec``): stage boundaries;
* **multi-input** (``UnionExec``, ``CoalesceExec``, joins): read several partitions of
  their children (see the runner).

Each operator binds its expressions once: ``positions`` maps an input attribute's expr id to
its column index in the child's batches. ``arg_string`` is the operator's line in explain().
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.arrow_types import to_arrow_schema
from runtime.sql import types as T
from runtime.sql.expressions.base import Alias, AttributeReference, Call, Expression, debug_sql
from runtime.sql.expressions.evaluate import evaluate, is_deterministic, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.expressions.base import transform_up

__all__ = [
    "FilterExec", "GenerateExec", "LocalLimitExec", "LocalTableScanExec", "PhysicalPlan",
    "ProjectExec", "RangeExec", "SampleExec", "UnionExec", "CoalesceExec", "positions_of",
    "schema_of", "empty_batch",
]


def positions_of(attrs: list[AttributeReference]) -> dict[int, int]:
    return {a.expr_id: i for i, a in enumerate(attrs)}


def schema_of(attrs: list[AttributeReference]):
    return to_arrow_schema(T.StructType([T.StructField(a.name, a.dtype, True) for a in attrs]))


def empty_batch(attrs: list[AttributeReference]):
    import pyarrow as pa

    schema = schema_of(attrs)
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def _expr_str(e: Expression) -> str:
    if isinstance(e, Alias):
        return f"{_expr_str(e.child)} AS {e.to_attribute().debug()}"
    if isinstance(e, AttributeReference):
        return e.debug()
    return debug_sql(e)


class PhysicalPlan:
    children: tuple  # a dataclass field, or ``()`` on sources
    kind = "narrow"

    @property
    def output(self) -> list[AttributeReference]:
        return self.children[0].output

    def node_name(self) -> str:
        return type(self).__name__[:-4]

    def arg_string(self) -> str:
        return ""

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        raise NotImplementedError


def _attrs(attrs: list) -> str:
    return "[" + ", ".join(_expr_str(a) for a in attrs) + "]"


# -- sources ------------------------------------------------------------------------------------
@dataclass(eq=False)
class LocalTableScanExec(PhysicalPlan):
    attrs: list
    partitions: list  # list of list of batches
    kind = "source"
    children = ()

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    @property
    def num_partitions(self) -> int:
        return len(self.partitions)

    def read(self, index: int, ectx: EvalContext) -> Iterator[Any]:
        return iter(self.partitions[index])

    def node_name(self) -> str:
        return "LocalTableScan"

    def arg_string(self) -> str:
        return _attrs(self.attrs)


@dataclass(eq=False)
class RangeExec(PhysicalPlan):
    attr: AttributeReference
    start: int
    end: int
    step: int
    num_partitions: int
    count: int
    kind = "source"
    children = ()
    batch_rows = 1 << 16

    @property
    def output(self) -> list[AttributeReference]:
        return [self.attr]

    def read(self, index: int, ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        n = self.num_partitions
        lo = self.count * index // n
        hi = self.count * (index + 1) // n
        schema = schema_of([self.attr])
        for s in range(lo, hi, self.batch_rows):
            e = min(hi, s + self.batch_rows)
            idx = pa.array(range(s, e), pa.int64()) if e - s < 1024 else \
                pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), e - s), start=s - 1)
            values = pc.add(pc.multiply(idx, self.step), self.start)
            yield pa.RecordBatch.from_arrays([values], schema=schema)

    def node_name(self) -> str:
        return "Range"

    def arg_string(self) -> str:
        return f"({self.start}, {self.end}, step={self.step}, splits={self.num_partitions})"


# -- narrow ------------------------------------------------------------------------------------
@dataclass(eq=False)
class ProjectExec(PhysicalPlan):
    exprs: list
    children: tuple

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        self._out = [e.to_attribute() if isinstance(e, Alias) else e for e in self.exprs]
        self._schema = schema_of(self._out)

    @property
    def output(self) -> list[AttributeReference]:
        return self._out

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        offset = 0
        for b in batches:
            ctx = EvalContext(ectx.ansi, ectx.time_zone, index, offset)
            cols = []
            for e, f in zip(self.exprs, self._schema):
                v = materialize(evaluate(e, b, self._pos, ctx), b.num_rows)
                cols.append(v if v.type == f.type else v.cast(f.type))
            offset += b.num_rows
            yield pa.RecordBatch.from_arrays(cols, schema=self._schema) if cols else \
                _no_columns(b.num_rows)

    def node_name(self) -> str:
        return "Project"

    def arg_string(self) -> str:
        return _attrs(self.exprs) if self.exprs else ""


def _no_columns(n: int):
    import pyarrow as pa

    return pa.RecordBatch.from_pydict({"__rows": pa.nulls(n)}).drop_columns(["__rows"]) \
        if hasattr(pa.RecordBatch, "drop_columns") else pa.record_batch([], names=[])


def split_conjuncts(e: Expression | None) -> list[Expression]:
    """The operands of a tree of ``AND``s, left to right (``[]`` for None)."""
    if e is None:
        return []
    if isinstance(e, Call) and e.spec.name == "and":
        return split_conjuncts(e.children[0]) + split_conjuncts(e.children[1])
    return [e]


@dataclass(eq=False)
class FilterExec(PhysicalPlan):
    """Keeps the rows its condition holds for. As Spark's ``AND`` (which evaluates its right
    side only when the left is not false), a deterministic condition's conjuncts run in
    order, each on the rows the earlier ones kept: ``id < 5 AND element_at(a, id + 1) IS NOT
    NULL`` never indexes the rows ``id < 5`` rejected, and a later conjunct costs less. A
    condition with a non-deterministic part (rand, monotonically_increasing_id: they depend
    on the row's position in the batch) is evaluated whole."""

    condition: Expression
    children: tuple

    def __post_init__(self) -> None:
        self._pos = positions_of(self.children[0].output)
        whole = not is_deterministic(self.condition)
        self._conjuncts = [self.condition] if whole else split_conjuncts(self.condition)

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow.compute as pc

        offset = 0
        for b in batches:
            ctx = EvalContext(ectx.ansi, ectx.time_zone, index, offset)
            offset += b.num_rows
            for cond in self._conjuncts:
                mask = pc.fill_null(materialize(evaluate(cond, b, self._pos, ctx),
                                                b.num_rows), False)
                kept = pc.sum(mask).as_py() or 0  # all rows pass: the batch as is, no copy
                if kept < b.num_rows:
                    b = b.filter(mask)
                if not kept:
                    break
            if b.num_rows:
                yield b

    def node_name(self) -> str:
        return "Filter"

    def arg_string(self) -> str:
        return _expr_str(self.condition)


@dataclass(eq=False)
class GenerateExec(PhysicalPlan):
    generator: Any  # bound Call
    outer: bool
    gen_output: list
    children: tuple
    required: tuple | None = None  # expr ids of the input columns kept (None: all)

    def __post_init__(self) -> None:
        inputs = self.children[0].output
        self._pos = positions_of(inputs)
        self._keep = [i for i, a in enumerate(inputs)
                      if self.required is None or a.expr_id in self.required]
        self._out = [inputs[i] for i in self._keep] + list(self.gen_output)
        self._schema = schema_of(self._out)

    @property
    def output(self) -> list[AttributeReference]:
        return self._out

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        opts = dict(self.generator.options)
        for b in batches:
            arr = materialize(evaluate(self.generator.children[0], b, self._pos, ectx),
                              b.num_rows)
            is_map = isinstance(self.generator.children[0].dtype, T.MapType)
            if is_map:  # Arrow's list kernels abort on a MapArray: its list<struct> view
                arr = _map_entries(arr)
            lists = arr
            if self.outer:
                lens = pc.list_value_length(arr)
                empty = pc.fill_null(pc.equal(lens, 0), True)
                null_item = pa.scalar([None], type=arr.type) if not is_map else \
                    pa.scalar([], type=arr.type)
                if not is_map:
                    lists = pc.if_else(empty, null_item, arr)
            # the row each item came from: only for the input columns kept, pos or an
            # outer map (a word count's explode keeps no input column: no take at all)
            parents = pc.list_parent_indices(lists) \
                if self._keep or opts.get("pos") or (self.outer and is_map) else None
            flat = pc.list_flatten(lists)
            if self.outer and is_map:
                parents, flat = _outer_map(lists, parents, flat)
            kept = b if len(self._keep) == b.num_columns else b.select(self._keep)
            cols = list(kept.take(parents).columns) if self._keep else []
            if opts.get("pos"):
                starts = pc.take(pa.concat_arrays([pa.array([0], pa.int64()),
                                                   pc.cumulative_sum(pc.cast(
                                                       pc.fill_null(pc.list_value_length(lists),
                                                                    0), pa.int64()))]),
                                 parents)
                pos = pc.subtract(pa.array(range(len(parents)), pa.int64()), starts)
                if self.outer:  # the NULL row of an empty or NULL collection has no position
                    pos = pc.if_else(pc.take(empty, parents), pa.scalar(None, pa.int64()), pos)
                cols.append(pc.cast(pos, pa.int32()))
            if opts.get("spread"):  # one column per field (json_tuple, inline, stack);
                cols += flat.flatten()  # a NULL struct gives NULL fields
            elif is_map:
                cols += [flat.field(0), flat.field(1)]
            else:
                cols.append(flat)
            fixed = [c if c.type == f.type else c.cast(f.type) for c, f in zip(cols, self._schema)]
            yield pa.RecordBatch.from_arrays(fixed, schema=self._schema)

    def node_name(self) -> str:
        return "Generate"

    def arg_string(self) -> str:
        return f"{_expr_str(self.generator)}, {_attrs(self._out[:len(self._keep)])}, " \
            f"{str(self.outer).lower()}, {_attrs(self.gen_output)}"


def _map_entries(arr: Any) -> Any:
    """A map array as the list<struct<key, value>> of its entries (same offsets)."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.offset:  # a slice: copied, so offsets and validity start at 0
        arr = pa.concat_arrays([arr])
    entries = pa.StructArray.from_arrays([arr.keys, arr.items], ["key", "value"])
    return pa.ListArray.from_arrays(arr.offsets, entries, mask=arr.is_null())


def _outer_map(lists: Any, parents: Any, flat: Any) -> tuple[Any, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    lens = pc.fill_null(pc.list_value_length(lists), 0).to_pylist()
    p, idx = [], []
    j = 0
    for i, n in enumerate(lens):
        if n == 0:
            p.append(i)
            idx.append(None)
        for _ in range(n):
            p.append(i)
            idx.append(j)
            j += 1
    return pa.array(p, pa.int64()), flat.take(pa.array(idx, pa.int64()))


@dataclass(eq=False)
class SampleExec(PhysicalPlan):
    lower: float
    upper: float
    with_replacement: bool
    seed: int
    children: tuple

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa

        rng = random.Random(self.seed + index)
        for b in batches:
            if self.with_replacement:
                import math

                idx = []
                lam = self.upper - self.lower
                for i in range(b.num_rows):
                    L, k, p = math.exp(-lam), 0, 1.0
                    while True:
                        p *= rng.random()
                        if p <= L:
                            break
                        k += 1
                    idx.extend([i] * k)
                yield b.take(pa.array(idx, pa.int64()))
            else:
                keep = [self.lower <= rng.random() < self.upper for _ in range(b.num_rows)]
                yield b.filter(pa.array(keep, pa.bool_()))

    def node_name(self) -> str:
        return "Sample"

    def arg_string(self) -> str:
        return f"{self.lower}, {self.upper}, {str(self.with_replacement).lower()}, {self.seed}"


@dataclass(eq=False)
class LocalLimitExec(PhysicalPlan):
    n: int
    children: tuple
    offset: int = 0

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        skip, left = self.offset, self.n
        for b in batches:
            if skip:
                if b.num_rows <= skip:
                    skip -= b.num_rows
                    continue
                b = b.slice(skip)
                skip = 0
            if left is not None and left >= 0:
                if left == 0:
                    return
                b = b.slice(0, left)
                left -= b.num_rows
            yield b

    def node_name(self) -> str:
        return "LocalLimit" if not self.offset else "GlobalLimitAndOffset"

    def arg_string(self) -> str:
        return str(self.n)


# -- multi-input ---------------------------------------------------------------------------------
@dataclass(eq=False)
class UnionExec(PhysicalPlan):
    children: tuple
    attrs: list
    kind = "union"

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    def node_name(self) -> str:
        return "Union"


@dataclass(eq=False)
class CoalesceExec(PhysicalPlan):
    num_partitions: int
    children: tuple
    kind = "coalesce"

    def node_name(self) -> str:
        return "Coalesce"

    def arg_string(self) -> str:
        return str(self.num_partitions)
