"""``pyspark.sql.Catalog`` over the session's temporary views and the warehouse's tables and
persistent views (``spark.catalog``)."""

from __future__ import annotations

from collections import namedtuple
from typing import Any
from runtime.sql.plan.logical import InMemoryRelation

__all__ = ["Catalog", "Table"]

Table = namedtuple("Table", "name catalog namespace description tableType isTemporary")
Database = namedtuple("Database", "name catalog description locationUri")


class Catalog:
    def __init__(self, session: Any):
        self._session = session

    def _state(self) -> Any:
        return self._session._state()

    def currentDatabase(self) -> str:
        return self._state().current_database

    def setCurrentDatabase(self, dbName: str) -> None:
        state = self._state()
        if not state.warehouse().database_exists(dbName):
            raise state.warehouse().no_schema(dbName.lower())
        state.current_database = dbName.lower()

    def currentCatalog(self) -> str:
        return "spark_catalog"

    def listDatabases(self, pattern: str | None = None) -> list:
        import fnmatch

        wh = self._state().warehouse()
        names = [n for n in wh.databases() if not pattern or fnmatch.fnmatch(n, pattern)]
        return [Database(n, "spark_catalog", "default database" if n == "default" else "",
                         "file:" + (wh.root if n == "default" else f"{wh.root}/{n}.db"))
                for n in names]

    def databaseExists(self, dbName: str) -> bool:
        return self._state().warehouse().database_exists(dbName)

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list:
        import fnmatch

        state = self._state()
        out = []
        if dbName != "global_temp":
            db = (dbName or state.current_database).lower()
            wh = state.warehouse()
            for n in wh.tables(db):
                meta = wh.get(db, n)
                kind = meta.table_type if meta is not None else "MANAGED"
                out.append(Table(n, "spark_catalog", [db], meta and meta.comment, kind, False))
        names = sorted(state.temp_views)
        if dbName == "global_temp":
            names = sorted(state.global_temp_views)
        ns = ["global_temp"] if dbName == "global_temp" else []
        out += [Table(n, None, ns, None, "TEMPORARY", True) for n in names]
        if pattern:
            out = [t for t in out if fnmatch.fnmatch(t.name, pattern)]
        return out

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        state = self._state()
        if dbName == "global_temp" or tableName.lower().startswith("global_temp."):
            return state.view_key(tableName.split(".")[-1]) in state.global_temp_views
        name = tuple(tableName.split("."))
        if dbName:
            name = (dbName,) + name
        return state.lookup_relation(name) is not None

    def dropTempView(self, viewName: str) -> bool:
        return self._state().temp_views.pop(self._state().view_key(viewName), None) is not None

    def dropGlobalTempView(self, viewName: str) -> bool:
        state = self._state()
        return state.global_temp_views.pop(state.view_key(viewName), None) is not None

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
        return isinstance(state.temp_views.get(state.view_key(tableName)), InMemoryRelation)

    def clearCache(self) -> None:
        for name in list(self._state().temp_views):
            self.uncacheTable(name)
