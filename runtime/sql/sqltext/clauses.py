"""The clauses of a SELECT beyond FROM/WHERE/GROUP BY (a mixin of QueryBinder).

Each one becomes the logical nodes the DataFrame API builds for the same thing:

* ``LATERAL VIEW [OUTER] gen(...) alias AS c1, c2``: a ``Generate`` over the FROM relations
  (before WHERE, which may use its columns), the generator's columns renamed to ``c1, c2``
  and qualified by ``alias``; OUTER uses the generator's ``_outer`` form.
* ``PIVOT (agg [AS a], ... FOR col IN (v1 [AS x], ...))`` as ``groupBy().pivot()``: the
  grouping columns are the relation's columns that neither the aggregates nor the pivot
  column use; a first Aggregate by (groupings, col), then one ``first(CASE WHEN col <=> v
  THEN agg END, true)`` per value and aggregate, named ``v`` (one aggregate) or ``v_a``.
* ``PIVOT (... FOR (c1, c2) IN ((v1, v2) [AS x], ...))``: several pivot columns; an
  unnamed value's column is ``{v1, v2}`` as Spark names it.
* ``UNPIVOT [INCLUDE|EXCLUDE NULLS] (val FOR name IN (c1 [AS x], ...))``: an Expand (ids,
  column name, value) as ``DataFrame.unpivot``; EXCLUDE NULLS (the default) filters NULL
  values out. ``UNPIVOT ((v1, v2) FOR name IN ((a1, a2) [AS x], ...))`` unpivots several
  value columns at once (an unnamed group is labelled ``a1_a2``; EXCLUDE NULLS drops a row
  whose values are all NULL); each value column takes its values' least common type
  without string promotion (else ``UNPIVOT_VALUE_DATA_TYPE_MISMATCH``); ``AS u`` names the
  result.
* ``TABLESAMPLE (p PERCENT)`` / ``(BUCKET x OUT OF y)``: a ``Sample`` of the fraction
  ``[0, p/100)`` / ``[(x-1)/y, x/y)``; ``(n ROWS)``: a ``Limit``.
* ``SORT BY``: a Sort within partitions; ``DISTRIBUTE BY``: a hash RepartitionByExpression
  (``spark.sql.shuffle.partitions``); ``CLUSTER BY c``: both, ascending.
* Hints: ``REPARTITION(n[, cols])``, ``REPARTITION(cols)``, ``REPARTITION_BY_RANGE``,
  ``COALESCE(n)`` and ``REBALANCE`` apply to the SELECT's result as the DataFrame methods do;
  the join hints ``BROADCAST``/``BROADCASTJOIN``/``MAPJOIN``, ``MERGE``/``SHUFFLE_MERGE``/
  ``MERGEJOIN`` and ``SHUFFLE_HASH`` name relations: a join whose right side is a hinted
  relation carries the hint (``Join.hint``) and the planner follows it; ``BROADCAST`` naming
  the left side of an explicit JOIN is ``broadcast_left`` (Spark's BuildLeft: inner, cross
  and right outer joins). A hint that cannot apply, or an unknown hint, is ignored as Spark
  ignores hints it cannot apply.
* ``WINDOW w AS (...)``: the named windows the expression converter looks ``OVER w`` up in.
"""

from __future__ import annotations

import random
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, ParseException
from runtime.sql.expressions.base import (
    Alias, AttributeReference, CaseWhen, Expression, Literal, SortOrder, UnresolvedFunction)
from runtime.sql.expressions.binding import cast_to
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.window_sql import spec_from_sqlglot
from runtime.sql.formatting.values import format_value
from runtime.sql.optimizer import fold
from runtime.sql.plan import logical as L

__all__ = ["Clauses"]

