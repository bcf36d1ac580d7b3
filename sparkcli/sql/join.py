"""How ``DataFrame.join`` arguments become a logical Join (PySpark's rules).

* ``on`` is None: a join without condition (inner: every pair, as crossJoin);
* a name or a list of names (a USING join): each name must exist on both sides; the output
  has each key once, first, then the other left columns, then the other right columns (for a
  full outer join the key is ``coalesce(left.k, right.k)``, for a right join the right key);
* a Column or a list of Columns: their conjunction is the condition; all columns of both
  sides are kept.
``how`` accepts PySpark's spellings (``left_outer``, ``leftsemi``, ``full``...).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import PySparkValueError
from runtime.sql.expressions.base import Alias, Expression, UnresolvedFunction
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column

__all__ = ["build_join"]


def build_join(left_df: Any, right_df: Any, on: Any, how: str | None) -> L.LogicalPlan:
    jt = L.JOIN_TYPES.get((how or "inner").lower().replace(" ", ""))
    if jt is None:
        raise PySparkValueError(
            f"[UNSUPPORTED_JOIN_TYPE] Unsupported join type: '{how}'. Supported join types "
            "include: 'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', "
            "'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', "
            "'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'.",
            errorClass="UNSUPPORTED_JOIN_TYPE")
    left, right = left_df._plan, right_df._plan
    if on is None:
        return L.Join("cross" if jt == "inner" else jt, None, (left, right))
    if isinstance(on, (str, Column)):
        on = [on]
    if all(isinstance(o, str) for o in on):
        return _using(left_df, right_df, list(on), jt)
    cond: Expression | None = None
    for o in on:
        e = o._expr if isinstance(o, Column) else left_df._resolve(o)._expr
        cond = e if cond is None else UnresolvedFunction("and", (cond, e))
    return L.Join(jt, cond, (left, right))


def _using(left_df: Any, right_df: Any, names: list[str], jt: str) -> L.LogicalPlan:
    state = left_df._session._state()
    left = left_df._plan
    right = right_df._plan
    joined = state.analyze(L.Join(jt, None, (left, right)))
    right_plan = joined.children[1]  # a self-join's right side has fresh ids
    resolver = state.analyzer_exprs()
    lk = [resolver.resolve_name((n,), left.output) for n in names]
    rk = [resolver.resolve_name((n,), right_plan.output) for n in names]
    cond: Expression | None = None
    for a, b in zip(lk, rk):
        eq = UnresolvedFunction("=", (a, b))
        cond = eq if cond is None else UnresolvedFunction("and", (cond, eq))
    join = L.Join(jt, cond, (left, right_plan))
    if jt in ("semi", "anti"):
        return join
    lids = {a.expr_id for a in lk}
    rids = {b.expr_id for b in rk}
    keys: list[Expression] = []
    for a, b in zip(lk, rk):
        if jt == "full":
            keys.append(Alias((UnresolvedFunction("coalesce", (a, b)),), a.name))
        elif jt == "right":
            keys.append(b)
        else:
            keys.append(a)
    rest = [a for a in left.output if a.expr_id not in lids] + \
        [b for b in right_plan.output if b.expr_id not in rids]
    return L.Project(tuple(keys + rest), (join,))
