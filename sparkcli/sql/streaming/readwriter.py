"""``spark.readStream`` (DataStreamReader) and ``df.writeStream`` (DataStreamWriter).

A DataStreamReader builds a source (runtime/sql/streaming: socket, rate, rate-micro-batch,
files) and returns a streaming DataFrame over a StreamingRelation; every DataFrame operation
then works on it as on a batch DataFrame. A DataStreamWriter checks the query (output mode,
unsupported operations) and starts a StreamingQuery over a sink.

>>> lines = spark.readStream.format("socket").option("host", "localhost") \\
...     .option("port", 9999).load()
>>> q = lines.filter(col("value").contains("Scala")).writeStream \\
...     .trigger(processingTime="5 seconds").outputMode("append").format("console").start()
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.ddl import parse_schema
from runtime.sql.errors import (
    AnalysisException, IllegalArgumentException, PySparkNotImplementedError, PySparkTypeError,
    PySparkValueError)
from runtime.sql.io.sources import file_relation
from runtime.sql.local_data import attributes_for
from runtime.sql.streaming.checkpoint import Checkpoint
from runtime.sql.streaming.checks import check_query
from runtime.sql.streaming.execution import MicroBatchExecution, Trigger
from runtime.sql.streaming.file_source import FileSource
from runtime.sql.streaming.intervals import parse_interval_ms
from runtime.sql.streaming.relation import StreamingRelation, is_streaming
from runtime.sql.streaming.sinks import ConsoleSink, FileSink, MemorySink, NoopSink
from runtime.sql.streaming.sources import (
    MemoryStream, RateMicroBatchSource, RateSource, SocketSource)
from sparkcli.sql.streaming.query import StreamingQuery
from sparkcli.sql.streaming.sinks import ForeachBatchSink, ForeachSink
from sparkcli.sql.streaming.tables import create_for_stream, streaming_view, table_meta

__all__ = ["DataStreamReader", "DataStreamWriter", "memory_stream"]

_FILE_FORMATS = {"csv", "json", "text", "parquet"}


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _schema_from(schema: Any) -> T.StructType:
    if isinstance(schema, str):
        schema = parse_schema(schema)
    if not isinstance(schema, T.StructType):
        raise PySparkTypeError("[NOT_STR_OR_STRUCT] Argument `schema` should be a str or "
                               "StructType.", errorClass="NOT_STR_OR_STRUCT")
    return schema


def _kafka_error() -> AnalysisException:
    return AnalysisException(
        "[KAFKA_DATA_SOURCE_NOT_ENABLED] Failed to find data source: kafka. sparkcli has no "
        "Kafka source yet (it would read through the confluent-kafka client library, "
        "`pip install confluent-kafka`). SQLSTATE: 42K02",
        errorClass="KAFKA_DATA_SOURCE_NOT_ENABLED")


def _unsupported_mode(mode: str, fmt: str) -> AnalysisException:
    return AnalysisException(
        f"[STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE] Invalid streaming output mode: "
        f"{mode}. This output mode is not supported in Data Source {fmt}. SQLSTATE: 42KDE",
        errorClass="STREAMING_OUTPUT_MODE.UNSUPPORTED_DATASOURCE")


class DataStreamReader:
    """Streaming sources: socket, rate, rate-micro-batch, csv/json/text/parquet files."""

    def __init__(self, session: Any):
        self._session = session
        self._format: str | None = None
        self._schema: T.StructType | None = None
        self._options: dict[str, str] = {}

    def format(self, source: str) -> DataStreamReader:
        self._format = source.lower()
        return self

    def schema(self, schema: T.StructType | str) -> DataStreamReader:
        """The schema of a file source (a StructType or a DDL string)."""
        self._schema = _schema_from(schema)
        return self

    def option(self, key: str, value: Any) -> DataStreamReader:
        if value is not None:
            self._options[key] = _to_str(value)
        return self

    def options(self, **options: Any) -> DataStreamReader:
        for k, v in options.items():
            self.option(k, v)
        return self

    def load(self, path: str | None = None, format: str | None = None, schema: Any = None,
             **options: Any) -> Any:
        """The streaming DataFrame of the source."""
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        fmt = self._format or self._session.conf.get("spark.sql.sources.default", "parquet")
        opts = {k.lower(): v for k, v in self._options.items()}
        if fmt == "socket":
            source: Any = SocketSource(opts)
        elif fmt == "rate":
            source = RateSource(opts)
        elif fmt == "rate-micro-batch":
            source = RateMicroBatchSource(opts)
        elif fmt == "kafka":
            raise _kafka_error()
        elif fmt in _FILE_FORMATS:
            path = path or self._options.get("path")
            if path is None:
                raise IllegalArgumentException("'path' is not specified")
            source = FileSource(fmt, path, self._file_schema(fmt, path), self._options)
        elif fmt == "orc":
            raise AnalysisException(
                "[DATA_SOURCE_NOT_FOUND] Failed to find the data source: orc (not available "
                "in sparkcli yet; use parquet). SQLSTATE: 42K02",
                errorClass="DATA_SOURCE_NOT_FOUND")
        else:
            raise AnalysisException(
                f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: {fmt}. Make sure the "
                "provider name is correct and the package is properly registered and "
                "compatible with your Spark version. SQLSTATE: 42K02",
                errorClass="DATA_SOURCE_NOT_FOUND")
        return _stream_df(self._session, source)

    def _file_schema(self, fmt: str, path: str) -> T.StructType:
        if fmt == "text":
            return T.StructType([T.StructField("value", T.StringType(), True)])
        if self._schema is not None:
            return self._schema
        infer = str(self._session.conf.get("spark.sql.streaming.schemaInference", "false"))
        if infer.lower() == "true" and os.path.isdir(path):
            opts = dict(self._options)
            if fmt == "csv":
                opts.setdefault("inferSchema", "true")
            rel = file_relation(fmt, [path], opts, None)
            return T.StructType([T.StructField(a.name, a.dtype, True) for a in rel.attrs])
        raise IllegalArgumentException(
            "Schema must be specified when creating a streaming source DataFrame. If some "
            "files already exist in the directory, then depending on the file format you may "
            "be able to create a static DataFrame on that directory with "
            "'spark.read.load(directory)' and infer schema from it.")

    def csv(self, path: str, schema: Any = None, sep: str | None = None, **options: Any) -> Any:
        return self.load(path, "csv", schema, sep=sep, **options)

    def json(self, path: str, schema: Any = None, **options: Any) -> Any:
        return self.load(path, "json", schema, **options)

    def text(self, path: str, wholetext: bool = False, lineSep: str | None = None,
             **options: Any) -> Any:
        return self.load(path, "text", None, lineSep=lineSep, **options)

    def parquet(self, path: str, **options: Any) -> Any:
        return self.load(path, "parquet", None, **options)

    def orc(self, path: str, **options: Any) -> Any:
        return self.load(path, "orc", None, **options)

    def table(self, tableName: str) -> Any:
        """The streaming DataFrame of a warehouse table: each batch reads the files added
        to it since the last (by batch jobs' appends and inserts, or another stream's
        toTable); or of a temporary view of a streaming DataFrame (tables.py)."""
        state = self._session._state()
        view = streaming_view(state, tableName)
        if view is not None:
            return self._session._dataframe(view)
        meta = table_meta(state, tableName)
        if meta is None:
            return self._session.table(tableName)  # raises TABLE_OR_VIEW_NOT_FOUND
        return _stream_df(self._session, FileSource(meta.fmt, meta.location, meta.schema,
                                                    dict(meta.options, **self._options)))


def _stream_df(session: Any, source: Any) -> Any:
    rel = StreamingRelation(source, attributes_for(source.schema))
    return session._dataframe(rel)


def memory_stream(session: Any, schema: Any) -> tuple[Any, Any]:
    """(a MemoryStream, its streaming DataFrame): rows go in with ``stream.add_data(rows)``
    (sparkcli's counterpart of Spark's test-only MemoryStream)."""
    source = MemoryStream(_schema_from(schema))
    return source, _stream_df(session, source)


# -- writer ---------------------------------------------------------------------------------------
class DataStreamWriter:
    """Where and how a streaming DataFrame's results go; ``start()`` runs the query."""

    def __init__(self, df: Any):
        self._df = df
        self._session = df.sparkSession
        self._format = "console"
        self._mode = "append"
        self._options: dict[str, str] = {}
        self._partition_by: list[str] = []
        self._name: str | None = None
        self._trigger = Trigger()
        self._continuous: str | None = None
        self._foreach: Any = None
        self._foreach_batch: Callable | None = None

    def outputMode(self, outputMode: str) -> DataStreamWriter:
        """append (new rows only), complete (the whole result each batch) or update (the
        rows that changed)."""
        mode = str(outputMode).lower()
        if mode not in ("append", "complete", "update"):
            raise IllegalArgumentException(
                f"[STREAMING_OUTPUT_MODE.INVALID] Invalid streaming output mode: {outputMode}. "
                "Accepted output modes are 'Append', 'Complete', 'Update'. SQLSTATE: 42KDE",
                errorClass="STREAMING_OUTPUT_MODE.INVALID")
        self._mode = mode
        return self

    def format(self, source: str) -> DataStreamWriter:
        self._format = source.lower()
        return self

    def option(self, key: str, value: Any) -> DataStreamWriter:
        if value is not None:
            self._options[key] = _to_str(value)
        return self

    def options(self, **options: Any) -> DataStreamWriter:
        for k, v in options.items():
            self.option(k, v)
        return self

    def partitionBy(self, *cols: Any) -> DataStreamWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._partition_by = [str(c) for c in cols]
        return self

    def queryName(self, queryName: str) -> DataStreamWriter:
        if not queryName or not isinstance(queryName, str) or not queryName.strip():
            raise PySparkValueError(
                f"[VALUE_NOT_NON_EMPTY_STR] Value for `queryName` must be a non-empty string, "
                f"got '{queryName}'.", errorClass="VALUE_NOT_NON_EMPTY_STR")
        self._name = queryName
        return self

    def trigger(self, *, processingTime: str | None = None, once: bool | None = None,
                continuous: str | None = None, availableNow: bool | None = None
                ) -> DataStreamWriter:
        """processingTime="5 seconds", once=True, availableNow=True (continuous is not
        available)."""
        given = [x for x in (processingTime, once, continuous, availableNow) if x is not None]
        if len(given) > 1:
            raise PySparkValueError("[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is "
                                    "allowed.", errorClass="ONLY_ALLOW_SINGLE_TRIGGER")
        if not given:
            raise PySparkValueError("[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is "
                                    "allowed.", errorClass="ONLY_ALLOW_SINGLE_TRIGGER")
        if processingTime is not None:
            if not isinstance(processingTime, str) or not processingTime.strip():
                raise PySparkValueError(
                    f"[VALUE_NOT_NON_EMPTY_STR] Value for `processingTime` must be a non-empty "
                    f"string, got '{processingTime}'.", errorClass="VALUE_NOT_NON_EMPTY_STR")
            self._trigger = Trigger("processingTime", parse_interval_ms(processingTime))
        elif once is not None:
            if once is not True:
                raise PySparkValueError(f"[VALUE_NOT_TRUE] Value for `once` must be True, got "
                                        f"'{once}'.", errorClass="VALUE_NOT_TRUE")
            self._trigger = Trigger("once")
        elif availableNow is not None:
            if availableNow is not True:
                raise PySparkValueError(
                    f"[VALUE_NOT_TRUE] Value for `availableNow` must be True, got "
                    f"'{availableNow}'.", errorClass="VALUE_NOT_TRUE")
            self._trigger = Trigger("availableNow")
        else:
            self._continuous = str(continuous)
        return self

    def foreach(self, f: Any) -> DataStreamWriter:
        """Call ``f(row)`` for every output row, or ``f.open(partition_id, epoch_id)``,
        ``f.process(row)``, ``f.close(error)``."""
        if not callable(f) and not hasattr(f, "process"):
            raise PySparkTypeError("[NOT_CALLABLE] Argument `f` should be a callable or an "
                                   "object with a 'process' method.", errorClass="NOT_CALLABLE")
        self._foreach = f
        self._format = "foreach"
        return self

    def foreachBatch(self, func: Callable[[Any, int], None]) -> DataStreamWriter:
        """Call ``func(batch_df, batch_id)`` with each micro-batch's output as a DataFrame."""
        if not callable(func):
            raise PySparkTypeError("[NOT_CALLABLE] Argument `func` should be a callable, got "
                                   f"{type(func).__name__}.", errorClass="NOT_CALLABLE")
        self._foreach_batch = func
        self._format = "foreachbatch"
        return self

    def toTable(self, tableName: str, format: str | None = None, outputMode: str | None = None,
                partitionBy: Any = None, queryName: str | None = None, **options: Any
                ) -> StreamingQuery:
        """Start the query writing into a warehouse table (created with the stream's
        columns when it does not exist), readable with ``spark.table`` while it runs."""
        self._settings(outputMode, partitionBy, queryName, options)
        fmt = format or (self._format if self._format != "console" else None)
        state = self._session._state()
        meta = table_meta(state, tableName)
        fmt = meta.fmt if meta is not None else (fmt or self._session.conf.get(
            "spark.sql.sources.default", "parquet")).lower()
        if self._mode != "append":
            raise _unsupported_mode(self._mode, fmt)
        self._checkpoint_root(fmt)  # a missing checkpoint location fails before the create
        meta = create_for_stream(state, tableName, self._df._plan.output, fmt,
                                 self._partition_by, {})
        self._format = meta.fmt
        self._partition_by = list(meta.partition_by)
        self._options["path"] = meta.location
        return self.start()

    def _settings(self, outputMode: str | None, partitionBy: Any, queryName: str | None,
                  options: dict) -> None:
        """The settings start() and toTable() take as arguments."""
        if outputMode is not None:
            self.outputMode(outputMode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        if queryName is not None:
            self.queryName(queryName)
        self.options(**options)

    # -- start --------------------------------------------------------------------------------
    def start(self, path: str | None = None, format: str | None = None,
              outputMode: str | None = None, partitionBy: Any = None,
              queryName: str | None = None, **options: Any) -> StreamingQuery:
        """Start the query in the background; returns its StreamingQuery."""
        if format is not None:
            self.format(format)
        self._settings(outputMode, partitionBy, queryName, options)
        if path is not None:
            self._options["path"] = path
        plan = self._df._plan
        if not is_streaming(plan):
            raise AnalysisException("'writeStream' can be called only on streaming "
                                    "Dataset/DataFrame", errorClass="WRITE_STREAM_NOT_ALLOWED")
        if self._continuous is not None:
            raise PySparkNotImplementedError(
                "[NOT_IMPLEMENTED] Continuous processing (trigger(continuous=...)) is not "
                "available in sparkcli; use trigger(processingTime=...) or the default trigger.",
                errorClass="NOT_IMPLEMENTED")
        if self._trigger.interval_ms < 0:
            raise IllegalArgumentException(
                "requirement failed: the interval of trigger should not be negative")
        check_query(plan, self._mode)
        session = self._session
        state = session._state()
        manager = session.streams
        fmt = self._format
        if fmt == "memory" and not self._name:
            raise AnalysisException("queryName must be specified for memory sink.")
        root, temporary = self._checkpoint_root(fmt)
        checkpoint = Checkpoint(root)
        query_id = checkpoint.query_id()
        manager._check_name(self._name, query_id)
        sink = self._sink(fmt, query_id, state, plan)
        parts = state.conf("spark.sql.shuffle.partitions") if \
            session.conf.get("spark.sql.shuffle.partitions", None) is not None else \
            str(max(1, session.sparkContext.defaultParallelism))
        holder: dict[str, Any] = {}

        def listener(kind: str, execution: Any) -> None:
            manager._event(kind, execution, holder.get("query"))

        execution = MicroBatchExecution(state, plan, sink, self._mode, self._trigger,
                                        checkpoint, self._name, listener, int(parts))

        def on_stop() -> None:
            if temporary:
                shutil.rmtree(root, ignore_errors=True)

        query = StreamingQuery(execution, manager, on_stop)
        holder["query"] = query
        manager._register(query)
        execution.start()
        return query

    def _checkpoint_root(self, fmt: str) -> tuple[str, bool]:
        loc = self._options.get("checkpointLocation")
        if loc:
            return os.path.abspath(loc[5:] if loc.startswith("file:") else loc), False
        base = self._session.conf.get("spark.sql.streaming.checkpointLocation", None)
        if base:
            return os.path.join(os.path.abspath(base), self._name or str(uuid.uuid4())), False
        if fmt in ("console", "memory", "foreach", "foreachbatch", "noop"):
            return tempfile.mkdtemp(prefix="temporary-"), True
        raise AnalysisException(
            'checkpointLocation must be specified either through option("checkpointLocation", '
            '...) or SparkSession.conf.set("spark.sql.streaming.checkpointLocation", ...).')

    def _sink(self, fmt: str, query_id: str, state: Any, plan: Any) -> Any:
        schema = T.StructType([T.StructField(a.name, a.dtype, a.nullable)
                               for a in plan.output])
        if fmt == "console":
            return ConsoleSink(self._options)
        if fmt == "noop":
            return NoopSink()
        if fmt == "memory":
            name = self._name

            def register(rel: Any) -> None:
                state.temp_views[state.view_key(name)] = rel
            return MemorySink(str(name), schema, self._mode, register)
        if fmt == "foreach":
            return ForeachSink(self._foreach)
        if fmt == "foreachbatch":
            session = self._session
            return ForeachBatchSink(self._foreach_batch, session._dataframe)
        if fmt in _FILE_FORMATS:
            if self._mode != "append":
                raise _unsupported_mode(self._mode, fmt)
            path = self._options.get("path")
            if not path:
                raise IllegalArgumentException("'path' is not specified")
            opts = {k: v for k, v in self._options.items()
                    if k not in ("path", "checkpointLocation")}
            return FileSink(path, fmt, opts, self._partition_by, query_id)
        if fmt == "kafka":
            raise _kafka_error()
        raise AnalysisException(
            f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: {fmt}. SQLSTATE: 42K02",
            errorClass="DATA_SOURCE_NOT_FOUND")
