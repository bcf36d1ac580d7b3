"""Exceptions the engine raises (the API package's ``errors`` re-exports them).

Two families: Spark's driver-side failures (SparkException and its kinds) and PySpark's
base error classes (PySparkException with ``errorClass``/``messageParameters``, and the
PySparkValueError/TypeError/RuntimeError/NotImplementedError kinds). The base classes are
here, not in runtime/sql/errors.py (which re-exports them and adds Spark's SQL error
classes), because the RDD engine raises them too (the shuffle's PYTHON_HASH_SEED_NOT_SET)
and must not import the SQL engine.
"""

from __future__ import annotations


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

    def __reduce__(self):
        return (_rebuild, (type(self), self._message, self._errorClass, self._messageParameters))


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


def python_hash_seed_not_set() -> PySparkRuntimeError:
    """PySpark's error when string hashing is salted (portable_hash without PYTHONHASHSEED)."""
    return PySparkRuntimeError(
        "[PYTHON_HASH_SEED_NOT_SET] Randomness of hash of string should be disabled via "
        "PYTHONHASHSEED.", errorClass="PYTHON_HASH_SEED_NOT_SET", messageParameters={})
