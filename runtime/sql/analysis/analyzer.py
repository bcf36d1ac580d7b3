"""The analyzer: turns a logical plan with unresolved parts into a resolved one.

``Analyzer.analyze(plan)`` works bottom up; a subtree that is already resolved (a
DataFrame's plan under one new node) is kept as it is, so a DataFrame method analyzes just
the node it adds. Per operator:

* ``Project``: ``*`` expands, names resolve, unnamed expressions get Spark's names; a
  projection holding aggregates becomes a global ``Aggregate`` (``df.select(sum("x"))``) and
  a generator (``explode``) becomes a ``Generate`` below the projection; window
  expressions move into ``Window`` nodes below it (windows.py).
* ``Filter``: the condition must be boolean (``[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN]``).
* ``Sort``: names that the child's projection dropped are carried through it and projected
  away after the sort (``df.select("a").orderBy("b")``), as Spark does.
* ``Join``: a self-join gets fresh expression ids on its right side so both sides stay
  distinguishable; the condition resolves over both outputs.
* ``Union``: positionally, columns widened to their common types
  (``[NUM_COLUMNS_MISMATCH]`` when the widths differ).
* ``UnresolvedRelation``: looked up in the catalog (temp views), else
  ``[TABLE_OR_VIEW_NOT_FOUND]``.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.analysis.join_hidden_keys import hidden_keys_of, qualified_only
from runtime.sql.analysis.metadata_columns import expose
from runtime.sql.analysis.set_operations import check_no_map, set_column_type
from runtime.sql.analysis.resolve import ExpressionResolver, contains_aggregate, expand_star
from runtime.sql.analysis.windows import check_no_bare_window_function, extract_windows
from runtime.sql.expressions.window_base import contains_window
from runtime.sql.errors import AnalysisException, quote_ident
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, Call, Expression, SortOrder, UnresolvedStar, transform_up)
from runtime.sql.expressions.binding import cast_to
from runtime.sql.expressions.outer_references import OuterReference
from runtime.sql.expressions.registry import BindContext
from runtime.sql.plan import logical as L
from runtime.sql.plan.pending_outer import PendingOuter

__all__ = ["Analyzer"]


class Analyzer:
    def __init__(self, ctx: BindContext,
                 lookup_relation: Callable[[tuple], L.LogicalPlan | None] | None = None):
        self.ctx = ctx
        self.exprs = ExpressionResolver(ctx)
        self.lookup_relation = lookup_relation or (lambda name: None)

    def analyze(self, plan: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(plan, PendingOuter):
            return self._pending(plan)
        if plan.resolved and not isinstance(plan, (L.Project, L.Aggregate, L.Join, L.Union,
                                                   L.Distinct, L.SetOperation)):
            return plan
        if isinstance(plan, L.UnresolvedRelation):
            found = self.lookup_relation(plan.name)
            if found is None:
                name = ".".join(quote_ident(p) for p in plan.name)
                raise AnalysisException(
                    f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {name} cannot be found. "
                    "Verify the spelling and correctness of the schema and catalog.\n"
                    "Search path: [`system`.`builtin`, `system`.`session`, "
                    "`spark_catalog`.`default`].\n"
                    "If you did not qualify the name with a schema, verify the current_schema() "
                    "output, or qualify the name with the correct schema and catalog.\n"
                    "To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF "
                    "EXISTS. SQLSTATE: 42P01", errorClass="TABLE_OR_VIEW_NOT_FOUND",
                    messageParameters={"relationName": name})
            return L.SubqueryAlias(plan.name[-1], (self.analyze(found),))
        kids = tuple(self.analyze(c) for c in plan.children)
        if any(a is not b for a, b in zip(kids, plan.children)):
            plan = plan.with_children(kids)
        method = getattr(self, "_" + type(plan).__name__.lower(), None)
        return method(plan) if method else self._generic(plan)

    def _pending(self, plan: PendingOuter) -> L.LogicalPlan:
        """A plan reading ``outer()`` columns (pending_outer.py): inside a lateral join
        (an outer scope is set) as written; alone, each ``outer(x)`` read as its own ``x``."""
        if self.exprs.outer is not None or self.exprs.outer_local:
            return self.analyze(plan.raw)
        self.exprs.outer_local = True
        try:
            return self.analyze(plan.raw)
        finally:
            self.exprs.outer_local = False

    # -- helpers ---------------------------------------------------------------------------------
    def _resolve(self, e: Expression, inputs: list[AttributeReference]) -> Expression:
        return self.exprs.resolve(e, inputs)

    def _generic(self, plan: L.LogicalPlan) -> L.LogicalPlan:
        from dataclasses import fields, replace

        inputs = [a for c in plan.children for a in c.output]
        changes: dict[str, Any] = {}
        for f in fields(plan):  # type: ignore[arg-type]
            v = getattr(plan, f.name)
            if isinstance(v, Expression):
                changes[f.name] = self._resolve(v, inputs)
            elif isinstance(v, tuple) and v and all(isinstance(x, Expression) for x in v) \
                    and f.name != "children":
                changes[f.name] = tuple(self._resolve(x, inputs) for x in v)
        return replace(plan, **changes) if changes else plan  # type: ignore[type-var]

    def _project_list(self, exprs: tuple, inputs: list[AttributeReference],
                      hidden: set[int] = frozenset(),  # type: ignore
                      keys: set[int] = frozenset()) -> list[Expression]:  # type: ignore
        out: list[Expression] = []
        visible = [a for a in inputs if a.expr_id not in hidden]
        # ``nt2.*`` lists a USING join's hidden key of its side too (join_hidden_keys.py)
        with_keys = [a for a in inputs if a.expr_id not in hidden or a.expr_id in keys]
        for e in exprs:
            if isinstance(e, UnresolvedStar):
                star_in = with_keys if getattr(e, "target", None) else visible
                out.extend(self._star(e, star_in))
            else:
                out.append(self.exprs.named(self._resolve_shown(e, inputs, hidden)))
        return out

    def _resolve_shown(self, e: Expression, inputs: list[AttributeReference],
                       hidden: set[int]) -> Expression:
        """A bare name means the shown column, not a hidden one of the same name (a USING
        join's other key: join_hidden_keys.py); qualified names reach both."""
        if hidden and any(a.expr_id in hidden for a in inputs):
            try:
                with self.exprs.without_variables():
                    return self._resolve(e, [a for a in inputs if a.expr_id not in hidden])
            except AnalysisException:
                pass
        return self._resolve(e, inputs)

    def _star(self, star: UnresolvedStar, visible: list) -> list[Expression]:
        """``*`` / ``t.*``; in a LATERAL subquery, one naming only the outer query's columns
        expands to those, read as ``outer(c)``."""
        outer = self.exprs.outer
        try:
            found = expand_star(star, visible, self.ctx.case_sensitive)
        except AnalysisException:
            if not outer:
                raise
            found = []
        if found or not outer or not star.target:  # a bare * never reads the outer query
            return list(found)
        found = expand_star(star, outer, self.ctx.case_sensitive)
        return [Alias((OuterReference(a),), a.name) for a in found]

    # -- operators -------------------------------------------------------------------------------
    def _project(self, plan: L.Project) -> L.LogicalPlan:
        child, hidden = expose(plan.exprs, plan.child)  # _metadata (metadata_columns.py)
        keys = {a.expr_id for a in hidden_keys_of(plan.child)}
        exprs = self._project_list(plan.exprs, child.output, hidden, keys)
        gens = [i for i, e in enumerate(exprs) if _generator(e) is not None]
        if gens:
            if len(gens) > 1:
                raise AnalysisException(
                    "[UNSUPPORTED_GENERATOR.MULTI_GENERATOR] The generator is not supported: "
                    f"only one generator allowed per SELECT clause but found {len(gens)}: "
                    + ", ".join(f'"{exprs[i].sql()}"' for i in gens) + ". SQLSTATE: 42K0E",
                    errorClass="UNSUPPORTED_GENERATOR.MULTI_GENERATOR")
            i = gens[0]
            gen = _generator(exprs[i])
            assert gen is not None
            if "udtf" in gen.spec.extra:  # a Python UDTF belongs in FROM (as in Spark)
                raise AnalysisException(
                    f"[NOT_A_SCALAR_FUNCTION] `{gen.spec.name}` appears as a scalar expression "
                    "here, but the function was defined as a table function. Please update the "
                    "query to move the function call into the FROM clause, or redefine "
                    f"`{gen.spec.name}` as a scalar function instead. SQLSTATE: 42887",
                    errorClass="NOT_A_SCALAR_FUNCTION")
            names = _generator_names(exprs[i], gen)
            attrs = tuple(AttributeReference(n, f.dataType, f.nullable or gen_outer(gen))
                          for n, f in zip(names, gen.dtype.fields))
            child = L.Generate(gen, gen_outer(gen), attrs, (child,))
            exprs = exprs[:i] + list(attrs) + exprs[i + 1:]
        for e in exprs:
            check_no_bare_window_function(e)
        if any(contains_window(e) for e in exprs):
            return extract_windows(exprs, child, None, self._check_aggregate)
        if any(contains_aggregate(e) for e in exprs):
            return self._check_aggregate(L.Aggregate((), tuple(exprs), (child,)))
        return L.Project(tuple(exprs), (child,), plan.hidden if child is plan.child else ())

    def _aggregate(self, plan: L.Aggregate) -> L.LogicalPlan:
        child, hidden = expose(plan.groupings + plan.aggregates, plan.child)
        if child is not plan.child:
            plan = L.Aggregate(plan.groupings, plan.aggregates, (child,))
        inputs = plan.child.output
        groupings = tuple(self._resolve(g, inputs) for g in plan.groupings)
        aggs = tuple(self._project_list(plan.aggregates, inputs, hidden))
        for e in aggs:
            check_no_bare_window_function(e)
        if any(contains_window(e) for e in aggs):
            return extract_windows(list(aggs), plan.child, groupings, self._check_aggregate)
        gens = [g for g in groupings if _generator(g) is not None]
        if gens:  # groupBy(window(ts, '10 minutes', '5 minutes')): a Generate below
            gen = _generator(gens[0])
            assert gen is not None
            f = gen.dtype.fields[0]
            attr = AttributeReference(f.name, f.dataType, True)
            swap = lambda e: attr if isinstance(e, Call) and e.spec.generator and \
                e.sql() == gen.sql() else None  # noqa: E731
            groupings = tuple(transform_up(g, swap) for g in groupings)
            aggs = tuple(transform_up(a, swap) for a in aggs)
            child = L.Generate(gen, False, (attr,), plan.children)
            return self._check_aggregate(L.Aggregate(groupings, aggs, (child,)))
        return self._check_aggregate(L.Aggregate(groupings, aggs, plan.children))

    def _check_aggregate(self, plan: L.Aggregate) -> L.Aggregate:
        group_ids = {g.expr_id for g in plan.groupings if isinstance(g, AttributeReference)}
        group_sql = {g.sql() for g in plan.groupings}

        def check(e: Expression) -> None:
            if isinstance(e, Call) and not e.children and not e.spec.deterministic:
                return
            if contains_aggregate(e) and not isinstance(e, AttributeReference):
                if e.sql() in group_sql:
                    return
                if isinstance(e, AggCall):
                    return
                for c in e.children:
                    check(c)
                return
            if isinstance(e, AttributeReference):
                if not plan.groupings:
                    raise AnalysisException(
                        "[MISSING_GROUP_BY] The query does not include a GROUP BY clause. Add "
                        "GROUP BY or turn it into the window functions using OVER clauses. "
                        "SQLSTATE: 42803", errorClass="MISSING_GROUP_BY")
                if e.expr_id not in group_ids and e.sql() not in group_sql:
                    raise AnalysisException(
                        f"[MISSING_AGGREGATION] The non-aggregating expression "
                        f"\"{e.name}\" is based on columns which are not participating in the "
                        "GROUP BY clause.\nAdd the columns or the expression to the GROUP BY, "
                        "aggregate the expression, or use \"any_value("
                        f"{e.name})\" if you do not care which of the values within a group is "
                        "returned. SQLSTATE: 42803", errorClass="MISSING_AGGREGATION",
                        messageParameters={"expression": f'"{e.name}"'})
                return
            if e.sql() in group_sql:
                return
            for c in e.children:
                check(c)

        for a in plan.aggregates:
            check(a.child if isinstance(a, Alias) else a)
        return plan

    def _filter(self, plan: L.Filter) -> L.LogicalPlan:
        child, _ = expose((plan.condition,), plan.child)
        if child is not plan.child:  # filtered on _metadata: its output stays the child's
            inner = self._filter(L.Filter(plan.condition, (child,)))
            return L.Project(tuple(plan.child.output), (inner,))
        cond = self._resolve(plan.condition, plan.child.output)
        if not isinstance(cond.dtype, (T.BooleanType, T.NullType)):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve "{cond.sql()}" due to '
                f'data type mismatch: Filter expression "{cond.sql()}" of type '
                f'"{cond.dtype.simpleString().upper()}" is not a boolean. SQLSTATE: 42K09',
                errorClass="DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN")
        return L.Filter(cast_to(cond, T.BooleanType()), plan.children)

    def _sort(self, plan: L.Sort) -> L.LogicalPlan:
        child = plan.child
        try:
            with self.exprs.without_variables():  # a column the projection dropped first
                orders = tuple(self._resolve(o, child.output) for o in plan.orders)
            return L.Sort(orders, plan.is_global, plan.children)
        except AnalysisException as e:
            quiet = qualified_only(child)  # ORDER BY k over SELECT k, nt2.k (USING join)
            if quiet and e.getErrorClass() == "AMBIGUOUS_REFERENCE":
                return L.Sort(tuple(self._resolve_shown(o, child.output, quiet)
                                    for o in plan.orders), plan.is_global, plan.children)
            if not isinstance(child, L.Project):  # then a session variable
                return L.Sort(tuple(self._resolve(o, child.output) for o in plan.orders),
                              plan.is_global, plan.children)
        # names the projection dropped: sort below it on a widened projection, project back
        below = child.child.output
        orders = tuple(self._resolve(o, child.output + below) for o in plan.orders)
        have = {a.expr_id for a in child.output}
        extra = [a for a in below if a.expr_id in set().union(*(o.references() for o in orders))
                 and a.expr_id not in have]
        wide = L.Project(tuple(child.exprs) + tuple(extra), child.children)
        return L.Project(tuple(child.output), (L.Sort(orders, plan.is_global, (wide,)),))

    def _join(self, plan: L.Join) -> L.LogicalPlan:
        left, right = plan.children
        if {a.expr_id for a in left.output} & {a.expr_id for a in right.output}:
            right = dedup_right(right)
        cond = plan.condition
        if cond is not None:
            cond = self._resolve(cond, left.output + right.output)
            if not isinstance(cond.dtype, (T.BooleanType, T.NullType)):
                raise AnalysisException(
                    f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] join condition "{cond.sql()}" '
                    f'of type "{cond.dtype.simpleString().upper()}" is not a boolean. '
                    "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
        return L.Join(plan.join_type, cond, (left, right), plan.hint)

    def _union(self, plan: L.Union) -> L.LogicalPlan:
        first = plan.children[0].output
        for i, c in enumerate(plan.children[1:], 2):
            if len(c.output) != len(first):
                ordinal = {2: "second", 3: "third"}.get(i, f"{i}th")
                raise AnalysisException(
                    "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same "
                    f"number of columns, but the first input has {len(first)} columns and the "
                    f"{ordinal} input has {len(c.output)} columns. SQLSTATE: 42826",
                    errorClass="NUM_COLUMNS_MISMATCH")
        types = []
        for i in range(len(first)):
            t = set_column_type([c.output[i].dtype for c in plan.children], self.ctx.ansi)
            if t is None:
                raise AnalysisException(
                    "[INCOMPATIBLE_COLUMN_TYPE] UNION can only be performed on tables with "
                    f"compatible column types. The {i + 1}th column of the second table is "
                    f"\"{plan.children[1].output[i].dtype.simpleString().upper()}\" type which "
                    "is not compatible with "
                    f"\"{first[i].dtype.simpleString().upper()}\" at the same column of the "
                    "first table. SQLSTATE: 42825", errorClass="INCOMPATIBLE_COLUMN_TYPE")
            types.append(t)
        kids = []
        for c in plan.children:
            if all(a.dtype == t for a, t in zip(c.output, types)):
                kids.append(c)
            else:
                kids.append(L.Project(tuple(
                    a if a.dtype == t else Alias((cast_to(a, t),), a.name)
                    for a, t in zip(c.output, types)), (c,)))
        return L.Union(tuple(kids))


    def _distinct(self, plan: L.Distinct) -> L.LogicalPlan:
        check_no_map(plan.child.output)  # set_operations.py
        return plan

    def _setoperation(self, plan: L.SetOperation) -> L.LogicalPlan:
        check_no_map(plan.children[0].output)
        return plan


