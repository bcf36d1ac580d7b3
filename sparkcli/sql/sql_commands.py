"""SQL statements that are commands (DDL, SHOW, DESCRIBE, SET, CACHE...) for ``spark.sql``.

Spark runs a command eagerly when ``spark.sql`` is called and returns a DataFrame of its
output rows (``SHOW TABLES``: namespace, tableName, isTemporary; ``SET``: key, value; DDL: no
columns). ``run_command(session, text, args, frames)`` returns that DataFrame, or
for a query the DataFrame over its analyzed plan. SET/RESET/SHOW/EXPLAIN are recognised from their
text, as Spark's own parser does (sqlglot has no tree for them); the rest dispatch on
sqlglot's statement tree. Tables live in the warehouse (runtime.sql.warehouse).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.registry import FUNCTIONS, _load_all, lookup
from runtime.sql.formatting.explain import explain_string
from runtime.sql.formatting.function_docs import describe
from runtime.sql.plan.logical import InMemoryRelation, UnresolvedRelation
from runtime.sql.sqltext.binder import QueryBinder
from runtime.sql.sqltext.parsing import parse_statement
from runtime.sql.statements.variable_commands import (
    assign_query, check_set_key, declare, drop_variable, is_variable_drop, is_variable_set,
    find_word, name_parts, set_variables, split_top)
from runtime.sql.warehouse import TableMeta, ordered_for
from sparkcli.sql.column import Column
from sparkcli.sql.sql_names import like, table_name
from sparkcli.sql.sql_tables import (
    add_columns, analyze_table, rename, show_create_table, truncate_table)
from sparkcli.sql.sql_views import (
    alter_view, create_view, detail_rows, drop_view, show_views, temp_view_plan)
from runtime.sql.expressions.base import Alias, Cast, UnresolvedAttribute

__all__ = ["insert_into", "run_command", "save_as_table"]

_QUERY_NODES = ("Select", "Union", "Intersect", "Except", "Subquery", "Values")


def _result(session: Any, rows: list, schema: str | T.StructType) -> Any:
    return session.createDataFrame(rows, schema)


def _empty(session: Any) -> Any:
    return session.createDataFrame([], T.StructType([]))


def run_command(session: Any, text: str, args: Any, frames: dict) -> Any:
    stripped = text.strip().rstrip(";").strip()
    head = stripped.split(None, 1)[0].upper() if stripped else ""
    if head == "SET":
        if is_variable_set(stripped[3:].strip()):
            set_variables(session._state(), stripped, args, frames)
            return _empty(session)
        return _set(session, stripped[3:].strip())
    if head == "DECLARE":
        declare(session._state(), stripped)
        return _empty(session)
    if head == "DROP" and is_variable_drop(stripped):
        drop_variable(session._state(), stripped)
        return _empty(session)
    if head == "RESET":
        key = stripped[5:].strip()
        if key:
            session.conf.unset(key)
        else:
            for k in list(session.conf._session):
                session.conf.unset(k)
        return _empty(session)
    if head == "SHOW":
        return _show(session, stripped[4:].strip())
    if head == "EXPLAIN":
        return _explain(session, stripped[7:].strip(), args, frames)
    if head == "EXECUTE":
        return _execute_immediate(session, stripped, frames)
    tree = parse_statement(text)
    kind = type(tree).__name__
    if kind in _QUERY_NODES:
        return session._dataframe(_bind(session, tree, text, args, frames))
    method = globals().get("_" + kind.lower())
    if method is None:
        raise AnalysisException(
            f"[UNSUPPORTED_FEATURE] The statement {head} is not supported by spark.sql yet. "
            "SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")
    return method(session, tree, text, args, frames)


def _bind(session: Any, node: Any, text: str, args: Any, frames: dict) -> Any:
    state = session._state()
    binder = QueryBinder(state.bind_context(), state.lookup_relation, args, frames)
    plan, _ = binder.bind(node)
    return plan


# -- SET / SHOW / EXPLAIN -------------------------------------------------------------------------
def _set(session: Any, rest: str) -> Any:
    schema = "key STRING, value STRING"
    if not rest or rest == "-v":
        rows = sorted(session.conf._session.items())
        return _result(session, rows, schema)
    if "=" in rest:
        key, value = (p.strip() for p in rest.split("=", 1))
        check_set_key(session._state(), key)
        session.conf.set(key, value)
        return _result(session, [(key, value)], schema)
    value = session.conf.get(rest, None)
    if value is None:
        value = session._state().conf(rest) or "<undefined>"
    return _result(session, [(rest, value)], schema)


def _show(session: Any, rest: str) -> Any:
    state = session._state()
    m = re.match(r"(?is)^(TABLES|VIEWS)(?:\s+(?:IN|FROM)\s+(\w+))?(?:\s+LIKE)?(?:\s+'(.*)')?$",
                 rest)
    if m:
        db = (m.group(2) or state.current_database).lower()
        if m.group(1).upper() == "VIEWS":
            return _result(session, show_views(state, db, m.group(3)),
                           "namespace STRING, viewName STRING, isTemporary BOOLEAN")
        wh = state.warehouse()
        if not wh.database_exists(db) and db != "global_temp":
            raise wh.no_schema(db)
        rows = []
        if db != "global_temp":
            rows += [(db, t, False) for t in like(m.group(3), wh.tables(db))]
        else:
            rows += [("global_temp", t, True)
                     for t in like(m.group(3), sorted(state.global_temp_views))]
        rows += [("", t, True) for t in like(m.group(3), sorted(state.temp_views))]
        return _result(session, rows, "namespace STRING, tableName STRING, isTemporary BOOLEAN")
    m = re.match(r"(?is)^CREATE\s+TABLE\s+(\S+)(?:\s+AS\s+SERDE)?$", rest)
    if m:
        node = parse_statement(f"SELECT * FROM {m.group(1)}").args["from_"].this
        return _result(session, [(show_create_table(session, node),)],
                       "createtab_stmt STRING")
    m = re.match(r"(?is)^(DATABASES|SCHEMAS|NAMESPACES)(?:\s+LIKE)?(?:\s+'(.*)')?$", rest)
    if m:
        names = like(m.group(2), state.warehouse().databases())
        return _result(session, [(n,) for n in names], "namespace STRING")
    m = re.match(r"(?is)^(?:(USER|SYSTEM|ALL)\s+)?FUNCTIONS(?:\s+LIKE)?(?:\s+'(.*)')?$", rest)
    if m:
        _load_all()
        names = sorted(n for n in FUNCTIONS if re.match(r"^[a-z_][a-z0-9_]*$", n) or
                       not n.isalnum())
        if (m.group(1) or "").upper() == "USER":
            names = []
        return _result(session, [(n,) for n in like(m.group(2), names)], "function STRING")
    m = re.match(r"(?is)^COLUMNS\s+(?:IN|FROM)\s+([\w.`]+)(?:\s+(?:IN|FROM)\s+(\w+))?$", rest)
    if m:
        name = m.group(1).replace("`", "")
        if m.group(2):
            name = f"{m.group(2)}.{name}"
        df = session.table(name)
        return _result(session, [(c,) for c in df.columns], "col_name STRING")
    raise AnalysisException(
        f"[UNSUPPORTED_FEATURE] SHOW {rest.split()[0] if rest else ''} is not supported by "
        "spark.sql yet. SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")


def _execute_immediate(session: Any, text: str, frames: dict) -> Any:
    """EXECUTE IMMEDIATE stmt [INTO var, ...] [USING expr [AS name], ...]: the statement (a
    string expression: a literal or a session variable) runs with the values as its ``?``
    (positional) or ``:name`` (named) parameters; INTO assigns a query's single row to
    session variables (runtime/sql/statements/variable_commands.py)."""
    from sqlglot import exp

    body = re.sub(r"(?is)^EXECUTE\s+IMMEDIATE\s+", "", text)
    using_at = find_word(body, "USING")
    using = body[using_at + 5:].strip() if using_at >= 0 else ""
    body = body[:using_at] if using_at >= 0 else body
    into_at = find_word(body, "INTO")
    into = body[into_at + 4:].strip() if into_at >= 0 else ""
    stmt_text = (body[:into_at] if into_at >= 0 else body).strip()
    if not stmt_text or (into_at >= 0 and not into) or (using_at >= 0 and not using):
        raise AnalysisException(
            "[UNSUPPORTED_FEATURE] EXECUTE IMMEDIATE takes a string expression, an optional "
            "INTO list and an optional USING list. SQLSTATE: 0A000",
            errorClass="UNSUPPORTED_FEATURE")
    stmt = session.sql("SELECT " + stmt_text).collect()[0][0]
    args: Any = None
    if using:
        row = session.sql("SELECT " + using).collect()[0]
        items = parse_statement("SELECT " + using).expressions
        names = [i.alias if isinstance(i, exp.Alias) else None for i in items]
        args = dict(zip(names, row)) if all(names) else list(row)
    if not into:
        return run_command(session, stmt, args, frames)
    tree = parse_statement(stmt)
    if type(tree).__name__ not in _QUERY_NODES:
        raise AnalysisException(
            "[INVALID_STATEMENT_FOR_EXECUTE_INTO] The INTO clause of EXECUTE IMMEDIATE is only "
            f"valid for queries but the given statement is not a query: {stmt}. "
            "SQLSTATE: 07501", errorClass="INVALID_STATEMENT_FOR_EXECUTE_INTO",
            messageParameters={"sqlString": stmt})
    targets = [name_parts(t) for t in split_top(into, ",")]
    assign_query(session._state(), targets, tree, args, frames, unknown_as_column=True)
    return _empty(session)


def _explain(session: Any, rest: str, args: Any, frames: dict) -> Any:
    m = re.match(r"(?is)^(EXTENDED|FORMATTED|CODEGEN|COST)\s+(.*)$", rest)
    mode = "simple"
    if m:
        mode, rest = m.group(1).lower(), m.group(2)
    tree = parse_statement(rest)
    plan = _bind(session, tree, rest, args, frames)
    text = explain_string(session._state().execution(plan), mode)  # as df.explain's, Spark
    return _result(session, [(text,)], "plan STRING")


# -- CREATE / DROP / INSERT -----------------------------------------------------------------------
def _props(tree: Any) -> set[str]:
    props = tree.args.get("properties")
    return {type(p).__name__ for p in (props.expressions if props is not None else [])}


def _prop_values(tree: Any) -> tuple[str | None, list[str], dict]:
    """(USING format, PARTITIONED BY columns, OPTIONS) of a CREATE TABLE."""
    props = tree.args.get("properties")
    fmt, parts, options = None, [], {}
    for p in (props.expressions if props is not None else []):
        name = type(p).__name__
        if name == "FileFormatProperty":
            fmt = p.this.name if hasattr(p.this, "name") else str(p.this)
        elif name == "PartitionedByProperty":
            node = p.this
            cols = node.expressions if hasattr(node, "expressions") and node.expressions \
                else [node]
            parts = [c.name for c in cols]
        elif name == "OptionsProperty":
            for o in p.expressions:
                options.setdefault("__options__", {})[o.name] = o.args["value"].name if hasattr(o.args["value"], "name") \
                    else str(o.args["value"])
        elif name == "Property" and hasattr(p.this, "name"):
            options[p.name] = p.args["value"].name if hasattr(p.args["value"], "name") \
                else str(p.args["value"])
    return fmt, parts, options


def _comment(tree: Any) -> str | None:
    props = tree.args.get("properties")
    for p in (props.expressions if props is not None else []):
        if type(p).__name__ == "SchemaCommentProperty":
            return p.this.name
    return None


def _create(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    from sqlglot import exp

    state = session._state()
    kind = str(tree.args.get("kind") or "").upper()
    if kind in ("DATABASE", "SCHEMA"):
        state.warehouse().create_database(tree.this.name, bool(tree.args.get("exists")))
        return _empty(session)
    if kind == "VIEW":
        props = _props(tree)
        if "TemporaryProperty" not in props:
            options = _prop_values(tree)[2]
            options.pop("__options__", None)
            options["__comment__"] = _comment(tree)
            create_view(session, tree, text, args, frames, options)
            return _empty(session)
        name, plan = temp_view_plan(tree, _bind(session, tree.expression, text, args, frames))
        views = state.global_temp_views if "GlobalProperty" in props else state.temp_views
        key = state.view_key(name)
        if key in views and not tree.args.get("replace"):
            if tree.args.get("exists"):
                return _empty(session)
            where = "`global_temp`." if "GlobalProperty" in props else ""
            raise AnalysisException(
                f"[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view "
                f"{where}`{name}` because it already exists.\nChoose a different name, drop or "
                "replace the existing view,  or add the IF NOT EXISTS clause to tolerate "
                "pre-existing views. SQLSTATE: 42P07",
                errorClass="TEMP_TABLE_OR_VIEW_ALREADY_EXISTS")
        views[key] = plan
        return _empty(session)
    if kind != "TABLE":
        raise AnalysisException(f"[UNSUPPORTED_FEATURE] CREATE {kind} is not supported by "
                                "spark.sql yet. SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")
    fmt, parts, options = _prop_values(tree)
    fmt = (fmt or state.conf("spark.sql.sources.default") or "parquet").lower()
    target = tree.this
    columns = None
    if isinstance(target, exp.Schema):
        columns = T.StructType([T.StructField(c.name, T.parse_type(c.args["kind"].sql(
            dialect="spark")), True) for c in target.expressions])
        target = target.this
    db, name = table_name(target, state)
    query = tree.expression
    df = None
    if query is not None:
        df = session._dataframe(_bind(session, query, text, args, frames))
        columns = T.StructType([T.StructField(f.name, f.dataType, True)
                                for f in df.schema.fields])
    if columns is None:
        raise AnalysisException("CREATE TABLE needs columns or AS SELECT",
                                errorClass="PARSE_SYNTAX_ERROR")
    meta = TableMeta(db, name, fmt, columns, parts, options.pop("__options__", {}),
                     comment=_comment(tree), properties=options)
    meta.schema = ordered_for(meta, columns)
    created = state.warehouse().create_table(meta, bool(tree.args.get("exists")),
                                             bool(tree.args.get("replace")))
    if created and df is not None:
        save_into(session, meta, df, overwrite=True)
    return _empty(session)


def save_into(session: Any, meta: TableMeta, df: Any, overwrite: bool) -> None:
    """Write a DataFrame's rows into a warehouse table (columns by position, cast to the
    table's types, partition columns last)."""
    data_cols = [f for f in meta.schema.fields]
    if len(df.columns) != len(data_cols):
        raise AnalysisException(
            f"[INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS] Cannot write to "
            f"`spark_catalog`.`{meta.database}`.`{meta.name}`, the reason is too many data "
            "columns:\nTable columns: " + ", ".join(f"`{f.name}`" for f in data_cols) +
            ".\nData columns: " + ", ".join(f"`{c}`" for c in df.columns) + ". SQLSTATE: 21S01"
            if len(df.columns) > len(data_cols) else
            f"[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to "
            f"`spark_catalog`.`{meta.database}`.`{meta.name}`, the reason is not enough data "
            "columns:\nTable columns: " + ", ".join(f"`{f.name}`" for f in data_cols) +
            ".\nData columns: " + ", ".join(f"`{c}`" for c in df.columns) + ". SQLSTATE: 21S01",
            errorClass="INSERT_COLUMN_ARITY_MISMATCH")
    out = df.select(*[Column(Alias((Cast((UnresolvedAttribute((c,)),), f.dataType),), f.name))
                      for c, f in zip(df.columns, data_cols)])
    session._state().warehouse().write(meta, out._execution(), out.schema, overwrite)


