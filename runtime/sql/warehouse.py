"""Tables of the session catalog kept in the warehouse directory (``spark.sql.warehouse.dir``).

Spark keeps table metadata in a metastore and the data under the warehouse directory; here
both live in the warehouse, so a new session (or a new application) pointed at the same
directory sees the same tables:

* data: ``<warehouse>/<table>`` for the ``default`` database, ``<warehouse>/<db>.db/<table>``
  for others (Spark's layout), written by the same file writer as ``df.write`` (part files,
  ``_SUCCESS``, partition directories for ``PARTITIONED BY``);
* metadata: ``<warehouse>/_catalog/<db>/<table>.json`` (outside the data directory,
  so INSERT OVERWRITE, which replaces the data files, keeps it): the format, the schema as
  Spark's schema JSON, the partition columns, the options and the data location, the
  creation time and the table's comment;
* persistent views: a metadata file of the same shape with ``tableType`` ``VIEW``, no data
  location, and what Spark's catalog keeps for a view: the SQL text, the database that was
  current when it was created (its names resolve there), the column names of the query's
  output, and the view's own schema (the declared names and comments, the query's types);
  runtime/sql/views.py turns one into a plan when a query reads it;
* databases: a directory ``<warehouse>/<db>.db`` plus ``_catalog/<db>/``;
  ``default`` always exists.

Names are case-insensitive (stored lower-case), as Spark's session catalog.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.io.sources import file_relation
from runtime.sql.io.writer import write_query
from runtime.sql.plan.logical import LogicalPlan

__all__ = ["TableMeta", "Warehouse"]

_META = "_catalog"


@dataclass
class TableMeta:
    database: str
    name: str
    fmt: str
    schema: T.StructType
    partition_by: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    location: str = ""
    table_type: str = "MANAGED"  # or "VIEW", or "EXTERNAL" (files at location, kept on DROP)
    comment: str | None = None
    created: float = 0.0  # epoch seconds
    view_text: str = ""
    view_database: str = ""  # the current database when the view was created
    view_columns: list = field(default_factory=list)  # the query's output names
    properties: dict = field(default_factory=dict)  # TBLPROPERTIES
    statistics: str = ""  # ANALYZE TABLE's "N bytes[, M rows]"

    @property
    def is_view(self) -> bool:
        return self.table_type == "VIEW"

    @property
    def ident(self) -> str:
        return _ident(self.database, self.name)

    def to_json(self) -> str:
        j = {"database": self.database, "name": self.name, "format": self.fmt,
             "schema": self.schema.jsonValue(), "partitionBy": self.partition_by,
             "options": self.options, "location": self.location,
             "tableType": self.table_type, "comment": self.comment, "created": self.created,
             "properties": self.properties, "statistics": self.statistics}
        if self.is_view:
            j.update(viewText=self.view_text, viewDatabase=self.view_database,
                     viewColumns=self.view_columns)
        return json.dumps(j, indent=1)

    @classmethod
    def from_json(cls, text: str) -> TableMeta:
        j = json.loads(text)
        return cls(j["database"], j["name"], j["format"], T.StructType.fromJson(j["schema"]),
                   list(j.get("partitionBy") or []), dict(j.get("options") or {}),
                   j["location"], j.get("tableType", "MANAGED"), j.get("comment"),
                   float(j.get("created") or 0.0), j.get("viewText", ""),
                   j.get("viewDatabase", ""), list(j.get("viewColumns") or []),
                   dict(j.get("properties") or {}), j.get("statistics", ""))


def _ident(db: str, name: str) -> str:
    return f"`spark_catalog`.`{db}`.`{name}`"


class Warehouse:
    def __init__(self, root: str):
        self.root = os.path.abspath(root[5:] if root.startswith("file:") else root)

    # -- databases -------------------------------------------------------------------------------
    def databases(self) -> list[str]:
        names = {"default"}
        meta = os.path.join(self.root, _META)
        if os.path.isdir(meta):
            names |= {d for d in os.listdir(meta) if os.path.isdir(os.path.join(meta, d))}
        return sorted(names)

    def database_exists(self, db: str) -> bool:
        return db.lower() in self.databases()

    def create_database(self, db: str, if_not_exists: bool) -> None:
        db = db.lower()
        if self.database_exists(db):
            if if_not_exists:
                return
            raise AnalysisException(
                f"[SCHEMA_ALREADY_EXISTS] Cannot create schema `{db}` because it already "
                "exists.\nChoose a different name, drop the existing schema, or add the IF NOT "
                "EXISTS clause to tolerate pre-existing schema. SQLSTATE: 42P06",
                errorClass="SCHEMA_ALREADY_EXISTS")
        os.makedirs(os.path.join(self.root, _META, db), exist_ok=True)
        os.makedirs(os.path.join(self.root, f"{db}.db"), exist_ok=True)

    def drop_database(self, db: str, if_exists: bool, cascade: bool) -> None:
        db = db.lower()
        if not self.database_exists(db) or db == "default":
            if if_exists and db != "default":
                return
            if db == "default":
                raise AnalysisException(
                    "[UNSUPPORTED_FEATURE.DROP_DATABASE] The feature is not supported: Drop "
                    "the default database `spark_catalog`.`default`. SQLSTATE: 0A000",
                    errorClass="UNSUPPORTED_FEATURE.DROP_DATABASE")
            raise self.no_schema(db)
        if self.tables(db) and not cascade:
            raise AnalysisException(
                f"[SCHEMA_NOT_EMPTY] Cannot drop a schema `{db}` because it contains objects.\n"
                "Use DROP SCHEMA ... CASCADE to drop the schema and all its objects. "
                "SQLSTATE: 2BP01", errorClass="SCHEMA_NOT_EMPTY")
        for t in self.tables(db):
            self.drop_table(db, t, True)
        shutil.rmtree(os.path.join(self.root, _META, db), ignore_errors=True)
        shutil.rmtree(os.path.join(self.root, f"{db}.db"), ignore_errors=True)

    @staticmethod
    def no_schema(db: str) -> AnalysisException:
        return AnalysisException(
            f"[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`{db}` cannot be found. Verify the "
            "spelling and correctness of the schema and catalog.\nIf you did not qualify the "
            "name with a catalog, verify the current_schema() output, or qualify the name with "
            "the correct catalog.\nTo tolerate the error on drop use DROP SCHEMA IF EXISTS. "
            "SQLSTATE: 42704", errorClass="SCHEMA_NOT_FOUND")

    # -- tables ----------------------------------------------------------------------------------
    def _meta_path(self, db: str, name: str) -> str:
        return os.path.join(self.root, _META, db.lower(), name.lower() + ".json")

    def data_path(self, db: str, name: str) -> str:
        db = db.lower()
        base = self.root if db == "default" else os.path.join(self.root, f"{db}.db")
        return os.path.join(base, name.lower())

    def tables(self, db: str) -> list[str]:
        d = os.path.join(self.root, _META, db.lower())
        if not os.path.isdir(d):
            return []
        return sorted(f[:-5] for f in os.listdir(d) if f.endswith(".json"))

    def get(self, db: str, name: str) -> TableMeta | None:
        path = self._meta_path(db, name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            meta = TableMeta.from_json(f.read())
        meta.created = meta.created or os.path.getmtime(path)
        return meta

    def views(self, db: str) -> list[str]:
        return [n for n in self.tables(db) if (m := self.get(db, n)) is not None and m.is_view]

    def save_meta(self, meta: TableMeta) -> None:
        """Write a table's or view's metadata file (atomically: a reader sees old or new)."""
        meta.created = meta.created or time.time()
        path = self._meta_path(meta.database, meta.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as f:
            f.write(meta.to_json())
        os.replace(path + ".tmp", path)

    def create_table(self, meta: TableMeta, if_not_exists: bool = False,
                     replace: bool = False) -> bool:
        """Record a table; False when it exists and IF NOT EXISTS says to leave it."""
        if not self.database_exists(meta.database):
            raise self.no_schema(meta.database)
        if self.get(meta.database, meta.name) is not None:
            if if_not_exists:
                return False
            if not replace:
                raise AnalysisException(
                    f"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view "
                    f"{_ident(meta.database, meta.name)} because it already exists.\nChoose a "
                    "different name, drop or replace the existing object, or add the IF NOT "
                    "EXISTS clause to tolerate pre-existing objects. SQLSTATE: 42P07",
                    errorClass="TABLE_OR_VIEW_ALREADY_EXISTS")
            self.drop_table(meta.database, meta.name, True)
        meta.location = meta.location or self.data_path(meta.database, meta.name)
        if meta.table_type == "EXTERNAL":  # files of its own, left where they are
            self.save_meta(meta)
            return True
        if os.path.exists(meta.location) and os.listdir(meta.location):
            raise AnalysisException(
                f"[LOCATION_ALREADY_EXISTS] Cannot name the managed table as "
                f"{_ident(meta.database, meta.name)}, as its associated location "
                f"'file:{meta.location}' already exists. Please pick a different table name, "
                "or remove the existing location first. SQLSTATE: 42710",
                errorClass="LOCATION_ALREADY_EXISTS")
        os.makedirs(meta.location, exist_ok=True)
        self.save_meta(meta)
        return True

    def drop_table(self, db: str, name: str, if_exists: bool) -> bool:
        meta = self.get(db, name)
        if meta is None:
            return False
        os.remove(self._meta_path(db, name))
        if not meta.is_view and meta.table_type != "EXTERNAL" and meta.location:
            shutil.rmtree(meta.location, ignore_errors=True)
        return True

    def relation(self, meta: TableMeta) -> LogicalPlan:
        return file_relation(meta.fmt, [meta.location], dict(meta.options), meta.schema)

    def write(self, meta: TableMeta, execution: Any, schema: T.StructType,
              overwrite: bool) -> None:
        """Write ``execution``'s result (a QueryExecution) into the table, in its tasks."""
        # a table's columns are nullable: batches from non-null inputs get the same schema
        schema = T.StructType([T.StructField(f.name, f.dataType, True) for f in schema.fields])
        write_query(execution.map_partitions, schema, meta.fmt, meta.location,
                    "overwrite" if overwrite else "append", dict(meta.options),
                    list(meta.partition_by))


def ordered_for(meta: TableMeta, schema: T.StructType) -> Any:
    """The table's columns with the partition columns last (Spark's table layout)."""
    parts = [f for f in schema.fields if f.name.lower() in
             {p.lower() for p in meta.partition_by}]
    data = [f for f in schema.fields if f not in parts]
    return T.StructType(data + parts)
