"""A SQL query (sqlglot's Spark-dialect tree) to an analyzed logical plan.

The binder builds the same logical nodes the DataFrame API builds and hands each one to the
same ``Analyzer`` as soon as its children are analyzed, exactly like a chain of DataFrame
calls: ``FROM`` -> ``WHERE`` -> ``GROUP BY``/aggregates -> ``HAVING`` -> ``SELECT`` ->
``DISTINCT`` -> ``ORDER BY`` -> ``OFFSET`` -> ``LIMIT``. Binding step by step (rather than
one unresolved tree analyzed at the end) is what lets it apply the rules only SQL has:

* **FROM lists and inner joins** (``FROM a, b, c WHERE ...``, ``JOIN ... ON``) form one group
  of relations and conjuncts, joined greedily as Spark's ReorderJoin does: start from the
  first relation, then repeatedly take the first remaining relation connected to the joined
  ones by a conjunct (a cross join only when none is); each conjunct becomes a join
  condition as soon as all its relations are joined; one-relation conjuncts filter that
  relation. Outer, semi and anti joins, ``USING`` and ``NATURAL`` are joined in the order
  written and close the group.
* **Fresh instances**: a relation read twice (a self-join, a CTE used twice, a correlated
  subquery over the outer query's table) gets fresh expression ids, as Spark's
  ``newInstance``; ``used_ids`` is the set of ids the query already holds.
* **Aggregation**: ``GROUP BY`` accepts ordinals, select aliases and ``ALL``; ROLLUP, CUBE and
  GROUPING SETS aggregate over an Expand (analysis/grouping_sets.py, shared with the
  DataFrame API); aggregate
  functions in ``HAVING``/``ORDER BY`` that the select list lacks are computed as hidden
  columns of the ``Aggregate`` and projected away at the end (so are grouping columns the
  select list does not show).
* **Subqueries** are planned by ``subqueries.py`` into joins while their conjunct is bound.
* **Correlation**: a WHERE conjunct of a subquery that resolves only with the outer query's
  columns is correlated: it is taken out and handed back to the subquery planner as a join
  condition.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.analysis.analyzer import Analyzer, dedup_right
from runtime.sql.analysis.resolve import expand_star
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import (
    Alias, AttributeReference, Cast, Expression, Literal, SortOrder, UnresolvedAttribute,
    UnresolvedFunction, UnresolvedStar, transform_up)
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.outer_references import is_constant
from runtime.sql.expressions.registry import BindContext, lookup
from runtime.sql.local_data import local_relation
from runtime.sql.optimizer import eval_constant, fold
from runtime.sql.plan import logical as L
from runtime.sql.sqltext import subqueries
from runtime.sql.sqltext.clauses import Clauses
from runtime.sql.sqltext.grouping import GroupBy
from runtime.sql.sqltext.expressions import (
    SqlExpressionConverter, has_agg, is_agg, split_identifier)
from runtime.sql.sqltext.joins import FromClause
from runtime.sql.sqltext.parsing import parse_statement
from runtime.sql.sqltext.lateral import as_anonymous

__all__ = ["QueryBinder", "bind_query"]


def bind_query(state: Any, text: str, args: Any = None, frames: dict | None = None) -> Any:
    """The analyzed logical plan of a query text, for a SessionState."""
    tree = parse_statement(text)
    binder = QueryBinder(state.bind_context(), state.lookup_relation, args, frames)
    binder.default_parallelism = state.default_parallelism()
    plan, _ = binder.bind(tree)
    return plan


class QueryBinder(FromClause, Clauses, GroupBy):
    def __init__(self, ctx: BindContext, lookup_relation: Callable[[tuple], Any],
                 args: Any = None, frames: dict | None = None):
        self.ctx = ctx
        self.lookup_relation = lookup_relation
        self.an = Analyzer(ctx, lookup_relation)
        self.args = args
        self.frames = {k.lower(): v for k, v in (frames or {}).items()}
        self.ctes: dict[str, L.LogicalPlan] = {}
        self.used_ids: set[int] = set()
        self._hidden = 0
        self.param_position = [0]
        self.named_windows: dict = {}  # WINDOW w AS (...) of the SELECT being bound
        self.join_hints: dict[str, str] = {}  # relation name -> join hint (clauses.py)
        self.hints: list = []  # the partition hints of the SELECT being bound
        self.default_parallelism = 2  # range()'s partitions; set by the session's binders

    # -- expressions -----------------------------------------------------------------------------
    def converter(self, hook: Any = None) -> SqlExpressionConverter:
        conv = SqlExpressionConverter(self.args, hook, self.param_position)
        conv.named_windows = self.named_windows
        return conv

    def expr(self, node: Any, hook: Any = None) -> Expression:
        return self.converter(hook).convert(node)

    def resolve(self, e: Expression, inputs: list) -> Expression:
        return self.an.exprs.resolve(e, inputs)

    def filter(self, plan: L.LogicalPlan, cond: Expression) -> L.LogicalPlan:
        return self.an._filter(L.Filter(cond, (plan,)))

    def hidden_name(self) -> str:
        self._hidden += 1
        return f"__sql_hidden_{self._hidden}"

    # -- queries ---------------------------------------------------------------------------------
    def bind(self, node: Any, outer: list | None = None, mode: str | None = None
             ) -> tuple[L.LogicalPlan, list]:
        """(plan, correlated conditions) of a query node; ``outer``: the enclosing query's
        columns a subquery may reference; ``mode``: how the subquery is used."""
        from sqlglot import exp

        saved = dict(self.ctes)
        try:
            w = node.args.get("with_") if hasattr(node, "args") else None
            if w is not None:
                names = [cte.alias.lower() for cte in w.expressions]
                dup = sorted({n for n in names if names.count(n) > 1})
                if dup:
                    shown = ", ".join(f"`{n}`" for n in dup)
                    raise AnalysisException(
                        f"[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: "
                        f"{shown}. SQLSTATE: 42602", errorClass="DUPLICATED_CTE_NAMES",
                        messageParameters={"duplicateNames": shown})
                for cte in w.expressions:
                    plan, _ = self.bind(cte.this)
                    plan = _rename(plan, [c.name for c in cte.args["alias"].columns or []])
                    self.ctes[cte.alias.lower()] = plan
            if isinstance(node, exp.Subquery):
                plan, corr = self.bind(node.this, outer, mode)
                return self._modifiers(plan, node), corr
            if isinstance(node, exp.Select):
                return self._select(node, outer, mode)
            if isinstance(node, exp.SetOperation):
                return self._modifiers(self._setop(node), node), []
            if isinstance(node, exp.Values):
                return self._values(node), []
            if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
                raise AnalysisException(f"unsupported relation {node.sql(dialect='spark')}")
            raise AnalysisException(
                f"[UNSUPPORTED_FEATURE] The query form {type(node).__name__} is not supported "
                "by spark.sql yet. SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")
        finally:
            self.ctes = saved

    def _setop(self, node: Any) -> L.LogicalPlan:
        from sqlglot import exp

        left, _ = self.bind(node.this)
        right, _ = self.bind(node.expression)
        distinct = node.args.get("distinct", True) is not False
        if isinstance(node, exp.Union):
            plan = self.an.analyze(L.Union((left, self.fresh(right))))
            return self.an.analyze(L.Distinct((plan,))) if distinct else plan
        kind = "intersect" if isinstance(node, exp.Intersect) else "except"
        union = self.an.analyze(L.Union((left, self.fresh(right))))  # widening rules
        return self.an.analyze(L.SetOperation(kind, not distinct, tuple(union.children)))

    def _modifiers(self, plan: L.LogicalPlan, node: Any) -> L.LogicalPlan:
        order = node.args.get("order")
        if order is not None:
            orders = [self._order_item(o, plan.output) for o in order.expressions]
            plan = self.an.analyze(L.Sort(tuple(orders), True, (plan,)))
        return self._limits(plan, node)

    def _limits(self, plan: L.LogicalPlan, node: Any) -> L.LogicalPlan:
        plan = self._organize(plan, node)  # SORT BY / DISTRIBUTE BY / CLUSTER BY
        off = node.args.get("offset")
        if off is not None:
            plan = L.Offset(self._int(off.expression, "OFFSET"), (plan,))
        lim = node.args.get("limit")
        if lim is not None and lim.expression.sql().upper() != "ALL":  # LIMIT ALL: all rows
            plan = L.Limit(self._int(lim.expression, "LIMIT"), (plan,))
        return plan

    def _int(self, node: Any, what: str) -> int:
        """The value of a LIMIT or OFFSET: a constant non-negative integer (Spark's checks)."""
        e = self.resolve(self.expr(node), [])
        name = what.lower()
        if not e.foldable():
            problem, detail = "IS_UNFOLDABLE", f"The {name} expression must evaluate to a " \
                "constant value."
        elif not isinstance(e.dtype, (T.IntegerType, T.ShortType, T.ByteType, T.NullType)):
            problem, detail = "DATA_TYPE", f"The {name} expression must be integer type, but " \
                f'got "{e.dtype.simpleString().upper()}".'
        else:
            v = fold(e, self.ctx)
            value = v.value if isinstance(v, Literal) else None
            if value is not None and value >= 0:
                return value
            problem, detail = ("IS_NULL", f"The evaluated {name} expression must not be "
                               "null.") if value is None else (
                "IS_NEGATIVE", f"The {name} expression must be equal to or greater than 0, "
                f"but got {value}.")
        raise AnalysisException(
            f"[INVALID_LIMIT_LIKE_EXPRESSION.{problem}] The limit like expression "
            f"\"{e.sql()}\" is invalid. {detail} SQLSTATE: 42K0E",
            errorClass=f"INVALID_LIMIT_LIKE_EXPRESSION.{problem}")

    def _order_item(self, node: Any, output: list, hook: Any = None) -> SortOrder:
        o = self.expr(node, hook)
        if not isinstance(o, SortOrder):
            o = SortOrder((o,), True, None)
        child = o.child
        if isinstance(child, Literal) and isinstance(child.value, int) and \
                not isinstance(child.value, bool):
            i = child.value
            if not 1 <= i <= len(output):
                raise AnalysisException(
                    f"[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position {i} is not in select list "
                    f"(valid range is [1, {len(output)}]). SQLSTATE: 42805",
                    errorClass="ORDER_BY_POS_OUT_OF_RANGE")
            o = SortOrder((output[i - 1],), o.ascending, o.nulls_first)
        return o

    # -- SELECT ----------------------------------------------------------------------------------
    def _select(self, sel: Any, outer: list | None, mode: str | None
                ) -> tuple[L.LogicalPlan, list]:
        saved = self.named_windows, self.hints
        try:
            self.hints = self._read_hints(sel)
            self.named_windows = self._named_windows(sel)
            return self._select_body(sel, outer, mode)
        finally:
            self.named_windows, self.hints = saved

    def _select_body(self, sel: Any, outer: list | None, mode: str | None
                     ) -> tuple[L.LogicalPlan, list]:
        plan, corr = self._from_where(sel, outer)
        if mode == "exists":
            return plan, corr
        holder = [plan]
        hook = subqueries.hook(self, holder)
        items = self._items(sel, plan, hook)
        plan = holder[0]
        group = sel.args.get("group")
        having = sel.args.get("having")
        keys: list[Expression] = []
        if corr and mode == "scalar":
            keys = subqueries.correlation_keys(corr, plan)
        elif corr:
            needed = set().union(*(c.references() for c in corr))
            items += [a for a in plan.output if a.expr_id in needed]
        aggregated = group is not None or having is not None or keys or \
            any(has_agg(i) for i in items)
        if aggregated:
            plan = self._aggregate(sel, plan, items, group, having, keys)
        else:
            plan = self.an.analyze(L.Project(tuple(items), (plan,)))
            if sel.args.get("distinct") is not None:
                plan = self.an.analyze(L.Distinct((plan,)))
            plan = self._partition_hints(plan, self.hints)
            order = sel.args.get("order")
            if order is not None:
                orders = [self._order_item(o, plan.output) for o in order.expressions]
                plan = self.an.analyze(L.Sort(tuple(orders), True, (plan,)))
            plan = self._limits(plan, sel)
        return plan, corr

    def _items(self, sel: Any, plan: L.LogicalPlan, hook: Any) -> list[Expression]:
        from sqlglot import exp

        items: list[Expression] = []
        for node in sel.expressions:
            star = node if isinstance(node, exp.Star) else None
            if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
                star = node.this
            if star is not None and star.args.get("except_"):
                target = tuple(p.name for p in node.parts[:-1]) if isinstance(
                    node, exp.Column) else ()
                drop = [tuple(p.name for p in c.parts) for c in star.args["except_"]]
                attrs = expand_star(UnresolvedStar(target or None), plan.output,
                                    self.ctx.case_sensitive)
                gone = {self.resolve(UnresolvedAttribute(d), attrs).expr_id for d in drop}
                items.extend(a for a in attrs if a.expr_id not in gone)
                continue
            if isinstance(node, exp.Aliases):  # gen(...) AS (a, b): a generator's columns
                names = tuple(i.name for i in node.expressions)
                items.append(Alias((self.expr(node.this, hook),), names[0],
                                   metadata=(("names", names),)))
                continue
            item = self.expr(node, hook)
            if isinstance(item, Cast) and isinstance(item.child, UnresolvedAttribute) and \
                    not (item.try_ or item.typed_literal or item.implicit):
                item = Alias((item,), item.child.name)  # Spark: a cast column keeps its name
            items.append(item)
        return items

    def _aggregate(self, sel: Any, plan: L.LogicalPlan, items: list, group: Any, having: Any,
                   keys: list) -> L.LogicalPlan:
        sets = self._grouping_sets(group)
        if sets is not None:  # CUBE(k) of a select alias k groups by what k names
            exprs = [self._group_alias(e, items, plan) for e in sets[0]]
            return self._grouping_sets_aggregate(sel, plan, items, having, exprs, sets[1])
        groupings = self._groupings(group, items, plan) + list(keys)
        for g in groupings:
            if has_agg(g):
                raise AnalysisException(
                    "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed in GROUP BY, but "
                    f"found {self.resolve(g, plan.output).sql()}. SQLSTATE: 42903",
                    errorClass="GROUP_BY_AGGREGATE")
        hidden: list[Expression] = []

        def hide(e: Expression) -> Expression:
            def fn(x: Expression) -> Expression | None:
                if isinstance(x, UnresolvedFunction) and is_agg(x.name):
                    name = self.hidden_name()
                    hidden.append(Alias((x,), name))
                    return UnresolvedAttribute((name,))
                return None
            return transform_up(e, fn)

        pending = subqueries.Pending(self)
        having_e = None
        if having is not None:
            having_e = hide(self.expr(self._grouped_in_having(having.this, group, hidden),
                                      pending))
        order = sel.args.get("order")
        named = [self.an.exprs.named(self.resolve(i, plan.output)) for i in items]
        orders = []
        if order is not None:
            for o in order.expressions:
                so = self._order_item(o, [_attr_of(n) for n in named])
                orders.append(SortOrder((hide(so.child),), so.ascending, so.nulls_first))
        shown = {_attr_of(n).expr_id for n in named}
        group_attrs = [g for g in self._resolved_groupings(groupings, plan)
                       if isinstance(g, AttributeReference) and g.expr_id not in shown]
        if keys:  # correlation keys go last, after the subquery's value
            group_attrs = [g for g in group_attrs if g not in keys]
        aggs = tuple(named) + tuple(group_attrs) + tuple(hidden) + \
            tuple(k for k in keys if k.expr_id not in shown)
        agg = self.an.analyze(L.Aggregate(tuple(groupings), aggs, (plan,)))
        out: L.LogicalPlan = self._partition_hints(agg, self.hints)
        if having_e is not None:
            if pending.items:
                holder = [agg]
                having_e = subqueries.substitute(having_e, pending.apply(holder))
                out = self.filter(holder[0], having_e)
                out = self.an.analyze(L.Project(tuple(agg.output), (out,)))
            else:  # a name both a select alias and a hidden grouping column: the column
                grouped = {a.name.lower(): a for a in agg.output[len(named):]
                           if a.expr_id in {g.expr_id for g in group_attrs}}
                having_e = transform_up(having_e, lambda x: grouped.get(x.parts[0].lower())
                                        if isinstance(x, UnresolvedAttribute) and
                                        len(x.parts) == 1 else None)
                out = self.filter(agg, having_e)
        if sel.args.get("distinct") is not None:
            out = L.Distinct((self.an.analyze(L.Project(tuple(agg.output[:len(named)]),
                                                        (out,))),))
        if orders:
            out = self.an.analyze(L.Sort(tuple(orders), True, (out,)))
        n_keys = len([k for k in keys if k.expr_id not in shown])
        visible = agg.output[:len(named)] + (agg.output[-n_keys:] if n_keys else [])
        out = self.an.analyze(L.Project(tuple(visible), (out,)))
        return self._limits(out, sel)

    def fresh(self, plan: L.LogicalPlan) -> L.LogicalPlan:
        """The plan with fresh expression ids if this query already holds any of its ids."""
        ids = {a.expr_id for a in plan.output}
        if ids & self.used_ids:
            plan = dedup_right(plan)
            plan = self.an.analyze(plan) if not plan.resolved else plan
        self.used_ids |= {a.expr_id for a in plan.output}
        return plan

    def relation(self, node: Any) -> L.LogicalPlan:
        from sqlglot import exp

        alias_node = node.args.get("alias")
        alias = alias_node.name if alias_node is not None else None
        columns = [c.name for c in (alias_node.columns if alias_node is not None else [])]
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Func):  # f(...) [t(c)]
            plan = self._table_function(as_anonymous(node.this))
            name = alias or (plan.output[0].name if isinstance(plan, L.Range) else
                             "__auto_generated_subquery_name")
            plan = L.SubqueryAlias(name, (self.fresh(plan),))
        elif isinstance(node, exp.Table):
            parts = tuple(p.name for p in node.parts)
            plan = self._named(parts)
            plan = L.SubqueryAlias(alias or parts[-1], (self.fresh(plan),))
        elif isinstance(node, exp.Subquery):
            plan, _ = self.bind(node.this)
            plan = self._modifiers(plan, node)
            plan = L.SubqueryAlias(alias or "__auto_generated_subquery_name",
                                   (self.fresh(plan),))
        elif isinstance(node, exp.Values):
            plan = self._values(node)  # may name the table (VALUES 0, 1 AS t(id))
            alias = node.args["alias"].name if node.args.get("alias") is not None else alias
            plan = L.SubqueryAlias(alias or "__auto_generated_subquery_name", (plan,))
        else:
            raise AnalysisException(
                f"[UNSUPPORTED_FEATURE] The relation {node.sql(dialect='spark')} is not "
                "supported by spark.sql yet. SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")
        if columns and not isinstance(node, exp.Values):
            plan = L.SubqueryAlias(plan.alias, (_rename(plan.child, columns),))
        if node.args.get("sample") is not None:
            plan = L.SubqueryAlias(plan.alias, (self._sample(plan.child, node.args["sample"]),))
        if node.args.get("pivots"):
            plan = self._pivots(plan, node)
        return plan

    def _table_function(self, call: Any) -> L.LogicalPlan:
        """``range(...)`` (Spark's table-valued function) and ``IDENTIFIER('name')``."""
        name = call.name.lower()
        generated = self._generator_relation(call)
        if generated is not None:
            return generated
        args = [fold(self.resolve(self.expr(a), []), self.ctx) for a in call.expressions]
        if name == "identifier" and len(args) == 1 and isinstance(args[0], Literal):
            return self.an.analyze(self._named(tuple(split_identifier(str(args[0].value)))))
        if name == "range" and 1 <= len(args) <= 4 and all(
                isinstance(a, Literal) and isinstance(a.value, int) for a in args):
            vals = [int(a.value) for a in args]
            start, end = (0, vals[0]) if len(vals) == 1 else (vals[0], vals[1])
            step = vals[2] if len(vals) > 2 else 1
            parts = vals[3] if len(vals) > 3 else self.default_parallelism
            return L.Range(start, end, step, parts, AttributeReference("id", T.LongType(), False))
        raise AnalysisException(
            f"[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve `{call.name}` to a "
            "table-valued function. Please make sure that `" + call.name + "` is defined as a "
            "table-valued function and that all required parameters are provided correctly. If "
            f"`{call.name}` is not defined, please create the table-valued function before using "
            "it. For more information about defining table-valued functions, please refer to the "
            "Apache Spark documentation. SQLSTATE: 42883",
            errorClass="UNRESOLVABLE_TABLE_VALUED_FUNCTION")

    def _generator_relation(self, call: Any) -> L.LogicalPlan | None:
        """``FROM f(...)`` of a generator (a Python UDTF, explode, inline...): a Generate over
        one row, or over the rows of a ``TABLE(t)`` first argument (each passed as a struct);
        only the generated columns are kept."""
        try:
            if not lookup(call.name).generator:
                return None
        except AnalysisException:
            return None
        args = list(call.expressions)
        child: L.LogicalPlan = L.Range(0, 1, 1, 1, AttributeReference("id", T.LongType(), False))
        exprs: list = []
        if args and type(args[0]).__name__ == "Anonymous" and args[0].name.upper() == "TABLE":
            src = args.pop(0).expressions[0]
            child = self._named(tuple(p.name for p in src.parts)) \
                if type(src).__name__ == "Column" else self.bind(src)[0]
            exprs.append(UnresolvedFunction("struct", tuple(child.output)))
        exprs += [self.expr(a) for a in args]
        gen = self.resolve(UnresolvedFunction(call.name, tuple(exprs)), child.output)
        outer = bool(dict(gen.options).get("outer"))
        attrs = tuple(AttributeReference(f.name, f.dataType, f.nullable or outer)
                      for f in gen.dtype.fields)
        return L.Generate(gen, outer, attrs, (child,), ())

    def _named(self, parts: tuple) -> L.LogicalPlan:
        if len(parts) == 1:
            key = parts[0].lower()
            if key in self.ctes:
                return self.ctes[key]
            if key in self.frames:
                return self.frames[key]
        found = self.lookup_relation(parts)
        if found is None:
            self.an.analyze(L.UnresolvedRelation(parts))  # raises TABLE_OR_VIEW_NOT_FOUND
        return self.an.analyze(found)

    def _values(self, node: Any) -> L.LogicalPlan:
        from sqlglot import exp

        rows = []
        table_alias = None
        for t in node.expressions:
            vals = list(t.expressions if isinstance(t, exp.Tuple) else [t])
            if isinstance(vals[-1], exp.Alias):  # VALUES 0, 1, 2 AS t(id): sqlglot puts
                table_alias = vals[-1].alias      # the table's name on the last value
                vals[-1] = vals[-1].this
            rows.append([self._constant(v) for v in vals])
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise AnalysisException(
                "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline "
                "table expected 1 columns but found 2 columns in row 0. SQLSTATE: 42000",
                errorClass="INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH")
        alias = node.args.get("alias")
        names = [c.name for c in (alias.columns if alias is not None else [])] or \
            [f"col{i + 1}" for i in range(width)]
        if table_alias is not None and alias is not None and not alias.name:
            alias.set("this", exp.to_identifier(table_alias))
        fields = []
        for i, name in enumerate(names):
            vals = [r[i] for r in rows]
            if not all(isinstance(v, Literal) for v in vals):
                raise AnalysisException(
                    "[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE] Invalid "
                    "inline table. Cannot evaluate the expression in inline table definition. "
                    "SQLSTATE: 42000",
                    errorClass="INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE")
            t = common_type([v.dtype for v in vals]) or T.StringType()
            if isinstance(t, T.NullType):
                t = T.NullType()
            fields.append(T.StructField(name, t, any(v.value is None for v in vals)))
        data = [tuple(_coerce(v.value, f.dataType) for v, f in zip(r, fields)) for r in rows]
        return local_relation(data, T.StructType(fields), 1)

    def _constant(self, node: Any) -> Expression:
        """A VALUES cell: folded to a literal when it reads no column (``array()`` too)."""
        e = fold(self.resolve(self.expr(node), []), self.ctx)
        if not isinstance(e, Literal) and e.resolved and is_constant(e):
            return Literal(eval_constant(e, self.ctx), e.dtype)
        return e


def _coerce(v: Any, t: T.DataType) -> Any:
    if v is None:
        return None
    if isinstance(t, (T.DoubleType, T.FloatType)) and not isinstance(v, float):
        return float(v)
    if isinstance(t, T.DecimalType):
        import decimal

        return decimal.Decimal(v)
    return v


def _rename(plan: L.LogicalPlan, names: list) -> L.LogicalPlan:
    if not names:
        return plan
    out = plan.output
    if len(names) != len(out):
        raise AnalysisException(
            f"[ASSIGNMENT_ARITY_MISMATCH] Number of column aliases does not match number of "
            f"columns. Number of column aliases: {len(names)}; number of columns: {len(out)}. "
            "SQLSTATE: 42802", errorClass="ASSIGNMENT_ARITY_MISMATCH")
    return L.Project(tuple(Alias((a,), n) for a, n in zip(out, names)), (plan,))


def _attr_of(e: Expression) -> AttributeReference:
    if isinstance(e, AttributeReference):
        return e
    return e.to_attribute()  # type: ignore[attr-defined]
