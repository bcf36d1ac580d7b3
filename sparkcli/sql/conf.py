"""RuntimeConfig: ``spark.conf``, the session's view of configuration (PySpark's API).

A session-level dict of overrides (``_session``) sits on top of the SparkContext's
:class:`runtime.config.Config` (``_base``, shared by all sessions of the context). ``get``
looks at the overrides first, then the context's config (built-in defaults included).
``set``/``unset`` change only the overrides, and refuse core settings that are fixed once the
SparkContext runs (spark.master, spark.app.name, spark.driver.*, spark.executor.*, ...) with
PySpark's AnalysisException, because changing them later would silently do nothing.
"""

from __future__ import annotations

from typing import Any

from runtime.config import Config
from sparkcli.errors import AnalysisException, SparkNoSuchElementException

__all__ = ["RuntimeConfig", "is_modifiable"]

_NO_VALUE = object()

# Core settings read when the SparkContext starts; changing them afterwards has no effect.
_STATIC_KEYS = frozenset(
    {
        "spark.master",
        "spark.app.name",
        "spark.app.id",
        "spark.submit.deployMode",
        "spark.submit.pyFiles",
        "spark.files",
        "spark.jars",
        "spark.cores.max",
        "spark.default.parallelism",
        "spark.local.dir",
        "spark.log.level",
        "spark.authenticate",
        "spark.authenticate.secret",
        "spark.sql.warehouse.dir",
        "spark.sql.catalogImplementation",
    }
)
_STATIC_PREFIXES = (
    "spark.driver.",
    "spark.executor.",
    "spark.executorEnv.",
    "spark.task.",
    "spark.ui.",
    "spark.memory.",
    "spark.shuffle.",
    "spark.storage.",
    "spark.network.",
    "spark.rpc.",
    "spark.eventLog.",
    "spark.dynamicAllocation.",
    "spark.python.",
)


def _to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_modifiable(key: str) -> bool:
    """False for core settings fixed at SparkContext start; True for everything else."""
    return key not in _STATIC_KEYS and not key.startswith(_STATIC_PREFIXES)


def _cannot_modify(key: str) -> Exception:
    return AnalysisException(
        f'[CANNOT_MODIFY_CONFIG] Cannot modify the value of the Spark config: "{key}". '
        "Set it before the SparkContext starts instead: SparkSession.builder.config(...), "
        "sparkcli submit --conf, or conf/spark-defaults.conf.",
        errorClass="CANNOT_MODIFY_CONFIG",
        messageParameters={"key": key},
    )


class RuntimeConfig:
    """User-facing configuration API, accessible through ``SparkSession.conf``."""

    def __init__(self, base: Config, session: dict[str, str] | None = None):
        self._base = base
        self._session: dict[str, str] = dict(session or {})

    def set(self, key: str, value: Any) -> None:
        """Set a runtime property (booleans become 'true'/'false')."""
        if not is_modifiable(key):
            raise _cannot_modify(key)
        self._session[key] = _to_str(value)

    def get(self, key: str, default: Any = _NO_VALUE) -> str | None:
        """The value of ``key``; else ``default`` if given; else SparkNoSuchElementException."""
        if key in self._session:
            return self._session[key]
        value = self._base.get(key)
        if value is not None:
            return value
        if default is not _NO_VALUE:
            return None if default is None else _to_str(default)
        raise SparkNoSuchElementException(
            f'[SQL_CONF_NOT_FOUND] The SQL config "{key}" cannot be found. '
            "Please verify that the config exists, or pass a default: "
            "spark.conf.get(key, default).",
            errorClass="SQL_CONF_NOT_FOUND",
            messageParameters={"sqlConf": key},
        )

    @property
    def getAll(self) -> dict[str, str]:
        """All set properties as a dict (PySpark 4: a property, not a method)."""
        out = dict(self._base.items(include_defaults=False))
        out.setdefault("spark.master", self._base.get("spark.master") or "local[*]")
        out.update(self._session)
        return dict(sorted(out.items()))

    def unset(self, key: str) -> None:
        """Reset ``key`` to its value from the SparkContext configuration."""
        if not is_modifiable(key):
            raise _cannot_modify(key)
        self._session.pop(key, None)

    def isModifiable(self, key: str) -> bool:
        """Can ``key`` be changed on a running session?"""
        return is_modifiable(key)

    def _apply(self, options: dict[str, str]) -> list[str]:
        """Builder options on an existing session: set the modifiable ones, return the rest."""
        ignored = []
        for k, v in options.items():
            if is_modifiable(k):
                self._session[k] = _to_str(v)
            elif self.get(k, None) != _to_str(v):
                ignored.append(k)
        return ignored
