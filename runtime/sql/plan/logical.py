"""Logical operators: immutable nodes, built unresolved and resolved by the analyzer.

Every node has ``children`` and, once resolved, ``output``: the list of
``AttributeReference`` it produces (names, Spark types, nullability and expression ids).
A DataFrame is a resolved logical plan; each DataFrame method wraps it in one more node and
analyzes that node at once, so mistakes raise ``AnalysisException`` where they are made, as
in Spark. SQL text (next issue) builds a whole unresolved tree and the same analyzer
resolves it bottom up.

Leaves: ``LocalRelation`` (Arrow batches from createDataFrame), ``Range``, ``FileRelation``
(a scan of files, with the columns and filters the optimizer pushed into it),
``InMemoryRelation`` (a cached DataFrame), ``UnresolvedRelation`` (a table name). Unary:
``Project``, ``Filter``, ``Aggregate``, ``Sort``, ``Limit``, ``Offset``, ``Tail``,
``Sample``, ``Repartition``, ``RepartitionByExpression``, ``Coalesce``, ``Distinct``,
``Deduplicate``, ``SubqueryAlias``, ``Generate``, ``Expand`` (several projections of each
input row: rollup/cube/grouping sets and unpivot). Binary/n-ary: ``Join``, ``Union``,
``SetOperation`` (intersect/except).

``tree_string()`` prints the plan in Spark's explain style (``+- `` and ``:- `` prefixes).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from runtime.sql.expressions.base import (
    Alias, AttributeReference, Expression, Literal, SortOrder, debug_sql)

__all__ = [
    "Aggregate", "Coalesce", "CollectMetrics", "Deduplicate", "Distinct", "Expand", "FileRelation", "Filter", "Generate",
    "InMemoryRelation", "Join", "Limit", "LocalRelation", "LogicalPlan", "Offset", "Project",
    "Range", "Repartition", "RepartitionByExpression", "Sample", "SetOperation", "Sort",
    "SubqueryAlias", "Tail", "Union", "UnresolvedRelation", "Window",
]


class LogicalPlan:
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        raise NotImplementedError(type(self).__name__)

    @property
    def resolved(self) -> bool:
        return all(c.resolved for c in self.children) and \
            all(e.resolved for e in self.expressions())

    def expressions(self) -> list[Expression]:
        return []

    def with_children(self, children: tuple) -> LogicalPlan:
        return replace(self, children=tuple(children)) if self.children else self

    @property
    def child(self) -> LogicalPlan:
        return self.children[0]

    def node_name(self) -> str:
        return type(self).__name__

    def arg_string(self) -> str:
        return ""

    def tree_children(self) -> tuple:
        """The nodes explain prints below this one (its children, but for LateralJoin)."""
        return self.children

    def tree_subqueries(self) -> tuple:
        """Plans explain prints first, as Spark prints a subquery (``:  +- ``)."""
        return ()

    def tree_string(self) -> str:
        lines: list[str] = []
        _tree(self, lines, "", "")
        return "\n".join(lines) + "\n"


def _attrs(attrs: list) -> str:
    return "[" + ", ".join(a.debug() if isinstance(a, AttributeReference) else _expr(a)
                           for a in attrs) + "]"


def _expr(e: Expression) -> str:
    if not e.resolved and not e.children and hasattr(e, "parts"):
        return "'" + ".".join(e.parts)  # type: ignore[attr-defined]
    if isinstance(e, Alias):
        return f"{_expr(e.child)} AS {e.to_attribute().debug()}"
    if isinstance(e, AttributeReference):
        return e.debug()
    return debug_sql(e) if e.resolved else e.sql()


def _tree(plan: LogicalPlan, lines: list[str], prefix: str, child_prefix: str) -> None:
    args = plan.arg_string()
    mark = "" if plan.resolved or plan.node_name().startswith("'") else "'"
    lines.append(prefix + mark + plan.node_name() + (" " + args if args else ""))
    for q in plan.tree_subqueries():
        _tree(q, lines, child_prefix + ":  +- ", child_prefix + ":     ")
    kids = list(plan.tree_children())
    for i, c in enumerate(kids):
        last = i == len(kids) - 1
        _tree(c, lines, child_prefix + ("+- " if last else ":- "),
              child_prefix + ("   " if last else ":  "))


# -- leaves -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LocalRelation(LogicalPlan):
    attrs: tuple
    batches: tuple  # pa.RecordBatch, one per partition slice
    children: tuple = ()

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_name(self) -> str:
        return "LocalRelation"

    def arg_string(self) -> str:
        return _attrs(self.attrs)

    def size_in_bytes(self) -> int:
        return sum(b.nbytes for b in self.batches)


@dataclass(frozen=True, eq=False)
class Range(LogicalPlan):
    start: int
    end: int
    step: int
    num_partitions: int
    attr: AttributeReference
    children: tuple = ()

    @property
    def output(self) -> list[AttributeReference]:
        return [self.attr]

    def arg_string(self) -> str:
        return f"({self.start}, {self.end}, step={self.step}, splits=Some({self.num_partitions}))"

    def count(self) -> int:
        if (self.step > 0 and self.start >= self.end) or (self.step < 0 and self.start <= self.end):
            return 0
        return (abs(self.end - self.start) + abs(self.step) - 1) // abs(self.step)


@dataclass(frozen=True, eq=False)
class FileRelation(LogicalPlan):
    fmt: str
    paths: tuple
    attrs: tuple  # the full schema's attributes (data columns, then partition columns)
    options: tuple  # ((key, value), ...)
    files: tuple  # (path, size, partition values) discovered at creation
    required: tuple | None = None  # expr ids the query reads (column pruning); None = all
    filters: tuple = ()  # predicates pushed into the scan (row groups / partitions)
    # the hidden ``_metadata`` struct (file path, name, size, block, mtime), made with the
    # relation; in ``output`` once a query names it (analysis/metadata_columns.py)
    meta_attr: Any = None
    meta_exposed: bool = False
    children: tuple = ()

    @property
    def all_attrs(self) -> list[AttributeReference]:
        return list(self.attrs) + ([self.meta_attr] if self.meta_exposed else [])

    @property
    def output(self) -> list[AttributeReference]:
        if self.required is None:
            return self.all_attrs
        return [a for a in self.all_attrs if a.expr_id in self.required]

    def node_name(self) -> str:
        return "Relation"

    def arg_string(self) -> str:
        return f"{_attrs(self.output)} {self.fmt}"


@dataclass(frozen=True, eq=False)
class InMemoryRelation(LogicalPlan):
    attrs: tuple
    cache: Any  # a CachedData holder: partitions of batches once computed
    plan: LogicalPlan  # the plan it caches (for explain and recomputation)
    children: tuple = ()

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def arg_string(self) -> str:
        return f"{_attrs(self.attrs)}, StorageLevel(disk, memory, deserialized, 1 replicas)"


@dataclass(frozen=True, eq=False)
class UnresolvedRelation(LogicalPlan):
    name: tuple
    children: tuple = ()
    resolved = False

    @property
    def output(self) -> list[AttributeReference]:
        return []

    def node_name(self) -> str:
        return "'UnresolvedRelation"

    def arg_string(self) -> str:
        return "[" + ", ".join(self.name) + "]"


# -- unary --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CollectMetrics(LogicalPlan):
    """``df.observe(name, *metrics)``: the child's rows pass through unchanged; the action
    that runs a plan holding this node aggregates ``metrics`` over the rows that pass and
    calls ``publish(row_dict)`` when it is over (execution/collect_metrics.py)."""
    name: str
    metrics: tuple  # named aggregate expressions over the child's output
    publish: Any  # callable(dict)
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def expressions(self) -> list[Expression]:
        return list(self.metrics)

    def arg_string(self) -> str:
        return f"{self.name}, {_attrs(list(self.metrics))}"


@dataclass(frozen=True, eq=False)
class Project(LogicalPlan):
    exprs: tuple
    children: tuple
    # attributes of the child a qualified name still reaches though they are not in the
    # output: the other side's key of a USING/NATURAL join (analysis/join_hidden_keys.py)
    hidden: tuple = ()

    @property
    def output(self) -> list[AttributeReference]:
        return [e.to_attribute() if isinstance(e, Alias) else e for e in self.exprs]

    def expressions(self) -> list[Expression]:
        return list(self.exprs)

    def arg_string(self) -> str:
        return _attrs(list(self.exprs))


@dataclass(frozen=True, eq=False)
class Filter(LogicalPlan):
    condition: Expression
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def expressions(self) -> list[Expression]:
        return [self.condition]

    def arg_string(self) -> str:
        return _expr(self.condition)


@dataclass(frozen=True, eq=False)
class Aggregate(LogicalPlan):
    groupings: tuple
    aggregates: tuple  # named expressions over groupings and aggregate calls
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return [e.to_attribute() if isinstance(e, Alias) else e for e in self.aggregates]

    def expressions(self) -> list[Expression]:
        return list(self.groupings) + list(self.aggregates)

    def arg_string(self) -> str:
        return _attrs(list(self.groupings)) + ", " + _attrs(list(self.aggregates))


@dataclass(frozen=True, eq=False)
class Sort(LogicalPlan):
    orders: tuple  # SortOrder
    is_global: bool
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def expressions(self) -> list[Expression]:
        return list(self.orders)

    def arg_string(self) -> str:
        return "[" + ", ".join(_order(o) for o in self.orders) + f"], {str(self.is_global).lower()}"


def _order(o: SortOrder) -> str:
    return f"{_expr(o.child)} {'ASC' if o.ascending else 'DESC'} " \
        f"NULLS {'FIRST' if o.nulls_first_effective else 'LAST'}"


@dataclass(frozen=True, eq=False)
class Limit(LogicalPlan):
    n: int
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_name(self) -> str:
        return "GlobalLimit"

    def arg_string(self) -> str:
        return str(self.n)


@dataclass(frozen=True, eq=False)
class Offset(LogicalPlan):
    n: int
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def arg_string(self) -> str:
        return str(self.n)


@dataclass(frozen=True, eq=False)
class Tail(LogicalPlan):
    n: int
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output


@dataclass(frozen=True, eq=False)
class Sample(LogicalPlan):
    lower: float
    upper: float
    with_replacement: bool
    seed: int
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def arg_string(self) -> str:
        return f"{self.lower}, {self.upper}, {str(self.with_replacement).lower()}, {self.seed}"


@dataclass(frozen=True, eq=False)
class Repartition(LogicalPlan):
    num_partitions: int
    shuffle: bool
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def arg_string(self) -> str:
        return f"{self.num_partitions}, {str(self.shuffle).lower()}"


@dataclass(frozen=True, eq=False)
class Coalesce(LogicalPlan):
    num_partitions: int
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output


@dataclass(frozen=True, eq=False)
class RepartitionByExpression(LogicalPlan):
    exprs: tuple  # expressions (hash) or SortOrders (range)
    num_partitions: int | None
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def expressions(self) -> list[Expression]:
        return list(self.exprs)

    def arg_string(self) -> str:
        return _attrs(list(self.exprs)) + f", {self.num_partitions}"


@dataclass(frozen=True, eq=False)
class Distinct(LogicalPlan):
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output


@dataclass(frozen=True, eq=False)
class Deduplicate(LogicalPlan):
    keys: tuple  # attributes
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def arg_string(self) -> str:
        return _attrs(list(self.keys))


@dataclass(frozen=True, eq=False)
class SubqueryAlias(LogicalPlan):
    alias: str
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        cached = self.__dict__.get("_output")
        if cached is None:  # immutable node: computed once (SQL plans ask for it often)
            cached = [a.with_qualifier((self.alias,)) for a in self.child.output]
            object.__setattr__(self, "_output", cached)
        return list(cached)

    def arg_string(self) -> str:
        return self.alias


@dataclass(frozen=True, eq=False)
class Generate(LogicalPlan):
    generator: Expression  # a generator Call (explode...)
    outer: bool
    gen_output: tuple  # attributes the generator adds
    children: tuple
    required: tuple | None = None  # expr ids of the child's columns kept (None: all)

    @property
    def output(self) -> list[AttributeReference]:
        kept = self.child.output if self.required is None else \
            [a for a in self.child.output if a.expr_id in self.required]
        return kept + list(self.gen_output)

    def expressions(self) -> list[Expression]:
        return [self.generator]

    def arg_string(self) -> str:
        return f"{_expr(self.generator)}, false, {_attrs(list(self.gen_output))}"


@dataclass(frozen=True, eq=False)
class Expand(LogicalPlan):
    """Each input row once per projection (Spark's Expand): ``projections`` is a tuple of
    expression tuples, all as wide as ``attrs`` (the output). Rollup/cube/grouping sets put
    an Aggregate over it (grouping columns nulled per set plus ``spark_grouping_id``);
    unpivot projects (ids, column name, value) per value column."""
    projections: tuple  # tuple of tuples of resolved expressions
    attrs: tuple  # output attributes
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def expressions(self) -> list[Expression]:
        return [e for p in self.projections for e in p]

    def arg_string(self) -> str:
        return "[" + ", ".join("[" + ", ".join(
            "null" if isinstance(e, Literal) and e.value is None else _expr(e) for e in p) + "]"
            for p in self.projections) + "], " + _attrs(list(self.attrs))


@dataclass(frozen=True, eq=False)
class Window(LogicalPlan):
    """Window expressions sharing one PARTITION BY / ORDER BY, appended to the child's
    columns (the analyzer extracts them from a projection, as Spark's
    ExtractWindowExpressions)."""

    window_exprs: tuple  # Alias(WindowExpression)
    partition: tuple
    orders: tuple  # SortOrder
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output + [e.to_attribute() for e in self.window_exprs]

    def expressions(self) -> list[Expression]:
        return list(self.window_exprs) + list(self.partition) + list(self.orders)

    def arg_string(self) -> str:
        return _attrs(list(self.window_exprs)) + ", " + _attrs(list(self.partition)) + \
            ", [" + ", ".join(_order(o) for o in self.orders) + "]"


# -- binary / n-ary -----------------------------------------------------------------------------
JOIN_TYPES = {
    "inner": "inner", "cross": "cross", "outer": "full", "full": "full", "fullouter": "full",
    "full_outer": "full", "left": "left", "leftouter": "left", "left_outer": "left",
    "right": "right", "rightouter": "right", "right_outer": "right", "semi": "semi",
    "leftsemi": "semi", "left_semi": "semi", "anti": "anti", "leftanti": "anti",
    "left_anti": "anti",
}
JOIN_NAMES = {"inner": "Inner", "cross": "Cross", "full": "FullOuter", "left": "LeftOuter",
              "right": "RightOuter", "semi": "LeftSemi", "anti": "LeftAnti"}


@dataclass(frozen=True, eq=False)
class Join(LogicalPlan):
    join_type: str  # one of JOIN_NAMES' keys
    condition: Expression | None
    children: tuple  # (left, right)
    hint: str | None = None

    @property
    def left(self) -> LogicalPlan:
        return self.children[0]

    @property
    def right(self) -> LogicalPlan:
        return self.children[1]

    @property
    def output(self) -> list[AttributeReference]:
        cached = self.__dict__.get("_output")
        if cached is None:  # immutable node: computed once
            cached = self._compute_output()
            object.__setattr__(self, "_output", cached)
        return list(cached)

    def _compute_output(self) -> list[AttributeReference]:
        left, right = self.left.output, self.right.output
        if self.join_type in ("semi", "anti"):
            return left
        if self.join_type in ("right", "full"):
            left = [a.with_nullability(True) for a in left]
        if self.join_type in ("left", "full"):
            right = [a.with_nullability(True) for a in right]
        return left + right

    def expressions(self) -> list[Expression]:
        return [self.condition] if self.condition is not None else []

    def arg_string(self) -> str:
        cond = f", {_expr(self.condition)}" if self.condition is not None else ""
        return f"{JOIN_NAMES[self.join_type]}{cond}"


@dataclass(frozen=True, eq=False)
class Union(LogicalPlan):
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        first = self.children[0].output
        out = []
        for i, a in enumerate(first):
            nullable = any(c.output[i].nullable for c in self.children)
            out.append(a.with_nullability(nullable))
        return out

    def arg_string(self) -> str:
        return "false, false"


@dataclass(frozen=True, eq=False)
class SetOperation(LogicalPlan):
    kind: str  # "intersect" or "except"
    is_all: bool
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.children[0].output

    def node_name(self) -> str:
        return self.kind.capitalize()

    def arg_string(self) -> str:
        return str(self.is_all).lower()


_unused = field
