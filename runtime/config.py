"""Layered configuration with provenance.

Spark resolves a property from four layers, highest first:

    code        SparkConf / SparkSession.builder / SparkContext(master=..., appName=...)
    submit      the ``submit`` command's flags (--master, --executor-memory, ...) and --conf k=v
    file        --properties-file, else conf/spark-defaults.conf
    default     built-in defaults (DEFAULTS below)

:class:`Config` keeps one dict per layer, so every key can say which layer set it
(``source(key)``) and ``submit --verbose`` can print the winners with their sources.
Values are stored as strings, as Spark does; typed getters parse them and raise
:class:`ConfigError` (a ValueError) with a one-line message naming the key.

Where conf/, logs/ and work/ live: SPARKCLI_HOME (default: the current directory),
each overridable with SPARKCLI_CONF_DIR, SPARKCLI_LOG_DIR, SPARKCLI_WORKER_DIR.

The process-wide *launch layers* (file + submit) are set once by the ``submit`` / ``shell``
commands before user code runs (:func:`set_launch_layers`); a ``SparkConf()``
created in user code starts from them, as PySpark's SparkConf(loadDefaults=True) starts
from the JVM system properties that spark-submit set.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

LAYERS = ("default", "file", "submit", "code")

DEFAULTS: dict[str, str] = {
    "spark.master": "local[*]",
    "spark.submit.deployMode": "client",
    "spark.driver.cores": "1",
    "spark.driver.memory": "1g",
    "spark.driver.maxResultSize": "1g",
    "spark.executor.memory": "1g",
    "spark.executor.cores": "1",
    "spark.task.maxFailures": "4",
    "spark.ui.showConsoleProgress": "true",
    "spark.memory.fraction": "0.6",  # of spark.executor.memory: execution + storage pool
}


class ConfigError(ValueError):
    """A bad configuration value or file; the message is one line naming the problem."""


_MEM_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
              "g": 1 << 30, "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "p": 1 << 50, "pb": 1 << 50}
_MEM_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_memory(value: str | int, key: str = "memory", default_unit: str = "m") -> int:
    """'512m' -> bytes. A bare number means ``default_unit`` (Spark: MiB for memory settings)."""
    if isinstance(value, int):
        return value * _MEM_UNITS[default_unit]
    m = _MEM_RE.match(str(value))
    unit = m.group(2).lower() if m else None
    if not m or unit not in _MEM_UNITS:
        raise ConfigError(
            f"invalid memory size for {key}: {value!r} (use a number with a unit, e.g. 512m or 2g)"
        )
    return int(float(m.group(1)) * _MEM_UNITS[unit or default_unit])


_DUR_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_DUR_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_duration(value: str | float, key: str = "duration", default_unit: str = "s") -> float:
    """'60s', '500ms', '2min' -> seconds (float)."""
    if isinstance(value, (int, float)):
        return float(value) * _DUR_UNITS[default_unit]
    m = _DUR_RE.match(str(value))
    unit = m.group(2).lower() if m else None
    if not m or unit not in _DUR_UNITS and unit != "":
        raise ConfigError(f"invalid duration for {key}: {value!r} (use e.g. 500ms, 60s or 2min)")
    return float(m.group(1)) * _DUR_UNITS[unit or default_unit]


def parse_bool(value: str | bool, key: str = "flag") -> bool:
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("true", "1", "yes", "on"):
        return True
    if v in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"invalid boolean for {key}: {value!r} (use true or false)")


#: properties whose values have a type the engine parses: checked before an application starts
TYPED_KEYS: dict[str, str] = {
    **dict.fromkeys((
        "spark.driver.memory", "spark.executor.memory", "spark.driver.maxResultSize",
        "spark.executor.memoryOverhead", "spark.driver.memoryOverhead",
        "spark.sql.autoBroadcastJoinThreshold", "spark.sql.files.maxPartitionBytes",
        "spark.sql.adaptive.advisoryPartitionSizeInBytes", "spark.eventLog.rolling.maxFileSize",
        "spark.shuffle.file.buffer", "spark.reducer.maxSizeInFlight"), "memory"),
    **dict.fromkeys((
        "spark.locality.wait", "spark.network.timeout", "spark.starvation.timeout",
        "spark.streaming.blockInterval", "spark.streaming.fileStream.minRememberDuration",
        "spark.streaming.gracefulStopTimeout", "spark.ui.consoleProgress.update.interval",
        "spark.worker.cleanup.appDataTtl", "spark.worker.cleanup.interval",
        "spark.worker.timeout", "spark.executor.heartbeatInterval",
        "spark.history.fs.update.interval"), "duration"),
    **dict.fromkeys((
        "spark.cores.max", "spark.default.parallelism", "spark.deploy.defaultCores",
        "spark.deploy.maxExecutorRetries", "spark.deploy.retainedApplications",
        "spark.deploy.retainedDrivers", "spark.driver.cores", "spark.executor.cores",
        "spark.executor.instances", "spark.rpc.message.maxSize", "spark.task.maxFailures",
        "spark.sql.shuffle.partitions", "spark.ui.port", "spark.port.maxRetries",
        "spark.ui.retainedJobs", "spark.ui.retainedStages", "spark.ui.retainedTasks",
        "spark.history.ui.port", "spark.stage.maxConsecutiveAttempts"), "int"),
    **dict.fromkeys(("spark.memory.fraction", "spark.memory.storageFraction"), "float"),
    **dict.fromkeys((
        "spark.deploy.spreadOut", "spark.shuffle.readHostLocalDisk", "spark.submit.verbose",
        "spark.ui.showConsoleProgress", "spark.worker.cleanup.enabled", "spark.ui.enabled",
        "spark.eventLog.enabled", "spark.eventLog.compress", "spark.authenticate",
        "spark.sql.ansi.enabled", "spark.sql.adaptive.enabled", "spark.sql.caseSensitive",
        "spark.streaming.receiver.writeAheadLog.enable", "spark.streaming.backpressure.enabled",
        "spark.speculation", "spark.shuffle.compress", "spark.shuffle.spill.compress"), "bool"),
}


def _parse_int(value: str, key: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"invalid integer for {key}: {value!r}") from None


def _parse_float(value: str, key: str) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        raise ConfigError(f"invalid number for {key}: {value!r}") from None


_PARSERS = {"memory": parse_memory, "duration": parse_duration, "int": _parse_int,
            "float": _parse_float, "bool": parse_bool}


def check_typed_values(values: dict[str, str], label: Callable[[str], str] = str) -> None:
    """Raise ConfigError (one line naming the property and the value) for the first value of
    a :data:`TYPED_KEYS` property that does not parse; ``label(key)`` names it (a flag)."""
    for key, value in values.items():
        kind = TYPED_KEYS.get(key)
        if kind is not None:
            _PARSERS[kind](value, label(key))


def load_properties_file(path: str) -> dict[str, str]:
    """Read a Spark properties file (spark-defaults.conf format).

    ``key value`` or ``key=value`` / ``key:value`` per line; ``#`` and ``!`` start comments.
    A line with a key but no value is a :class:`ConfigError` naming file and line.
    """
    out: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ConfigError(f"cannot read properties file {path}: {e.strerror}") from None
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        m = re.match(r"^([^\s=:]+)\s*(?:[=:]\s*|\s+)(.*)$", line)
        if not m or not m.group(2).strip():
            raise ConfigError(
                f"{path}:{n}: malformed line {raw.strip()!r} (expected 'key value', e.g. "
                f"'spark.executor.memory 2g')"
            )
        out[m.group(1)] = m.group(2).strip()
    return out


def home_dir() -> str:
    return os.path.abspath(os.environ.get("SPARKCLI_HOME") or os.getcwd())


def conf_dir() -> str:
    return os.path.abspath(os.environ.get("SPARKCLI_CONF_DIR") or os.path.join(home_dir(), "conf"))


def log_dir() -> str:
    return os.path.abspath(os.environ.get("SPARKCLI_LOG_DIR") or os.path.join(home_dir(), "logs"))


def work_dir() -> str:
    default = os.path.join(home_dir(), "work")
    return os.path.abspath(os.environ.get("SPARKCLI_WORKER_DIR") or default)


class Config:
    """String-valued properties in layers; the highest layer that has a key wins."""

    def __init__(self, layers: dict[str, dict[str, str]] | None = None):
        self.layers: dict[str, dict[str, str]] = {name: {} for name in LAYERS}
        self.layers["default"].update(DEFAULTS)
        for name, values in (layers or {}).items():
            self.layers[name].update({k: str(v) for k, v in values.items()})

    def copy(self) -> Config:
        return Config({name: dict(vals) for name, vals in self.layers.items()})

    def set(self, key: str, value, layer: str = "code") -> None:
        self.layers[layer][key] = str(value)

    def unset(self, key: str, layer: str | None = None) -> None:
        for name in [layer] if layer else LAYERS:
            self.layers[name].pop(key, None)

    def _find(self, key: str) -> tuple[str, str] | None:
        for name in reversed(LAYERS):
            if key in self.layers[name]:
                return name, self.layers[name][key]
        return None

    def contains(self, key: str) -> bool:
        return self._find(key) is not None

    def get(self, key: str, default: str | None = None) -> str | None:
        hit = self._find(key)
        return hit[1] if hit else default

    def source(self, key: str) -> str | None:
        hit = self._find(key)
        return hit[0] if hit else None

    def items(self, include_defaults: bool = True) -> list[tuple[str, str]]:
        keys: set[str] = set()
        for name in LAYERS:
            if include_defaults or name != "default":
                keys.update(self.layers[name])
        return sorted((k, self.get(k)) for k in keys)  # type: ignore[misc]

    def items_with_source(self) -> list[tuple[str, str, str]]:
        return [(k, v, self.source(k) or "") for k, v in self.items()]

    # typed getters -------------------------------------------------------------------------
    def get_int(self, key: str, default: int | None = None) -> int | None:
        v = self.get(key)
        if v is None:
            return default
        try:
            return int(str(v).strip())
        except ValueError:
            raise ConfigError(f"invalid integer for {key}: {v!r}") from None

    def get_float(self, key: str, default: float | None = None) -> float | None:
        v = self.get(key)
        if v is None:
            return default
        try:
            return float(str(v).strip())
        except ValueError:
            raise ConfigError(f"invalid number for {key}: {v!r}") from None

    def get_bool(self, key: str, default: bool = False) -> bool:
        v = self.get(key)
        return default if v is None else parse_bool(v, key)

    def get_memory(self, key: str, default: str | None = None) -> int | None:
        v = self.get(key, default)
        return None if v is None else parse_memory(v, key)

    def get_duration(self, key: str, default: str | None = None) -> float | None:
        v = self.get(key, default)
        return None if v is None else parse_duration(v, key)


_launch_layers: dict[str, dict[str, str]] = {}
_launch_file_path: list[str | None] = [None]  # the properties file behind the 'file' layer


def set_launch_layers(
    file: dict[str, str] | None = None,
    submit: dict[str, str] | None = None,
    file_path: str | None = None,
):
    """Called by the ``submit``/``shell`` commands before user code runs.

    ``file_path`` names the properties file the 'file' layer came from (for provenance)."""
    _launch_layers.clear()
    _launch_layers["file"] = dict(file or {})
    _launch_layers["submit"] = dict(submit or {})
    _launch_file_path[0] = file_path


def launch_config() -> Config:
    """A fresh Config holding defaults + the launch layers.

    Without the ``submit`` command (a plain ``python app.py``), the file layer is
    conf/spark-defaults.conf when it exists, as pyspark does through spark-submit.
    """
    if not _launch_layers:
        path = os.path.join(conf_dir(), "spark-defaults.conf")
        if os.path.exists(path):
            set_launch_layers(file=load_properties_file(path), file_path=path)
        else:
            set_launch_layers()
    return Config({k: v for k, v in _launch_layers.items()})


def set_launch_property(key: str, value: str) -> None:
    """A ``spark.*`` property every later ``SparkConf()`` starts with, as a JVM system property
    set with ``SparkContext.setSystemProperty`` is in Spark (the layer --conf values are in)."""
    launch_config()
    _launch_layers["submit"][key] = value


def iter_pairs(pairs: Iterable[tuple[str, object]]) -> dict[str, str]:
    return {str(k): str(v) for k, v in pairs}


# provenance rendering -------------------------------------------------------------------------

_REDACT_RE = re.compile(r"(?i)secret|password|token|access[.]?key")
REDACTED = "*********(redacted)"


def source_label(layer: str, file_path: str | None = None) -> str:
    """Human name of a layer: 'from code (SparkConf/builder)', 'from --conf/flags',
    'from /path/spark-defaults.conf', 'default'."""
    if layer == "code":
        return "from code (SparkConf/builder)"
    if layer == "submit":
        return "from --conf/flags"
    if layer == "file":
        path = file_path if file_path is not None else _launch_file_path[0]
        return f"from {path}" if path else "from properties file"
    return "default"


def redact(key: str, value: str) -> str:
    """Spark's spark.redaction.regex default: hide secrets in printed config."""
    return REDACTED if _REDACT_RE.search(key) else value


def format_properties(
    config: Config, file_path: str | None = None, show_overridden: bool = True
) -> str:
    """Every resolved property as ``  key = value  (source)`` lines, sorted by key.

    With ``show_overridden``, values hidden by a higher layer follow their winner as
    ``      overrides: value  (source)`` lines, so ``submit --verbose`` shows where each
    candidate came from. Secret-looking keys are redacted as Spark does."""
    lines: list[str] = []
    for key, value, layer in config.items_with_source():
        lines.append(f"  {key} = {redact(key, value)}  ({source_label(layer, file_path)})")
        if not show_overridden:
            continue
        below = LAYERS[: LAYERS.index(layer)] if layer in LAYERS else ()
        for lower in reversed(below):
            if key in config.layers[lower]:
                hidden = redact(key, config.layers[lower][key])
                lines.append(f"      overrides: {hidden}  ({source_label(lower, file_path)})")
    return "\n".join(lines)
