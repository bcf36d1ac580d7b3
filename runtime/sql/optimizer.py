"""The rule-based optimizer (a subset of Spark's Catalyst rules), run to a fixed point.

* **ConstantFolding**: a deterministic expression without column inputs is evaluated once
  and becomes a literal (an ANSI error in it is raised here, as Spark does).
* **CombineFilters**: ``Filter(a, Filter(b, x))`` -> ``Filter(b AND a, x)``.
* **PushDownPredicate**: a filter moves below a projection (aliases substituted) and into
  the sides of a join its conjuncts reference (both sides of inner joins; the preserved side
  of outer joins; the left of semi/anti joins).
* **PushLeftSemiLeftAntiThroughJoin**: a semi/anti join above an inner, cross or outer join
  moves to the side of that join its condition reads (the left of inner/cross/left joins, the
  right of inner/cross/right joins), as Spark's rule does, when its right side is a grouped
  result (an ``IN (SELECT k ... GROUP BY k HAVING ...)``, TPC-H Q18): such a subquery usually
  keeps few keys, so the side it filters shrinks before the join instead of after it. A
  semi join against a plain table (Q21's ``EXISTS`` over lineitem) stays where the other
  joins' filters have already shrunk its input.
* **InferFiltersFromConstraints**: ``isnotnull`` conjuncts for the columns a null-intolerant
  filter or join condition reads (infer_filters.py).
* **CollapseProject**: adjacent projections merge (aliases substituted) unless that would
  compute a non-trivial expression twice or move a non-deterministic one.
* **ColumnPruning**: a projection keeps only what its parent reads, a generator only the
  input columns its parent reads (the others are not repeated per generated row); a file scan reads only
  the columns the query uses, and filters directly above a scan are handed to it (Parquet
  row-group statistics; partition directories).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runtime.sql.expressions.base import (
    Alias, AttributeReference, Call, Cast, CaseWhen, Expression, Literal, transform_up)
from runtime.sql.expressions.registry import BindContext, EvalContext
from runtime.sql.plan import logical as L
from runtime.sql.plan.lateral_join import without_lateral
from runtime.sql.execution.planner import and_all
from runtime.sql.analysis.resolve import contains_aggregate
from runtime.sql.execution.planner import and_all, split_conjuncts
from runtime.sql.arrow_types import column_to_python
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.infer_filters import infer_filter, infer_join
from runtime.sql.push_disjunctions import push_implied_predicates

__all__ = ["optimize"]


def optimize(plan: L.LogicalPlan, ctx: BindContext) -> L.LogicalPlan:
    plan = without_lateral(plan)  # what a LateralJoin node runs: its rewrite
    plan = _settle(plan, ctx)
    implied = push_implied_predicates(plan)  # once: see runtime/sql/push_disjunctions.py
    if implied is not plan:
        plan = _settle(implied, ctx)
    return _prune(plan, None)


def _settle(plan: L.LogicalPlan, ctx: BindContext) -> L.LogicalPlan:
    """The rules applied until nothing changes (at most 20 passes)."""
    for _ in range(20):
        new = _pass(plan, ctx)
        if new is plan:
            break
        plan = new
    return plan


def _pass(plan: L.LogicalPlan, ctx: BindContext) -> L.LogicalPlan:
    kids = tuple(_pass(c, ctx) for c in plan.children)
    if any(a is not b for a, b in zip(kids, plan.children)):
        plan = plan.with_children(kids)
    plan = _fold_plan(plan, ctx)
    if isinstance(plan, L.Project) and isinstance(plan.child, L.Project):
        collapsed = _collapse_projects(plan, plan.child)
        if collapsed is not None:
            return collapsed
    if isinstance(plan, L.Join):
        pushed = _push_semi_through_join(plan)
        if pushed is not None:
            return pushed
        inferred = infer_join(plan)
        if inferred is not None:
            return inferred
    if isinstance(plan, L.Filter):
        inferred = infer_filter(plan)
        if inferred is not None:
            return inferred
        child = plan.child
        if isinstance(child, L.Filter):
            return L.Filter(and_all([child.condition, plan.condition]), child.children)
        if isinstance(child, L.Project) and _deterministic(plan.condition) and \
                all(_deterministic(e) for e in child.exprs):
            aliases = {e.expr_id: e.child for e in child.exprs if isinstance(e, Alias)}
            cond = transform_up(plan.condition, lambda e: aliases.get(e.expr_id)
                                if isinstance(e, AttributeReference) else None)
            if not any(_has_agg_or_gen(v) for v in aliases.values()):
                return L.Project(child.exprs, (L.Filter(cond, child.children),))
        if isinstance(child, L.Join):
            pushed = _push_into_join(plan, child)
            if pushed is not None:
                return pushed
    return plan


def _collapse_projects(upper: L.Project, lower: L.Project) -> L.LogicalPlan | None:
    """CollapseProject: the upper projection's references to the lower one's aliases are
    replaced by their expressions (keeping the upper names and ids). Not when the lower
    one has aggregates, generators or non-deterministic expressions, nor when an alias
    that is not cheap (an attribute or a literal) would be computed twice."""
    if not all(_deterministic(e) and not _has_agg_or_gen(e) for e in lower.exprs):
        return None
    aliases = {e.expr_id: e.child for e in lower.exprs if isinstance(e, Alias)}
    uses: dict[int, int] = {}
    for e in upper.exprs:
        for r in _attr_ids(e):
            uses[r] = uses.get(r, 0) + 1
    for i, n in uses.items():
        if n > 1 and i in aliases and not isinstance(aliases[i], (AttributeReference, Literal)):
            return None

    def sub(e: Expression) -> Expression | None:
        if isinstance(e, AttributeReference) and e.expr_id in aliases:
            return aliases[e.expr_id]
        return None

    out = []
    for e in upper.exprs:
        if isinstance(e, AttributeReference) and e.expr_id in aliases:
            inner = aliases[e.expr_id]
            out.append(inner if isinstance(inner, AttributeReference) and
                       inner.name == e.name and inner.expr_id == e.expr_id
                       else Alias((inner,), e.name, e.expr_id))
        elif isinstance(e, Alias):
            out.append(replace(e, children=(transform_up(e.child, sub),)))
        else:
            out.append(transform_up(e, sub))
    return L.Project(tuple(out), lower.children)


def _attr_ids(e: Expression) -> list[int]:
    if isinstance(e, AttributeReference):
        return [e.expr_id]
    return [i for c in e.children for i in _attr_ids(c)]


def _has_agg_or_gen(e: Expression) -> bool:
    return contains_aggregate(e) or (isinstance(e, Call) and e.spec.generator)


def _deterministic(e: Expression) -> bool:
    if isinstance(e, Call) and not e.spec.deterministic:
        return False
    return all(_deterministic(c) for c in e.children)


def _push_into_join(f: L.Filter, j: L.Join) -> L.LogicalPlan | None:
    left_ids = {a.expr_id for a in j.left.output}
    right_ids = {a.expr_id for a in j.right.output}
    to_left, to_right, stay = [], [], []
    for c in split_conjuncts(f.condition):
        refs = c.references()
        if not _deterministic(c):
            stay.append(c)
        elif refs and refs <= left_ids and j.join_type in ("inner", "cross", "left", "semi",
                                                           "anti"):
            to_left.append(c)
        elif refs and refs <= right_ids and j.join_type in ("inner", "cross", "right"):
            to_right.append(c)
        else:
            stay.append(c)
    if not to_left and not to_right:
        return None
    left = L.Filter(and_all(to_left), (j.left,)) if to_left else j.left
    right = L.Filter(and_all(to_right), (j.right,)) if to_right else j.right
    joined = L.Join(j.join_type, j.condition, (left, right), j.hint)
    return L.Filter(and_all(stay), (joined,)) if stay else joined


def _grouped(p: L.LogicalPlan) -> bool:
    """Is ``p`` an aggregate (or distinct), under projections, filters and aliases?"""
    while isinstance(p, (L.Project, L.Filter, L.SubqueryAlias)):
        p = p.children[0]
    return isinstance(p, (L.Aggregate, L.Distinct, L.Deduplicate))


def _push_semi_through_join(j: L.Join) -> L.LogicalPlan | None:
    """Spark's PushLeftSemiLeftAntiThroughJoin for a grouped right side (module doc)."""
    low = j.left
    if j.join_type not in ("semi", "anti") or j.condition is None or \
            not isinstance(low, L.Join) or low.hint is not None or \
            low.join_type not in ("inner", "cross", "left", "right") or not _grouped(j.right):
        return None
    sub = {a.expr_id for a in j.right.output}
    left_ids = {a.expr_id for a in low.left.output} | sub
    right_ids = {a.expr_id for a in low.right.output} | sub
    conds = [c.references() for c in split_conjuncts(j.condition)]
    if not all(_deterministic(c) for c in split_conjuncts(j.condition)):
        return None
    if all(r <= left_ids for r in conds) and low.join_type != "right":
        side = L.Join(j.join_type, j.condition, (low.left, j.right), j.hint)
        return L.Join(low.join_type, low.condition, (side, low.right), low.hint)
    if all(r <= right_ids for r in conds) and not any(r <= left_ids for r in conds) and \
            low.join_type != "left":
        side = L.Join(j.join_type, j.condition, (low.right, j.right), j.hint)
        return L.Join(low.join_type, low.condition, (low.left, side), low.hint)
    return None


