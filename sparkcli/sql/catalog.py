"""``pyspark.sql.Catalog`` over the session's temporary views, the function registry and the
warehouse's databases, tables and persistent views (``spark.catalog``).

Every method of PySpark 4.3's Catalog, with its result classes (``Table``, ``Column``,
``Function``, ``Database``, ``CatalogMetadata``, ``TablePartition``: named tuples with
Spark's fields) and Spark's errors: a missing table is ``[TABLE_OR_VIEW_NOT_FOUND]``, a
missing schema ``[SCHEMA_NOT_FOUND]``, a missing function ``[UNRESOLVED_ROUTINE]``. There is
one catalog, ``spark_catalog``. Functions are the registry's built-ins (described by Spark's
own usage text and class, runtime/sql/formatting/function_docs.py) and the session's
registered UDFs (``N/A.``). ``createTable(path=...)`` records an EXTERNAL table whose files
stay where they are (dropping it leaves them); without a path the table is MANAGED, in the
warehouse. The DDL methods run the same code as their SQL statements (``dropTable`` is
``DROP TABLE``). Tables are not cached by the catalog (every read lists the files again), so
``refreshTable``/``refreshByPath``/``recoverPartitions`` only check the table exists.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Any, NamedTuple

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.registry import FUNCTIONS, _load_all
from runtime.sql.formatting.function_docs import describe
from runtime.sql.plan.logical import InMemoryRelation, UnresolvedRelation
from runtime.sql.io.sources import file_relation
from runtime.sql.warehouse import TableMeta

__all__ = ["CatalogMetadata", "Catalog", "Column", "Database", "Function", "Table",
           "TablePartition"]

CATALOG = "spark_catalog"


class CatalogMetadata(NamedTuple):
    name: str
    description: str | None


class Database(NamedTuple):
    name: str
    catalog: str | None
    description: str | None
    locationUri: str


class Table(NamedTuple):
    name: str
    catalog: str | None
    namespace: list | None
    description: str | None
    tableType: str
    isTemporary: bool


class Column(NamedTuple):
    name: str
    description: str | None
    dataType: str
    nullable: bool
    isPartition: bool
    isBucket: bool
    isCluster: bool


class Function(NamedTuple):
    name: str
    catalog: str | None
    namespace: list | None
    description: str | None
    className: str
    isTemporary: bool


class TablePartition(NamedTuple):
    partition: str


def _pattern(pattern: str | None, name: str) -> bool:
    """Spark's SHOW ... LIKE pattern: ``*`` any text, ``|`` alternatives, case-insensitive."""
    if not pattern:
        return True
    return any(fnmatch.fnmatch(name.lower(), p.strip().lower()) for p in pattern.split("|"))


