"""PySpark's exception classes and Spark's SQL error classes, with Spark's message text.

The API package's ``errors`` module (``pyspark.errors``) re-exports these classes: they are
defined in the engine (which never imports the API package) so it raises the very classes
users catch. PySpark's base classes (PySparkException, PySparkValueError, ...) live in
runtime/errors.py, where the RDD engine can raise them too; this module re-exports them.

Every exception keeps PySpark's constructor and accessors (``errorClass``/
``messageParameters``, ``getErrorClass()``, ``getCondition()``, ``getMessageParameters()``).
The helper functions at the bottom build the common errors with Spark's exact text, e.g.
``[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name
`agee` cannot be resolved. Did you mean one of the following? [`age`, `name`].``
"""

from __future__ import annotations

from typing import Any

from runtime.errors import (  # noqa: F401 - the base classes, re-exported (pyspark.errors)
    PySparkAssertionError, PySparkAttributeError, PySparkException, PySparkImportError,
    PySparkIndexError, PySparkKeyError, PySparkNotImplementedError, PySparkPicklingError,
    PySparkRuntimeError, PySparkTypeError, PySparkValueError)

__all__ = [
    "AnalysisException", "ArithmeticException", "ArrayIndexOutOfBoundsException",
    "DateTimeException", "IllegalArgumentException", "NumberFormatException", "ParseException",
    "PickleException", "PySparkAssertionError", "PySparkAttributeError", "PySparkException",
    "PySparkImportError", "PySparkIndexError", "PySparkKeyError", "PySparkNotImplementedError",
    "PySparkPicklingError", "PySparkRuntimeError", "PySparkTypeError", "PySparkValueError",
    "PythonException", "QueryExecutionException", "SessionNotSameException",
    "SparkNoSuchElementException", "SparkRuntimeException", "SparkUpgradeException",
    "StreamingPythonRunnerInitializationException", "StreamingQueryException",
    "TempTableAlreadyExistsException", "UnknownException", "UnsupportedOperationException",
]


class AnalysisException(PySparkException):
    """A query is invalid: unknown column or table, type mismatch, bad setting..."""


class ParseException(AnalysisException):
    """A SQL statement could not be parsed."""


class TempTableAlreadyExistsException(AnalysisException):
    """A temporary view of that name exists already."""


class SessionNotSameException(PySparkException):
    """Two objects of different sessions were combined."""


class QueryExecutionException(PySparkException):
    """A query failed while running (Spark's QueryExecutionException)."""


class SparkUpgradeException(PySparkException):
    """A result would differ from an older Spark version's (Spark's SparkUpgradeException)."""


class UnknownException(PySparkException):
    """An engine error of no more specific kind."""


class StreamingPythonRunnerInitializationException(PySparkException):
    """A Python worker for a streaming query failed to start."""


class PickleException(PySparkException):
    """A Python object could not be (un)pickled for the engine."""


class PythonException(PySparkException):
    """An exception raised by user Python code running in a worker (a Python UDF)."""


class IllegalArgumentException(PySparkException):
    """An argument is not valid."""


class UnsupportedOperationException(PySparkException):
    """The operation is not supported."""


class SparkNoSuchElementException(PySparkException):
    """A requested element (e.g. a config key) does not exist."""


class SparkRuntimeException(PySparkException):
    """A query failed while running (Spark's SparkRuntimeException)."""


class ArithmeticException(SparkRuntimeException):
    """ANSI arithmetic errors: [ARITHMETIC_OVERFLOW], [DIVIDE_BY_ZERO]."""


class NumberFormatException(IllegalArgumentException):
    """ANSI cast errors: [CAST_INVALID_INPUT]."""


class DateTimeException(SparkRuntimeException):
    """Invalid dates and timestamps under ANSI mode."""


class ArrayIndexOutOfBoundsException(SparkRuntimeException):
    """[INVALID_ARRAY_INDEX] under ANSI mode."""


class StreamingQueryException(PySparkException):
    """A streaming query stopped on an error; ``cause`` is the original exception."""

    def __init__(self, message: str | None = None, errorClass: str | None = None,
                 messageParameters: dict[str, str] | None = None, cause: object = None,
                 **_: object):
        super().__init__(message, errorClass, messageParameters)
        self.cause = cause


