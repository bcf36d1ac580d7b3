"""Persistent views in SQL text: CREATE [OR REPLACE] VIEW, ALTER VIEW ... AS, DROP VIEW,
SHOW VIEWS, and the catalog rows DESCRIBE EXTENDED prints for a table or a view.

A persistent view is stored in the warehouse as its SQL text (runtime/sql/views.py reads it
back). Creating one binds the query once, to check it as Spark's CreateViewCommand does, in
Spark's order: the declared column list against the query's width
(``CREATE_VIEW_COLUMN_ARITY_MISMATCH``), no temporary view in the query
(``INVALID_TEMP_OBJ_REFERENCE``), no unnamed expression among the output columns
(``CREATE_PERMANENT_VIEW_WITHOUT_ALIAS``), no repeated column name
(``COLUMN_ALREADY_EXISTS``); then the existing object decides: a table is
``TABLE_OR_VIEW_ALREADY_EXISTS`` (or ``EXPECT_VIEW_NOT_TABLE`` with OR REPLACE), a view is
replaced with OR REPLACE, kept with IF NOT EXISTS; a replacement that would read itself is
``RECURSIVE_VIEW``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Alias
from runtime.sql.parser_dialect import spark_dialect
from runtime.sql.plan import logical as L
from runtime.sql.sqltext.binder import QueryBinder
from runtime.sql.sqltext.parsing import parse_statement
from runtime.sql.statements.variables import referenced
from runtime.sql.warehouse import TableMeta
from sparkcli.sql.sql_names import like, table_name

__all__ = ["alter_view", "create_view", "detail_rows", "drop_view", "show_views",
           "view_query_text"]


def view_query_text(text: str) -> str:
    """The query of a CREATE/ALTER VIEW as written: what follows the first ``AS`` outside
    parentheses (Spark's "View Text")."""
    from sqlglot.tokens import TokenType

    depth = 0
    for tok in spark_dialect()().tokenize(text):
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tok.token_type == TokenType.ALIAS:
            return text[tok.end + 1:].strip().rstrip(";").strip()
    return text


def _bind_checked(session: Any, query: Any, text: str, args: Any, frames: dict,
                  ident: str) -> Any:
    """Bind a persistent view's query, refusing a temporary view in it."""
    state = session._state()
    temps: list[str] = []

    def spy(name: tuple) -> Any:
        key = state.view_key(name[-1])
        if (len(name) == 1 and key in state.temp_views) or \
                (len(name) == 2 and name[0].lower() == "global_temp"):
            temps.append(".".join(name))
        return state.lookup_relation(name)

    binder = QueryBinder(state.bind_context(), spy, args, frames)
    plan, _ = binder.bind(query)
    temps += [k for k in (frames or {})]
    kind = "VIEW"
    if not temps:  # nor a session variable
        temps, kind = [v.name for v in referenced(plan)], "VARIABLE"
    if temps:
        t = "`" + temps[0].replace(".", "`.`") + "`"
        raise AnalysisException(
            f"[INVALID_TEMP_OBJ_REFERENCE] Cannot create the persistent object {ident} of the "
            f"type VIEW because it references to the temporary object {t} of the type {kind}. "
            f"Please make the temporary object {t} persistent, or make the persistent object "
            f"{ident} temporary. SQLSTATE: 42K0F", errorClass="INVALID_TEMP_OBJ_REFERENCE",
            messageParameters={"obj": "VIEW", "objName": ident, "tempObj": kind,
                               "tempObjName": t})
    return plan


def _unaliased(query: Any, names: list[str]) -> str | None:
    """The name Spark generated for the first output expression written without an alias
    (only a column, a star or ``expr AS name`` name a view's column)."""
    from sqlglot import exp

    while isinstance(query, (exp.Union, exp.Intersect, exp.Except)):
        query = query.this
    while isinstance(query, exp.Subquery):
        query = query.this
    if not isinstance(query, exp.Select):
        return None
    for i, e in enumerate(query.expressions):
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and
                                       isinstance(e.this, exp.Star)):
            return None  # the positions after a star are not known here
        if not _named(e):
            return names[i] if i < len(names) else e.sql(dialect="spark")
    return None


