"""Persistent views: a view's stored SQL text becomes a plan each time a query reads it.

Spark keeps a persistent view as text, not as a plan, and analyses that text again whenever
the view is read, so a view always sees the current data and the current definitions of the
tables and views under it. The catalog record (runtime/sql/warehouse.py ``TableMeta`` with
``table_type == "VIEW"``) holds:

* ``view_text``: the query as written after ``AS``;
* ``view_database``: the database that was current at creation; unqualified names in the
  text resolve there, not in the reader's current database ("View Catalog and Namespace");
* ``view_columns``: the names of the query's output columns at creation ("View Query Output
  Columns");
* ``schema``: the view's own columns: the declared names (or the query's), with their
  comments, and the query's types at creation.

``view_plan`` binds the text (with a lookup that sees no temporary views: a persistent view
cannot depend on session state) and puts Spark's "schema compensation" Project on top: view
column i is the query column named ``view_columns[i]`` (the k-th of that name when the name
repeats, as Spark's ``getviewcolumnbynameandordinal``), cast to the stored type when the
type has changed since creation, and renamed to the view's column name. So a table that gains
a column does not change a ``SELECT *`` view, and a column that disappears is Spark's
``[INCOMPATIBLE_VIEW_SCHEMA_CHANGE]``.

Nesting is bounded by ``spark.sql.view.maxNestedViewDepth`` (100), which also stops a view
that reads itself (CREATE VIEW refuses that with ``[RECURSIVE_VIEW]``).
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Alias, Cast
from runtime.sql.plan import logical as L
from runtime.sql.sqltext.binder import QueryBinder
from runtime.sql.sqltext.parsing import parse_statement
from runtime.sql.warehouse import TableMeta

__all__ = ["MAX_DEPTH", "view_plan"]

MAX_DEPTH = 100


def view_plan(meta: TableMeta, ctx: Any, lookup: Callable[[tuple], Any], depth: int,
              max_depth: int = MAX_DEPTH) -> L.LogicalPlan:
    """The analyzed plan of a persistent view; ``lookup`` resolves the names in its text
    (relative to ``meta.view_database``, without temporary views)."""
    if depth >= max_depth:
        raise AnalysisException(
            f"[VIEW_EXCEED_MAX_NESTED_DEPTH] The depth of view {meta.ident} exceeds the maximum "
            f"view resolution depth ({max_depth}).\nAnalysis is aborted to avoid errors. If you "
            "want to work around this, please try to increase the value of "
            "\"spark.sql.view.maxNestedViewDepth\". SQLSTATE: 54K00",
            errorClass="VIEW_EXCEED_MAX_NESTED_DEPTH")
    binder = QueryBinder(ctx, lookup)
    query, _ = binder.bind(parse_statement(meta.view_text))
    return compensate(meta, query, ctx.case_sensitive)


def compensate(meta: TableMeta, query: L.LogicalPlan, case_sensitive: bool) -> L.LogicalPlan:
    """Spark's view schema compensation: the view's columns by name and ordinal over the
    query's current output, cast to the stored types, under the view's names."""
    out = query.output
    norm = (lambda s: s) if case_sensitive else str.lower
    seen: dict[str, int] = {}
    exprs = []
    for name, field in zip(meta.view_columns, meta.schema.fields):
        k = norm(name)
        ordinal = seen.get(k, 0)
        seen[k] = ordinal + 1
        expected = sum(1 for c in meta.view_columns if norm(c) == k)
        found = [a for a in out if norm(a.name) == k]
        if len(found) != expected:
            got = "[" + ",".join(a.name for a in found) + "]"
            raise AnalysisException(
                f"[INCOMPATIBLE_VIEW_SCHEMA_CHANGE] The SQL query of view {meta.ident} has an "
                f"incompatible schema change and column {name} cannot be resolved. Expected "
                f"{expected} columns named {name} but got {got}.\nPlease try to re-create the "
                f"view by running: CREATE OR REPLACE VIEW {meta.ident} AS {meta.view_text}. "
                "SQLSTATE: 51024", errorClass="INCOMPATIBLE_VIEW_SCHEMA_CHANGE")
        attr = found[ordinal]
        value = attr if attr.dtype == field.dataType else Cast((attr,), field.dataType)
        exprs.append(Alias((value,), field.name))
    return L.Project(tuple(exprs), (query,))
