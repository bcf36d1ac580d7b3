"""Expression nodes, unresolved and bound, and Spark's way of naming them.

Two layers share one class hierarchy:
* **Unresolved** nodes are what ``Column`` objects and (next issue) sqlglot-parsed SQL build:
  ``UnresolvedAttribute(("a", "b"))`` for ``col("a.b")``, ``UnresolvedStar``,
  ``UnresolvedFunction("sum", args)`` (functions are found by name in the registry, so SQL
  text and the DataFrame API reach the same implementation), ``UnresolvedExtract`` for
  ``getItem``/``getField``.
* **Bound** nodes carry a Spark ``dtype`` and ``nullable``: ``AttributeReference`` (a column of
  a plan's output, identified by its ``expr_id`` as in Spark, so ``df["a"]`` still means the
  same column after joins, self-joins included), ``Literal``, ``Alias``, ``Cast``, ``Call`` (a
  resolved scalar function: its ``FunctionSpec`` holds the Arrow kernel), ``AggCall``,
  ``CaseWhen``, ``SortOrder``.

Every node is immutable; ``with_children`` rebuilds it. ``sql()`` is Spark's
``toPrettySQL``: the name a column gets when it is not aliased (``(a + 1)``, ``sum(x)``,
``CAST(a AS INT)``, ``CASE WHEN (a > 1) THEN 1 END``), which users see in ``show()``.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.formatting.values import literal_sql
from runtime.sql.ddl import type_ddl

__all__ = [
    "AggCall", "Alias", "AttributeReference", "Call", "CaseWhen", "Cast", "Expression",
    "Literal", "SortOrder", "UnresolvedAttribute", "UnresolvedExtract", "UnresolvedFunction",
    "UnresolvedStar", "debug_sql", "new_expr_id", "transform_up",
]

_ids = itertools.count()
_ids_lock = threading.Lock()


def new_expr_id() -> int:
    with _ids_lock:
        return next(_ids)


class Expression:
    """Base of all expression nodes."""

    children: tuple  # every subclass defines it (a dataclass field or ``()`` for leaves)
    resolved = False
    dtype: T.DataType

    def with_children(self, children: tuple) -> Expression:
        return self

    def sql(self) -> str:
        raise NotImplementedError(type(self).__name__)

    def is_aggregate(self) -> bool:
        return isinstance(self, AggCall) or any(c.is_aggregate() for c in self.children)

    def foldable(self) -> bool:
        return bool(self.children) and all(c.foldable() for c in self.children) and \
            not isinstance(self, AggCall) and getattr(self, "deterministic", True)

    def references(self) -> set[int]:
        out: set[int] = set()
        for c in self.children:
            out |= c.references()
        return out

    def __repr__(self) -> str:
        return self.sql()


def transform_up(expr: Expression, fn) -> Expression:
    """Apply ``fn`` bottom-up; ``fn`` returns a replacement or None to keep the node."""
    if expr.children:
        new = tuple(transform_up(c, fn) for c in expr.children)
        if any(a is not b for a, b in zip(new, expr.children)):
            expr = expr.with_children(new)
    out = fn(expr)
    return expr if out is None else out


def debug_sql(expr: Expression) -> str:
    """An expression as Spark prints it in plans: attributes as ``name#12L``."""
    return transform_up(expr, _debug_node).sql()


@dataclass(frozen=True, eq=False)
class _PlanCall(Expression):
    """``isnotnull(x#1)``/``isnull(x#1)``: how Spark's plans print those two predicates."""
    text: str
    children = ()

    def sql(self) -> str:
        return self.text


def _debug_node(x: Expression) -> Expression | None:
    if isinstance(x, AttributeReference):
        return replace(x, name=x.debug())
    debug = getattr(x, "debug_text", None)  # a leaf printed its own way (outer(c1#0))
    if debug is not None:
        return _PlanCall(debug())
    name = getattr(getattr(x, "spec", None), "name", "")
    if name in ("isnotnull", "isnull") and len(x.children) == 1:
        return _PlanCall(f"{name}({x.children[0].sql()})")
    return None


# -- unresolved ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class UnresolvedAttribute(Expression):
    children = ()
    nullable = True
    parts: tuple[str, ...]
    plan_id: int | None = None  # set by df["col"] / df.col: resolve in that DataFrame's output

    def sql(self) -> str:
        return ".".join(self.parts)

    @property
    def name(self) -> str:
        return self.parts[-1]


@dataclass(frozen=True, eq=False)
class UnresolvedStar(Expression):
    children = ()
    target: tuple[str, ...] | None = None

    def sql(self) -> str:
        return ".".join(self.target) + ".*" if self.target else "*"


@dataclass(frozen=True, eq=False)
class UnresolvedFunction(Expression):
    name: str
    children: tuple = ()
    distinct: bool = False
    options: tuple = ()  # extra keyword arguments as ((key, value), ...)

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        inner = ", ".join(c.sql() for c in self.children)
        return f"{self.name}({'DISTINCT ' if self.distinct else ''}{inner})"


@dataclass(frozen=True, eq=False)
class UnresolvedExtract(Expression):
    """``col[key]``, ``col.getItem(key)``, ``col.getField(name)``."""

    children: tuple = ()  # (child, key)

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        return f"{self.children[0].sql()}[{self.children[1].sql()}]"