def _named(e: Any) -> bool:
    """Whether Spark names this select-list expression without generating an alias: a
    column, ``AS name``, a literal, a field or element of a column, a cast of a column."""
    from sqlglot import exp

    if isinstance(e, exp.Neg):
        e = e.this
    if isinstance(e, exp.Cast):
        return isinstance(e.this, (exp.Column, exp.Literal)) or _named(e.this)
    if isinstance(e, (exp.Dot, exp.Bracket)):
        return _named(e.this)
    return isinstance(e, (exp.Alias, exp.Column, exp.Literal, exp.Null, exp.Boolean))


def _columns(tree: Any) -> tuple[Any, list]:
    """(the view's name node, [(column name, comment)] of a declared column list)."""
    from sqlglot import exp

    target = tree.this
    cols = []
    if isinstance(target, exp.Schema):
        for c in target.expressions:
            comment = None
            for con in (c.args.get("constraints") or []) if isinstance(c, exp.ColumnDef) else []:
                if isinstance(con.args.get("kind"), exp.CommentColumnConstraint):
                    comment = con.args["kind"].this.name
            cols.append((c.name, comment))
        target = target.this
    return target, cols


def _check_arity(cols: list, out: list, ident: str) -> None:
    """A declared column list must name every column of the view's query, no more."""
    if cols and len(cols) != len(out):
        reason = ("NOT_ENOUGH_DATA_COLUMNS", "not enough") if len(cols) > len(out) else \
            ("TOO_MANY_DATA_COLUMNS", "too many")
        raise AnalysisException(
            f"[CREATE_VIEW_COLUMN_ARITY_MISMATCH.{reason[0]}] Cannot create view {ident}, the "
            f"reason is {reason[1]} data columns:\nView columns: " +
            ", ".join(f"`{c}`" for c, _ in cols) + ".\nData columns: " +
            ", ".join(f"`{a.name}`" for a in out) + ". SQLSTATE: 21S01",
            errorClass=f"CREATE_VIEW_COLUMN_ARITY_MISMATCH.{reason[0]}")


def temp_view_plan(tree: Any, plan: Any) -> tuple[str, Any]:
    """(name, plan) of CREATE TEMP VIEW name [(cols)] AS query: a declared column list
    renames the query's columns, as Spark's (the comments are not kept)."""
    target, cols = _columns(tree)
    _check_arity(cols, plan.output, f"`{target.name}`")
    if cols:
        plan = L.Project(tuple(Alias((a,), c) for a, (c, _) in zip(plan.output, cols)),
                         (plan,))
    return target.name, plan


def _view_meta(session: Any, db: str, name: str, query: Any, text: str, args: Any,
               frames: dict, cols: list) -> TableMeta:
    state = session._state()
    ident = f"`spark_catalog`.`{db}`.`{name}`"
    plan = _bind_checked(session, query, text, args, frames, ident)
    out = plan.output
    _check_arity(cols, out, ident)
    bad = _unaliased(query, [a.name for a in out])
    if bad is not None:
        raise AnalysisException(
            f"[CREATE_PERMANENT_VIEW_WITHOUT_ALIAS] Not allowed to create the permanent view "
            f"{ident} without explicitly assigning an alias for the expression \"{bad}\". "
            "SQLSTATE: 0A000", errorClass="CREATE_PERMANENT_VIEW_WITHOUT_ALIAS")
    names = [c for c, _ in cols] or [a.name for a in out]
    seen: set[str] = set()
    for n in names:
        k = state.view_key(n)
        if k in seen:
            raise AnalysisException(
                f"[COLUMN_ALREADY_EXISTS] The column `{n}` already exists. Choose another name "
                "or rename the existing column. SQLSTATE: 42711",
                errorClass="COLUMN_ALREADY_EXISTS")
        seen.add(k)
    comments = [c for _, c in cols] or [None] * len(out)
    schema = T.StructType([T.StructField(n, a.dtype, True, {"comment": c} if c else None)
                           for n, a, c in zip(names, out, comments)])
    return TableMeta(db, name, "", schema, table_type="VIEW", view_text=view_query_text(text),
                     view_database=state.current_database,
                     view_columns=[a.name for a in out], created=time.time())