def dedup_right(plan: L.LogicalPlan) -> L.LogicalPlan:
    """The right side of a self-join with fresh expression ids (Spark's dedupRight); an
    aliased side keeps its alias so ``r.id`` still resolves."""
    if isinstance(plan, L.SubqueryAlias):
        return L.SubqueryAlias(plan.alias, (dedup_right(plan.child),))
    return L.Project(tuple(Alias((a,), a.name) for a in plan.output), (plan,))


def _generator(e: Expression) -> Call | None:
    inner = e.child if isinstance(e, Alias) else e
    if isinstance(inner, Call) and inner.spec.generator:
        return inner
    return None


def gen_outer(gen: Call) -> bool:
    return bool(dict(gen.options).get("outer"))


def _generator_names(e: Expression, gen: Call) -> list[str]:
    default = [f.name for f in gen.dtype.fields]
    if isinstance(e, Alias):
        meta = dict(e.metadata)
        names = meta.get("names")
        if names and len(names) != len(default):  # gen(...) AS (a, b) in SQL, .alias(a, b)
            raise AnalysisException(
                "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS clause "
                "does not match the number of columns output by the UDTF.\nExpected "
                f"{len(default)} aliases, but got {','.join(names)}.\nPlease ensure that the "
                "number of aliases provided matches the number of columns output by the UDTF. "
                "SQLSTATE: 42802", errorClass="UDTF_ALIAS_NUMBER_MISMATCH")
        if names:
            return list(names)
        if len(default) == 1:
            return [e.name]
    return default


_unused = (SortOrder, transform_up)