# -- bound --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AttributeReference(Expression):
    children = ()
    name: str
    dtype: T.DataType
    nullable: bool = True
    expr_id: int = field(default_factory=new_expr_id)
    qualifier: tuple[str, ...] = ()
    metadata: Any = None  # the column's metadata dict (alias(..., metadata=), withMetadata)
    resolved = True

    def sql(self) -> str:
        return self.name

    def references(self) -> set[int]:
        return {self.expr_id}

    def foldable(self) -> bool:
        return False

    def new_instance(self) -> AttributeReference:
        return replace(self, expr_id=new_expr_id())

    def with_name(self, name: str) -> AttributeReference:
        return replace(self, name=name)

    def with_qualifier(self, qualifier: tuple[str, ...]) -> AttributeReference:
        return replace(self, qualifier=qualifier)

    def with_nullability(self, nullable: bool) -> AttributeReference:
        return replace(self, nullable=nullable)

    def debug(self) -> str:
        """Spark's attribute form in plans: ``name#12L``."""
        suffix = {"LongType": "L", "ShortType": "S", "ByteType": "Y", "FloatType": "F",
                  "DoubleType": "", "DecimalType": ""}.get(type(self.dtype).__name__, "")
        return f"{self.name}#{self.expr_id}{suffix}"


@dataclass(frozen=True, eq=False)
class Literal(Expression):
    children = ()
    value: Any
    dtype: T.DataType
    resolved = True

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return self.value is None

    def foldable(self) -> bool:
        return True

    def sql(self) -> str:
        return literal_sql(self.value, self.dtype)


@dataclass(frozen=True, eq=False)
class Alias(Expression):
    children: tuple  # (child,)
    name: str
    expr_id: int = field(default_factory=new_expr_id)
    metadata: tuple = ()

    @property
    def child(self) -> Expression:
        return self.children[0]

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return self.child.resolved

    @property
    def dtype(self) -> T.DataType:  # type: ignore[override]
        return self.child.dtype

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return self.child.nullable

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def to_attribute(self) -> AttributeReference:
        meta = dict(self.metadata).get("metadata")
        if meta is None and isinstance(self.child, AttributeReference):
            meta = self.child.metadata  # an alias keeps its column's metadata, as Spark's
        return AttributeReference(self.name, self.dtype, self.nullable, self.expr_id,
                                  metadata=meta)

    def sql(self) -> str:
        return self.child.sql()


@dataclass(frozen=True, eq=False)
class Cast(Expression):
    children: tuple  # (child,)
    dtype: T.DataType
    try_: bool = False
    ansi: bool | None = None  # None: the session's spark.sql.ansi.enabled
    implicit: bool = False  # inserted by the analyzer: named after its child
    typed_literal: bool = False  # SQL's DATE '...' / TIMESTAMP '...': named as written

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return self.child.resolved

    @property
    def child(self) -> Expression:
        return self.children[0]

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return True if self.try_ else self.child.nullable

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        if self.implicit:
            return self.child.sql()
        if self.typed_literal:
            kind = "TIME" if isinstance(self.dtype, T.TimeType) else type_ddl(self.dtype).upper()
            return f"{kind} '{getattr(self.child, 'value', '')}'"
        kw = "TRY_CAST" if self.try_ else "CAST"
        return f"{kw}({self.child.sql()} AS {type_ddl(self.dtype)})"


@dataclass(frozen=True, eq=False)
class Call(Expression):
    """A resolved scalar function: ``spec`` (see registry.py) with typed arguments."""

    spec: Any
    children: tuple
    dtype: T.DataType
    nullable: bool = True
    options: tuple = ()
    resolved = True

    @property
    def deterministic(self) -> bool:
        return self.spec.deterministic

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        return self.spec.pretty(self)


@dataclass(frozen=True, eq=False)
class AggCall(Expression):
    """A resolved aggregate function call (count, sum, avg, collect_list...)."""

    spec: Any
    children: tuple
    dtype: T.DataType
    nullable: bool = True
    distinct: bool = False
    options: tuple = ()
    resolved = True

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        for k, v in self.options:  # agg(x) FILTER (WHERE c): analysis/agg_filter.py
            if k == "filter_sql":
                return v
        return self.spec.pretty(self)

    def foldable(self) -> bool:
        return False


@dataclass(frozen=True, eq=False)
class CaseWhen(Expression):
    """CASE WHEN c1 THEN v1 ... [ELSE e] END: children = (c1, v1, c2, v2, ..., [else])."""

    children: tuple
    has_else: bool = False
    dtype: T.DataType = T.NullType()

    typed: bool = False  # set by the analyzer once dtype is decided

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return self.typed and all(c.resolved for c in self.children)

    @property
    def branches(self) -> list[tuple[Expression, Expression]]:
        n = len(self.children) - (1 if self.has_else else 0)
        return [(self.children[i], self.children[i + 1]) for i in range(0, n, 2)]

    @property
    def else_value(self) -> Expression | None:
        return self.children[-1] if self.has_else else None

    @property
    def nullable(self) -> bool:  # type: ignore[override]
        return (not self.has_else) or any(v.nullable for _, v in self.branches) or \
            self.children[-1].nullable

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        parts = "".join(f" WHEN {c.sql()} THEN {v.sql()}" for c, v in self.branches)
        tail = f" ELSE {self.else_value.sql()}" if self.has_else else ""  # type: ignore
        return f"CASE{parts}{tail} END"


@dataclass(frozen=True, eq=False)
class SortOrder(Expression):
    children: tuple  # (child,)
    ascending: bool = True
    nulls_first: bool | None = None  # None: Spark's default (first for asc, last for desc)

    @property
    def child(self) -> Expression:
        return self.children[0]

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return self.child.resolved

    @property
    def dtype(self) -> T.DataType:  # type: ignore[override]
        return self.child.dtype

    @property
    def nulls_first_effective(self) -> bool:
        return self.ascending if self.nulls_first is None else self.nulls_first

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def sql(self) -> str:
        d = "ASC" if self.ascending else "DESC"
        n = "NULLS FIRST" if self.nulls_first_effective else "NULLS LAST"
        return f"{self.child.sql()} {d} {n}"