def _references(state: Any, text: str, db: str) -> list[tuple[str, str]]:
    """The (database, name) of the warehouse objects a query text names (CTE names
    excluded)."""
    from sqlglot import exp

    tree = parse_statement(text)
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    out = []
    for t in tree.find_all(exp.Table):
        parts = [p.name for p in t.parts]
        if not parts or (len(parts) == 1 and parts[0].lower() in ctes):
            continue
        out.append((parts[-2].lower() if len(parts) >= 2 else db, parts[-1].lower()))
    return out


def _check_cycle(state: Any, meta: TableMeta) -> None:
    """``RECURSIVE_VIEW`` when the new definition reaches the view itself."""
    wh = state.warehouse()
    target = (meta.database, meta.name)

    def walk(text: str, db: str, path: list) -> None:
        for ref in _references(state, text, db):
            if ref == target:
                cycle = " -> ".join(f"`spark_catalog`.`{d}`.`{n}`" for d, n in path + [ref])
                raise AnalysisException(
                    f"[RECURSIVE_VIEW] Recursive view {meta.ident} detected (cycle: {cycle}). "
                    "SQLSTATE: 42K0H", errorClass="RECURSIVE_VIEW")
            inner = wh.get(*ref)
            if inner is not None and inner.is_view and ref not in path:
                walk(inner.view_text, inner.view_database, path + [ref])

    walk(meta.view_text, meta.view_database, [target])


def create_view(session: Any, tree: Any, text: str, args: Any, frames: dict,
                props: dict) -> None:
    """CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT] [TBLPROPERTIES] AS."""
    state = session._state()
    target, cols = _columns(tree)
    db, name = table_name(target, state)
    wh = state.warehouse()
    if not wh.database_exists(db):
        raise wh.no_schema(db)
    meta = _view_meta(session, db, name, tree.expression, text, args, frames, cols)
    meta.comment = props.pop("__comment__", None)
    meta.options = props
    old = wh.get(db, name)
    if old is not None:
        if tree.args.get("exists"):
            return
        if not old.is_view and tree.args.get("replace"):
            raise AnalysisException(
                f"[EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE] The table {old.ident} does not support "
                "CREATE OR REPLACE VIEW.  SQLSTATE: 42809",
                errorClass="EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE")
        if not tree.args.get("replace"):
            raise AnalysisException(
                f"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view {old.ident} because "
                "it already exists.\nChoose a different name, drop or replace the existing "
                "object, or add the IF NOT EXISTS clause to tolerate pre-existing objects. "
                "SQLSTATE: 42P07", errorClass="TABLE_OR_VIEW_ALREADY_EXISTS")
        _check_cycle(state, meta)
    wh.save_meta(meta)


def not_found(parts: list[str], search_path: str) -> AnalysisException:
    name = ".".join(f"`{p}`" for p in parts)
    return AnalysisException(
        f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {name} cannot be found. Verify the "
        "spelling and correctness of the schema and catalog.\n"
        f"Search path: [{search_path}].\n"
        "If you did not qualify the name with a schema, verify the current_schema() output, "
        "or qualify the name with the correct schema and catalog.\n"
        "To tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. "
        "SQLSTATE: 42P01", errorClass="TABLE_OR_VIEW_NOT_FOUND",
        messageParameters={"relationName": name})


