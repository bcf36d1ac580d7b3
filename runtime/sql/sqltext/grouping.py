"""GROUP BY of SQL text, a mixin of the binder (binder.py's QueryBinder): the grouping
expressions of a GROUP BY (ordinals, select-list aliases, ``GROUP BY ALL``), ROLLUP, CUBE and
GROUPING SETS crossed as Spark crosses them, and HAVING's repeats of grouping expressions.

A name in GROUP BY is a column of the input first, then a select-list alias (``SELECT a + b
AS k ... GROUP BY k`` and ``CUBE(k)`` group by ``a + b``), then a session variable; an
aggregate in GROUP BY is Spark's ``GROUP_BY_AGGREGATE`` (checked by the binder). The grouping
sets aggregate itself (an Aggregate over an Expand) is analysis/grouping_sets.py's, shared
with the DataFrame API.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.analysis.grouping_sets import (
    cube_sets, grouping_sets_aggregate, mentions_grouping, rollup_sets)
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Alias, Expression, Literal, UnresolvedAttribute
from runtime.sql.plan import logical as L
from runtime.sql.sqltext.expressions import has_agg

__all__ = ["GroupBy", "strip_alias"]


class GroupBy:
    def _grouped_in_having(self, node: Any, group: Any, hidden: list) -> Any:
        """HAVING may name a grouping expression (GROUP BY v + 1 HAVING v + 1 = 2): each one
        it repeats becomes a hidden column of the aggregate, read by the filter."""
        from sqlglot import exp

        if group is None:
            return node
        for g in group.expressions:
            if isinstance(g, (exp.Column, exp.Literal)) or not any(
                    n.sql() == g.sql() for n in node.walk()):
                continue
            name = self.hidden_name()
            hidden.append(Alias((self.expr(g),), name))
            text = g.sql()
            node = node.copy().transform(
                lambda n, t=text, c=name: exp.column(c) if n.sql() == t else n)
        return node

    def _grouping_sets(self, group: Any) -> tuple[list, list] | None:
        """(grouping expressions, sets as index lists) of a GROUP BY with ROLLUP/CUBE/
        GROUPING SETS, else None. Items are crossed as Spark crosses them: ``GROUP BY a,
        CUBE(b, c)`` groups by ``a`` plus each set of the cube (``ROLLUP(a), CUBE(b)`` too)."""
        from sqlglot import exp

        if group is None:
            return None
        items = list(group.expressions)
        declared: list = []
        if group.args.get("grouping_sets"):  # Hive's GROUP BY a, b GROUPING SETS (...)
            items, declared = list(group.args["grouping_sets"]), items
        elif group.args.get("cube"):  # GROUP BY a, b WITH CUBE
            items = [exp.Cube(expressions=items)]
        elif group.args.get("rollup"):
            items = [exp.Rollup(expressions=items)]
        if not any(isinstance(g, (exp.Rollup, exp.Cube, exp.GroupingSets)) for g in items):
            return None
        texts: list[str] = []
        exprs: list[Expression] = []

        def index(m: Any) -> int:
            t = m.sql()
            if t not in texts:
                texts.append(t)
                exprs.append(self.expr(m))
            return texts.index(t)

        for node in declared:
            index(node)
        crossed: list[list[int]] = [[]]
        for node in items:
            if isinstance(node, exp.GroupingSets):
                sets = []
                for item in node.expressions:
                    members = item.expressions if isinstance(item, exp.Tuple) else \
                        ([] if isinstance(item, exp.Paren) and item.this is None else [item])
                    if isinstance(item, exp.Paren) and item.this is not None:
                        members = [item.this]
                    sets.append([index(m) for m in members])
            elif isinstance(node, (exp.Rollup, exp.Cube)):
                idx = [index(e) for e in node.expressions]
                shape = rollup_sets if isinstance(node, exp.Rollup) else cube_sets
                sets = [[idx[i] for i in s] for s in shape(len(idx))]
            else:
                sets = [[index(node)]]
            crossed = [c + [i for i in s if i not in c] for c in crossed for s in sets]
        return exprs, crossed

    def _grouping_sets_aggregate(self, sel: Any, plan: L.LogicalPlan, items: list, having: Any,
                                 exprs: list, sets: list) -> L.LogicalPlan:
        cond = self.expr(having.this) if having is not None else None
        inside = cond is not None and mentions_grouping(cond)  # HAVING grouping(a) = 1
        extra = [Alias((cond,), self.hidden_name())] if inside else []
        agg = self.an.analyze(grouping_sets_aggregate(self.an.exprs, plan, exprs, sets,
                                                      list(items) + extra))
        out: L.LogicalPlan = agg
        if cond is not None:
            out = self.filter(out, agg.output[-1] if inside else cond)
        visible = agg.output[-len(items) - len(extra):len(agg.output) - len(extra)]
        order = sel.args.get("order")
        if order is not None:
            orders = [self._order_item(o, visible) for o in order.expressions]
            out = self.an.analyze(L.Sort(tuple(orders), True, (out,)))
        out = self.an.analyze(L.Project(tuple(visible), (out,)))
        return self._limits(out, sel)

    def _groupings(self, group: Any, items: list, plan: L.LogicalPlan) -> list[Expression]:
        from sqlglot import exp

        if group is None:
            return []
        if group.args.get("all"):
            return [strip_alias(i) for i in items if not has_agg(i)]
        out: list[Expression] = []
        for g in group.expressions:
            e = self.expr(g)
            if isinstance(e, Literal) and isinstance(e.value, int) and \
                    not isinstance(e.value, bool):
                if not 1 <= e.value <= len(items):
                    raise AnalysisException(
                        f"[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position {e.value} is not in "
                        f"select list (valid range is [1, {len(items)}]). SQLSTATE: 42805",
                        errorClass="GROUP_BY_POS_OUT_OF_RANGE")
                e = strip_alias(items[e.value - 1])
            else:
                e = self._group_alias(e, items, plan)
            out.append(e)
        return out

    def _group_alias(self, e: Expression, items: list, plan: L.LogicalPlan) -> Expression:
        """A GROUP BY name that is no column of the input but a select list alias: the
        aliased expression (a column first, then an alias, then a session variable)."""
        if not isinstance(e, UnresolvedAttribute) or len(e.parts) != 1:
            return e
        try:
            with self.an.exprs.without_variables():
                self.resolve(e, plan.output)
        except AnalysisException:
            alias = [i for i in items if isinstance(i, Alias) and
                     i.name.lower() == e.parts[0].lower()]
            if alias:
                return alias[0].child
        return e

    def _resolved_groupings(self, groupings: list, plan: L.LogicalPlan) -> list:
        return [self.resolve(g, plan.output) for g in groupings]


def strip_alias(e: Expression) -> Expression:
    return e.children[0] if isinstance(e, Alias) else e
