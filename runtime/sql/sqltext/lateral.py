"""LATERAL subqueries in FROM: ``FROM t, LATERAL (SELECT ... t.a ...) [s(x, y)]``,
``[INNER|LEFT|CROSS] JOIN LATERAL (...) [ON c]`` (USING and NATURAL are refused, as Spark
refuses them).

The subquery is bound with the columns of everything left of it as its outer scope: a name
it cannot resolve in its own FROM is looked up there and becomes ``outer(name)``
(analysis/resolve.py). The bound subquery and its left side then go to
analysis/decorrelate.py, which rewrites the pair into ordinary joins. Spark's rules are
kept: only inner, left outer and cross lateral joins exist
(``[INVALID_LATERAL_JOIN_TYPE]``), and a name resolves one level out only.
``LATERAL f(...)`` of a generator is a LATERAL VIEW (clauses.py), except in a LEFT JOIN,
whose ON condition must keep the left rows without a match: that one is a lateral subquery
over the generator (``bind_lateral_generator``).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.analysis.decorrelate import lateral_join
from runtime.sql.errors import AnalysisException, ParseException
from runtime.sql import types as T
from runtime.sql.expressions.base import Alias, AttributeReference
from runtime.sql.expressions.registry import lookup
from runtime.sql.plan import logical as L

__all__ = ["as_anonymous", "bind_lateral", "bind_lateral_generator", "is_lateral_subquery",
           "is_generator", "lateral_function_table"]


def as_anonymous(call: Any) -> Any:
    """A function node of sqlglot's (``Explode``, ``Posexplode``...) as an ``Anonymous`` call
    with its arguments in order, as the binder reads table-valued functions."""
    from sqlglot import exp

    if isinstance(call, exp.Anonymous):
        return call
    args: list = []
    for key in call.arg_types:
        v = call.args.get(key)
        if isinstance(v, list):
            args.extend(v)
        elif v is not None:
            args.append(v)
    return exp.Anonymous(this=call.sql_name(), expressions=args)


def lateral_function_table(lat: Any) -> Any:
    """``LATERAL f(...) [t(a, b)]`` as the FROM item ``f(...) [t(a, b)]`` when ``f`` is a
    table-valued function, not a generator (``LATERAL range(3)``), or when it starts the
    FROM clause (nothing to correlate with); else None (a generator: a LATERAL VIEW)."""
    from sqlglot import exp

    call = lat.this
    if type(lat).__name__ != "Lateral" or not isinstance(call, exp.Func):
        return None
    return exp.Table(this=call, alias=lat.args.get("alias"))


def is_generator(call: Any) -> bool:
    try:
        return bool(lookup(as_anonymous(call).name).generator)
    except AnalysisException:
        return False


def is_lateral_subquery(node: Any) -> bool:
    return type(node).__name__ == "Lateral" and type(node.this).__name__ == "Subquery"


def _kind(join: Any) -> str:
    if str(join.args.get("method") or "").upper() == "NATURAL":
        raise ParseException(
            "[INCOMPATIBLE_JOIN_TYPES] The join types LATERAL and NATURAL are incompatible. "
            "SQLSTATE: 42613", errorClass="INCOMPATIBLE_JOIN_TYPES")
    if join.args.get("using"):
        raise ParseException(
            "[UNSUPPORTED_FEATURE.LATERAL_JOIN_USING] The feature is not supported: JOIN USING "
            "with LATERAL correlation. SQLSTATE: 0A000",
            errorClass="UNSUPPORTED_FEATURE.LATERAL_JOIN_USING")
    side = (join.side or "").upper()
    kind = (join.kind or "").upper()
    if kind == "CROSS":
        return "cross"
    if side == "LEFT" and kind != "SEMI" and kind != "ANTI":
        return "left"
    if side or kind in ("SEMI", "ANTI"):
        name = {"RIGHT": "RIGHT OUTER", "FULL": "FULL OUTER"}.get(side, f"LEFT {kind}")
        raise AnalysisException(
            f"[INVALID_LATERAL_JOIN_TYPE] The {name} JOIN with LATERAL correlation is not "
            "allowed because an OUTER subquery cannot correlate to its join partner. Remove "
            "the LATERAL correlation or use an INNER JOIN, or LEFT OUTER JOIN instead. "
            "SQLSTATE: 42613", errorClass="INVALID_LATERAL_JOIN_TYPE")
    return "inner"


def bind_lateral_generator(b: Any, left: L.LogicalPlan, lat: Any, join: Any) -> L.LogicalPlan:
    """``left LEFT JOIN LATERAL f(...) t ON c``: the generator over one row, reading ``left``'s
    columns, joined as a lateral subquery (rows of ``left`` without a match are kept)."""
    one = b.an.analyze(L.Project((), (L.Range(0, 1, 1, 1, AttributeReference(
        "id", T.LongType(), False)),)))
    resolver = b.an.exprs
    saved = resolver.outer
    resolver.outer = list(left.output)
    try:
        q = b._lateral_views(one, [lat])
    finally:
        resolver.outer = saved
    on = join.args.get("on")
    cond = b.resolve(b.expr(on), left.output + q.output) if on is not None else None
    return lateral_join(b.an, left, q, "left", cond)


def bind_lateral(b: Any, left: L.LogicalPlan | None, lat: Any, join: Any = None
                 ) -> L.LogicalPlan:
    """``left`` joined with the LATERAL subquery ``lat`` (``join``: its JOIN node, None in
    a FROM list); ``left`` None: the subquery is the first relation of FROM."""
    kind = _kind(join) if join is not None else "inner"
    resolver = b.an.exprs
    saved = resolver.outer
    resolver.outer = list(left.output) if left is not None else None
    try:
        q, _ = b.bind(lat.this.this)
        q = b._modifiers(q, lat.this)
    finally:
        resolver.outer = saved
    alias = lat.args.get("alias")
    columns = [c.name for c in (alias.columns if alias is not None else [])]
    if columns:
        if len(columns) != len(q.output):
            raise AnalysisException(
                "[ASSIGNMENT_ARITY_MISMATCH] Number of column aliases does not match number "
                f"of columns. Number of column aliases: {len(columns)}; number of columns: "
                f"{len(q.output)}. SQLSTATE: 42802", errorClass="ASSIGNMENT_ARITY_MISMATCH")
        q = L.Project(tuple(Alias((a,), n) for a, n in zip(q.output, columns)), (q,))
    name = alias.name if alias is not None and alias.name else "__auto_generated_subquery_name"
    q = L.SubqueryAlias(name, (b.fresh(q),))
    if left is None:
        return q
    on = join.args.get("on") if join is not None else None
    cond = None
    if on is not None:
        cond = b.resolve(b.expr(on), left.output + q.output)
    return lateral_join(b.an, left, q, kind, cond)