def alter_view(session: Any, tree: Any, text: str, args: Any, frames: dict) -> None:
    """ALTER VIEW name AS query: a temporary view gets the new plan; a persistent view keeps
    its comment and properties and takes the new text and columns."""
    state = session._state()
    parts = [p.name for p in tree.this.parts]
    query = tree.args["actions"][0]
    if len(parts) == 1 and state.view_key(parts[0]) in state.temp_views:
        binder = QueryBinder(state.bind_context(), state.lookup_relation, args, frames)
        state.temp_views[state.view_key(parts[0])] = binder.bind(query)[0]
        return
    db, name = table_name(tree.this, state)
    wh = state.warehouse()
    old = wh.get(db, name)
    if old is None:
        raise not_found(parts, f"`system`.`session`, `spark_catalog`.`{state.current_database}`")
    if not old.is_view:
        at = re.search(r"(?i)\bVIEW\s+", text)
        raise AnalysisException(
            f"[EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE] The table {old.ident} does not support "
            "ALTER VIEW ... AS.  SQLSTATE: 42809" + (f"; line 1 pos {at.end()}" if at else ""),
            errorClass="EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE")
    meta = _view_meta(session, db, name, query, text, args, frames, [])
    meta.comment, meta.options, meta.created = old.comment, old.options, old.created
    _check_cycle(state, meta)
    wh.save_meta(meta)


def drop_view(state: Any, parts: list[str], exists: bool) -> None:
    """DROP VIEW of a persistent view (the temporary ones are handled before)."""
    if len(parts) > 2:
        parts = parts[-2:]
    db = parts[0].lower() if len(parts) == 2 else state.current_database
    wh = state.warehouse()
    meta = wh.get(db, parts[-1])
    if meta is None:
        if exists:
            return
        raise not_found(["spark_catalog", db, parts[-1]], f"`spark_catalog`.`{db}`")
    if not meta.is_view:
        raise AnalysisException(
            "[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP VIEW requires a VIEW or "
            f"METRIC_VIEW. But spark_catalog.{db}.{meta.name} is a MANAGED. Use DROP TABLE "
            "instead. SQLSTATE: 42809", errorClass="WRONG_COMMAND_FOR_OBJECT_TYPE")
    wh.drop_table(db, meta.name, True)


def show_views(state: Any, db: str, pattern: str | None) -> list[tuple]:
    """SHOW VIEWS rows: the database's persistent views, then the temporary views."""
    wh = state.warehouse()
    if db == "global_temp":
        rows = [("global_temp", v, True) for v in like(pattern, sorted(state.global_temp_views))]
    else:
        if not wh.database_exists(db):
            raise wh.no_schema(db)
        rows = [(db, v, False) for v in like(pattern, wh.views(db))]
    return rows + [("", v, True) for v in like(pattern, sorted(state.temp_views))]


def _created(t: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S %Z %Y", time.localtime(t))


def detail_rows(meta: TableMeta) -> list[tuple]:
    """The "# Detailed Table Information" block of DESCRIBE EXTENDED, in Spark's order."""
    rows = [("", "", ""), ("# Detailed Table Information", "", ""),
            ("Catalog", "spark_catalog", ""), ("Database", meta.database, ""),
            ("Table", meta.name, ""), ("Created Time", _created(meta.created), ""),
            ("Last Access", "UNKNOWN", ""), ("Created By", "Spark 4.3.0", ""),
            ("Type", meta.table_type, "")]
    if not meta.is_view:
        rows.append(("Provider", meta.fmt, ""))
    if meta.comment:
        rows.append(("Comment", meta.comment, ""))
    if not meta.is_view and meta.properties:
        rows.append(("Table Properties", _bracketed(meta.properties), ""))
    if not meta.is_view and meta.statistics:
        rows.append(("Statistics", meta.statistics, ""))
    if meta.is_view:
        rows += [("View Text", meta.view_text, ""), ("View Original Text", meta.view_text, ""),
                 ("View Schema Mode", "COMPENSATION", ""),
                 ("View Catalog and Namespace", f"spark_catalog.{meta.view_database}", ""),
                 ("View Query Output Columns",
                  "[" + ", ".join(f"`{c}`" for c in meta.view_columns) + "]", "")]
        if meta.options:
            rows.append(("Table Properties", _bracketed(meta.options), ""))
    else:
        rows.append(("Location", f"file:{meta.location}", ""))
        if meta.options:
            rows.append(("Storage Properties", _bracketed(meta.options), ""))
        if meta.partition_by:
            rows.append(("Partition Provider", "Catalog", ""))
    return rows


def _bracketed(d: dict) -> str:
    return "[" + ", ".join(f"{k}={v}" for k, v in sorted(d.items())) + "]"
