"""FROM and WHERE of a SELECT: relations, joins and conjuncts (a mixin of QueryBinder).

Inner joins and comma-separated relations form one group of relations and conjuncts that is
joined greedily as Spark's ReorderJoin does: start from the first relation, then repeatedly
take the first remaining relation connected to the joined ones by a conjunct (a cross join
only when none is); each conjunct becomes a join condition as soon as all its relations are
joined, and one-relation conjuncts filter that relation. A disjunction whose branches share
conjuncts is factored first (``(a AND b) OR (a AND c)`` -> ``a AND (b OR c)``), so a join key
repeated in every branch is a join key (TPC-H Q19). Outer, semi and anti joins, ``USING``
and ``NATURAL`` are joined in the order written and close the group. WHERE conjuncts that
hold a subquery are applied after the joins (subqueries.py); in a subquery, a conjunct that
resolves only with the outer query's columns is correlated and handed back to its caller.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.analysis.join_hidden_keys import expose_keys, hidden_keys_of
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.planner import and_all
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Expression, UnresolvedAttribute, UnresolvedFunction,
    transform_up)
from runtime.sql.plan import logical as L
from runtime.sql.sqltext import subqueries
from runtime.sql.sqltext.lateral import (
    bind_lateral, bind_lateral_generator, is_generator, is_lateral_subquery,
    lateral_function_table)

__all__ = ["FromClause", "conjuncts"]


class FromClause:
    # -- FROM / WHERE ----------------------------------------------------------------------------
    def _from_where(self, sel: Any, outer: list | None) -> tuple[L.LogicalPlan, list]:
        src = sel.args.get("from_")
        where = sel.args.get("where")
        where_conds = conjuncts(where.this) if where is not None else []
        plain = [c for c in where_conds if not subqueries.contains_subquery(c)]
        deferred = [c for c in where_conds if subqueries.contains_subquery(c)]
        if src is None:
            plan: L.LogicalPlan = self.an.analyze(L.Project((), (_one_row(),)))
            group = [plan]
            conds: list = []
        else:
            first = lateral_function_table(src.this) or src.this  # FROM LATERAL f(...)
            group = [bind_lateral(self, None, first) if is_lateral_subquery(first)
                     else self.relation(first)]
            conds = []
            for j in sel.args.get("joins") or []:
                if is_lateral_subquery(j.this):  # FROM t, LATERAL (SELECT ... t.a ...)
                    left, corr = self._join_group(group, conds, None)
                    group, conds = [bind_lateral(self, left, j.this, j)], []
                    continue
                if type(j.this).__name__ == "Lateral" and (j.side or "").upper() == "LEFT":
                    left, corr = self._join_group(group, conds, None)
                    group, conds = [bind_lateral_generator(self, left, j.this, j)], []
                    continue
                table = lateral_function_table(j.this)
                if table is not None and not is_generator(table.this):  # LATERAL range(3)
                    group.append(self.relation(table))
                    if j.args.get("on") is not None:
                        conds += conjuncts(j.args["on"])
                    continue
                if type(j.this).__name__ == "Lateral":  # FROM t, LATERAL f(t.a): a generator
                    left, corr = self._join_group(group, conds, None)  # over what is left
                    group, conds = [self._lateral_views(left, [j.this])], []
                    if j.args.get("on") is not None:
                        conds += conjuncts(j.args["on"])
                    continue
                right = self.relation(j.this)
                kind = _join_kind(j)
                if kind == "inner" and not j.args.get("using") and not j.args.get("method"):
                    group.append(right)
                    if j.args.get("on") is not None:
                        conds += conjuncts(j.args["on"])
                    continue
                left, corr = self._join_group(group, conds, None)
                group, conds = [self._explicit_join(left, right, kind, j)], []
        laterals = sel.args.get("laterals") or []
        if laterals:  # LATERAL VIEW sits between FROM and WHERE
            plan, corr = self._join_group(group, conds, outer)
            plan = self._lateral_views(plan, laterals)
            if plain:
                plan = self.filter(plan, and_all([self.resolve(self.expr(c), plan.output)
                                                  for c in plain]))
        else:
            group, keys = _expose_keys_named(self, group, conds + plain)
            plan, corr = self._join_group(group, conds + plain, outer)
            if keys:  # WHERE nt2.k: read below, hidden again above (analysis/join_hidden_keys)
                ids = {a.expr_id for a in keys}
                shown = tuple(a for a in plan.output if a.expr_id not in ids)
                plan = replace(self.an.analyze(L.Project(shown, (plan,))), hidden=keys)
        if deferred:
            base = plan.output
            holder = [plan]
            for c in deferred:
                if subqueries.is_predicate(c):
                    subqueries.apply_predicate(self, holder, c)
                else:
                    cond = self.expr(c, subqueries.hook(self, holder))
                    holder[0] = self.filter(holder[0], self.resolve(cond, holder[0].output))
            plan = self.an.analyze(L.Project(tuple(base), (holder[0],)))
        return plan, corr

    def _join_group(self, members: list, conds: list, outer: list | None
                    ) -> tuple[L.LogicalPlan, list]:
        inputs = [a for m in members for a in m.output]
        owner = {a.expr_id: i for i, m in enumerate(members) for a in m.output}
        corr: list[Expression] = []
        top: list[Expression] = []
        local: dict[int, list] = {}
        joins: list[tuple[set, Expression]] = []
        for node in conds:
            e = self.expr(node)
            try:
                with self.an.exprs.without_variables() if outer else nullcontext():
                    r = self.resolve(e, inputs)  # an outer column before a session variable
            except AnalysisException:
                if not outer:
                    raise
                r = self.resolve(self._scoped(e, inputs, list(outer)), inputs + list(outer))
                if r.references() - set(owner):
                    corr.append(r)
                    continue
            rel = {owner[i] for i in r.references() if i in owner}
            if not rel:
                top.append(r)
            elif len(rel) == 1:
                local.setdefault(rel.pop(), []).append(r)
            else:
                joins.append((rel, r))
        kids = [self.filter(m, and_all(local[i])) if i in local else m
                for i, m in enumerate(members)]
        done = {0}
        plan = kids[0]
        while len(done) < len(kids):
            rest = [i for i in range(len(kids)) if i not in done]
            nxt = next((i for i in rest if any(i in rel and rel <= done | {i}
                                                for rel, _ in joins)), rest[0])
            done.add(nxt)
            here = [c for rel, c in joins if rel <= done and nxt in rel]
            joins = [(rel, c) for rel, c in joins if not (rel <= done and nxt in rel)]
            jt = "inner" if here else "cross"
            plan = self.an.analyze(L.Join(jt, and_all(here) if here else None,
                                          (plan, kids[nxt]), self._join_hint(kids[nxt])))
        if top:
            plan = self.filter(plan, and_all(top))
        return plan, corr

    def _scoped(self, e: Expression, inputs: list, outer: list) -> Expression:
        """Names resolved in the subquery's own scope first, then in the outer query's."""
        def fn(x: Expression) -> Expression | None:
            if not isinstance(x, UnresolvedAttribute):
                return None
            try:
                with self.an.exprs.without_variables():
                    return self.an.exprs.resolve_name(x.parts, inputs)
            except AnalysisException:
                return self.an.exprs.resolve_name(x.parts, outer)
        return transform_up(e, fn)

    def _explicit_join(self, left: L.LogicalPlan, right: L.LogicalPlan, kind: str, j: Any
                       ) -> L.LogicalPlan:
        using = [u.name for u in j.args.get("using") or []]
        if j.args.get("method") and str(j.args["method"]).upper() == "NATURAL":
            names = {a.name.lower() for a in right.output}
            using = [a.name for a in left.output if a.name.lower() in names]
        if using:
            return self._using_join(left, right, kind, using)
        on = j.args.get("on")
        cond = None
        if on is not None:
            cond = self.resolve(self.expr(on), left.output + right.output)
        if kind == "inner" and cond is None:
            kind = "cross"
        hint = self._join_hint(right)
        if hint is None and self._join_hint(left) == "broadcast":
            hint = "broadcast_left"  # BROADCAST(l): build the left side (Spark's BuildLeft)
        return self.an.analyze(L.Join(kind, cond, (left, right), hint))

    def _using_join(self, left: L.LogicalPlan, right: L.LogicalPlan, kind: str,
                    using: list) -> L.LogicalPlan:
        for side, plan in (("left", left), ("right", right)):
            names = {a.name.lower() for a in plan.output}
            for u in using:
                if u.lower() not in names:
                    cols = ", ".join(f"`{n}`" for n in sorted(a.name for a in plan.output))
                    raise AnalysisException(
                        f"[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column `{u}` cannot be "
                        f"resolved on the {side} side of the join. The {side}-side columns: "
                        f"[{cols}]. SQLSTATE: 42703",
                        errorClass="UNRESOLVED_USING_COLUMN_FOR_JOIN",
                        messageParameters={"colName": f"`{u}`", "side": side,
                                           "suggestion": cols})
        lk = [self.resolve(UnresolvedAttribute((u,)), left.output) for u in using]
        rk = [self.resolve(UnresolvedAttribute((u,)), right.output) for u in using]
        cond = and_all([self.resolve(UnresolvedFunction("=", (a, b)), left.output + right.output)
                        for a, b in zip(lk, rk)])
        joined = self.an.analyze(L.Join(kind, cond, (left, right)))
        if kind in ("semi", "anti"):
            return joined
        keys: list[Expression] = []
        for a, b in zip(lk, rk):
            if kind == "right":
                keys.append(b)
            elif kind == "full":
                keys.append(Alias((UnresolvedFunction("coalesce", (a, b)),), a.name))
            else:
                keys.append(a)
        lids = {k.expr_id for k in lk}
        rids = {k.expr_id for k in rk}
        rest = [a for a in joined.output if a.expr_id not in lids | rids]
        out = self.an.analyze(L.Project(tuple(keys + rest), (joined,)))
        # the other side's keys stay reachable as nt2.k (analysis/join_hidden_keys.py)
        hidden = {"right": lk, "full": lk + rk}.get(kind, rk)
        return replace(out, hidden=tuple(hidden)) if isinstance(out, L.Project) else out



def _expose_keys_named(b: Any, group: list, conds: list) -> tuple[list, tuple]:
    """The members of a FROM group with the USING-join keys ``conds`` name in their output,
    and those keys."""
    if not conds or not any(hidden_keys_of(m) for m in group):
        return group, ()
    exprs = [b.expr(c) for c in conds]
    out, keys = [], []
    for m in group:
        hidden = hidden_keys_of(m)
        shown, _ = expose_keys(exprs, m)
        if shown is not m:
            keys.extend(hidden)
        out.append(shown)
    return out, tuple(keys)


def conjuncts(node: Any) -> list:
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        return conjuncts(node.this) + conjuncts(node.expression)
    if isinstance(node, exp.Or):
        return _factor_or(node)
    return [node]


def _disjuncts(node: Any) -> list:
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Or):
        return _disjuncts(node.this) + _disjuncts(node.expression)
    return [node]


def _factor_or(node: Any) -> list:
    """``(a AND b) OR (a AND c)`` -> ``a``, ``b OR c`` (Spark's BooleanSimplification), so a
    join key repeated in every branch of a disjunction becomes a join key."""
    from sqlglot import exp

    branches = [conjuncts(d) for d in _disjuncts(node)]
    texts = [[c.sql() for c in b] for b in branches]
    common = [c for c in branches[0] if all(c.sql() in t for t in texts[1:])]
    if not common:
        return [node]
    keep = {c.sql() for c in common}
    rests = []
    for b in branches:
        rest = [c for c in b if c.sql() not in keep]
        if not rest:
            return common  # one branch is just the common part: the OR is implied
        rests.append(exp.and_(*[c.copy() for c in rest]) if len(rest) > 1 else rest[0].copy())
    ored = rests[0]
    for r in rests[1:]:
        ored = exp.or_(ored, r)
    return [c.copy() for c in common] + [ored]


def _join_kind(j: Any) -> str:
    side = (j.side or "").upper()
    kind = (j.kind or "").upper()
    if kind in ("SEMI", "ANTI"):
        return kind.lower()
    if side == "LEFT":
        return "left"
    if side == "RIGHT":
        return "right"
    if side == "FULL":
        return "full"
    return "inner"


def _one_row() -> L.LogicalPlan:
    attr = AttributeReference("id", T.LongType(), False)
    return L.Range(0, 1, 1, 1, attr)
