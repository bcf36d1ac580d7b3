"""Table statements on the warehouse: TRUNCATE TABLE, ALTER TABLE ... ADD COLUMNS / RENAME TO
(and ALTER VIEW ... RENAME TO), ANALYZE TABLE ... COMPUTE STATISTICS and SHOW CREATE TABLE,
with Spark 4.3's output and errors.

ADD COLUMNS changes only the catalog's schema: files written before have no such column and
read it as NULL (the scan's schema is the table's). RENAME moves the metadata and, for a
managed table, its data directory. ANALYZE records what Spark's DESCRIBE EXTENDED prints as
"Statistics": the table's bytes on disk and, unless NOSCAN, its row count.
"""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.plan.logical import UnresolvedRelation
from runtime.sql.warehouse import TableMeta
from sparkcli.sql.sql_names import table_name

__all__ = ["add_columns", "analyze_table", "rename", "show_create_table", "truncate_table"]


def _meta(session: Any, node: Any) -> TableMeta:
    """The warehouse object a statement names; TABLE_OR_VIEW_NOT_FOUND as Spark when none."""
    state = session._state()
    db, name = table_name(node, state)
    meta = state.warehouse().get(db, name)
    if meta is None:
        state.analyze(UnresolvedRelation(tuple(p.name for p in node.parts)))
    return meta


def _not_view(meta: TableMeta, operation: str, text: str) -> None:
    if meta.is_view:
        at = re.search(r"(?i)\bTABLE\s+", text)
        raise AnalysisException(
            f"[EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE] '{operation}' expects a table but "
            f"{meta.ident} is a view.  SQLSTATE: 42809" +
            (f"; line 1 pos {at.end()}" if at else ""),
            errorClass="EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE")


def _data_files(location: str) -> list[str]:
    out = []
    for d, _, files in os.walk(location):
        out += [os.path.join(d, f) for f in files if not f.startswith(("_", "."))]
    return out


def truncate_table(session: Any, tree: Any, text: str) -> None:
    for node in tree.expressions:
        meta = _meta(session, node)
        _not_view(meta, "TRUNCATE TABLE", text)
        for entry in os.listdir(meta.location):
            path = os.path.join(meta.location, entry)
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)


def add_columns(session: Any, tree: Any, text: str, defs: list) -> None:
    """ALTER TABLE t ADD COLUMN[S] (name type [COMMENT '...'], ...)."""
    from sqlglot import exp

    meta = _meta(session, tree.this)
    _not_view(meta, "ALTER TABLE ... ADD COLUMNS", text)
    state = session._state()
    names = {state.view_key(f.name) for f in meta.schema.fields}
    fields = list(meta.schema.fields)
    for d in defs:
        if state.view_key(d.name) in names:
            raise AnalysisException(
                f"[COLUMN_ALREADY_EXISTS] The column `{d.name}` already exists. Choose another "
                "name or rename the existing column. SQLSTATE: 42711",
                errorClass="COLUMN_ALREADY_EXISTS")
        names.add(state.view_key(d.name))
        comment = None
        for con in d.args.get("constraints") or []:
            if isinstance(con.args.get("kind"), exp.CommentColumnConstraint):
                comment = con.args["kind"].this.name
        dtype = T.parse_type(d.args["kind"].sql(dialect="spark"))
        field = T.StructField(d.name, dtype, True, {"comment": comment} if comment else None)
        parts = {p.lower() for p in meta.partition_by}
        at = next((i for i, f in enumerate(fields) if f.name.lower() in parts), len(fields))
        fields.insert(at, field)  # data columns stay before the partition columns
    meta.schema = T.StructType(fields)
    state.warehouse().save_meta(meta)


def rename(session: Any, tree: Any, new: Any) -> None:
    """ALTER TABLE|VIEW old RENAME TO new: the metadata (and a table's data) move."""
    state = session._state()
    parts = [p.name for p in tree.this.parts]
    if len(parts) == 1 and state.view_key(parts[0]) in state.temp_views:
        state.temp_views[state.view_key(new.name)] = \
            state.temp_views.pop(state.view_key(parts[0]))
        return
    meta = _meta(session, tree.this)
    wh = state.warehouse()
    db, name = table_name(new, state) if len(list(new.parts)) > 1 else \
        (meta.database, new.name.lower())
    if wh.get(db, name) is not None:
        raise AnalysisException(
            f"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `{db}`.`{name}` "
            "because it already exists.\nChoose a different name, drop or replace the existing "
            "object, or add the IF NOT EXISTS clause to tolerate pre-existing objects. "
            "SQLSTATE: 42P07", errorClass="TABLE_OR_VIEW_ALREADY_EXISTS")
    old_db, old_name = meta.database, meta.name
    meta.database, meta.name = db, name
    if not meta.is_view:
        target = wh.data_path(db, name)
        if os.path.exists(meta.location):
            shutil.move(meta.location, target)
        meta.location = target
    wh.save_meta(meta)
    os.remove(wh._meta_path(old_db, old_name))


def analyze_table(session: Any, tree: Any, text: str) -> None:
    """ANALYZE TABLE t COMPUTE STATISTICS [NOSCAN | FOR COLUMNS ... | FOR ALL COLUMNS]."""
    for node in tree.args.get("tables") or []:
        meta = _meta(session, node)
        _not_view(meta, "ANALYZE TABLE", text)
        size = sum(os.path.getsize(f) for f in _data_files(meta.location))
        stats = f"{size} bytes"
        if not re.search(r"(?i)\bNOSCAN\s*;?\s*$", text):
            count = session.table(f"{meta.database}.{meta.name}").count()
            stats += f", {count} rows"
        meta.statistics = stats
        session._state().warehouse().save_meta(meta)


def _ddl_type(t: T.DataType) -> str:
    if isinstance(t, T.StringType):
        return "STRING COLLATE UTF8_BINARY"
    return t.simpleString().upper()


def _quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _props(title: str, d: dict) -> str:
    return f"{title} (\n" + ",\n".join(f"  {_quote(k)} = {_quote(str(v))}"
                                       for k, v in sorted(d.items())) + ")\n"


def show_create_table(session: Any, node: Any) -> str:
    """SHOW CREATE TABLE: Spark's createtab_stmt text."""
    meta = _meta(session, node)
    comment = lambda f: f" COMMENT {_quote(f.metadata['comment'])}" \
        if f.metadata.get("comment") else ""  # noqa: E731
    if meta.is_view:
        out = f"CREATE VIEW {meta.database}.{meta.name} (\n" + ",\n".join(
            f"  {f.name}{comment(f)}" for f in meta.schema.fields) + ")\n"
        if meta.comment:
            out += f"COMMENT {_quote(meta.comment)}\n"
        if meta.options:
            out += _props("TBLPROPERTIES", meta.options)
        return out + f"WITH SCHEMA COMPENSATION\nAS {meta.view_text}\n"
    out = f"CREATE TABLE spark_catalog.{meta.database}.{meta.name} (\n" + ",\n".join(
        f"  {f.name} {_ddl_type(f.dataType)}{comment(f)}" for f in meta.schema.fields) + ")\n"
    out += f"USING {meta.fmt}\n"
    if meta.options:
        out += _props("OPTIONS", meta.options)
    if meta.partition_by:
        out += f"PARTITIONED BY ({', '.join(meta.partition_by)})\n"
    if meta.comment:
        out += f"COMMENT {_quote(meta.comment)}\n"
    if meta.properties:
        out += _props("TBLPROPERTIES", meta.properties)
    return out
