"""log4j-style logging on top of Python's :mod:`logging`.

Spark users configure logging with conf/log4j2.properties (or the older conf/log4j.properties),
``sc.setLogLevel`` and ``spark.log.level``, and read lines like::

    26/11/22 02:04:38 INFO SparkContext: Running Spark version 0.1.0

This module gives the same experience without touching the user's own Python logging:

* Engine loggers are plain Python loggers named by Spark's short names
  (``get_logger("DAGScheduler")`` is ``logging.getLogger("DAGScheduler")``, so engine code may
  use either). Each known engine logger gets its own level, ``propagate=False`` and one shared
  handler that writes Spark's pattern ``yy/MM/dd HH:mm:ss LEVEL Logger: message`` to the
  *current* ``sys.stderr`` (resolved at emit time, so redirection and tests work). The Python
  root logger is never touched, so the user's ``logging.basicConfig()`` keeps working.
  "Known" = the names in SPARK_CLASS_NAMES plus every name passed to :func:`get_logger`;
  a logger created with plain ``logging.getLogger`` under another name is not managed.
* Levels are log4j's: ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF. Level names are printed
  by our formatter; :func:`logging.addLevelName` is never called, so the user's logging output
  keeps Python's names.
* :func:`configure` reads conf_dir()/log4j2.properties, else conf_dir()/log4j.properties. Both
  syntaxes are understood in either file:
  log4j 1 ``log4j.rootCategory=WARN, console`` / ``log4j.rootLogger=...`` /
  ``log4j.logger.NAME=LEVEL``; log4j 2 ``rootLogger.level = warn`` / ``rootLogger = WARN, x`` /
  ``logger.K.name = NAME`` + ``logger.K.level = LEVEL``. Without a file the root level is INFO
  and Spark's hint line ``Using Spark's default log4j profile: ...`` is printed once.
  ``spark.log.level`` then overrides the root level.
* Configured logger names are Java class or package names. A configured name matches our short
  logger ``X`` when its last dotted component is ``X`` (``org.apache.spark.scheduler.DAGScheduler``
  and plain ``DAGScheduler`` both match ``DAGScheduler``), or when it is a package prefix of
  ``X``'s Spark class name (``org.apache.spark`` matches every logger;
  ``org.apache.spark.scheduler`` matches DAGScheduler, TaskSetManager, ...). The most specific
  match wins, as in log4j.

State (module globals): ``_root_level`` (the root level number), ``_logger_levels`` (configured
name -> level number), ``_hint_printed`` (the default-profile hint was printed in this process),
``_configured`` (configure/configure_executor has run), ``_known`` (managed logger names; a
reconfiguration re-applies levels to all of them).
"""

from __future__ import annotations

import logging
import os
import sys
import time

from runtime.config import ConfigError, conf_dir

TRACE = 5
ALL = 1
OFF = 100

LEVELS: dict[str, int] = {
    "ALL": ALL,
    "TRACE": TRACE,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
    "OFF": OFF,
}
_NAMES = {v: k for k, v in LEVELS.items()}
VALID_LEVELS = ",".join(sorted(LEVELS))  # Spark's message lists them sorted

DEFAULT_PROFILE_HINT = (
    "Using Spark's default log4j profile: org/apache/spark/log4j2-defaults.properties"
)

