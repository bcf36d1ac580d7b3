"""Rollup, cube and grouping sets as an Aggregate over an Expand (Spark's plan shape).

``grouping_sets_aggregate(resolver, child, groupings, sets, aggregates)`` builds::

    Aggregate [g1', g2', spark_grouping_id], [g1', g2', <aggregates>]
    +- Expand [[<child columns>, g1, g2, 0], [<child columns>, g1, null, 1], ...],
    |         [<child columns>, g1', g2', spark_grouping_id]
       +- Project [<child columns>, g1 AS g1, g2 AS g2]
          +- child

* ``groupings`` are the grouping expressions (names or expressions, unresolved or not),
  ``sets`` the grouping sets as lists of indices into them: rollup(a, b) is
  ``[[0, 1], [0], []]``, cube(a, b) every subset, largest first.
* ``spark_grouping_id`` has bit ``n-1-i`` set when grouping column ``i`` is *not* in the
  row's set (Spark's grouping_id()); ``grouping(g_i)`` is ``(gid >> (n-1-i)) & 1`` as a
  tinyint, ``grouping_id()`` the id itself (bigint; ``grouping_id(cols)`` must name all
  the grouping columns in order, as in Spark); ``grouping__id`` (Hive's virtual column) is
  grouping_id() under that name.
* Aggregate arguments read the original column (``sum(a)`` sums every row of ``a``); a
  grouping expression used outside an aggregate reads the expanded, nullable grouping
  column, so ``rollup("a").agg(...)`` shows NULL for ``a`` in the grand total.

The DataFrame API (GroupedData) and SQL text (GROUP BY ROLLUP/CUBE/GROUPING SETS) share this.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.analysis.resolve import ExpressionResolver
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Cast, Expression, Literal, UnresolvedAttribute,
    UnresolvedFunction, transform_up)
from runtime.sql.expressions.registry import lookup
from runtime.sql.plan import logical as L

__all__ = ["cube_sets", "grouping_sets_aggregate", "mentions_grouping", "rollup_sets"]

GROUPING_ID = "spark_grouping_id"


def rollup_sets(n: int) -> list[list[int]]:
    return [list(range(k)) for k in range(n, -1, -1)]


def cube_sets(n: int) -> list[list[int]]:
    """Every subset, in Spark's order (bit i of the mask set: column i left out)."""
    return [[i for i in range(n) if not mask >> (n - 1 - i) & 1] for mask in range(2 ** n)]


def _name(e: Expression, resolver: ExpressionResolver) -> str:
    return e.name if isinstance(e, (AttributeReference, Alias)) else \
        resolver.named(e).name  # type: ignore[attr-defined]


def grouping_sets_aggregate(resolver: ExpressionResolver, child: L.LogicalPlan,
                            groupings: list[Expression], sets: list[list[int]],
                            aggregates: list[Expression]) -> L.Aggregate:
    inputs = child.output
    resolved = [resolver.resolve(g, inputs) for g in groupings]
    aliases = [Alias((g.child if isinstance(g, Alias) else g,), _name(g, resolver))
               for g in resolved]
    project = L.Project(tuple(inputs) + tuple(aliases), (child,))
    n = len(aliases)
    expanded = [AttributeReference(a.name, a.dtype, True) for a in aliases]
    gid = AttributeReference(GROUPING_ID, T.LongType(), False)
    # a grouping set given twice (GROUP BY a, CUBE(a, b)) gives its rows twice, as Spark's
    # _gen_grouping_pos keeps the copies apart
    twice = len({frozenset(s) for s in sets}) < len(sets)
    pos = (AttributeReference("_gen_grouping_pos", T.IntegerType(), False),) if twice else ()
    projections = []
    for k, s in enumerate(sets):
        mask = sum(1 << (n - 1 - i) for i in range(n) if i not in s)
        projections.append(tuple(inputs) + tuple(
            a.to_attribute() if i in s else Literal(None, a.dtype)
            for i, a in enumerate(aliases)) + (Literal(mask, T.LongType()),) +
            ((Literal(k, T.IntegerType()),) if twice else ()))
    expand = L.Expand(tuple(projections), tuple(inputs) + tuple(expanded) + (gid,) + pos,
                      (project,))
    keys = [(g.child if isinstance(g, Alias) else g).sql() for g in resolved]
    out: list[Expression] = []
    for e in aggregates:
        name = _grouping_name(e) or ("grouping__id" if _is_legacy_gid(e) else None)
        e = transform_up(e, lambda x: _grouping_call(x, resolver, inputs, keys, gid))
        r = resolver.resolve(e, inputs + [gid])
        r = _use_expanded(r, keys, expanded)
        out.append(Alias((r,), name) if name else resolver.named(r))
    return L.Aggregate(tuple(expanded) + (gid,) + pos, tuple(expanded) + tuple(out),
                       (expand,))


