"""Exception classes under PySpark's names (``pyspark.errors``).

The classes are the engine's own (:mod:`runtime.errors`, :mod:`runtime.sql.errors`), so the
engine raises the very classes user code catches; they keep PySpark's constructor and
accessors (``errorClass``/``messageParameters``, ``getCondition()``,
``getMessageParameters()``, ``getSqlState()``). Importing this package registers PySpark's
*presentation* of each (see :mod:`runtime.errors`): an error the engine raises shows as
``pyspark.errors.exceptions.captured.AnalysisException: [UNRESOLVED_COLUMN...] ...`` in a
traceback, as under PySpark, and ``except AnalysisException`` (from here,
``pyspark.sql.utils`` or ``pyspark.errors.exceptions.captured``) catches it.

>>> from sparkcli.errors import AnalysisException
>>> e = AnalysisException("[TABLE_OR_VIEW_NOT_FOUND] ... SQLSTATE: 42P01",
...                       errorClass="TABLE_OR_VIEW_NOT_FOUND")
>>> type(e).__module__, type(e).__name__, isinstance(e, AnalysisException)
('pyspark.errors.exceptions.captured', 'AnalysisException', True)
>>> e.getCondition(), e.getSqlState()
('TABLE_OR_VIEW_NOT_FOUND', '42P01')
"""

from __future__ import annotations

from runtime.errors import JobCancelled, ResultTooLarge, SparkException
from sparkcli.errors.exceptions import captured  # noqa: F401 - registers the presentations
from sparkcli.errors.exceptions.base import (
    AnalysisException, ArithmeticException, ArrayIndexOutOfBoundsException, DateTimeException,
    IllegalArgumentException, NumberFormatException, ParseException, PickleException,
    PySparkAssertionError, PySparkAttributeError, PySparkException, PySparkImportError,
    PySparkIndexError, PySparkKeyError, PySparkNotImplementedError, PySparkPicklingError,
    PySparkRuntimeError, PySparkTypeError, PySparkValueError, PythonException, QueryContext,
    QueryContextType, QueryExecutionException, SessionNotSameException,
    SparkNoSuchElementException, SparkRuntimeException, SparkUpgradeException,
    StreamingPythonRunnerInitializationException, StreamingQueryException,
    TempTableAlreadyExistsException, UnknownException, UnsupportedOperationException)

__all__ = [
    "AnalysisException",
    "ArithmeticException",
    "ArrayIndexOutOfBoundsException",
    "DateTimeException",
    "IllegalArgumentException",
    "JobCancelled",
    "NumberFormatException",
    "ParseException",
    "PickleException",
    "PySparkAssertionError",
    "PySparkAttributeError",
    "PySparkException",
    "PySparkImportError",
    "PySparkIndexError",
    "PySparkKeyError",
    "PySparkNotImplementedError",
    "PySparkPicklingError",
    "PySparkRuntimeError",
    "PySparkTypeError",
    "PySparkValueError",
    "PythonException",
    "QueryContext",
    "QueryContextType",
    "QueryExecutionException",
    "ResultTooLarge",
    "SessionNotSameException",
    "SparkException",
    "SparkNoSuchElementException",
    "SparkRuntimeException",
    "SparkUpgradeException",
    "StreamingPythonRunnerInitializationException",
    "StreamingQueryException",
    "TempTableAlreadyExistsException",
    "UnknownException",
    "UnsupportedOperationException",
]