class Catalog:
    """``spark.catalog``: databases, tables, views, columns and functions."""

    def __init__(self, session: Any):
        self._session = session

    def _state(self) -> Any:
        return self._session._state()

    def _sql(self, text: str) -> None:
        self._session.sql(text)

    # -- catalogs and databases ------------------------------------------------------------------
    def currentCatalog(self) -> str:
        return CATALOG

    def setCurrentCatalog(self, catalogName: str) -> None:
        if catalogName.lower() != CATALOG:
            raise AnalysisException(
                f"[CATALOG_NOT_FOUND] The catalog `{catalogName}` not found. Consider to set "
                f'the SQL config "spark.sql.catalog.{catalogName}" to a catalog plugin. '
                "SQLSTATE: 42P08", errorClass="CATALOG_NOT_FOUND",
                messageParameters={"catalogName": f"`{catalogName}`"})

    def listCatalogs(self, pattern: str | None = None) -> list[CatalogMetadata]:
        return [CatalogMetadata(CATALOG, None)] if _pattern(pattern, CATALOG) else []

    def currentDatabase(self) -> str:
        return self._state().current_database

    def setCurrentDatabase(self, dbName: str) -> None:
        state = self._state()
        if not state.warehouse().database_exists(dbName):
            raise state.warehouse().no_schema(dbName.lower())
        state.current_database = dbName.lower()

    def listDatabases(self, pattern: str | None = None) -> list[Database]:
        wh = self._state().warehouse()
        return [self._database(n) for n in wh.databases() if _pattern(pattern, n)]

    def _database(self, name: str) -> Database:
        wh = self._state().warehouse()
        return Database(name, CATALOG, "default database" if name == "default" else "",
                        "file:" + (wh.root if name == "default" else f"{wh.root}/{name}.db"))

    def getDatabase(self, dbName: str) -> Database:
        wh = self._state().warehouse()
        name = dbName.split(".")[-1].lower()
        if not wh.database_exists(name):
            raise wh.no_schema(name)
        return self._database(name)

    def databaseExists(self, dbName: str) -> bool:
        return self._state().warehouse().database_exists(dbName.split(".")[-1])

    def createDatabase(self, dbName: str, ifNotExists: bool = False,
                       properties: dict | None = None) -> None:
        self._state().warehouse().create_database(dbName, ifNotExists)

    def dropDatabase(self, dbName: str, ifExists: bool = False, cascade: bool = False) -> None:
        self._state().warehouse().drop_database(dbName, ifExists, cascade)

    # -- tables and views ------------------------------------------------------------------------
    def _parts(self, tableName: str, dbName: str | None = None) -> tuple:
        parts = tuple(p.strip("`") for p in tableName.split("."))
        if parts and parts[0].lower() == CATALOG and len(parts) == 3:
            parts = parts[1:]
        return ((dbName,) + parts) if dbName else parts

    def _temp(self, parts: tuple) -> Any:
        """The plan of the temporary view ``parts`` names, else None."""
        state = self._state()
        if len(parts) == 2 and parts[0].lower() == "global_temp":
            return state.global_temp_views.get(state.view_key(parts[1]))
        if len(parts) == 1:
            return state.temp_views.get(state.view_key(parts[0]))
        return None

    def _meta(self, parts: tuple) -> TableMeta | None:
        state = self._state()
        if len(parts) > 2:
            return None
        db = parts[0].lower() if len(parts) == 2 else state.current_database
        return state.warehouse().get(db, parts[-1])

    def _not_found(self, parts: tuple) -> Exception:
        try:  # the analyzer's [TABLE_OR_VIEW_NOT_FOUND], with Spark's text
            self._state().analyze(UnresolvedRelation(parts))
        except AnalysisException as e:
            return e
        return AnalysisException(f"[TABLE_OR_VIEW_NOT_FOUND] {'.'.join(parts)}",
                                 errorClass="TABLE_OR_VIEW_NOT_FOUND")

    def _table(self, meta: TableMeta) -> Table:
        return Table(meta.name, CATALOG, [meta.database], meta.comment, meta.table_type, False)

    def getTable(self, tableName: str) -> Table:
        parts = self._parts(tableName)
        if self._temp(parts) is not None:
            ns = ["global_temp"] if len(parts) == 2 else []
            return Table(parts[-1], None, ns, None, "TEMPORARY", True)
        meta = self._meta(parts)
        if meta is None:
            raise self._not_found(parts)
        return self._table(meta)

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        return self._list(dbName, pattern, views_only=False)

    def listViews(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        return self._list(dbName, pattern, views_only=True)

    def _list(self, dbName: str | None, pattern: str | None, views_only: bool) -> list[Table]:
        state = self._state()
        out = []
        if dbName != "global_temp":
            db = (dbName or state.current_database).lower()
            wh = state.warehouse()
            if dbName and not wh.database_exists(db):
                raise wh.no_schema(db)
            for n in wh.tables(db):
                meta = wh.get(db, n)
                if meta is not None and (meta.is_view or not views_only):
                    out.append(self._table(meta))
        names = sorted(state.global_temp_views if dbName == "global_temp" else
                       state.temp_views)
        ns = ["global_temp"] if dbName == "global_temp" else []
        out += [Table(n, None, ns, None, "TEMPORARY", True) for n in names]
        return [t for t in out if _pattern(pattern, t.name)]

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        parts = self._parts(tableName, dbName)
        return self._temp(parts) is not None or self._meta(parts) is not None or \
            self._state().lookup_relation(parts) is not None

    def listColumns(self, tableName: str, dbName: str | None = None) -> list[Column]:
        parts = self._parts(tableName, dbName)
        meta = None if self._temp(parts) is not None else self._meta(parts)
        if self._temp(parts) is None and meta is None:
            raise self._not_found(parts)
        schema = self._session.table(".".join(parts)).schema
        partitions = {p.lower() for p in meta.partition_by} if meta is not None else set()
        return [Column(f.name, (f.metadata or {}).get("comment"), f.dataType.simpleString(),
                       f.nullable, f.name.lower() in partitions, False, False)
                for f in schema.fields]

    def createTable(self, tableName: str, path: str | None = None, source: str | None = None,
                    schema: T.StructType | None = None, description: str | None = None,
                    **options: str) -> Any:
        """A table of the warehouse: EXTERNAL over the files at ``path`` (schema inferred
        when not given), else MANAGED and empty; returns it as a DataFrame."""
        state = self._state()
        parts = self._parts(tableName)
        db = parts[0].lower() if len(parts) == 2 else state.current_database
        fmt = (source or state.conf("spark.sql.sources.default") or "parquet").lower()
        opts = {k: str(v) for k, v in options.items()}
        path = path or opts.pop("path", None)
        if path is not None:
            path = os.path.abspath(path[5:] if path.startswith("file:") else path)
            if schema is None:
                rel = file_relation(fmt, [path], dict(opts), None)
                schema = T.StructType([T.StructField(a.name, a.dtype, True)
                                       for a in rel.attrs])
        if schema is None:
            raise AnalysisException(
                "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for "
                f"{fmt.upper()}. It must be specified manually. SQLSTATE: 42KD9",
                errorClass="UNABLE_TO_INFER_SCHEMA")
        schema = T.StructType([T.StructField(f.name, f.dataType, True) for f in schema.fields])
        meta = TableMeta(db, parts[-1].lower(), fmt, schema, [], opts, location=path or "",
                         table_type="EXTERNAL" if path else "MANAGED", comment=description)
        state.warehouse().create_table(meta)
        return self._session.table(".".join(parts))

    def createExternalTable(self, tableName: str, path: str | None = None,
                            source: str | None = None, schema: T.StructType | None = None,
                            **options: str) -> Any:
        """Deprecated in PySpark: ``createTable`` with a path."""
        return self.createTable(tableName, path, source, schema, **options)

    def dropTable(self, tableName: str, ifExists: bool = False, purge: bool = False) -> None:
        self._sql(f"DROP TABLE {'IF EXISTS ' if ifExists else ''}{tableName}")

    def dropView(self, viewName: str, ifExists: bool = False) -> None:
        self._sql(f"DROP VIEW {'IF EXISTS ' if ifExists else ''}{viewName}")

    def truncateTable(self, tableName: str) -> None:
        self._sql(f"TRUNCATE TABLE {tableName}")

    def analyzeTable(self, tableName: str, noScan: bool = False) -> None:
        self._sql(f"ANALYZE TABLE {tableName} COMPUTE STATISTICS{' NOSCAN' if noScan else ''}")

    def getCreateTableString(self, tableName: str, asSerde: bool = False) -> str:
        return self._session.sql(f"SHOW CREATE TABLE {tableName}").collect()[0][0]

    def getTableProperties(self, tableName: str) -> dict:
        parts = self._parts(tableName)
        meta = self._meta(parts)
        if meta is None:
            raise self._not_found(parts)
        return dict(meta.properties)

    def listPartitions(self, tableName: str) -> list[TablePartition]:
        parts = self._parts(tableName)
        meta = self._meta(parts)
        if meta is None:
            raise self._not_found(parts)
        if not meta.partition_by:
            raise AnalysisException(
                "[INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY] The partition command "
                f"is invalid. Table {meta.ident} is not partitioned. SQLSTATE: 42601",
                errorClass="INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY")
        return [TablePartition(p) for p in _partition_dirs(meta.location,
                                                           len(meta.partition_by))]

    def recoverPartitions(self, tableName: str) -> None:
        self._existing(tableName)

    def refreshTable(self, tableName: str) -> None:
        self._existing(tableName)

    def refreshByPath(self, path: str) -> None:
        """Nothing is cached by path: every read lists the files again."""

    def _existing(self, tableName: str) -> None:
        parts = self._parts(tableName)
        if self._temp(parts) is None and self._meta(parts) is None:
            raise self._not_found(parts)

    # -- caching ---------------------------------------------------------------------------------
    def cacheTable(self, tableName: str, storageLevel: Any = None) -> None:
        df = self._session.table(tableName).cache()
        df.createOrReplaceTempView(tableName)

    def uncacheTable(self, tableName: str) -> None:
        state = self._state()
        key = state.view_key(tableName)
        plan = state.temp_views.get(key)
        if isinstance(plan, InMemoryRelation):
            state.temp_views[key] = plan.plan

    def isCached(self, tableName: str) -> bool:
        state = self._state()
        self._existing(tableName)
        return isinstance(state.temp_views.get(state.view_key(tableName)), InMemoryRelation)

    def clearCache(self) -> None:
        for name in list(self._state().temp_views):
            self.uncacheTable(name)

    def dropTempView(self, viewName: str) -> bool:
        return self._state().temp_views.pop(self._state().view_key(viewName), None) is not None

    def dropGlobalTempView(self, viewName: str) -> bool:
        state = self._state()
        return state.global_temp_views.pop(state.view_key(viewName), None) is not None

    # -- functions -------------------------------------------------------------------------------
    def functionExists(self, functionName: str, dbName: str | None = None) -> bool:
        _load_all()
        return functionName.split(".")[-1].lower() in FUNCTIONS

    def getFunction(self, functionName: str) -> Function:
        _load_all()
        name = functionName.split(".")[-1].lower()
        if name not in FUNCTIONS:
            raise AnalysisException(
                f"[UNRESOLVED_ROUTINE] Cannot resolve routine `{functionName}` on search path "
                "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]. "
                "SQLSTATE: 42883", errorClass="UNRESOLVED_ROUTINE",
                messageParameters={"routineName": f"`{functionName}`"})
        return _function(name, FUNCTIONS[name])

    def listFunctions(self, dbName: str | None = None, pattern: str | None = None
                      ) -> list[Function]:
        _load_all()
        return [_function(n, FUNCTIONS[n]) for n in sorted(FUNCTIONS) if _pattern(pattern, n)]

    def registerFunction(self, name: str, f: Any, returnType: Any = None) -> Any:
        """Deprecated in PySpark: ``spark.udf.register``."""
        return self._session.udf.register(name, f, returnType)


def _function(name: str, spec: Any) -> Function:
    bind = spec.bind
    here = f"{bind.__module__}.{bind.__qualname__}"
    rows = describe(name)
    if rows is None:  # a registered UDF
        return Function(name, None, None, "N/A.", here, True)
    cls, usage = rows[1][len("Class: "):], rows[2][len("Usage: "):]
    if cls.startswith("Usage: "):  # a table entry without its class (operators such as !=)
        cls, usage = here, cls[len("Usage: "):]
    return Function(name, None, None, usage, cls, True)


def _partition_dirs(root: str, depth: int) -> list[str]:
    """``k=v/k2=v2`` of every partition directory ``depth`` levels under ``root``."""
    out: list[str] = []

    def walk(d: str, prefix: list[str]) -> None:
        if len(prefix) == depth:
            out.append("/".join(prefix))
            return
        for n in sorted(os.listdir(d)):
            full = os.path.join(d, n)
            if "=" in n and os.path.isdir(full):
                walk(full, prefix + [n])

    if os.path.isdir(root):
        walk(root, [])
    return out