# -- constant folding -------------------------------------------------------------------------------
def _fold_plan(plan: L.LogicalPlan, ctx: BindContext) -> L.LogicalPlan:
    if isinstance(plan, L.Project):
        exprs = tuple(_fold_named(e, ctx) for e in plan.exprs)
        if any(a is not b for a, b in zip(exprs, plan.exprs)):
            return L.Project(exprs, plan.children)
    if isinstance(plan, L.Filter):
        cond = fold(plan.condition, ctx)
        if cond is not plan.condition:
            return L.Filter(cond, plan.children)
    return plan


def _fold_named(e: Expression, ctx: BindContext) -> Expression:
    if isinstance(e, Alias):
        inner = fold(e.child, ctx)
        return e if inner is e.child else replace(e, children=(inner,))
    return e


def fold(e: Expression, ctx: BindContext) -> Expression:
    def fn(x: Expression) -> Expression | None:
        if isinstance(x, (Call, Cast, CaseWhen)) and x.foldable() and _deterministic(x) and \
                not (isinstance(x, Call) and (x.spec.generator or x.spec.agg)):
            return Literal(eval_constant(x, ctx), x.dtype)
        return None

    return transform_up(e, fn)


def eval_constant(e: Expression, ctx: BindContext) -> Any:
    import pyarrow as pa


    batch = pa.RecordBatch.from_arrays([pa.nulls(1)], names=["_"])
    v = materialize(evaluate(e, batch, {}, EvalContext(ctx.ansi, ctx.time_zone)), 1)
    return column_to_python(v, e.dtype)[0]