def _insert(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    from sqlglot import exp

    state = session._state()
    target = tree.this
    if isinstance(target, exp.Schema):
        target = target.this
    db, name = table_name(target, state)
    meta = state.warehouse().get(db, name)
    if meta is None:
        session.table(f"{db}.{name}")  # raises TABLE_OR_VIEW_NOT_FOUND
    if meta.is_view:
        pos = re.search(r"(?i)\b" + re.escape(target.parts[0].name), text)
        raise AnalysisException(
            f"[EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE] 'INSERT' expects a table but {meta.ident} "
            "is a view.  SQLSTATE: 42809" + (f"; line 1 pos {pos.start()}" if pos else ""),
            errorClass="EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE")
    df = session._dataframe(_bind(session, tree.expression, text, args, frames))
    save_into(session, meta, df, overwrite=bool(tree.args.get("overwrite")))
    return _empty(session)


def _drop(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    state = session._state()
    kind = str(tree.args.get("kind") or "").upper()
    exists = bool(tree.args.get("exists"))
    for t in tree.args.get("tables") or []:
        if kind in ("DATABASE", "SCHEMA"):
            state.warehouse().drop_database(t.name, exists, bool(tree.args.get("cascade")))
            continue
        parts = [p.name for p in t.parts]
        temps = None
        if len(parts) == 2 and parts[0].lower() == "global_temp":
            temps = state.global_temp_views
        elif len(parts) == 1 and state.view_key(parts[0]) in state.temp_views:
            temps = state.temp_views
        if temps is not None and (kind == "VIEW" or len(parts) == 1):
            if temps.pop(state.view_key(parts[-1]), None) is None and not exists:
                state.analyze(UnresolvedRelation(tuple(parts)))
            continue
        if kind == "VIEW":
            drop_view(state, parts, exists)
            continue
        db, name = table_name(t, state)
        if not state.warehouse().drop_table(db, name, exists) and not exists:
            state.analyze(UnresolvedRelation(tuple(parts)))
    return _empty(session)


# -- DESCRIBE / CACHE / USE -----------------------------------------------------------------------
def _alter(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    kind = str(tree.args.get("kind") or "").upper()
    actions = tree.args.get("actions") or []
    if kind == "VIEW" and len(actions) == 1 and type(actions[0]).__name__ in _QUERY_NODES:
        alter_view(session, tree, text, args, frames)
        return _empty(session)
    if len(actions) == 1 and type(actions[0]).__name__ == "AlterRename":
        rename(session, tree, actions[0].this)
        return _empty(session)
    if kind == "TABLE" and actions and all(type(a).__name__ in ("Schema", "ColumnDef")
                                           for a in actions):
        defs = [d for a in actions for d in (a.expressions if type(a).__name__ == "Schema"
                                             else [a])]
        add_columns(session, tree, text, defs)
        return _empty(session)
    raise AnalysisException(
        f"[UNSUPPORTED_FEATURE] This ALTER {kind} statement is not supported by spark.sql yet. "
        "SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE")


def _truncatetable(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    truncate_table(session, tree, text)
    return _empty(session)


def _analyze(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    analyze_table(session, tree, text)
    return _empty(session)


def _describe(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    kind = str(tree.args.get("kind") or "").upper()
    if kind == "FUNCTION":
        name = tree.this.name
        spec = lookup(name)  # an unknown name raises UNRESOLVED_ROUTINE
        extended = str(tree.args.get("style") or "").upper() == "EXTENDED" or \
            bool(re.search(r"(?i)\bFUNCTION\s+EXTENDED\b", text))
        doc = describe(name, extended) or [f"Function: {name}", f"Class: {spec.name}",
                                           f"Usage: {name}(...)"]
        return _result(session, [(r,) for r in doc], "function_desc STRING")
    parts = [p.name for p in tree.this.parts]
    df = session.table(".".join(parts))
    rows = [(f.name, f.dataType.simpleString(), None) for f in df.schema.fields]
    state = session._state()
    meta = None
    if len(parts) <= 3 and not (len(parts) == 1 and state.view_key(parts[0]) in
                                state.temp_views):
        db, name = table_name(tree.this, state)
        meta = state.warehouse().get(db, name)
    if meta is not None:
        comments = {f.name: f.metadata.get("comment") for f in meta.schema.fields}
        rows = [(n, t, comments.get(n)) for n, t, _ in rows]
    if meta is not None and meta.partition_by:
        rows += [("# Partition Information", "", ""), ("# col_name", "data_type", "comment")]
        rows += [(f.name, f.dataType.simpleString(), None) for f in meta.schema.fields
                 if f.name.lower() in {p.lower() for p in meta.partition_by}]
    if str(tree.args.get("style") or "").upper() in ("EXTENDED", "FORMATTED") and meta:
        rows += detail_rows(meta)
    return _result(session, rows, "col_name STRING, data_type STRING, comment STRING")


def _cache(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    name = ".".join(p.name for p in tree.this.parts)
    if tree.expression is not None:
        plan = _bind(session, tree.expression, text, args, frames)
        session._dataframe(plan).createOrReplaceTempView(name)
    session.catalog.cacheTable(name)
    if not tree.args.get("lazy"):
        session.table(name).count()
    return _empty(session)


def _uncache(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    name = ".".join(p.name for p in tree.this.parts)
    state = session._state()
    if not tree.args.get("exists") and state.lookup_relation(tuple(name.split("."))) is None:
        state.analyze(UnresolvedRelation(tuple(name.split("."))))
    session.catalog.uncacheTable(name)
    return _empty(session)


def _use(session: Any, tree: Any, text: str, args: Any, frames: dict) -> Any:
    state = session._state()
    db = tree.this.name.lower()
    if not state.warehouse().database_exists(db):
        raise state.warehouse().no_schema(db)
    state.current_database = db
    return _empty(session)


_unused = InMemoryRelation


def save_as_table(df: Any, name: str, fmt: str, mode: str, partition_by: list,
                  options: dict) -> None:
    """DataFrameWriter.saveAsTable: create (or append to / overwrite) a warehouse table."""
    session = df._session
    state = session._state()
    parts = name.split(".")
    db = parts[-2].lower() if len(parts) >= 2 else state.current_database
    wh = state.warehouse()
    meta = wh.get(db, parts[-1])
    mode = (mode or "errorifexists").lower()
    if meta is not None:
        if mode == "ignore":
            return
        if mode == "append":
            save_into(session, meta, df.select(*[f"`{f.name}`" for f in meta.schema.fields]),
                      overwrite=False)
            return
        if mode == "overwrite":
            wh.drop_table(db, parts[-1], True)
    columns = T.StructType([T.StructField(f.name, f.dataType, True) for f in df.schema.fields])
    meta = TableMeta(db, parts[-1].lower(), (fmt or "parquet").lower(), columns,
                     list(partition_by or []), dict(options))
    meta.schema = ordered_for(meta, columns)
    wh.create_table(meta)
    save_into(session, meta, df.select(*[f"`{f.name}`" for f in meta.schema.fields]),
              overwrite=True)


def insert_into(df: Any, name: str, overwrite: bool) -> None:
    """DataFrameWriter.insertInto: rows by position into an existing warehouse table."""
    session = df._session
    state = session._state()
    parts = name.split(".")
    db = parts[-2].lower() if len(parts) >= 2 else state.current_database
    meta = state.warehouse().get(db, parts[-1])
    if meta is None:
        session.table(name)  # raises TABLE_OR_VIEW_NOT_FOUND
    save_into(session, meta, df, overwrite)