# Spark's fully qualified class names for our short logger names, so that package-level
# settings (log4j.logger.org.apache.spark.scheduler=DEBUG) reach the right loggers.
SPARK_CLASS_NAMES: dict[str, str] = {
    "SparkContext": "org.apache.spark.SparkContext",
    "SparkEnv": "org.apache.spark.SparkEnv",
    "SecurityManager": "org.apache.spark.SecurityManager",
    "SparkSubmit": "org.apache.spark.deploy.SparkSubmit",
    "SparkUI": "org.apache.spark.ui.SparkUI",
    "CoarseGrainedSchedulerBackend":
        "org.apache.spark.scheduler.cluster.CoarseGrainedSchedulerBackend",
    "StandaloneSchedulerBackend": "org.apache.spark.scheduler.cluster.StandaloneSchedulerBackend",
    "LocalSchedulerBackend": "org.apache.spark.scheduler.local.LocalSchedulerBackend",
    "MapOutputTracker": "org.apache.spark.MapOutputTracker",
    "MapOutputTrackerMaster": "org.apache.spark.MapOutputTrackerMaster",
    "ShuffleWriter": "org.apache.spark.shuffle.ShuffleWriter",
    "ShuffleReader": "org.apache.spark.shuffle.ShuffleReader",
    "PythonRunner": "org.apache.spark.api.python.PythonRunner",
    "PythonRDD": "org.apache.spark.api.python.PythonRDD",
    "TransportClientFactory": "org.apache.spark.network.client.TransportClientFactory",
    "NettyRpcEnv": "org.apache.spark.rpc.netty.NettyRpcEnv",
    "ContextCleaner": "org.apache.spark.ContextCleaner",
    "CheckpointWriter": "org.apache.spark.streaming.CheckpointWriter",
    "FileBasedWriteAheadLog": "org.apache.spark.streaming.util.FileBasedWriteAheadLog",
    "ReceivedBlockTracker": "org.apache.spark.streaming.scheduler.ReceivedBlockTracker",
    "DStreamGraph": "org.apache.spark.streaming.DStreamGraph",
    "SparkSession": "org.apache.spark.sql.SparkSession",
    "DAGScheduler": "org.apache.spark.scheduler.DAGScheduler",
    "TaskSchedulerImpl": "org.apache.spark.scheduler.TaskSchedulerImpl",
    "TaskSetManager": "org.apache.spark.scheduler.TaskSetManager",
    "Executor": "org.apache.spark.executor.Executor",
    "CoarseGrainedExecutorBackend": "org.apache.spark.executor.CoarseGrainedExecutorBackend",
    "ExternalSorter": "org.apache.spark.util.collection.ExternalSorter",
    "ExternalAppendOnlyMap": "org.apache.spark.util.collection.ExternalAppendOnlyMap",
    "ShuffleBlockFetcherIterator": "org.apache.spark.storage.ShuffleBlockFetcherIterator",
    "BlockManager": "org.apache.spark.storage.BlockManager",
    "MemoryStore": "org.apache.spark.storage.memory.MemoryStore",
    "Master": "org.apache.spark.deploy.master.Master",
    "Worker": "org.apache.spark.deploy.worker.Worker",
    "ExecutorRunner": "org.apache.spark.deploy.worker.ExecutorRunner",
    "StandaloneAppClient": "org.apache.spark.deploy.client.StandaloneAppClient",
    "Utils": "org.apache.spark.util.Utils",
    "StreamingContext": "org.apache.spark.streaming.StreamingContext",
    "JobGenerator": "org.apache.spark.streaming.scheduler.JobGenerator",
    "JobScheduler": "org.apache.spark.streaming.scheduler.JobScheduler",
    "ReceiverTracker": "org.apache.spark.streaming.scheduler.ReceiverTracker",
    "BlockGenerator": "org.apache.spark.streaming.receiver.BlockGenerator",
    "ReceiverSupervisorImpl": "org.apache.spark.streaming.receiver.ReceiverSupervisorImpl",
}

_root_level: int = logging.WARNING  # before configure(): quiet library use
_logger_levels: dict[str, int] = {}
_known: set[str] = set(SPARK_CLASS_NAMES)
_hint_printed = False
_configured = False


