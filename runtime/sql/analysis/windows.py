"""Extracting window expressions from a projection (Spark's ExtractWindowExpressions).

``select(a, row_number().over(w) + 1, sum(x).over(w2))`` becomes

    Project [a, (_w0 + 1), _w1]            the original expressions over window attributes
    +- Window [sum(x) OVER w2 AS _w1]      one Window node per (PARTITION BY, ORDER BY)
       +- Window [row_number() OVER w AS _w0]
          +- child

A named window expression (``... .over(w).alias("rn")`` or an unaliased one, named by
Spark's ``f(...) OVER (...)`` text) keeps its alias and expression id, so it is the output
column itself. When the projection also aggregates (``SELECT k, rank() OVER (ORDER BY
sum(t)) ... GROUP BY k``), the aggregate calls and the grouped columns the window
expressions use are computed by an ``Aggregate`` below the windows first.

A window function without OVER (``select(row_number())``) is
``[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]``.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.analysis.resolve import contains_aggregate
from runtime.sql.expressions.base import AggCall, Alias, AttributeReference, Expression
from runtime.sql.expressions.window_base import (
    WindowExpression, contains_window, is_window_function)
from runtime.sql.expressions.window_functions import without_over
from runtime.sql.plan import logical as L

__all__ = ["check_no_bare_window_function", "extract_windows"]


def check_no_bare_window_function(e: Expression) -> None:
    if isinstance(e, WindowExpression):
        for c in e.function.children:
            check_no_bare_window_function(c)
        check_no_bare_window_function(e.spec)
        return
    if is_window_function(e):
        raise without_over(e)
    for c in e.children:
        check_no_bare_window_function(c)


def _key(e: Expression) -> str:
    return e.sql() + "#" + ",".join(map(str, sorted(e.references())))


def extract_windows(exprs: list, child: L.LogicalPlan, groupings: tuple | None,
                    check_aggregate: Callable[[L.Aggregate], L.Aggregate]) -> L.LogicalPlan:
    if groupings is not None or any(contains_aggregate(e) for e in exprs):
        child, exprs = _below_aggregate(exprs, child, tuple(groupings or ()), check_aggregate)
    windows: dict[tuple, tuple[Any, list]] = {}

    def add(alias: Alias) -> AttributeReference:
        spec = alias.child.spec
        key = tuple(_key(c) for c in spec.partition) + ("|",) + \
            tuple(_key(o) for o in spec.orders)
        windows.setdefault(key, (spec, []))[1].append(alias)
        return alias.to_attribute()

    def pull(e: Expression) -> Expression:
        if isinstance(e, WindowExpression):
            return add(Alias((e,), e.sql()))
        if not e.children:
            return e
        kids = tuple(pull(c) for c in e.children)
        return e.with_children(kids) if any(a is not b for a, b in zip(kids, e.children)) \
            else e

    final: list[Expression] = []
    for ne in exprs:
        if isinstance(ne, Alias) and isinstance(ne.child, WindowExpression):
            final.append(add(ne))
        else:
            final.append(pull(ne))
    plan = child
    for spec, aliases in windows.values():
        plan = L.Window(tuple(aliases), tuple(spec.partition), tuple(spec.orders), (plan,))
    return L.Project(tuple(final), (plan,))


def _below_aggregate(exprs: list, child: L.LogicalPlan, groupings: tuple,
                     check_aggregate: Callable[[L.Aggregate], L.Aggregate]
                     ) -> tuple[L.LogicalPlan, list]:
    items: list[Expression] = []
    seen: dict[str, Expression] = {}
    group_sql = {g.sql(): g for g in groupings if not isinstance(g, AttributeReference)}
    for ne in exprs:
        if not contains_window(ne):
            items.append(ne)
            inner = ne.child if isinstance(ne, Alias) else ne
            attr = ne.to_attribute() if isinstance(ne, Alias) else ne
            seen.setdefault(_key(inner), attr)

    def lift(x: Expression) -> Expression:
        if isinstance(x, WindowExpression):
            f = x.function
            f2 = f.with_children(tuple(lift(c) for c in f.children)) if f.children else f
            spec = x.spec.with_children(tuple(lift(c) for c in x.spec.children))
            return WindowExpression((f2, spec))
        if isinstance(x, AggCall) or x.sql() in group_sql:
            k = _key(x)
            if k not in seen:
                a = Alias((x,), x.sql())
                items.append(a)
                seen[k] = a.to_attribute()
            return seen[k]
        if isinstance(x, AttributeReference):
            k = _key(x)
            if k not in seen:
                items.append(x)
                seen[k] = x
            return seen[k]
        if not x.children:
            return x
        return x.with_children(tuple(lift(c) for c in x.children))

    out: list[Expression] = []
    for ne in exprs:
        if not contains_window(ne):
            out.append(ne.to_attribute() if isinstance(ne, Alias) else ne)
        elif isinstance(ne, Alias):
            out.append(ne.with_children((lift(ne.child),)))
        else:
            out.append(lift(ne))
    agg = check_aggregate(L.Aggregate(groupings, tuple(items), (child,)))
    return agg, out
