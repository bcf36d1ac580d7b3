"""``pyspark.sql.udtf``: Python user-defined table functions.

``udtf(cls, returnType=...)`` (or ``@udtf(returnType="a: int, b: int")``) wraps a class
whose ``eval(self, *args)`` yields output rows, and whose optional ``terminate(self)`` yields
more once a partition's input is exhausted, as a ``UserDefinedTableFunction``. Calling it
on columns (``MyUDTF(lit(1), lit(2))``) gives a DataFrame; ``spark.udtf.register(name, f)``
makes it callable in SQL: ``SELECT * FROM name(1, 2)``, ``FROM t, LATERAL name(t.a)``,
``FROM name(TABLE(t))`` (each row of t reaches ``eval`` as a Row). The executors run it
(runtime/sql/execution/python_udtf.py).

>>> from pyspark.sql.functions import udtf
>>> @udtf(returnType="num: int, squared: int")
... class SquareNumbers:
...     def eval(self, start: int, end: int):
...         for num in range(start, end + 1):
...             yield (num, num * num)
>>> SquareNumbers.returnType.simpleString()
'struct<num:int,squared:int>'
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from runtime.sql import types as T
from runtime.sql.ddl import parse_schema
from runtime.sql.errors import PySparkAttributeError, PySparkTypeError
from runtime.sql.execution.python_udtf import (
    SQL_ARROW_TABLE_UDF, SQL_TABLE_UDF, udtf_spec)
from runtime.sql.expressions.base import AttributeReference, Expression
from runtime.sql.plan import logical as L
from sparkcli.context import SparkContext
from sparkcli.sql.column import to_expr
from sparkcli.sql.session import SparkSession
from sparkcli.sql.udtf_registration import UDTFRegistration

__all__ = ["AnalyzeArgument", "AnalyzeResult", "OrderingColumn", "PartitioningColumn",
           "SelectedColumn", "SkipRestOfInputTableException", "UDTFRegistration",
           "UserDefinedTableFunction", "udtf"]


# -- the names PySpark exports for UDTFs with an ``analyze`` method ------------------------------
@dataclass(frozen=True)
class AnalyzeArgument:
    """An argument of a UDTF call, as ``analyze`` receives it."""
    dataType: T.DataType
    value: Any
    isTable: bool
    isConstantExpression: bool


@dataclass(frozen=True)
class PartitioningColumn:
    name: str


@dataclass(frozen=True)
class OrderingColumn:
    name: str
    ascending: bool = True
    overrideNullsFirst: bool | None = None


@dataclass(frozen=True)
class SelectedColumn:
    name: str
    alias: str = ""


@dataclass(frozen=True)
class AnalyzeResult:
    """What a UDTF's ``analyze`` returns: the output schema and how to partition input."""
    schema: T.StructType
    withSinglePartition: bool = False
    partitionBy: Any = field(default_factory=tuple)
    orderBy: Any = field(default_factory=tuple)
    select: Any = field(default_factory=tuple)


class SkipRestOfInputTableException(Exception):
    """Raised by ``eval`` to skip the rest of the current partition of the input table."""


# -- udtf ----------------------------------------------------------------------------------------
def _arrow_enabled() -> bool:
    sc = SparkContext._active_spark_context
    value = sc.getConf().get("spark.sql.execution.pythonUDTF.arrow.enabled", "true") \
        if sc is not None else "true"
    return str(value).lower() == "true"


def _validate(cls: Any, returnType: Any) -> None:
    if not isinstance(cls, type):
        raise PySparkTypeError(
            "[INVALID_UDTF_HANDLER_TYPE] The UDTF is invalid. The function handler must be a "
            f"class, but got '{type(cls).__name__}'. Please provide a class as the function "
            "handler.", errorClass="INVALID_UDTF_HANDLER_TYPE")
    name = cls.__name__
    if not hasattr(cls, "eval"):
        raise PySparkAttributeError(
            f"[INVALID_UDTF_NO_EVAL] The UDTF '{name}' is invalid. It does not implement the "
            f"required 'eval' method. Please implement the 'eval' method in '{name}' and try "
            "again.", errorClass="INVALID_UDTF_NO_EVAL")
    if returnType is None:
        raise PySparkAttributeError(
            f"[INVALID_UDTF_RETURN_TYPE] The UDTF '{name}' is invalid. It does not specify its "
            "return type or implement the required 'analyze' static method. Please specify "
            f"the return type or implement the 'analyze' static method in '{name}' and try "
            "again.", errorClass="INVALID_UDTF_RETURN_TYPE")