def _grouping_name(e: Expression) -> str | None:
    if isinstance(e, UnresolvedFunction) and e.name.lower() in ("grouping", "grouping_id"):
        return f"{e.name.lower()}({', '.join(c.sql() for c in e.children)})"
    return None


def _is_legacy_gid(e: Expression) -> bool:
    """``grouping__id``: Hive's virtual column, Spark's grouping_id() under that name."""
    return isinstance(e, UnresolvedAttribute) and len(e.parts) == 1 and \
        e.parts[0].lower() == "grouping__id"


def mentions_grouping(e: Expression) -> bool:
    """Whether ``e`` calls grouping()/grouping_id() or reads grouping__id (a HAVING that
    does is computed inside the aggregate: binder's grouping-sets path)."""
    if _is_legacy_gid(e) or isinstance(e, UnresolvedFunction) and \
            e.name.lower() in ("grouping", "grouping_id"):
        return True
    return any(mentions_grouping(c) for c in e.children)


def _grouping_call(x: Expression, resolver: ExpressionResolver, inputs: list,
                   keys: list[str], gid: AttributeReference) -> Expression | None:
    if _is_legacy_gid(x):
        return gid
    if not isinstance(x, UnresolvedFunction) or \
            x.name.lower() not in ("grouping", "grouping_id"):
        return None
    n = len(keys)
    positions = []
    for c in x.children:
        sql = resolver.resolve(c, inputs).sql()
        if sql not in keys:
            raise AnalysisException(
                f"[GROUPING_COLUMN_MISMATCH] Column of grouping ({sql}) can't be found in "
                f"grouping columns {', '.join(keys)}. SQLSTATE: 42803",
                errorClass="GROUPING_COLUMN_MISMATCH")
        positions.append(keys.index(sql))
    ctx = resolver.ctx
    if x.name.lower() == "grouping":
        if len(positions) != 1:
            raise AnalysisException(
                "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `grouping` requires 1 parameters but "
                f"the actual number is {len(positions)}. SQLSTATE: 42605",
                errorClass="WRONG_NUM_ARGS.WITHOUT_SUGGESTION")
        return Cast((_bit(gid, n - 1 - positions[0], ctx),), T.ByteType())
    if positions and positions != list(range(n)):
        raise AnalysisException(
            f"[GROUPING_ID_COLUMN_MISMATCH] Columns of grouping_id ("
            f"{','.join(resolver.resolve(c, inputs).sql() for c in x.children)}) does not "
            f"match grouping columns ({','.join(keys)}). SQLSTATE: 42803",
            errorClass="GROUPING_ID_COLUMN_MISMATCH")
    return gid


def _bit(gid: AttributeReference, k: int, ctx: Any) -> Expression:
    shifted = lookup("shiftright").bind([gid, Literal(k, T.IntegerType())], ctx)
    return lookup("&").bind([shifted, Literal(1, T.LongType())], ctx)


def _use_expanded(e: Expression, keys: list[str], expanded: list) -> Expression:
    """Grouping expressions outside aggregate calls read the expanded (nullable) columns."""
    if isinstance(e, AggCall):
        return e
    if not isinstance(e, (Literal, Alias)) and e.sql() in keys and e.references():
        return expanded[keys.index(e.sql())]
    if not e.children:
        return e
    kids = tuple(_use_expanded(c, keys, expanded) for c in e.children)
    return e if all(a is b for a, b in zip(kids, e.children)) else e.with_children(kids)
