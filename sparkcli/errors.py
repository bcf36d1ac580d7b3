"""Exception classes under PySpark's names (``pyspark.errors``).

The engine's own exceptions live in :mod:`runtime.errors` and are re-exported here.
The PySpark error classes are simple placeholders that keep PySpark's constructor and
accessors (``errorClass``/``messageParameters``, ``getErrorClass()``, ``getCondition()``,
``getMessageParameters()``), so user code that catches or inspects them runs unchanged.
"""

from __future__ import annotations

from runtime.errors import JobCancelled, ResultTooLarge, SparkException

__all__ = [
    "AnalysisException",
    "IllegalArgumentException",
    "JobCancelled",
    "ParseException",
    "PySparkException",
    "PySparkNotImplementedError",
    "PySparkRuntimeError",
    "PySparkTypeError",
    "PySparkValueError",
    "ResultTooLarge",
    "SparkException",
    "SparkNoSuchElementException",
    "UnsupportedOperationException",
]


class PySparkException(Exception):
    """Base of PySpark's error classes: a message plus an optional error class."""

    def __init__(
        self,
        message: str | None = None,
        errorClass: str | None = None,
        messageParameters: dict[str, str] | None = None,
        **_: object,
    ):
        self._errorClass = errorClass
        self._messageParameters = dict(messageParameters or {})
        if message is None:
            params = ", ".join(f"{k}={v}" for k, v in self._messageParameters.items())
            message = f"[{errorClass}] {params}" if errorClass else params
        self._message = message
        super().__init__(message)

    def getErrorClass(self) -> str | None:
        return self._errorClass

    def getCondition(self) -> str | None:
        return self._errorClass

    def getMessageParameters(self) -> dict[str, str]:
        return dict(self._messageParameters)

    def getMessage(self) -> str:
        return self._message

    def getSqlState(self) -> str | None:
        return None

    def __str__(self) -> str:
        return self._message


class AnalysisException(PySparkException):
    """A query or setting is invalid (e.g. modifying a static config)."""


class ParseException(AnalysisException):
    """A SQL statement could not be parsed."""


class IllegalArgumentException(PySparkException):
    """An argument is not valid."""


class UnsupportedOperationException(PySparkException):
    """The operation is not supported."""


class SparkNoSuchElementException(PySparkException):
    """A requested element (e.g. a config key) does not exist."""


class PySparkValueError(PySparkException, ValueError):
    """A ValueError raised by PySpark API code."""


class PySparkTypeError(PySparkException, TypeError):
    """A TypeError raised by PySpark API code."""


class PySparkRuntimeError(PySparkException, RuntimeError):
    """A RuntimeError raised by PySpark API code."""


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    """A feature sparkcli (or PySpark) does not implement."""
