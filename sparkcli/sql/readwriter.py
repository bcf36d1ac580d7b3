"""``spark.read`` (DataFrameReader) and ``df.write`` (DataFrameWriter), PySpark's API over
the engine's file sources and sinks (runtime/sql/io).

>>> df = spark.read.csv("flights/", schema=flightsSchema, header=True)
>>> df.write.mode("overwrite").parquet("out/")
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.ddl import parse_schema
from runtime.sql.errors import AnalysisException, PySparkTypeError
from runtime.sql.io.sources import file_relation
from runtime.sql.io.writer import write_query
from runtime.sql.errors import PySparkNotImplementedError
from sparkcli.sql.functions import coalesce, expr, lit
from sparkcli.sql.sql_commands import insert_into, save_as_table
from sparkcli.sql.not_provided import not_provided

__all__ = ["DataFrameReader", "DataFrameWriter", "DataFrameWriterV2"]

_FORMATS = {"csv", "json", "text", "parquet", "orc"}


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _paths(path: Any) -> list[str]:
    if isinstance(path, str):
        return [path]
    if isinstance(path, (list, tuple)):
        return [str(p) for p in path]
    raise PySparkTypeError(f"[NOT_STR_OR_LIST_OF_RDD] path can be only string, list or RDD, "
                           f"got {type(path).__name__}.", errorClass="NOT_STR_OR_LIST_OF_RDD")


class DataFrameReader:
    """Loads DataFrames from files: csv, json, text, parquet, orc."""

    # PySpark names not provided (sparkcli/sql/not_provided.py)
    changes = not_provided("DataFrameReader.changes", "there are no change-data tables")
    jdbc = not_provided("DataFrameReader.jdbc", "JDBC drivers need a JVM")
    xml = not_provided("DataFrameReader.xml")

    def __init__(self, session: Any):
        self._session = session
        self._format = "parquet"
        self._schema: T.StructType | None = None
        self._options: dict[str, str] = {}

    def format(self, source: str) -> DataFrameReader:
        self._format = source.lower()
        return self

    def schema(self, schema: T.StructType | str) -> DataFrameReader:
        """The schema to read with (a StructType or a DDL string); no inference then."""
        if isinstance(schema, str):
            schema = parse_schema(schema)  # type: ignore[assignment]
        if not isinstance(schema, T.StructType):
            raise PySparkTypeError("[NOT_STR_OR_STRUCT] Argument `schema` should be a str or "
                                   "StructType.", errorClass="NOT_STR_OR_STRUCT")
        self._schema = schema
        return self

    def option(self, key: str, value: Any) -> DataFrameReader:
        if value is not None:
            self._options[key] = _to_str(value)
        return self

    def options(self, **options: Any) -> DataFrameReader:
        for k, v in options.items():
            self.option(k, v)
        return self

    def load(self, path: Any = None, format: str | None = None, schema: Any = None,
             **options: Any) -> Any:
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        fmt = self._format
        if fmt not in _FORMATS:
            raise AnalysisException(
                f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: {fmt}. Make sure the "
                "provider name is correct and the package is properly registered and "
                "compatible with your Spark version. SQLSTATE: 42K02",
                errorClass="DATA_SOURCE_NOT_FOUND")
        if path is None:
            path = self._options.pop("path", None)
        if path is None:
            raise AnalysisException("[UNABLE_TO_INFER_SCHEMA] 'path' is not specified",
                                    errorClass="UNABLE_TO_INFER_SCHEMA")
        rel = file_relation(fmt, _paths(path), dict(self._options), self._schema)
        return self._session._dataframe(rel)

    def csv(self, path: Any, schema: Any = None, sep: str | None = None, **options: Any) -> Any:
        """CSV files: ``header``, ``inferSchema``, ``sep``, ``quote``, ``escape``,
        ``nullValue``, ``mode`` (PERMISSIVE, DROPMALFORMED, FAILFAST)..."""
        return self.load(path, "csv", schema, sep=sep, **options)

    def json(self, path: Any, schema: Any = None, **options: Any) -> Any:
        """JSON Lines files (``multiLine=True``: one document per file)."""
        return self.load(path, "json", schema, **options)

    def text(self, paths: Any, wholetext: bool = False, lineSep: str | None = None,
             **options: Any) -> Any:
        """Text files as one ``value`` string column (one row per line)."""
        return self.load(paths, "text", None, wholetext=wholetext, lineSep=lineSep, **options)

    def parquet(self, *paths: str, **options: Any) -> Any:
        return self.load(list(paths), "parquet", None, **options)

    def orc(self, path: Any, mergeSchema: Any = None, pathGlobFilter: Any = None,
            recursiveFileLookup: Any = None, **options: Any) -> Any:
        """ORC files (pyarrow.orc)."""
        return self.load(path, "orc", None, mergeSchema=mergeSchema, **options)

    def table(self, tableName: str) -> Any:
        return self._session.table(tableName)


class DataFrameWriter:
    """Saves a DataFrame as files: ``df.write.mode("overwrite").csv(path, header=True)``."""

    # PySpark names not provided (sparkcli/sql/not_provided.py)
    bucketBy = not_provided("DataFrameWriter.bucketBy")
    sortBy = not_provided("DataFrameWriter.sortBy")
    clusterBy = not_provided("DataFrameWriter.clusterBy")
    jdbc = not_provided("DataFrameWriter.jdbc", "JDBC drivers need a JVM")
    xml = not_provided("DataFrameWriter.xml")

    def __init__(self, df: Any):
        self._df = df
        self._format = "parquet"
        self._mode = "errorifexists"
        self._options: dict[str, str] = {}
        self._partition_by: list[str] = []

    def mode(self, saveMode: str | None) -> DataFrameWriter:
        if saveMode is not None:
            self._mode = saveMode
        return self

    def format(self, source: str) -> DataFrameWriter:
        self._format = source.lower()
        return self

    def option(self, key: str, value: Any) -> DataFrameWriter:
        if value is not None:
            self._options[key] = _to_str(value)
        return self

    def options(self, **options: Any) -> DataFrameWriter:
        for k, v in options.items():
            self.option(k, v)
        return self

    def partitionBy(self, *cols: Any) -> DataFrameWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._partition_by = [str(c) for c in cols]
        return self

    def _settings(self, format: str | None, mode: str | None, partitionBy: Any,
                  options: dict) -> None:
        if format is not None:
            self.format(format)
        self.mode(mode)
        if partitionBy:
            self.partitionBy(partitionBy)
        self.options(**options)

    def save(self, path: str | None = None, format: str | None = None, mode: str | None = None,
             partitionBy: Any = None, **options: Any) -> None:
        self._settings(format, mode, partitionBy, options)
        path = path or self._options.pop("path", None)
        if path is None:
            raise AnalysisException("'path' is not specified", errorClass="UNSPECIFIED_PATH")
        df = self._df
        options = dict(self._options)
        if not any(k.lower() == "timezone" for k in options):  # dates/times in the session's
            options["timeZone"] = df._session._state().conf("spark.sql.session.timeZone")
        write_query(df._execution().map_partitions, df.schema, self._format, path, self._mode,
                    options, self._partition_by)

    def parquet(self, path: str, mode: str | None = None, partitionBy: Any = None,
                compression: str | None = None) -> None:
        self.save(path, "parquet", mode, partitionBy, compression=compression)

    def csv(self, path: str, mode: str | None = None, compression: str | None = None,
            sep: str | None = None, header: Any = None, **options: Any) -> None:
        self.save(path, "csv", mode, None, compression=compression, sep=sep, header=header,
                  **options)

    def json(self, path: str, mode: str | None = None, compression: str | None = None,
             **options: Any) -> None:
        self.save(path, "json", mode, None, compression=compression, **options)

    def orc(self, path: str, mode: str | None = None, partitionBy: Any = None,
            compression: str | None = None) -> None:
        """ORC files (``part-00000-<uuid>-c000.snappy.orc``; compression: snappy, zlib,
        lz4, zstd or none)."""
        self.save(path, "orc", mode, partitionBy, compression=compression)

    def text(self, path: str, compression: str | None = None, lineSep: str | None = None
             ) -> None:
        self.save(path, "text", None, None, compression=compression)

    def saveAsTable(self, name: str, format: str | None = None, mode: str | None = None,
                    partitionBy: Any = None, **options: Any) -> None:
        """Save as a table of the warehouse (spark.sql.warehouse.dir), readable with
        ``spark.table(name)`` and SQL, in this and later sessions."""
        self._settings(format, mode, partitionBy, options)
        save_as_table(self._df, name, self._format, self._mode, self._partition_by,
                      dict(self._options))

    def insertInto(self, tableName: str, overwrite: bool | None = None) -> None:
        """Insert the rows (by position) into an existing warehouse table."""
        insert_into(self._df, tableName, bool(overwrite) or self._mode == "overwrite")


class DataFrameWriterV2:
    """``df.writeTo("table")``: create, replace, append to or overwrite a warehouse table.

    Columns go by name (``append``, ``overwrite``, ``overwritePartitions``), as Spark's V2
    writes. Spark's own session catalog refuses all but ``create`` for its built-in file
    tables ("Cannot write into v1 table"); the warehouse here does them all:
    ``overwrite(condition)`` keeps the rows the condition does not select and adds the new
    ones; ``overwritePartitions()`` replaces the partitions the new rows fall in (the whole
    table when it is not partitioned). ``partitionedBy`` takes columns (identity
    transforms); ``clusterBy`` is accepted and has no effect on the layout.
    """

    def __init__(self, df: Any, table: str):
        self._df = df
        self._table = table
        self._provider: str | None = None
        self._options: dict[str, str] = {}
        self._properties: dict[str, str] = {}
        self._partitioning: list[str] = []

    def using(self, provider: str) -> DataFrameWriterV2:
        self._provider = provider.lower()
        return self

    def option(self, key: str, value: Any) -> DataFrameWriterV2:
        if value is not None:
            self._options[key] = _to_str(value)
        return self

    def options(self, **options: Any) -> DataFrameWriterV2:
        for k, v in options.items():
            self.option(k, v)
        return self

    def tableProperty(self, property: str, value: str) -> DataFrameWriterV2:
        self._properties[property] = value
        return self

    def partitionedBy(self, col: Any, *cols: Any) -> DataFrameWriterV2:
        names = []
        for c in (col,) + cols:
            expr = getattr(c, "_expr", None)
            if isinstance(c, str):
                names.append(c)
            elif getattr(expr, "parts", None) and not getattr(expr, "children", ()):
                names.append(".".join(expr.parts))
            else:
                shown = expr.sql().replace("@transform", "") if expr is not None else str(c)
                raise AnalysisException(
                    f"[UNSUPPORTED_PARTITION_TRANSFORM] Unsupported partition transform: "
                    f"`{shown}`. The supported transforms are `identity`, `bucket`, and "
                    "`clusterBy`. Ensure your transform expression uses one of these. "
                    "SQLSTATE: 0A000", errorClass="UNSUPPORTED_PARTITION_TRANSFORM")
        self._partitioning = names
        return self

    def clusterBy(self, col: str, *cols: str) -> DataFrameWriterV2:
        return self

    # -- the table -------------------------------------------------------------------------------
    def _where(self) -> tuple[Any, str, str]:
        state = self._df._session._state()
        parts = [p.strip("`") for p in self._table.split(".")]
        db = parts[-2].lower() if len(parts) >= 2 else state.current_database
        return state.warehouse(), db, parts[-1].lower()

    def _meta(self) -> Any:
        wh, db, name = self._where()
        meta = wh.get(db, name)
        if meta is None or meta.is_view:
            self._df._session.table(self._table)  # [TABLE_OR_VIEW_NOT_FOUND]
        return meta

    def _create(self) -> None:
        save_as_table(self._df, self._table, self._provider or self._df._session._state()
                      .conf("spark.sql.sources.default") or "parquet", "errorifexists",
                      self._partitioning, dict(self._options))
        if self._properties:
            wh, db, name = self._where()
            meta = wh.get(db, name)
            meta.properties.update(self._properties)
            wh.save_meta(meta)

    def create(self) -> None:
        """Create the table from the rows; ``[TABLE_OR_VIEW_ALREADY_EXISTS]`` if it exists."""
        self._create()

    def replace(self) -> None:
        """Replace an existing table (its schema, layout and rows)."""
        wh, db, name = self._where()
        if wh.get(db, name) is None:
            raise AnalysisException(
                f"[CANNOT_REPLACE_MISSING_TABLE] Table `spark_catalog`.`{db}`.`{name}` cannot "
                "be replaced as it did not exist. Use DROP TABLE IF EXISTS and CREATE TABLE, "
                "or createOrReplace(). SQLSTATE: 42P01",
                errorClass="CANNOT_REPLACE_MISSING_TABLE")
        self.createOrReplace()

    def createOrReplace(self) -> None:
        wh, db, name = self._where()
        wh.drop_table(db, name, True)
        self._create()

    def _by_name(self, meta: Any) -> Any:
        """The rows with the table's columns, matched by name."""
        have = {c.lower(): c for c in self._df.columns}
        want = [f.name for f in meta.schema.fields]
        ident = f"`spark_catalog`.`{meta.database}`.`{meta.name}`"
        missing = [w for w in want if w.lower() not in have]
        extra = [c for c in self._df.columns if c.lower() not in {w.lower() for w in want}]
        if missing or extra:
            what = (f"Cannot find data for the output column `{missing[0]}`" if missing else
                    "Cannot write extra columns " + ", ".join(f"`{c}`" for c in extra))
            kind = "CANNOT_FIND_DATA" if missing else "EXTRA_COLUMNS"
            raise AnalysisException(
                f"[INCOMPATIBLE_DATA_FOR_TABLE.{kind}] Cannot write incompatible data for the "
                f"table {ident}: {what}. SQLSTATE: KD000",
                errorClass=f"INCOMPATIBLE_DATA_FOR_TABLE.{kind}")
        return self._df.select(*[f"`{have[w.lower()]}`" for w in want])

    def append(self) -> None:
        """Add the rows to the existing table (columns by name)."""
        meta = self._meta()
        insert_into(self._by_name(meta), self._table, False)

    def overwrite(self, condition: Any) -> None:
        """Delete the rows ``condition`` selects, then add the new rows."""
        meta = self._meta()
        cond = expr(condition) if isinstance(condition, str) else condition
        kept = self._df._session.table(self._table).where(~coalesce(cond, lit(False)))
        insert_into(kept.unionByName(self._by_name(meta)), self._table, True)

    def overwritePartitions(self) -> None:
        """Replace the partitions the new rows fall in (all rows of an unpartitioned
        table)."""
        meta = self._meta()
        new = self._by_name(meta)
        if not meta.partition_by:
            insert_into(new, self._table, True)
            return
        old = self._df._session.table(self._table)
        keys = [f"`{p}`" for p in meta.partition_by]
        kept = old.join(new.select(*keys).distinct(), on=list(meta.partition_by),
                        how="left_anti")
        insert_into(kept.unionByName(new), self._table, True)
