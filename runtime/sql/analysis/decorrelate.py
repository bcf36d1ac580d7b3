"""Decorrelation of a LATERAL subquery: the plan that reads ``outer(a)`` columns becomes a
plan without them, joined to the outer query on the outer values (Spark's
DecorrelateInnerQuery followed by RewriteLateralSubquery).

``lateral_join(an, left, sub, how, cond)`` is the whole rewrite. ``sub`` is an analyzed plan
whose expressions may hold ``OuterReference`` leaves (outer_references.py) standing for a
column of ``left``'s current row. ``Decorrelator.run(plan)`` returns ``(plan', m)``: ``plan'``
computes ``plan`` for every value ``v`` of the outer columns at once, each of its rows tagged
with ``v`` in extra columns, and ``m`` maps each outer attribute's expr id to the column of
``plan'`` holding its value. The invariant, per node: restricting ``plan'`` to the rows
whose tag is ``v`` gives exactly ``plan`` evaluated with the outer columns equal to ``v``.
A subtree without outer references is returned unchanged (``m`` empty). The rules:

* a node that needs outer values its child does not carry takes them from the **domain**: a
  cross join with ``SELECT DISTINCT a, b FROM left`` (fresh expression ids each time);
* ``Filter``: over an uncorrelated child, a conjunct ``x = outer(a)`` needs no domain: the
  tag of ``a`` is ``x`` itself (rows with ``x`` NULL never match; the usual case, and the
  one Spark's pull-up of equality predicates handles); otherwise the condition reads the tags;
* ``Project``, ``Generate``, ``Sort``, ``Distinct``, ``SubqueryAlias``: the tags pass through;
* ``Aggregate``: the tags are extra grouping keys. A global aggregate returns one row per
  outer value even over no rows (the count bug): its result is left-joined to the domain,
  and an aggregate whose value over no rows is not NULL (``count``) takes that value where
  nothing matched;
* ``Limit`` (over a ``Sort``): ``row_number()`` over a window partitioned by the tags, in the
  sort's order, kept while ``<= n`` (Spark's rewrite);
* ``Window``: the tags join its PARTITION BY;
* ``Join``: each correlated side is decorrelated; the side whose rows the join keeps (both
  for inner joins) carries every tag, and tags on both sides must be equal (``<=>``);
* ``Union``/``INTERSECT``/``EXCEPT``: every branch carries all tags, as extra columns.

Anything else reading an outer column (a FULL OUTER join, OFFSET...) is refused with
Spark's ``[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_ALLOWED]``.
Finally ``left`` is joined with ``plan'`` on ``a <=> tag(a)`` for every outer column (plus
the lateral join's own condition), inner or left outer as asked, and the result keeps
``left``'s columns then ``sub``'s. ``lateral_join`` returns that rewrite under a
``LateralJoin`` node (plan/lateral_join.py), which keeps the subquery as written for explain,
as Spark's analyzed plan shows it; the optimizer continues from the rewrite.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.ddl import to_ddl
from runtime.sql.errors import AnalysisException
from runtime.sql.execution.planner import and_all
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Call, CaseWhen, Expression, Literal, SortOrder,
    UnresolvedFunction, new_expr_id, transform_up)
from runtime.sql.expressions.outer_references import (
    OuterReference, outer_references, strip_outer)
from runtime.sql.expressions.window_base import WindowExpression, WindowSpecDefinition
from runtime.sql.optimizer import fold
from runtime.sql.plan import logical as L
from runtime.sql.plan.lateral_join import LateralJoin
from runtime.sql import types as T

__all__ = ["Decorrelator", "has_outer", "lateral_join", "plan_outer_references"]


def plan_outer_references(plan: L.LogicalPlan) -> list[AttributeReference]:
    """The outer attributes read anywhere in ``plan``, in order of appearance."""
    found: dict[int, AttributeReference] = {}
    for e in plan.expressions():
        for a in outer_references(e):
            found.setdefault(a.expr_id, a)
    for c in plan.children:
        for a in plan_outer_references(c):
            found.setdefault(a.expr_id, a)
    return list(found.values())


def has_outer(plan: L.LogicalPlan) -> bool:
    return bool(plan_outer_references(plan))


def _unsupported(kind: str, detail: str) -> AnalysisException:
    return AnalysisException(
        f"[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.{kind}] Unsupported subquery expression: "
        f"{detail}. SQLSTATE: 0A000",
        errorClass=f"UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.{kind}")


def _not_allowed(plan: L.LogicalPlan) -> AnalysisException:
    return _unsupported("ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_ALLOWED", "Accessing outer query "
                        f"column is not allowed in this location:\n{plan.tree_string().rstrip()}\n")


_EMPTY_ZERO = {"count", "count_if", "approx_count_distinct", "count_min_sketch"}


def empty_input_value(e: Expression, ctx: Any, dtype: T.DataType | None = None
                      ) -> Literal | None:
    """The value of an aggregate expression over no rows when it is not NULL (``count`` is
    0, ``count(*) + 1`` is 1), else None."""
    if not any(isinstance(x, AggCall) for x in _walk(e)):
        return None

    def empty(x: Expression) -> Expression | None:
        if isinstance(x, AggCall):
            return Literal(0 if x.spec.name in _EMPTY_ZERO else None, x.dtype)
        return None

    out = fold(transform_up(e, empty), ctx)
    if isinstance(out, Literal) and out.value is not None:
        return Literal(out.value, dtype or e.dtype)
    return None


def _walk(e: Expression) -> list:
    out = [e]
    for c in e.children:
        out += _walk(c)
    return out


class Decorrelator:
    def __init__(self, an: Any, outer_plan: L.LogicalPlan):
        self.an = an
        self.outer_plan = outer_plan
        self.non_null: set[int] = set()  # tags never NULL (pulled equalities): joined with =

    # -- helpers ---------------------------------------------------------------------------------
    def call(self, name: str, args: tuple, inputs: list) -> Expression:
        return self.an.exprs.resolve(UnresolvedFunction(name, args), inputs)

    def same(self, a: Expression, b: Expression, inputs: list) -> Expression:
        """``a <=> b``; nested values (which Arrow cannot compare) through their JSON text."""
        return same_value(self.an, a, b, inputs)

    def domain(self, attrs: list) -> tuple[L.LogicalPlan, dict]:
        """SELECT DISTINCT attrs FROM the outer query, with fresh ids."""
        if any(_nested(a.dtype) for a in attrs):
            plan = self._json_domain(attrs)
        else:
            proj = L.Project(tuple(Alias((a,), a.name) for a in attrs), (self.outer_plan,))
            plan = L.Distinct((proj,))
        return plan, {a.expr_id: d for a, d in zip(attrs, plan.output)}

    def _json_domain(self, attrs: list) -> L.LogicalPlan:
        """DISTINCT over nested values, which Arrow cannot group: distinct JSON texts of
        the values, parsed back."""
        parts: list[Expression] = []
        for i, a in enumerate(attrs):
            parts += [Literal(f"c{i}", T.StringType()), a]
        key = Alias((UnresolvedFunction("to_json", (UnresolvedFunction(
            "named_struct", tuple(parts)),)),), "__domain")
        keys = self.an.analyze(L.Aggregate((key.child,), (key,), (self.outer_plan,)))
        schema = to_ddl(T.StructType([T.StructField(f"c{i}", a.dtype, True)
                                      for i, a in enumerate(attrs)]))
        value = UnresolvedFunction("from_json", (keys.output[0], Literal(schema, T.StringType())))
        return self.an.analyze(L.Project(tuple(
            Alias((UnresolvedFunction("getfield", (value, Literal(f"c{i}", T.StringType()))),),
                  a.name) for i, a in enumerate(attrs)), (keys,)))

    def cover(self, plan: L.LogicalPlan, m: dict, attrs: list) -> tuple[L.LogicalPlan, dict]:
        """``plan`` extended with the tags of ``attrs`` it lacks (a cross join with their
        domain: the plan does not depend on them)."""
        missing = [a for a in attrs if a.expr_id not in m]
        if not missing:
            return plan, m
        dom, dm = self.domain(missing)
        return L.Join("cross", None, (plan, dom)), {**m, **dm}

    def _tags(self, m: dict) -> list:
        return list(m.values())

    # -- the rules -------------------------------------------------------------------------------
    def run(self, plan: L.LogicalPlan) -> tuple[L.LogicalPlan, dict]:
        if not has_outer(plan):
            return plan, {}
        method = getattr(self, "_" + type(plan).__name__.lower(), None)
        if method is None:
            raise _not_allowed(plan)
        return method(plan)

    def _filter(self, plan: L.Filter) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        conds = _conjuncts(plan.condition)
        if not m:
            pulled: dict[int, tuple] = {}
            rest = []
            for c in conds:
                pair = _outer_equality(c)
                if pair is not None and pair[0].expr_id not in pulled:
                    pulled[pair[0].expr_id] = pair
                else:
                    rest.append(c)
            if pulled:
                need = [a for c in rest for a in outer_references(c)]
                child, m = self.cover(child, {}, [a for a in need if a.expr_id not in pulled])
                keys = [x for _, x in pulled.values()]
                child = L.Filter(and_all([self.call("isnotnull", (x,), child.output)
                                          for x in keys]), (child,))
                tags = [Alias((x,), f"outer_{a.name}") for a, x in pulled.values()]
                child = L.Project(tuple(child.output) + tuple(tags), (child,))
                m = {**m, **{a.expr_id: t.to_attribute()
                             for (a, _), t in zip(pulled.values(), tags)}}
                self.non_null |= {t.expr_id for t in tags}
                if not rest:
                    return child, m
                return L.Filter(strip_outer(and_all(rest), m), (child,)), m
        child, m = self.cover(child, m, outer_references(plan.condition))
        return L.Filter(strip_outer(plan.condition, m), (child,)), m

    def _project(self, plan: L.Project) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        child, m = self.cover(child, m, [a for e in plan.exprs for a in outer_references(e)])
        exprs = [strip_outer(e, m) for e in plan.exprs]
        have = {e.expr_id for e in exprs if isinstance(e, (Alias, AttributeReference))}
        extra = [t for t in self._tags(m) if t.expr_id not in have]
        return L.Project(tuple(exprs) + tuple(extra), (child,)), m

    def _subqueryalias(self, plan: L.SubqueryAlias) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        return L.SubqueryAlias(plan.alias, (child,)), m

    def _distinct(self, plan: L.Distinct) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        return L.Distinct((child,)), m

    def _sort(self, plan: L.Sort) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        child, m = self.cover(child, m, [a for o in plan.orders for a in outer_references(o)])
        return L.Sort(tuple(strip_outer(o, m) for o in plan.orders), plan.is_global,
                      (child,)), m

    def _generate(self, plan: L.Generate) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        child, m = self.cover(child, m, outer_references(plan.generator))
        required = plan.required
        if required is not None:
            required = tuple(required) + tuple(t.expr_id for t in self._tags(m))
        return L.Generate(strip_outer(plan.generator, m), plan.outer, plan.gen_output,
                          (child,), required), m

    def _window(self, plan: L.Window) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        child, m = self.cover(child, m, [a for e in plan.expressions()
                                         for a in outer_references(e)])
        tags = tuple(self._tags(m))
        exprs = tuple(_repartition(strip_outer(e, m), tags) for e in plan.window_exprs)
        return L.Window(exprs, tuple(strip_outer(p, m) for p in plan.partition) + tags,
                        tuple(strip_outer(o, m) for o in plan.orders), (child,)), m

    def _aggregate(self, plan: L.Aggregate) -> tuple[L.LogicalPlan, dict]:
        child, m = self.run(plan.child)
        child, m = self.cover(child, m, [a for e in plan.expressions()
                                         for a in outer_references(e)])
        tags = tuple(self._tags(m))
        bad = [g for g in plan.groupings if outer_references(g)]
        if bad:
            raise _unsupported("CORRELATED_REFERENCE", "Expressions referencing the outer "
                               "query are not supported outside of WHERE/HAVING clauses: "
                               + ",".join(f'"{g.sql()}"' for g in bad))
        groupings = tuple(strip_outer(g, m) for g in plan.groupings) + tags
        if plan.groupings:
            aggs = tuple(strip_outer(a, m) for a in plan.aggregates) + tags
            return L.Aggregate(groupings, aggs, (child,)), m
        # a global aggregate: one row per outer value even when no row matched (count bug)
        inner = [Alias((strip_outer(_unalias(a), m),), a.name) for a in plan.aggregates]
        present = Alias((Literal(True, T.BooleanType()),), "__present")
        agg = L.Aggregate(groupings, tuple(inner) + tags + (present,), (child,))
        attrs = [a for a in m]  # outer expr ids in tag order
        dom, dm = self.domain([_attr_of(m[i], i, plan) for i in attrs])
        on = and_all([self.same(dm[i], m[i], dom.output + agg.output) for i in attrs])
        join = L.Join("left", on, (dom, agg))
        flag = present.to_attribute().with_nullability(True)
        outs: list[Expression] = []
        for orig, new in zip(plan.aggregates, inner):
            value = new.to_attribute().with_nullability(True)
            empty = empty_input_value(new.child, self.an.ctx)
            if empty is not None:
                value = self.an.exprs.resolve(CaseWhen(
                    (self.call("isnull", (flag,), join.output), empty, value), True),
                    join.output)
            outs.append(Alias((value,), orig.name, expr_id=orig.expr_id))
        return L.Project(tuple(outs) + tuple(dm.values()), (join,)), dm

    def _limit(self, plan: L.Limit) -> tuple[L.LogicalPlan, dict]:
        below = plan.child
        orders: tuple = ()
        if isinstance(below, L.Sort):
            orders, below = below.orders, below.child
        child, m = self.run(below)
        child, m = self.cover(child, m, [a for o in orders for a in outer_references(o)])
        tags = tuple(self._tags(m))
        orders = tuple(strip_outer(o, m) for o in orders) or tuple(
            SortOrder((t,), True, None) for t in tags)
        spec = WindowSpecDefinition(tags + orders, len(tags))
        rn = Alias((WindowExpression((UnresolvedFunction("row_number", ()), spec)),), "__rn")
        win = self.an.analyze(L.Project(tuple(child.output) + (rn,), (child,)))
        num = win.output[-1]
        kept = L.Filter(self.call("<=", (num, Literal(plan.n, T.IntegerType())), win.output),
                        (win,))
        return L.Project(tuple(child.output), (kept,)), m

    def _join(self, plan: L.Join) -> tuple[L.LogicalPlan, dict]:
        jt = plan.join_type
        if jt == "full":
            raise _not_allowed(plan)
        left, lm = self.run(plan.left)
        right, rm = self.run(plan.right)
        need = outer_references(plan.condition) if plan.condition is not None else []
        keys: list[Expression] = []
        if jt in ("inner", "cross"):
            if not lm and not rm:
                left, lm = self.cover(left, lm, need)
            elif lm and rm:
                left, lm = self.cover(left, lm, need)
            elif rm:
                right, rm = self.cover(right, rm, need)
            else:
                left, lm = self.cover(left, lm, need)
            m = {**rm, **lm}
        elif jt == "right":
            right, rm = self.cover(right, rm, need + [_attr_of(t, i, plan)
                                                      for i, t in lm.items()])
            m = rm
        elif jt in ("semi", "anti") and rm:
            raise _not_allowed(plan.right)
        else:  # left, semi, anti: the left side's rows are the ones kept
            left, lm = self.cover(left, lm, need + [_attr_of(t, i, plan)
                                                    for i, t in rm.items()])
            m = lm
        inputs = left.output + right.output
        for i in set(lm) & set(rm):
            keys.append(self.same(lm[i], rm[i], inputs))
        cond = strip_outer(plan.condition, m) if plan.condition is not None else None
        cond = and_all(keys + ([cond] if cond is not None else []))
        if jt == "cross" and cond is not None:
            jt = "inner"
        return L.Join(jt, cond, (left, right), plan.hint), m

    def _lateraljoin(self, plan: LateralJoin) -> tuple[L.LogicalPlan, dict]:
        return self.run(plan.child)  # a lateral join inside the subquery: its rewrite

    def _union(self, plan: L.Union) -> tuple[L.LogicalPlan, dict]:
        kids, attrs = self._branches(plan)
        out = L.Union(tuple(kids))
        n = len(plan.output)
        return out, {a.expr_id: t for a, t in zip(attrs, out.output[n:])}

    def _setoperation(self, plan: L.SetOperation) -> tuple[L.LogicalPlan, dict]:
        kids, attrs = self._branches(plan)
        out = L.SetOperation(plan.kind, plan.is_all, tuple(kids))
        n = len(plan.output)
        return out, {a.expr_id: t for a, t in zip(attrs, out.output[n:])}

    def _branches(self, plan: L.LogicalPlan) -> tuple[list, list]:
        attrs = plan_outer_references(plan)
        kids = []
        for c in plan.children:
            k, km = self.run(c)
            k, km = self.cover(k, km, attrs)
            kids.append(L.Project(tuple(c.output) + tuple(
                Alias((km[a.expr_id],), f"outer_{a.name}") for a in attrs), (k,)))
        return kids, attrs


def _nested(t: T.DataType) -> bool:
    return isinstance(t, (T.ArrayType, T.MapType, T.StructType))


def same_value(an: Any, a: Expression, b: Expression, inputs: list) -> Expression:
    if _nested(a.dtype) or _nested(b.dtype):
        a, b = (UnresolvedFunction("to_json", (UnresolvedFunction("array", (x,)),))
                for x in (a, b))
    return an.exprs.resolve(UnresolvedFunction("<=>", (a, b)), inputs)


def _unalias(e: Expression) -> Expression:
    return e.children[0] if isinstance(e, Alias) else e


def _attr_of(tag: AttributeReference, expr_id: int, plan: L.LogicalPlan) -> AttributeReference:
    """The outer attribute ``expr_id`` (tagged by ``tag``) as read in ``plan``."""
    for a in plan_outer_references(plan):
        if a.expr_id == expr_id:
            return a
    return AttributeReference(tag.name, tag.dtype, tag.nullable, expr_id)


def _repartition(e: Expression, tags: tuple) -> Expression:
    def fn(x: Expression) -> Expression | None:
        if isinstance(x, WindowSpecDefinition):
            return WindowSpecDefinition(tuple(x.partition) + tags + tuple(x.orders),
                                        x.num_partition + len(tags), x.frame)
        return None
    return transform_up(e, fn)


def _conjuncts(e: Expression) -> list:
    if isinstance(e, Call) and e.spec.name == "and":
        return _conjuncts(e.children[0]) + _conjuncts(e.children[1])
    return [e]


def _outer_equality(c: Expression) -> tuple | None:
    """``(a, x)`` for a conjunct ``x = outer(a)`` (either order) where ``x`` reads no outer
    column and is deterministic."""
    if not (isinstance(c, Call) and c.spec.name == "="):
        return None
    a, b = c.children
    for o, x in ((a, b), (b, a)):
        if isinstance(o, OuterReference) and not outer_references(x) and x.references() \
                and _deterministic(x):
            return o.attr, x
    return None


def _deterministic(e: Expression) -> bool:
    if isinstance(e, Call) and not e.spec.deterministic:
        return False
    return all(_deterministic(c) for c in e.children)


def plan_deterministic(plan: L.LogicalPlan) -> bool:
    return all(_deterministic(e) for e in plan.expressions()) and \
        all(plan_deterministic(c) for c in plan.children)


def _one_row(plan: L.LogicalPlan) -> bool:
    while isinstance(plan, (L.Project, L.SubqueryAlias)):
        plan = plan.child
    if isinstance(plan, L.Aggregate):
        return not plan.groupings
    if isinstance(plan, L.Range):
        return plan.count() <= 1
    if isinstance(plan, L.LocalRelation):
        return sum(b.num_rows for b in plan.batches) <= 1
    return False


def _row_wise(plan: L.LogicalPlan) -> bool:
    """Projections, generators and filters over one row: evaluated per outer row."""
    while isinstance(plan, (L.Project, L.Generate, L.Filter, L.SubqueryAlias)):
        plan = plan.child
    return isinstance(plan, L.Range) and plan.count() == 1


def _plan_references(plan: L.LogicalPlan) -> set:
    return {i for e in plan.expressions() for i in e.references()} | {
        i for c in plan.children for i in _plan_references(c)}


def _inline(sub: L.LogicalPlan, left: L.LogicalPlan, how: str, cond: Expression | None
            ) -> L.LogicalPlan | None:
    """A row-wise subquery (``LATERAL (SELECT c1 + c2)``, ``LATERAL (SELECT explode(c2))``)
    evaluated on ``left``'s rows directly, no join (Spark's OptimizeOneRowRelationSubquery).
    A left join keeps this form when every outer row keeps its rows anyway: no ON condition,
    and no filter (a generator then keeps rows without output, as its outer form does)."""
    if not _row_wise(sub):
        return None
    gens = []
    node = sub
    while not isinstance(node, L.Range):
        if isinstance(node, L.Generate):
            gens.append(node)
        if how == "left" and isinstance(node, L.Filter):
            return None
        node = node.child
    if how == "left" and (cond is not None or len(gens) > 1):
        return None
    ids = {a.expr_id: a for a in left.output}

    def rebuild(plan: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(plan, L.Range):  # its one row's id, where the subquery reads it
            if plan.attr.expr_id not in _plan_references(sub):
                return left
            one = Alias((Literal(plan.start, plan.attr.dtype),), plan.attr.name,
                        expr_id=plan.attr.expr_id)
            return L.Project(tuple(left.output) + (one,), (left,))
        child = rebuild(plan.child)
        mapping = {i: ids[i] for i in ids}
        if isinstance(plan, L.SubqueryAlias):
            return child
        if isinstance(plan, L.Filter):
            return L.Filter(strip_outer(plan.condition, mapping), (child,))
        if isinstance(plan, L.Generate):
            return L.Generate(strip_outer(plan.generator, mapping), plan.outer or how == "left",
                              tuple(a.with_nullability(True) if how == "left" else a
                                    for a in plan.gen_output), (child,))
        have = {a.expr_id for a in child.output}
        exprs = tuple(strip_outer(e, mapping) for e in plan.exprs)
        made = {e.expr_id for e in exprs if isinstance(e, Alias)}
        return L.Project(tuple(a for a in child.output if a.expr_id not in made) +
                         tuple(e for e in exprs if not (isinstance(e, AttributeReference)
                                                         and e.expr_id in have)), (child,))

    plan = rebuild(sub)
    if cond is not None:
        plan = L.Filter(cond, (plan,))
    out = {a.expr_id: a for a in plan.output}
    sub_out = [out.get(a.expr_id, a) for a in sub.output]
    return L.Project(tuple(left.output) + tuple(
        a.with_qualifier(q.qualifier) for a, q in zip(sub_out, sub.output)), (plan,))


_JOIN_NAMES = {"inner": "Inner", "left": "LeftOuter", "cross": "Cross"}


def lateral_join(an: Any, left: L.LogicalPlan, sub: L.LogicalPlan, how: str,
                 cond: Expression | None) -> L.LogicalPlan:
    """``left`` LATERAL JOIN ``sub`` (``how``: inner, cross or left): a LateralJoin node
    (what explain shows) over its rewrite as a plan of ordinary joins; ``cond`` is
    resolved over ``left``'s and ``sub``'s outputs."""
    plan = _rewrite(an, left, sub, how, cond)
    return LateralJoin(left, sub, tuple(plan_outer_references(sub)), _JOIN_NAMES[how], cond,
                         new_expr_id(), (plan,))


def _rewrite(an: Any, left: L.LogicalPlan, sub: L.LogicalPlan, how: str,
             cond: Expression | None) -> L.LogicalPlan:
    attrs = plan_outer_references(sub)
    if not plan_deterministic(sub) and not _one_row(left):
        raise _unsupported(
            "NON_DETERMINISTIC_LATERAL_SUBQUERIES", "Non-deterministic lateral subqueries are "
            "not supported when joining with outer relations that produce more than one row\n"
            + sub.tree_string().rstrip() + "\n")
    if cond is not None and not _deterministic(cond):
        raise _unsupported("LATERAL_JOIN_CONDITION_NON_DETERMINISTIC", "Lateral join "
                           f"condition cannot be non-deterministic: {cond.sql()}")
    inlined = _inline(sub, left, how, cond)
    if inlined is not None:
        return inlined
    if not attrs:
        jt = "inner" if how == "cross" and cond is not None else how
        return an.analyze(L.Join(jt, cond, (left, sub)))
    d = Decorrelator(an, left)
    dec, m = d.run(sub)
    dec, m = d.cover(dec, m, attrs)
    non_null = {i for i, t in m.items() if t.expr_id in d.non_null}
    sub_out = list(sub.output)
    if {a.expr_id for a in dec.output} & {a.expr_id for a in left.output}:  # a self join
        aliases = [Alias((a,), a.name) for a in dec.output]
        remap = {a.expr_id: al.to_attribute() for a, al in zip(dec.output, aliases)}
        dec = L.Project(tuple(aliases), (dec,))
        m = {i: remap[t.expr_id] for i, t in m.items()}
        sub_out = [remap[a.expr_id] for a in sub_out]
        if cond is not None:
            cond = transform_up(cond, lambda x: remap[x.expr_id] if isinstance(
                x, AttributeReference) and x.expr_id in remap else None)
    by_id = {a.expr_id: a for a in left.output}
    inputs = left.output + dec.output
    keys = [an.exprs.resolve(UnresolvedFunction("=", (by_id.get(a.expr_id, a), m[a.expr_id])),
                             inputs) if a.expr_id in non_null and not _nested(a.dtype) else
            same_value(an, by_id.get(a.expr_id, a), m[a.expr_id], inputs) for a in attrs]
    join = L.Join("left" if how == "left" else "inner",
                  and_all(keys + ([cond] if cond is not None else [])), (left, dec))
    out = {a.expr_id: a for a in join.output}
    return L.Project(tuple(left.output) + tuple(out[a.expr_id] for a in sub_out), (join,))
