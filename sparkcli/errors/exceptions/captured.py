"""``pyspark.errors.exceptions.captured``: the classes of errors raised by the engine.

Under PySpark an error from the JVM (an analysis error, an ANSI arithmetic error in a task,
a failed Python UDF) reaches the user as an instance of a class from this module,
``CapturedException`` plus the matching base class, and a traceback ends with
``pyspark.errors.exceptions.captured.AnalysisException: [UNRESOLVED_COLUMN...] ...``. Here
the engine is Python, so nothing needs converting: each class below is registered as the
*presentation* of the engine's class of the same name (:func:`runtime.errors.present_as`),
and the engine's ``AnalysisException(...)`` builds an instance of this module's
``AnalysisException``. Each subclasses the engine's class, so ``except`` clauses naming
either (``pyspark.errors.AnalysisException``, ``pyspark.sql.utils.AnalysisException`` or
this module's) catch it. ``__module__`` is PySpark's name for this module, which is what
the alias makes it under ``sparkcli submit``/``shell``.
"""

from __future__ import annotations

from runtime import errors as engine
from runtime.sql import errors as sql_errors

__all__ = [
    "AnalysisException", "ArithmeticException", "ArrayIndexOutOfBoundsException",
    "CapturedException", "DateTimeException", "IllegalArgumentException",
    "NumberFormatException", "ParseException", "PythonException", "QueryExecutionException",
    "SparkNoSuchElementException", "SparkRuntimeException", "SparkUpgradeException",
    "StreamingQueryException", "UnknownException", "UnsupportedOperationException",
]

_MODULE = "pyspark.errors.exceptions.captured"


class CapturedException(engine.PySparkException):
    """An error raised by the engine (under PySpark: captured from the JVM)."""

    __module__ = _MODULE


class AnalysisException(CapturedException, sql_errors.AnalysisException):
    """Failed to analyze a SQL query plan."""

    __module__ = _MODULE


class ParseException(AnalysisException, sql_errors.ParseException):
    """Failed to parse a SQL command."""

    __module__ = _MODULE


class IllegalArgumentException(CapturedException, sql_errors.IllegalArgumentException):
    """Passed an illegal or inappropriate argument."""

    __module__ = _MODULE


class StreamingQueryException(CapturedException, sql_errors.StreamingQueryException):
    """The exception that stopped a :class:`StreamingQuery`."""

    __module__ = _MODULE


class QueryExecutionException(CapturedException, sql_errors.QueryExecutionException):
    """Failed to execute a query."""

    __module__ = _MODULE


class PythonException(CapturedException, sql_errors.PythonException):
    """An exception thrown from Python workers (a UDF's error, with its traceback)."""

    __module__ = _MODULE


class ArithmeticException(CapturedException, sql_errors.ArithmeticException):
    """An arithmetic error: overflow, division by zero (ANSI mode)."""

    __module__ = _MODULE


class UnsupportedOperationException(CapturedException,
                                    sql_errors.UnsupportedOperationException):
    """The operation is not supported."""

    __module__ = _MODULE


class ArrayIndexOutOfBoundsException(CapturedException,
                                     sql_errors.ArrayIndexOutOfBoundsException):
    """An array index out of bounds (ANSI mode)."""

    __module__ = _MODULE


class DateTimeException(CapturedException, sql_errors.DateTimeException):
    """An invalid date or timestamp (ANSI mode)."""

    __module__ = _MODULE


class NumberFormatException(IllegalArgumentException, sql_errors.NumberFormatException):
    """A string could not be cast to a number (ANSI mode)."""

    __module__ = _MODULE


class SparkRuntimeException(CapturedException, sql_errors.SparkRuntimeException):
    """A query failed while running."""

    __module__ = _MODULE


class SparkUpgradeException(CapturedException, sql_errors.SparkUpgradeException):
    """A result would differ from an older Spark version's."""

    __module__ = _MODULE


class SparkNoSuchElementException(CapturedException, sql_errors.SparkNoSuchElementException):
    """A requested element (a config key, a map key) does not exist."""

    __module__ = _MODULE


class UnknownException(CapturedException, sql_errors.UnknownException):
    """An engine error of no more specific kind."""

    __module__ = _MODULE


for _shown in (AnalysisException, ParseException, IllegalArgumentException,
               StreamingQueryException, QueryExecutionException, PythonException,
               ArithmeticException, UnsupportedOperationException,
               ArrayIndexOutOfBoundsException, DateTimeException, NumberFormatException,
               SparkRuntimeException, SparkUpgradeException, SparkNoSuchElementException,
               UnknownException):
    engine.present_as(getattr(sql_errors, _shown.__name__), _shown)
del _shown