# -- column pruning into scans ----------------------------------------------------------------------
def _prune(plan: L.LogicalPlan, required: set[int] | None) -> L.LogicalPlan:
    """Top-down: ``required`` is the set of expr ids the parent reads (None: all)."""
    if isinstance(plan, L.FileRelation):
        if required is None:
            return plan
        keep = tuple(a.expr_id for a in plan.all_attrs if a.expr_id in required)
        return replace(plan, required=keep)
    if isinstance(plan, L.Expand) and required is not None:
        keep = [i for i, a in enumerate(plan.attrs) if a.expr_id in required]
        plan = L.Expand(tuple(tuple(p[i] for i in keep) for p in plan.projections),
                        tuple(plan.attrs[i] for i in keep), plan.children)
    if isinstance(plan, L.Generate) and required is not None:
        keep = tuple(a.expr_id for a in plan.child.output if a.expr_id in required)
        if len(keep) < len(plan.child.output):  # Spark's unrequiredChildIndex
            plan = replace(plan, required=keep)
    if isinstance(plan, L.Project) and required is not None:
        kept = tuple(e for e in plan.exprs if getattr(e, "expr_id", None) in required)
        if len(kept) < len(plan.exprs):
            plan = L.Project(kept, plan.children)
    if isinstance(plan, (L.Project, L.Aggregate)):
        need: set[int] = set()
        for e in plan.expressions():
            need |= e.references()
    elif isinstance(plan, (L.Union, L.SetOperation, L.Distinct, L.Deduplicate,
                           L.InMemoryRelation)):
        return plan
    else:
        need = set(required) if required is not None else {a.expr_id for a in plan.output}
        for e in plan.expressions():
            need |= e.references()
    kids = tuple(_prune(c, need) for c in plan.children)
    if any(a is not b for a, b in zip(kids, plan.children)):
        return plan.with_children(kids)
    return plan
