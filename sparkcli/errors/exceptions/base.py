"""``pyspark.errors.exceptions.base``: PySpark's exception classes.

Each name here is the engine's class (what ``pyspark.errors`` exports and ``except``
clauses name). An error PySpark raises on the Python side (an argument of the wrong type, a
missing package) is *presented* under this module's name: the engine builds a
``PySparkTypeError`` as an instance of a subclass whose ``__module__`` is
``pyspark.errors.exceptions.base``, so a traceback ends with
``pyspark.errors.exceptions.base.PySparkTypeError: [NOT_COLUMN_OR_STR] ...`` as PySpark's
does (see :func:`runtime.errors.present_as`). Errors PySpark receives from the JVM are
presented by :mod:`sparkcli.errors.exceptions.captured` instead.
"""

from __future__ import annotations

import enum

from runtime.errors import present_as
from runtime.sql.errors import (
    AnalysisException, ArithmeticException, ArrayIndexOutOfBoundsException, DateTimeException,
    IllegalArgumentException, NumberFormatException, ParseException, PickleException,
    PySparkAssertionError, PySparkAttributeError, PySparkException, PySparkImportError,
    PySparkIndexError, PySparkKeyError, PySparkNotImplementedError, PySparkPicklingError,
    PySparkRuntimeError, PySparkTypeError, PySparkValueError, PythonException,
    QueryExecutionException, SessionNotSameException, SparkNoSuchElementException,
    SparkRuntimeException, SparkUpgradeException, StreamingPythonRunnerInitializationException,
    StreamingQueryException, TempTableAlreadyExistsException, UnknownException,
    UnsupportedOperationException)

__all__ = [
    "AnalysisException", "ArithmeticException", "ArrayIndexOutOfBoundsException",
    "DateTimeException", "IllegalArgumentException", "NumberFormatException", "ParseException",
    "PickleException", "PySparkAssertionError", "PySparkAttributeError", "PySparkException",
    "PySparkImportError", "PySparkIndexError", "PySparkKeyError", "PySparkNotImplementedError",
    "PySparkPicklingError", "PySparkRuntimeError", "PySparkTypeError", "PySparkValueError",
    "PythonException", "QueryContext", "QueryContextType", "QueryExecutionException",
    "SessionNotSameException", "SparkNoSuchElementException", "SparkRuntimeException",
    "SparkUpgradeException", "StreamingPythonRunnerInitializationException",
    "StreamingQueryException", "TempTableAlreadyExistsException", "UnknownException",
    "UnsupportedOperationException",
]

_MODULE = "pyspark.errors.exceptions.base"


class QueryContextType(enum.Enum):
    """The kind of a :class:`QueryContext`."""

    SQL = 0
    DataFrame = 1


class QueryContext:
    """Where in a query an error arose (PySpark's QueryContext). This engine keeps none:
    ``getQueryContext()`` answers an empty list."""

    def contextType(self) -> QueryContextType:
        raise NotImplementedError


def _present(engine_class: type) -> type:
    """Register a subclass of ``engine_class`` named as PySpark's base class."""
    shown = type(engine_class.__name__, (engine_class,), {
        "__module__": _MODULE, "__qualname__": engine_class.__name__,
        "__doc__": engine_class.__doc__})
    present_as(engine_class, shown)
    return shown


# The errors PySpark raises in Python itself (the JVM's are presented by ``captured``).
PRESENTED = {cls: _present(cls) for cls in (
    PySparkException, PySparkValueError, PySparkTypeError, PySparkIndexError,
    PySparkAttributeError, PySparkRuntimeError, PySparkAssertionError,
    PySparkNotImplementedError, PySparkPicklingError, PySparkKeyError, PySparkImportError,
    PickleException, SessionNotSameException, TempTableAlreadyExistsException,
    StreamingPythonRunnerInitializationException)}
