"""Hidden metadata columns (Spark's AddMetadataColumns): ``_metadata`` of a file scan.

A ``FileRelation`` is made with a hidden attribute ``_metadata`` (a struct of the file's
path, name, size, block and modification time: io/file_metadata.py) that is not in its
output, so ``*``, ``df.columns`` and ``printSchema`` do not show it. When an operator
names it (``select("_metadata.file_name")``, ``filter(col("_metadata.file_size") > 10)``,
``groupBy("_metadata.file_path")``, ``df.metadataColumn("_metadata")``), the analyzer
calls :func:`expose`: the relation below, reached through the operators that pass their
input's columns through unchanged (filter, sort, limit, sample, repartition, alias), puts
the attribute in its output, and the operator resolves it like any column. ``*`` in that
same projection still leaves it out (the ids in ``hidden``). A relation that has a data
column named ``_metadata`` keeps its own column, as Spark. Through a projection or an
aggregate the name is no longer found: there it is an ordinary column if it was selected.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from runtime.sql.analysis.join_hidden_keys import expose_keys
from runtime.sql.expressions.base import AttributeReference, Expression, UnresolvedAttribute
from runtime.sql.plan import logical as L

__all__ = ["METADATA", "expose", "metadata_attribute"]

METADATA = "_metadata"
_PASS_THROUGH = (L.Filter, L.SubqueryAlias, L.Sort, L.Limit, L.Offset, L.Sample,
                 L.Repartition, L.RepartitionByExpression)


def metadata_attribute(plan: L.LogicalPlan) -> AttributeReference | None:
    """The hidden ``_metadata`` attribute of the file relation under ``plan``, or None."""
    while isinstance(plan, _PASS_THROUGH):
        plan = plan.children[0]
    if not isinstance(plan, L.FileRelation) or plan.meta_attr is None:
        return None
    if any(a.name.lower() == METADATA for a in plan.attrs):
        return None
    return plan.meta_attr


def _names_it(e: Expression, meta: AttributeReference) -> bool:
    if isinstance(e, UnresolvedAttribute):
        return e.parts[0].lower() == METADATA
    if isinstance(e, AttributeReference):
        return e.expr_id == meta.expr_id
    return any(_names_it(c, meta) for c in e.children)


def _exposed(plan: L.LogicalPlan) -> L.LogicalPlan:
    if isinstance(plan, L.FileRelation):
        return replace(plan, meta_exposed=True)
    return plan.with_children((_exposed(plan.children[0]),))


def expose(exprs: Iterable[Expression], child: L.LogicalPlan
           ) -> tuple[L.LogicalPlan, set[int]]:
    """``child`` with ``_metadata`` in its output if ``exprs`` name it and it has one to
    give, and the ids ``*`` must leave out (also a USING join's hidden keys:
    join_hidden_keys.py)."""
    meta = metadata_attribute(child)
    if meta is None:
        return expose_keys(exprs, child)
    present = any(a.expr_id == meta.expr_id for a in child.output)
    if not present and any(_names_it(e, meta) for e in exprs):
        child = _exposed(child)
    return child, {meta.expr_id}