# -- Spark's messages ---------------------------------------------------------------------------
def quote_ident(name: str) -> str:
    """Spark's toSQLId for one name part: `a`, with backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def unresolved_column(name: str, candidates: list[str]) -> AnalysisException:
    """[UNRESOLVED_COLUMN.WITH_SUGGESTION] / .WITHOUT_SUGGESTION with Spark's text.

    Spark orders the suggestions by Levenshtein distance to the name (closest first) and
    shows at most five."""
    shown = ".".join(quote_ident(p) for p in _split_name(name))
    if not candidates:
        return AnalysisException(
            f"[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter "
            f"with name {shown} cannot be resolved. SQLSTATE: 42703",
            errorClass="UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
            messageParameters={"objectName": shown},
        )
    ordered = sorted(candidates, key=lambda c: (_levenshtein(c.lower(), name.lower()), ))[:5]
    proposal = ", ".join(ordered)
    return AnalysisException(
        f"[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with "
        f"name {shown} cannot be resolved. Did you mean one of the following? [{proposal}]. "
        "SQLSTATE: 42703",
        errorClass="UNRESOLVED_COLUMN.WITH_SUGGESTION",
        messageParameters={"objectName": shown, "proposal": proposal},
    )


def _split_name(name: str) -> list[str]:
    return [name] if "`" in name else name.split(".")


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def divide_by_zero() -> ArithmeticException:
    return ArithmeticException(
        '[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and '
        'return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass '
        "this error. SQLSTATE: 22012",
        errorClass="DIVIDE_BY_ZERO",
        messageParameters={"config": '"spark.sql.ansi.enabled"'},
    )


def remainder_by_zero() -> ArithmeticException:
    return ArithmeticException(
        '[REMAINDER_BY_ZERO] Remainder by zero. Use `try_mod` to tolerate divisor being 0 and '
        'return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass '
        "this error. SQLSTATE: 22012",
        errorClass="REMAINDER_BY_ZERO",
        messageParameters={"config": '"spark.sql.ansi.enabled"'})


def arithmetic_overflow(message: str, alternative: str) -> ArithmeticException:
    hint = f" Use '{alternative}' to tolerate overflow and return NULL instead." \
        if alternative else ""
    return ArithmeticException(
        f"[ARITHMETIC_OVERFLOW] {message}.{hint} If necessary set "
        '"spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22003',
        errorClass="ARITHMETIC_OVERFLOW",
        messageParameters={"message": message, "alternative": alternative,
                           "config": '"spark.sql.ansi.enabled"'},
    )


def cast_invalid_input(value: str, source: str, target: str,
                       quote: bool = True) -> PySparkException:
    """Spark's error for a malformed value: a DateTimeException for a date or timestamp
    target (SparkDateTimeException), a NumberFormatException otherwise. The value is shown as
    SQL shows it: a string quoted, a number (``NaN``) as it is."""
    cls = DateTimeException if target.startswith(("DATE", "TIMESTAMP")) else \
        NumberFormatException
    shown = f"'{value}'" if quote else value
    return cls(
        f"[CAST_INVALID_INPUT] The value {shown} of the type \"{source}\" cannot be cast to "
        f"\"{target}\" because it is malformed. Correct the value as per the syntax, or change "
        "its target type. Use `try_cast` to tolerate malformed input and return NULL instead. "
        "SQLSTATE: 22018",
        errorClass="CAST_INVALID_INPUT",
        messageParameters={"expression": shown, "sourceType": f'"{source}"',
                           "targetType": f'"{target}"'},
    )


def numeric_out_of_range(value: Any, precision: int, scale: int) -> ArithmeticException:
    """A decimal result or cast that does not fit its type (ANSI)."""
    return ArithmeticException(
        f"[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION]  {format(value, 'f')} cannot be "
        f"represented as Decimal({precision}, {scale}). If necessary set "
        '"spark.sql.ansi.enabled" to "false" to bypass this error, and return NULL '
        "instead. SQLSTATE: 22003",
        errorClass="NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
        messageParameters={"value": format(value, "f"), "precision": str(precision),
                           "scale": str(scale), "config": '"spark.sql.ansi.enabled"'})


def cast_overflow(value: str, source: str, target: str) -> ArithmeticException:
    return ArithmeticException(
        f"[CAST_OVERFLOW] The value {value} of the type \"{source}\" cannot be cast to "
        f"\"{target}\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL "
        "instead. SQLSTATE: 22003",  # Spark 4's text (ansiConfig is a parameter, not shown)
        errorClass="CAST_OVERFLOW",
        messageParameters={"value": value, "sourceType": f'"{source}"',
                           "targetType": f'"{target}"', "ansiConfig": '"spark.sql.ansi.enabled"'},
    )


def analysis_error(error_class: str, message: str, **params: str) -> AnalysisException:
    return AnalysisException(f"[{error_class}] {message}", errorClass=error_class,
                             messageParameters=params)
