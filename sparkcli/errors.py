"""Exception classes under PySpark's names (``pyspark.errors``).

The engine's own exceptions live in :mod:`runtime.errors` and the SQL engine's error classes
(AnalysisException, ArithmeticException, ...) in :mod:`runtime.sql.errors`; both are
re-exported here, so the engine raises the very classes user code catches. They keep
PySpark's constructor and accessors (``errorClass``/``messageParameters``,
``getErrorClass()``, ``getCondition()``,
``getMessageParameters()``), so user code that catches or inspects them runs unchanged.
"""

from __future__ import annotations

from runtime.errors import JobCancelled, ResultTooLarge, SparkException
from runtime.sql.errors import (
    AnalysisException, ArithmeticException, ArrayIndexOutOfBoundsException, DateTimeException,
    IllegalArgumentException, NumberFormatException, ParseException, PySparkException,
    PySparkNotImplementedError, PySparkRuntimeError, PySparkTypeError, PySparkValueError,
    PythonException,
    SparkNoSuchElementException, SparkRuntimeException, StreamingQueryException,
    UnsupportedOperationException)

__all__ = [
    "AnalysisException",
    "ArithmeticException",
    "ArrayIndexOutOfBoundsException",
    "DateTimeException",
    "NumberFormatException",
    "SparkRuntimeException",
    "IllegalArgumentException",
    "JobCancelled",
    "ParseException",
    "PySparkException",
    "PySparkNotImplementedError",
    "PySparkRuntimeError",
    "PySparkTypeError",
    "PySparkValueError",
    "PythonException",
    "ResultTooLarge",
    "SparkException",
    "SparkNoSuchElementException",
    "StreamingQueryException",
    "UnsupportedOperationException",
]