class SparkFormatter(logging.Formatter):
    """``yy/MM/dd HH:mm:ss LEVEL Logger: message``.

    log4j: ``%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n``."""

    def format(self, record: logging.LogRecord) -> str:
        when = time.strftime("%y/%m/%d %H:%M:%S", time.localtime(record.created))
        name = record.name.rsplit(".", 1)[-1]  # %c{1}
        level = _NAMES.get(record.levelno) or level_name(record.levelno)
        line = f"{when} {level} {name}: {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + record.exc_text
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class _StderrHandler(logging.StreamHandler):
    """A StreamHandler that always writes to the current ``sys.stderr``."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ assigns it
        pass


def level_name(levelno: int) -> str:
    """log4j name for a level number (rounding to the nearest lower named level)."""
    best = "ALL"
    for name, no in LEVELS.items():
        if no <= levelno and no >= LEVELS[best]:
            best = name
    return best


def parse_level(level: str) -> int:
    """'warn' -> logging.WARNING; raise ValueError listing valid levels (as PySpark does)."""
    key = str(level).strip().upper()
    if key == "WARNING":
        key = "WARN"
    if key not in LEVELS:
        raise ValueError(f"Supplied level {level} did not match one of: {VALID_LEVELS}")
    return LEVELS[key]


_handler = _StderrHandler()
_handler.setFormatter(SparkFormatter())


def _match_level(short: str) -> int | None:
    """The level configured for short logger name ``short`` (most specific match), if any."""
    full = SPARK_CLASS_NAMES.get(short, "org.apache.spark." + short)
    best: tuple[int, int] | None = None  # (specificity, level)
    for name, level in _logger_levels.items():
        if name == short or name == full or name.rsplit(".", 1)[-1] == short:
            spec = 10_000 + len(name)
        elif full.startswith(name + "."):
            spec = len(name)
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, level)
    return None if best is None else best[1]


_file_handlers: dict[str, logging.Handler] = {}  # path -> handler (driver.log, daemon logs)


def _apply(short: str) -> logging.Logger:
    logger = logging.getLogger(short)
    level = _match_level(short)
    logger.setLevel(_root_level if level is None else level)
    for h in (_handler, *_file_handlers.values()):
        if h not in logger.handlers:
            logger.addHandler(h)
    logger.propagate = False
    return logger


def add_file_handler(path: str) -> None:
    """Also write every managed logger's lines to ``path`` (appending), e.g. driver.log."""
    path = os.path.abspath(path)
    if path in _file_handlers:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(SparkFormatter())
    _file_handlers[path] = handler
    _apply_all()


def remove_file_handler(path: str) -> None:
    """Stop writing to ``path`` and close it (call when the application stops)."""
    handler = _file_handlers.pop(os.path.abspath(path), None)
    if handler is None:
        return
    for short in _known:
        logging.getLogger(short).removeHandler(handler)
    handler.close()


def _apply_all() -> None:
    for short in _known:
        _apply(short)


def get_logger(name: str) -> logging.Logger:
    """The engine logger printed as ``name`` (a Spark short name such as "DAGScheduler")."""
    _known.add(name)
    return _apply(name)


# --------------------------------------------------------------------------------------------
# properties files


