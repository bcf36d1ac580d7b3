"""SparkSession and its Builder (PySpark's entry point), over sparkcli's SparkContext.

``SparkSession.builder`` returns a fresh :class:`Builder` on every access (PySpark's
classproperty). Unlike PySpark, a Builder's options belong to that builder alone (PySpark
keeps them in one class-level dict, so options of an abandoned builder leak into the next).

``getOrCreate()`` keeps one session per process (``SparkSession._instantiatedSession``):

* no live session: build a SparkConf (launch layers + the builder's options in the 'code'
  layer), get or create the SparkContext from it, and wrap it in a new session whose
  RuntimeConfig starts with the builder's options;
* a live session: return it, applying the builder's modifiable options to its ``conf`` and
  warning (as Spark does) that the others cannot take effect any more.

A session is live while its SparkContext is the active one; ``stop()`` stops the context and
clears the singleton and the active session.
"""

from __future__ import annotations

import threading
from typing import Any

from runtime.log import get_logger
from sparkcli.conf import SparkConf
from sparkcli.context import SparkContext
from sparkcli.errors import PySparkRuntimeError
from sparkcli.lazy import SQL_ENGINE as _engine
from sparkcli.rdd import RDD
from sparkcli.sql.conf import RuntimeConfig
from sparkcli.version import PYSPARK_API_VERSION
from sparkcli.sql.not_provided import not_provided, not_provided_property

__all__ = ["SparkSession"]


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _ClassProperty:
    def __init__(self, fget):
        self.fget = fget

    def __get__(self, instance: Any, owner: type) -> Any:
        return self.fget(owner)


def _monkey_patch_rdd(session: Any) -> None:
    """``rdd.toDF(schema)`` becomes ``session.createDataFrame(rdd, schema)`` (PySpark's
    _monkey_patch_RDD): the RDD module never imports the SQL package."""

    def toDF(self: Any, schema: Any = None, sampleRatio: float | None = None) -> Any:
        return session.createDataFrame(self, schema, sampleRatio)

    RDD.toDF = toDF  # type: ignore[method-assign]


def _log():
    return get_logger("SparkSession")


def _context_is_active(sc: Any) -> bool:
    """Is ``sc`` the process's active, running SparkContext?"""
    return sc is not None and SparkContext._active_spark_context is sc