class UserDefinedTableFunction:
    """A Python UDTF (see the module docstring); calling it gives a DataFrame."""

    def __init__(self, func: type, returnType: Any, name: str | None = None,
                 evalType: int = SQL_TABLE_UDF, deterministic: bool = False):
        _validate(func, returnType)
        self.func = func
        self._returnType = returnType
        self._name = name or func.__name__
        self.evalType = evalType
        self.deterministic = deterministic

    @property
    def returnType(self) -> T.StructType:
        t = self._returnType
        if isinstance(t, str):
            t = parse_schema(t)
        if not isinstance(t, T.StructType):
            raise PySparkTypeError(
                f"[UDTF_RETURN_TYPE_MISMATCH] Mismatch in return type for the UDTF "
                f"'{self._name}'. Expected a 'StructType', but got '{t.simpleString()}'. Please "
                "ensure the return type is a correctly formatted StructType.",
                errorClass="UDTF_RETURN_TYPE_MISMATCH")
        return t

    def _spec(self, name: str | None = None) -> Any:
        return udtf_spec(self.func, self.returnType, name or self._name, self.deterministic)

    _is_udtf = True  # what spark.udtf.register accepts (udtf_registration.py)

    def _renamed(self, name: str) -> UserDefinedTableFunction:
        return UserDefinedTableFunction(self.func, self._returnType, name, self.evalType,
                                        self.deterministic)

    def asDeterministic(self) -> UserDefinedTableFunction:
        """This UDTF marked deterministic."""
        self.deterministic = True
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        session = SparkSession.active()
        spec = self._spec()
        exprs = [to_expr(a) for a in args] + _keywords(self.func, len(args), kwargs)
        one = L.Range(0, 1, 1, 1, AttributeReference("id", T.LongType(), False))
        state = session._state()
        resolved = state.analyze(L.Project(tuple(exprs), (one,))).exprs if exprs else ()
        call = spec.bind([_unalias(e) for e in resolved], None)
        attrs = tuple(AttributeReference(f.name, f.dataType, True)
                      for f in call.dtype.fields)
        return session._dataframe(state.analyze(L.Generate(call, False, attrs, (one,), ())))


def _unalias(e: Expression) -> Expression:
    return e.children[0] if type(e).__name__ == "Alias" else e


def _keywords(cls: type, n_positional: int, kwargs: dict) -> list:
    """Keyword arguments of a call placed at their positions in ``eval``'s signature."""
    if not kwargs:
        return []
    params = list(inspect.signature(cls.eval).parameters)[1 + n_positional:]
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        raise PySparkTypeError(
            f"[UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE] Failed to evaluate the "
            f"user-defined table function '{cls.__name__}' because the function arguments did "
            f"not match the expected signature of the 'eval' method (got an unexpected keyword "
            f"argument '{unknown[0]}').", errorClass="UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_"
            "SIGNATURE")
    return [to_expr(kwargs[p]) for p in params if p in kwargs]


def udtf(cls: type | None = None, *, returnType: Any = None, useArrow: bool | None = None
         ) -> Any:
    """A Python UDTF: ``udtf(MyClass, returnType="a: int")`` or ``@udtf(returnType=...)``.
    ``returnType`` is a StructType or a DDL string; ``useArrow`` as in PySpark (unset, it is
    spark.sql.execution.pythonUDTF.arrow.enabled, true by default as in PySpark 4.3)."""
    def make(c: type) -> UserDefinedTableFunction:
        arrow = _arrow_enabled() if useArrow is None else useArrow
        return UserDefinedTableFunction(c, returnType, evalType=SQL_ARROW_TABLE_UDF if arrow
                                        else SQL_TABLE_UDF)
    if cls is None:
        return make
    return make(cls)
