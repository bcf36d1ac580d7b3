"""SparkConf: PySpark's configuration object, backed by :class:`runtime.config.Config`.

``SparkConf()`` (loadDefaults=True) starts from the launch layers that ``sparkcli submit`` set
(properties file + flags/--conf), as PySpark's SparkConf starts from the JVM system properties
that spark-submit set; ``SparkConf(loadDefaults=False)`` starts empty. Everything set through
this object goes to the Config's 'code' layer, so ``submit --verbose`` can say a value came
from code.

Like PySpark, ``get``/``contains``/``getAll``/``toDebugString`` only see properties that were
set or loaded, never sparkcli's built-in defaults (those live in the Config's 'default' layer
and are what SparkContext falls back to).

State: ``_config`` — the Config; SparkContext copies it when it starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from runtime.config import LAYERS, Config, launch_config

__all__ = ["SparkConf"]


def _to_str(value: object) -> str:
    """PySpark's builder rule: booleans become 'true'/'false', everything else str()."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class SparkConf:
    """Configuration for a Spark application, as key-value pairs (PySpark's API)."""

    def __init__(self, loadDefaults: bool = True, _jvm: object = None, _jconf: object = None):
        self._config: Config = launch_config() if loadDefaults else Config()
        self._jconf = None  # PySpark compatibility: there is no JVM

    @classmethod
    def _from_config(cls, config: Config) -> SparkConf:
        """A SparkConf over a copy of ``config`` (what ``sc.getConf()`` returns)."""
        conf = cls(loadDefaults=False)
        conf._config = config.copy()
        return conf

    # -- lookups ignore the built-in 'default' layer, as PySpark's SparkConf has none --------
    def _lookup(self, key: str) -> str | None:
        for layer in reversed(LAYERS):
            if layer != "default" and key in self._config.layers[layer]:
                return self._config.layers[layer][key]
        return None

    def set(self, key: str, value: object) -> SparkConf:
        """Set a configuration property (the value is stored as a string)."""
        self._config.set(key, _to_str(value), layer="code")
        return self

    def setIfMissing(self, key: str, value: object) -> SparkConf:
        """Set a configuration property, if not already set."""
        if self._lookup(key) is None:
            self.set(key, value)
        return self

    def setMaster(self, value: str) -> SparkConf:
        """Set the master URL to connect to (local, local[4], spark://host:7077)."""
        return self.set("spark.master", value)

    def setAppName(self, value: str) -> SparkConf:
        """Set the application name."""
        return self.set("spark.app.name", value)

    def setSparkHome(self, value: str) -> SparkConf:
        """Set the path where Spark is installed on worker nodes."""
        return self.set("spark.home", value)

    def setExecutorEnv(
        self,
        key: str | None = None,
        value: str | None = None,
        pairs: Iterable[tuple[str, str]] | None = None,
    ) -> SparkConf:
        """Set an environment variable to be passed to executors (key/value or pairs)."""
        if (key is None) == (pairs is None):
            raise ValueError("setExecutorEnv needs either key and value, or pairs (not both)")
        if key is not None:
            self.set("spark.executorEnv." + key, value)
        else:
            for k, v in pairs or ():
                self.set("spark.executorEnv." + k, v)
        return self

    def setAll(self, pairs: Iterable[tuple[str, object]]) -> SparkConf:
        """Set multiple parameters, passed as a list of key-value pairs."""
        for k, v in pairs:
            self.set(k, v)
        return self

    def get(self, key: str, defaultValue: str | None = None) -> str | None:
        """The configured value for ``key``, else ``defaultValue``."""
        value = self._lookup(key)
        return defaultValue if value is None else value

    def getAll(self) -> list[tuple[str, str]]:
        """All set or loaded values as a list of (key, value) pairs."""
        return self._config.items(include_defaults=False)

    def contains(self, key: str) -> bool:
        """Does this configuration contain ``key``?"""
        return self._lookup(key) is not None

    def toDebugString(self) -> str:
        """The configuration as ``key=value`` lines, sorted by key."""
        return "\n".join(f"{k}={v}" for k, v in self.getAll())

    def __repr__(self) -> str:
        return f"<sparkcli.conf.SparkConf with {len(self.getAll())} properties>"