class SparkSession:
    """The entry point to programming Spark with the Dataset and DataFrame API."""

    _lock = threading.RLock()
    _instantiatedSession: SparkSession | None = None
    _activeSession: SparkSession | None = None

    # PySpark names not provided (sparkcli/sql/not_provided.py): Spark Connect's artifacts,
    # tags, interrupts and progress handlers, data source and UDTF registries
    addArtifact = addArtifacts = not_provided("SparkSession.addArtifacts", "Spark Connect only")
    copyFromLocalToFs = not_provided("SparkSession.copyFromLocalToFs", "Spark Connect only")
    client = not_provided_property("SparkSession.client", "Spark Connect only")
    addTag = not_provided("SparkSession.addTag")
    removeTag = not_provided("SparkSession.removeTag")
    getTags = not_provided("SparkSession.getTags")
    clearTags = not_provided("SparkSession.clearTags")
    interruptAll = not_provided("SparkSession.interruptAll")
    interruptTag = not_provided("SparkSession.interruptTag")
    interruptOperation = not_provided("SparkSession.interruptOperation")
    registerProgressHandler = not_provided("SparkSession.registerProgressHandler")
    removeProgressHandler = not_provided("SparkSession.removeProgressHandler")
    clearProgressHandlers = not_provided("SparkSession.clearProgressHandlers")
    dataSource = not_provided_property("SparkSession.dataSource", "Python data sources")
    profile = not_provided_property("SparkSession.profile")

    emptyDataFrame = not_provided_property("SparkSession.emptyDataFrame",
                                           "use spark.createDataFrame([], schema)")

    class Builder:
        """Builder for :class:`SparkSession`."""

        def __init__(self) -> None:
            self._options: dict[str, str] = {}

        def config(
            self,
            key: str | None = None,
            value: Any = None,
            conf: Any = None,
            *,
            map: dict[str, Any] | None = None,
        ) -> SparkSession.Builder:
            """Set a config option: ``config(key, value)``, ``config(conf=SparkConf)`` or
            ``config(map={...})``. Values may be str, int, float or bool."""
            with SparkSession._lock:
                if conf is not None:
                    for k, v in conf.getAll():
                        self._options[k] = _to_str(v)
                elif map is not None:
                    for k, v in map.items():
                        self._options[k] = _to_str(v)
                elif key is not None:
                    self._options[key] = _to_str(value)
                else:
                    raise ValueError(
                        "config() needs key and value, conf=SparkConf(...) or map={...}"
                    )
                return self

        def master(self, master: str) -> SparkSession.Builder:
            """The master URL: local, local[4], local[*] or spark://host:7077."""
            return self.config("spark.master", master)

        def appName(self, name: str) -> SparkSession.Builder:
            """The application name shown in logs and the UI."""
            return self.config("spark.app.name", name)

        def enableHiveSupport(self) -> SparkSession.Builder:
            """Hive is not available; warn and carry on (the rest of the app still runs)."""
            _log().warning(
                "Hive support is not available in sparkcli; ignoring enableHiveSupport()"
            )
            return self

        def remote(self, url: str) -> SparkSession.Builder:
            raise NotImplementedError(
                "Spark Connect (builder.remote) is not available in sparkcli; use "
                ".master('local[*]') or .master('spark://HOST:PORT')"
            )

        def getOrCreate(self) -> SparkSession:
            """The existing session (with this builder's options applied) or a new one."""
            with SparkSession._lock:
                session = SparkSession._instantiatedSession
                if session is None or not _context_is_active(session._sc):

                    conf = SparkConf()
                    for k, v in self._options.items():
                        conf.set(k, v)
                    sc = SparkContext.getOrCreate(conf)
                    session = SparkSession(sc, options=self._options)
                else:
                    ignored = session.conf._apply(self._options)
                    if ignored:
                        _log().warning(
                            "Using an existing Spark session; only runtime SQL configurations "
                            "will take effect (ignored: %s). Stop the session first to change "
                            "them.",
                            ", ".join(sorted(ignored)),
                        )
                SparkSession._activeSession = session
                return session

    @_ClassProperty
    def builder(cls) -> SparkSession.Builder:
        """A new :class:`Builder` (``SparkSession.builder.appName(...).getOrCreate()``)."""
        return cls.Builder()

    def __init__(self, sparkContext: Any, jsparkSession: Any = None,
                 options: dict[str, Any] | None = None):
        self._sc = sparkContext
        self._sql_state = None
        self._conf = RuntimeConfig(
            sparkContext._config, {k: _to_str(v) for k, v in (options or {}).items()}
        )
        with SparkSession._lock:
            if SparkSession._instantiatedSession is None or not _context_is_active(
                SparkSession._instantiatedSession._sc
            ):
                SparkSession._instantiatedSession = self
            SparkSession._activeSession = self
        _monkey_patch_rdd(self)

    # -- PySpark API ---------------------------------------------------------------------
    @classmethod
    def getActiveSession(cls) -> SparkSession | None:
        """The active session of this thread/process, or None."""
        session = cls._activeSession
        if session is not None and not _context_is_active(session._sc):
            return None
        return session

    @classmethod
    def active(cls) -> SparkSession:
        """The active session, else the default one, else an error saying how to create one."""
        session = cls.getActiveSession()
        if session is None:
            default = cls._instantiatedSession
            if default is not None and _context_is_active(default._sc):
                return default

            raise PySparkRuntimeError(
                "[NO_ACTIVE_OR_DEFAULT_SESSION] No active or default Spark session found. "
                "Create one with SparkSession.builder.getOrCreate().",
                errorClass="NO_ACTIVE_OR_DEFAULT_SESSION",
            )
        return session

    @property
    def sparkContext(self) -> Any:
        """The underlying SparkContext."""
        return self._sc

    @property
    def conf(self) -> RuntimeConfig:
        """Runtime configuration: ``spark.conf.set/get/getAll/unset/isModifiable``."""
        return self._conf

    @property
    def version(self) -> str:
        """The Spark version whose API this session implements (PySpark's), e.g. ``4.3.0``."""
        return PYSPARK_API_VERSION

    def newSession(self) -> SparkSession:
        """A new session sharing the SparkContext, with its own runtime configuration and
        temporary views (global temporary views are shared)."""
        session = SparkSession.__new__(SparkSession)
        session._sc = self._sc
        session._conf = RuntimeConfig(self._sc._config)
        session._sql_state = None
        session._state().global_temp_views = self._state().global_temp_views
        return session

    # -- DataFrames: the heavy half, sparkcli/sql/session_engine.py (loaded on first use) --------
    def _state(self) -> Any:
        """The session's SQL state (temp views, conf reader), made on first use."""
        return _engine.state(self)

    def _dataframe(self, plan: Any) -> Any:
        """A DataFrame of this session over an analyzed logical plan."""
        return _engine.dataframe(self, plan)

    def createDataFrame(self, data: Any, schema: Any = None, samplingRatio: float | None = None,
                        verifySchema: bool = True) -> Any:
        """A DataFrame from local rows (tuples, lists, Rows, dicts), an RDD, a pandas
        DataFrame or a pyarrow Table; ``schema``: a StructType, a DDL string
        (``"name STRING, age INT"``) or a list of column names (types inferred).

        >>> spark.createDataFrame([("Alice", 1)], ["name", "age"]).dtypes
        [('name', 'string'), ('age', 'bigint')]
        """
        return _engine.create_dataframe(self, data, schema, samplingRatio)

    def range(self, start: int, end: int | None = None, step: int = 1,
              numPartitions: int | None = None) -> Any:
        """A DataFrame with one bigint column ``id``: start, start+step, ... below end."""
        return _engine.range_(self, start, end, step, numPartitions)

    @property
    def read(self) -> Any:
        """A DataFrameReader: ``spark.read.csv(path, header=True)``, ``.parquet``, ``.json``,
        ``.text``, ``.format(...).load(...)``."""
        return _engine.reader(self)

    @property
    def tvf(self) -> Any:
        """Table-valued functions as DataFrames: ``spark.tvf.explode(array(lit(1)))``."""
        return _engine.tvf(self)

    def table(self, tableName: str) -> Any:
        """The temporary view (or table) of that name as a DataFrame."""
        return _engine.table(self, tableName)

    def sql(self, sqlQuery: str, args: Any = None, **kwargs: Any) -> Any:
        """A DataFrame of a SQL query (or the result of a SQL statement).

        ``args``: a dict for named parameters (``:x``) or a list for positional ones (``?``);
        ``kwargs``: values formatted into ``{name}`` references, a DataFrame as a relation.

        >>> spark.sql("SELECT :x + 1 AS y", args={"x": 41}).collect()
        [Row(y=42)]
        """
        return _engine.sql(self, sqlQuery, args, kwargs)

    @property
    def readStream(self) -> Any:
        """A DataStreamReader: ``spark.readStream.format("socket").option(...).load()``."""
        return _engine.stream_reader(self)

    @property
    def streams(self) -> Any:
        """The StreamingQueryManager of this session (active queries, listeners)."""
        with SparkSession._lock:
            return _engine.streams(self)

    @property
    def udf(self) -> Any:
        """UDFRegistration: ``spark.udf.register(name, f, returnType)`` for SQL and expr()."""
        return _engine.udf_registration(self)

    @property
    def udtf(self) -> Any:
        """UDTFRegistration: ``spark.udtf.register(name, f)`` for SQL's FROM clause."""
        return _engine.udtf_registration(self)

    @property
    def catalog(self) -> Any:
        """The Catalog: temp views (listTables, tableExists, dropTempView, ...)."""
        return _engine.catalog(self)

    def stop(self) -> None:
        """Stop the underlying SparkContext and forget the default and active sessions."""
        manager = self.__dict__.get("_streams")
        if manager is not None:  # streaming queries stop first (their batches use the context)
            for query in manager.active:
                query.stop()
        with SparkSession._lock:
            self._sc.stop()
            SparkSession._instantiatedSession = None
            SparkSession._activeSession = None

    def __enter__(self) -> SparkSession:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<sparkcli.sql.session.SparkSession object at {id(self):#x}>"

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"'SparkSession' object has no attribute {name!r}")