def _read_properties(path: str) -> dict[str, str]:
    """Java-properties-ish reader: ``k=v``, ``k: v``, ``k v``; ``#``/``!`` comments; ``\\``
    continuation. Unparseable lines are ignored, as log4j does."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pending = ""
    for raw in text.splitlines():
        line = (pending + raw.strip()) if pending else raw.strip()
        pending = ""
        if not line or line[0] in "#!":
            continue
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        for i, ch in enumerate(line):
            if ch in "=:" or ch.isspace():
                key = line[:i].strip()
                rest = line[i:].lstrip()
                if rest[:1] in ("=", ":"):
                    rest = rest[1:]
                out[key] = rest.strip()
                break
    return out


def parse_log4j_properties(props: dict[str, str]) -> tuple[int | None, dict[str, int]]:
    """(root level or None, {logger name: level}) from log4j 1 or 2 properties.

    Unknown level names are ignored (log4j falls back to DEBUG with a warning; we keep the
    default instead, which is less surprising)."""

    def lvl(value: str) -> int | None:
        first = value.split(",")[0].strip().upper()
        if first == "WARNING":
            first = "WARN"
        return LEVELS.get(first)

    root: int | None = None
    loggers: dict[str, int] = {}
    v2_names: dict[str, str] = {}
    v2_levels: dict[str, int] = {}
    for key, value in props.items():
        if key in ("log4j.rootCategory", "log4j.rootLogger", "rootLogger.level", "rootLogger"):
            level = lvl(value)
            if level is not None and (root is None or key == "rootLogger.level"):
                root = level
        elif key.startswith(("log4j.logger.", "log4j.category.")):
            level = lvl(value)
            name = key.split(".", 2)[2]
            if level is not None and name:
                loggers[name] = level
        elif key.startswith("logger.") and key.count(".") >= 2:
            _, ident, attr = key.split(".", 2)
            if attr == "name":
                v2_names[ident] = value.strip()
            elif attr == "level":
                level = lvl(value)
                if level is not None:
                    v2_levels[ident] = level
    for ident, name in v2_names.items():
        if ident in v2_levels:
            loggers[name] = v2_levels[ident]
    return root, loggers


def find_properties_file(conf: str | None = None) -> str | None:
    """conf/log4j2.properties, else conf/log4j.properties, else None."""
    if conf is None:
        conf = conf_dir()
    for name in ("log4j2.properties", "log4j.properties"):
        path = os.path.join(conf, name)
        if os.path.isfile(path):
            return path
    return None


def configure(config=None) -> None:
    """Set up driver logging from conf/log4j*.properties and ``spark.log.level``.

    ``config`` is a :class:`runtime.config.Config` (or anything with ``get``) or None.
    Raises :class:`runtime.config.ConfigError` for an invalid ``spark.log.level``.
    """
    global _root_level, _logger_levels, _hint_printed, _configured
    path = find_properties_file()
    root_level: int | None = None
    loggers: dict[str, int] = {}
    if path is not None:
        try:
            root_level, loggers = parse_log4j_properties(_read_properties(path))
        except OSError:
            path = None
    if path is None and not _hint_printed:
        _hint_printed = True
        print(DEFAULT_PROFILE_HINT, file=sys.stderr)
    override = config.get("spark.log.level") if config is not None else None
    if override:
        try:
            root_level = parse_level(override)
        except ValueError as e:
            raise ConfigError(f"invalid spark.log.level: {e}") from None
    _root_level = logging.INFO if root_level is None else root_level
    _logger_levels = loggers
    _configured = True
    _apply_all()


def configure_executor(level: str | int = "INFO", loggers: dict[str, str] | None = None) -> None:
    """Executor processes: same line pattern on their stderr, root level from the driver.

    ``loggers`` optionally carries the driver's per-logger settings ({name: level name})."""
    global _root_level, _logger_levels, _configured
    _root_level = level if isinstance(level, int) else parse_level(level)
    _logger_levels = {k: parse_level(v) for k, v in (loggers or {}).items()}
    _configured = True
    _apply_all()


def set_level(level: str) -> None:
    """``sc.setLogLevel``: set the root level (per-logger settings from the file stay)."""
    global _root_level
    _root_level = parse_level(level)
    _apply_all()


def get_level() -> str:
    """The current root level name (what executors should be started with)."""
    return _NAMES.get(_root_level) or level_name(_root_level)


current_level = get_level  # the name SparkContext uses


def logger_levels() -> dict[str, str]:
    """Configured per-logger levels as names (to pass to :func:`configure_executor`)."""
    return {k: _NAMES.get(v) or level_name(v) for k, v in _logger_levels.items()}


def is_configured() -> bool:
    return _configured


def _reset_for_tests() -> None:
    global _root_level, _logger_levels, _hint_printed, _configured
    _root_level = logging.WARNING
    _logger_levels = {}
    _hint_printed = False
    _configured = False
    for path in list(_file_handlers):
        remove_file_handler(path)
    _apply_all()
