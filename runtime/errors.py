"""Exceptions the engine raises (the API package's ``errors`` re-exports them).

Two families: Spark's driver-side failures (SparkException and its kinds) and PySpark's
base error classes (PySparkException with ``errorClass``/``messageParameters``, and the
PySparkValueError/TypeError/RuntimeError/NotImplementedError/... kinds). The base classes are
here, not in runtime/sql/errors.py (which re-exports them and adds Spark's SQL error
classes), because the RDD engine raises them too (the shuffle's PYTHON_HASH_SEED_NOT_SET)
and must not import the SQL engine.

**Presentation.** PySpark users see these errors under PySpark's class names: an analysis
error prints as ``pyspark.errors.exceptions.captured.AnalysisException: [...]`` (PySpark's
class for an error that came from the engine), a Python-side argument error as
``pyspark.errors.exceptions.base.PySparkTypeError``. The engine cannot name those classes
(it never imports the API package), so the API package registers them here with
:func:`present_as`: a *presentation* class is a subclass of an engine class, and
``PySparkException.__new__`` builds every instance of the engine class as an instance of its
presentation instead. So whoever raises ``AnalysisException(...)`` (the analyzer, a kernel in
an executor) raises PySpark's class, ``except`` clauses written against either class catch
it, and no call site changes. Pickles name the engine class (``__reduce__``), so a process
that registered nothing (an executor, a test of the engine alone) can still read them, and
the reading process presents them its own way. ``_PRESENTED`` maps engine class ->
presentation class, ``_ENGINE`` the reverse; both are filled once, at the API's import.
"""

from __future__ import annotations

import pickle
import re


class SparkException(Exception):
    """A job failed for a reason that is not the user's own exception (lost executors, ...)."""


class JobCancelled(SparkException):
    """The job was cancelled (cancelAllJobs / cancelJobGroup / cancelJobsWithTag / stop).

    The message is Spark's: ``[SPARK_JOB_CANCELLED] Job 3 cancelled part of cancelled job
    group g1 SQLSTATE: XXKDA`` (see :func:`job_cancelled`)."""


def job_cancelled(job_id: int, reason: str) -> JobCancelled:
    """Spark's SPARK_JOB_CANCELLED error for job ``job_id`` (``reason`` as Spark words it:
    ``part of cancelled job group G``, ``part of cancelled job tags T``, ``as part of
    cancellation of all jobs``)."""
    return JobCancelled(f"[SPARK_JOB_CANCELLED] Job {job_id} cancelled {reason} "
                        "SQLSTATE: XXKDA")


class ResultTooLarge(SparkException):
    """Results sent to the driver passed spark.driver.maxResultSize."""


class TaskKilledException(BaseException):
    """Raised inside a task the driver killed (Spark's TaskKilledException). A
    BaseException, so a task's ``except Exception`` does not swallow it."""

    def __init__(self, reason: str = "killed") -> None:
        super().__init__(reason)
        self.reason = reason


# -- PySpark's base error classes (pyspark.errors) ----------------------------------------
_PRESENTED: dict[type, type] = {}
_ENGINE: dict[type, type] = {}
_SQLSTATE = re.compile(r"SQLSTATE: ([0-9A-Z]{5})")


def present_as(engine_class: type, shown: type) -> None:
    """Build every instance of ``engine_class`` (exactly that class, not its subclasses) as
    an instance of ``shown``, a subclass of it carrying PySpark's name (see the module
    docstring)."""
    if not issubclass(shown, engine_class):
        raise TypeError(f"{shown.__qualname__} must subclass {engine_class.__qualname__}")
    _PRESENTED[engine_class] = shown
    _ENGINE[shown] = engine_class


class PySparkException(Exception):
    """Base of PySpark's error classes: a message plus an optional error class."""

    def __new__(cls, *args: object, **kwargs: object):
        return super().__new__(_PRESENTED.get(cls, cls), *args)

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
        """The SQLSTATE Spark's message ends with (``... SQLSTATE: 42703``), else None."""
        found = _SQLSTATE.search(self._message or "")
        return found.group(1) if found else None

    def getQueryContext(self) -> list:
        """Where in the query the error arose; this engine keeps no query context."""
        return []

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):
        cls = _ENGINE.get(type(self), type(self))  # the engine's class: any process reads it
        return (_rebuild, (cls, self._message, self._errorClass, self._messageParameters))


def _rebuild(cls, message, error_class, params):
    return cls(message, errorClass=error_class, messageParameters=params)


class PySparkValueError(PySparkException, ValueError):
    """A ValueError raised by PySpark API code."""


class PySparkTypeError(PySparkException, TypeError):
    """A TypeError raised by PySpark API code."""


class PySparkRuntimeError(PySparkException, RuntimeError):
    """A RuntimeError raised by PySpark API code."""


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    """A feature this engine (or PySpark) does not implement."""


class PySparkImportError(PySparkException, ImportError):
    """A package a feature needs is not installed ([PACKAGE_NOT_INSTALLED])."""


class PySparkIndexError(PySparkException, IndexError):
    """An IndexError raised by PySpark API code."""


class PySparkAttributeError(PySparkException, AttributeError):
    """An AttributeError raised by PySpark API code."""


class PySparkKeyError(PySparkException, KeyError):
    """A KeyError raised by PySpark API code."""


class PySparkAssertionError(PySparkException, AssertionError):
    """An AssertionError raised by PySpark's testing utilities."""


class PySparkPicklingError(PySparkException, pickle.PicklingError):
    """An object could not be pickled."""


def python_hash_seed_not_set() -> PySparkRuntimeError:
    """PySpark's error when string hashing is salted (portable_hash without PYTHONHASHSEED)."""
    return PySparkRuntimeError(
        "[PYTHON_HASH_SEED_NOT_SET] Randomness of hash of string should be disabled via "
        "PYTHONHASHSEED.", errorClass="PYTHON_HASH_SEED_NOT_SET", messageParameters={})