_JOIN_HINTS = {
    "BROADCAST": "broadcast", "BROADCASTJOIN": "broadcast", "MAPJOIN": "broadcast",
    "MERGE": "merge", "SHUFFLE_MERGE": "merge", "MERGEJOIN": "merge",
    "SHUFFLE_HASH": "shuffle_hash", "SHUFFLE_REPLICATE_NL": "shuffle_replicate_nl",
}
_OUTER = {"explode": "explode_outer", "posexplode": "posexplode_outer",
          "inline": "inline_outer"}


def _unsupported(what: str) -> AnalysisException:
    return AnalysisException(
        f"[UNSUPPORTED_FEATURE] {what} is not supported by spark.sql yet. SQLSTATE: 0A000",
        errorClass="UNSUPPORTED_FEATURE")


class Clauses:
    # -- WINDOW w AS (...) -----------------------------------------------------------------------
    def _named_windows(self, sel: Any) -> dict:
        out: dict = {}
        for w in sel.args.get("windows") or []:
            conv = self.converter()
            conv.named_windows = out  # a window may refine one defined before it
            out[w.name.lower()] = spec_from_sqlglot(w, conv.convert)
        return out

    # -- LATERAL VIEW ----------------------------------------------------------------------------
    def _lateral_views(self, plan: L.LogicalPlan, laterals: list) -> L.LogicalPlan:
        for lat in laterals:
            gen = self.expr(lat.this)
            if not isinstance(gen, UnresolvedFunction):
                raise _unsupported(f"LATERAL VIEW {lat.this.sql(dialect='spark')}")
            if lat.args.get("outer"):
                gen = UnresolvedFunction(_OUTER.get(gen.name, gen.name), gen.children,
                                         gen.distinct, gen.options)
            call = self.resolve(gen, plan.output)
            if not getattr(getattr(call, "spec", None), "generator", False):
                raise AnalysisException(
                    f"[UNSUPPORTED_GENERATOR.NOT_GENERATOR] The generator is not supported: "
                    f"`{gen.name}` is expected to be a generator. However, its class is "
                    f"{type(call).__name__}, which is not a generator. SQLSTATE: 42K0E",
                    errorClass="UNSUPPORTED_GENERATOR.NOT_GENERATOR")
            alias = lat.args.get("alias")
            table = alias.name if alias is not None else ""
            names = [c.name for c in (alias.columns if alias is not None else [])]
            fields = call.dtype.fields
            if names and len(names) != len(fields):
                raise AnalysisException(
                    f"[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS "
                    f"clause does not match the number of columns output by the UDTF. Expected "
                    f"{len(fields)} aliases, but got {', '.join(names)}. SQLSTATE: 42802",
                    errorClass="UDTF_ALIAS_NUMBER_MISMATCH")
            outer = bool(dict(call.options).get("outer"))
            attrs = tuple(AttributeReference(n, f.dataType, f.nullable or outer,
                                             qualifier=(table,) if table else ())
                          for n, f in zip(names or [f.name for f in fields], fields))
            plan = L.Generate(call, outer, attrs, (plan,))
        return plan

    # -- PIVOT / UNPIVOT -------------------------------------------------------------------------
    def _pivots(self, plan: L.LogicalPlan, node: Any) -> L.LogicalPlan:
        for p in node.args.get("pivots") or []:
            plan = self._unpivot(plan, p) if p.args.get("unpivot") else self._pivot(plan, p)
        return plan

    def _pivot(self, plan: L.LogicalPlan, p: Any) -> L.LogicalPlan:
        from sqlglot import exp

        fields = p.args.get("fields") or []
        if len(fields) != 1 or not isinstance(fields[0], exp.In):
            raise _unsupported("PIVOT over several FOR clauses")
        inputs = plan.output
        target = fields[0].this
        targets = target.expressions if isinstance(target, exp.Tuple) else [target]
        pcols = [self.resolve(self.expr(t), inputs) for t in targets]
        aggs, names = [], []
        for a in p.expressions:
            e = self.resolve(self.expr(a.this if isinstance(a, exp.Alias) else a), inputs)
            aggs.append(e)
            names.append(a.alias if isinstance(a, exp.Alias) else e.sql())
        used = set().union(*(c.references() for c in pcols), *(e.references() for e in aggs))
        keys = [a for a in inputs if a.expr_id not in used]
        first = self.an.analyze(L.Aggregate(
            tuple(keys) + tuple(pcols),
            tuple(keys) + tuple(Alias((c,), f"__pivot_col{i}") for i, c in enumerate(pcols)) +
            tuple(Alias((e,), f"__pivot_{i}") for i, e in enumerate(aggs)), (plan,)))
        out = first.output
        k, w = len(keys), len(pcols)
        pattrs, results = out[k:k + w], out[k + w:]
        outputs: list[Expression] = list(out[:k])
        for v in fields[0].expressions:
            label = v.alias if isinstance(v, exp.PivotAlias) else None
            value = v.this if label else v
            items = value.expressions if isinstance(value, exp.Tuple) else [value]
            lits = [fold(self.resolve(self.expr(x), []), self.ctx) for x in items]
            bad = [x for x in lits if not isinstance(x, Literal)]
            if bad:
                raise AnalysisException(
                    f"[NON_LITERAL_PIVOT_VALUES] Literal expressions required for pivot "
                    f"values, found \"{bad[0].sql()}\". SQLSTATE: 42K08",
                    errorClass="NON_LITERAL_PIVOT_VALUES")
            if len(lits) != w:
                shown = ", ".join(f"col{i + 1}, {format_value(x.value, x.dtype)}"
                                  for i, x in enumerate(lits))
                vtype = ",".join(f"col{i + 1}:{x.dtype.simpleString()}"
                                 for i, x in enumerate(lits))
                ptype = ",".join(f"{c.name}:{c.dtype.simpleString()}" for c in pcols)
                raise AnalysisException(
                    f"[PIVOT_VALUE_DATA_TYPE_MISMATCH] Invalid pivot value 'named_struct("
                    f"{shown})': value data type struct<{vtype}> does not match pivot column "
                    f"data type struct<{ptype}>. SQLSTATE: 42K09",
                    errorClass="PIVOT_VALUE_DATA_TYPE_MISMATCH")
            if label is None:
                texts = ["null" if x.value is None else format_value(x.value, x.dtype)
                         for x in lits]
                label = texts[0] if w == 1 else "{" + ", ".join(texts) + "}"
            match = UnresolvedFunction("<=>", (pattrs[0], lits[0]))
            for a, x in zip(pattrs[1:], lits[1:]):
                match = UnresolvedFunction("and", (match, UnresolvedFunction("<=>", (a, x))))
            for a, n in zip(results, names):
                pick = CaseWhen((match, a))
                outputs.append(Alias((UnresolvedFunction(
                    "first", (pick, Literal(True, T.BooleanType()))),),
                    label if len(results) == 1 else f"{label}_{n}"))
        return self.an.analyze(L.Aggregate(tuple(out[:k]), tuple(outputs), (first,)))

    def _unpivot(self, plan: L.LogicalPlan, p: Any) -> L.LogicalPlan:
        from sqlglot import exp

        fields = p.args.get("fields") or []
        if len(fields) != 1 or len(p.expressions) != 1:
            raise _unsupported("UNPIVOT of several FOR clauses")
        target = p.expressions[0]
        value_names = [e.name for e in (target.expressions if isinstance(target, exp.Tuple)
                                        else [target])]
        name_col = fields[0].this.name
        inputs = plan.output
        if not fields[0].expressions:
            raise ParseException("[PARSE_SYNTAX_ERROR] Syntax error at or near ')'. "
                                 "SQLSTATE: 42601", errorClass="PARSE_SYNTAX_ERROR")
        groups, labels = [], []
        for c in fields[0].expressions:
            label = c.alias if isinstance(c, exp.PivotAlias) else None
            node = c.this if label else c
            members = node.expressions if isinstance(node, exp.Tuple) else [node]
            es = [self.resolve(self.expr(m), inputs) for m in members]
            if len(es) != len(value_names):
                shown = ", ".join(f"`{n}`" for n in value_names)
                raise AnalysisException(
                    "[UNPIVOT_VALUE_SIZE_MISMATCH] All unpivot value columns must have the "
                    f"same size as there are value column names ({len(value_names)}). "
                    "SQLSTATE: 428C4", errorClass="UNPIVOT_VALUE_SIZE_MISMATCH",
                    messageParameters={"names": shown})
            groups.append(es)
            labels.append(label or "_".join(e.name for e in es))
        used = set().union(*(e.references() for es in groups for e in es))
        ids = [a for a in inputs if a.expr_id not in used]
        types = [_unpivot_type([es[j] for es in groups]) for j in range(len(value_names))]
        projections = tuple(tuple(ids) + (Literal(n, T.StringType()),) +
                            tuple(cast_to(e, t) for e, t in zip(es, types))
                            for es, n in zip(groups, labels))
        values = tuple(AttributeReference(v, t, any(es[j].nullable for es in groups))
                       for j, (v, t) in enumerate(zip(value_names, types)))
        attrs = tuple(AttributeReference(a.name, a.dtype, a.nullable) for a in ids) + (
            AttributeReference(name_col, T.StringType(), False),) + values
        out: L.LogicalPlan = L.Expand(projections, attrs, (plan,))  # type: ignore[call-arg]
        if not p.args.get("include_nulls"):  # EXCLUDE NULLS: a row of NULL values only
            keep: Expression = UnresolvedFunction("isnotnull", (values[0],))
            for v in values[1:]:
                keep = UnresolvedFunction("or", (keep, UnresolvedFunction("isnotnull", (v,))))
            out = self.filter(out, self.resolve(keep, list(attrs)))
        alias = p.args.get("alias")
        if alias is not None and alias.name:
            out = self.an.analyze(L.SubqueryAlias(alias.name, (out,)))
        return out

    # -- TABLESAMPLE -----------------------------------------------------------------------------
    def _sample(self, plan: L.LogicalPlan, s: Any) -> L.LogicalPlan:
        def number(key: str) -> float:
            e = fold(self.resolve(self.expr(s.args[key]), []), self.ctx)
            if not isinstance(e, Literal) or e.value is None:
                raise _unsupported(f"TABLESAMPLE {s.sql(dialect='spark')}")
            return float(e.value)

        seed = random.randrange(2**31)
        if s.args.get("percent") is not None:
            p = number("percent")
            if not 0 <= p <= 100:
                raise AnalysisException(
                    f"[_LEGACY_ERROR_TEMP_0064] Sampling fraction ({p / 100}) must be on "
                    "interval [0, 1]", errorClass="_LEGACY_ERROR_TEMP_0064")
            return L.Sample(0.0, p / 100, False, seed, (plan,))
        if s.args.get("size") is not None:
            return L.Limit(int(number("size")), (plan,))
        if s.args.get("bucket_numerator") is not None:
            if s.args.get("bucket_field") is not None:
                raise _unsupported("TABLESAMPLE (BUCKET x OUT OF y ON col)")
            x, y = number("bucket_numerator"), number("bucket_denominator")
            if not 0 < x <= y:
                raise AnalysisException(
                    f"[_LEGACY_ERROR_TEMP_0064] Sampling fraction ({x / y}) must be on "
                    "interval [0, 1]", errorClass="_LEGACY_ERROR_TEMP_0064")
            return L.Sample((x - 1) / y, x / y, False, seed, (plan,))
        raise _unsupported(f"TABLESAMPLE {s.sql(dialect='spark')}")

    # -- SORT BY / DISTRIBUTE BY / CLUSTER BY ----------------------------------------------------
    def _organize(self, plan: L.LogicalPlan, node: Any) -> L.LogicalPlan:
        cluster = node.args.get("cluster")
        distribute = node.args.get("distribute")
        sort = node.args.get("sort")
        if cluster is not None:
            keys = [self.resolve(self.expr(c), plan.output) for c in cluster.expressions]
            plan = L.RepartitionByExpression(tuple(keys), None, (plan,))
            return self.an.analyze(L.Sort(tuple(SortOrder((k,), True, None) for k in keys),
                                          False, (plan,)))
        if distribute is not None:
            keys = []
            for d in distribute.expressions:
                e = self.expr(d)
                keys.append(self.resolve(e.child if isinstance(e, SortOrder) else e,
                                         plan.output))
            plan = L.RepartitionByExpression(tuple(keys), None, (plan,))
        if sort is not None:
            orders = [self._order_item(o, plan.output) for o in sort.expressions]
            plan = self.an.analyze(L.Sort(tuple(orders), False, (plan,)))
        return plan

    # -- hints -----------------------------------------------------------------------------------
    def _read_hints(self, sel: Any) -> list:
        """(NAME, argument nodes) of the SELECT's hints; join hints go to ``join_hints``."""
        from sqlglot import exp

        hint = sel.args.get("hint")
        out = []
        for h in (hint.expressions if hint is not None else []):
            if isinstance(h, exp.JoinHint):
                kind = _JOIN_HINTS.get(str(h.this).upper())
                for t in h.expressions:
                    if kind is not None:
                        self.join_hints[t.name.lower()] = kind
                continue
            name = h.name if isinstance(h, exp.Anonymous) else h.sql_name()
            args = list(h.expressions) if isinstance(h, exp.Anonymous) else \
                [v for k in h.arg_types for v in (h.args.get(k) if isinstance(
                    h.args.get(k), list) else [h.args.get(k)]) if v is not None]
            out.append((str(name).upper(), args))
        return out

    def _partition_hints(self, plan: L.LogicalPlan, hints: list) -> L.LogicalPlan:
        for name, args in hints:
            if name not in ("REPARTITION", "COALESCE", "REPARTITION_BY_RANGE", "REBALANCE"):
                continue
            vals = [self.expr(a) for a in args]
            n = None
            if vals and isinstance(vals[0], Literal) and isinstance(vals[0].value, int):
                n = vals.pop(0).value
            keys = [self.resolve(v, plan.output) for v in vals]
            if name == "COALESCE" and n is not None:
                plan = L.Coalesce(n, (plan,))
            elif name == "REPARTITION" and keys:
                plan = L.RepartitionByExpression(tuple(keys), n, (plan,))
            elif name == "REPARTITION" and n is not None:
                plan = L.Repartition(n, True, (plan,))
            elif name == "REPARTITION_BY_RANGE" and keys:
                plan = L.RepartitionByExpression(tuple(
                    k if isinstance(k, SortOrder) else SortOrder((k,), True, None)
                    for k in keys), n, (plan,))
        return plan

    def _join_hint(self, right: L.LogicalPlan) -> str | None:
        """The join hint naming the relation ``right`` reads (through filters)."""
        node = right
        while isinstance(node, (L.Filter, L.Project)) and node.children:
            node = node.children[0]
        if isinstance(node, L.SubqueryAlias):
            return self.join_hints.get(node.alias.lower())
        return None


def _unpivot_type(values: list[Expression]) -> T.DataType:
    """The least common type of one unpivot value column, without turning numbers into
    strings (Spark's findWiderTypeWithoutStringPromotion)."""
    strings = [isinstance(e.dtype, T.StringType) for e in values]
    t = common_type([e.dtype for e in values]) if all(strings) or not any(strings) else None
    if t is None:
        shown = ", ".join(f'"{e.dtype.simpleString().upper()}" (`{e.sql()}`)' for e in values)
        raise AnalysisException(
            "[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least "
            f"common type, some types do not: [{shown}]. SQLSTATE: 42K09",
            errorClass="UNPIVOT_VALUE_DATA_TYPE_MISMATCH")
    return t
