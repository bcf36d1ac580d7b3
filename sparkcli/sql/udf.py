"""``pyspark.sql.udf``: Python user-defined functions.

``udf(f, returnType)`` (or ``@udf`` / ``@udf(returnType=...)``; the default type is string)
wraps a Python function as a ``UserDefinedFunction``; calling it on columns gives a Column
whose expression the executors evaluate over Arrow batches, one Python call per row
(runtime/sql/execution/python_udf.py). ``spark.udf.register(name, f, returnType)`` makes it
callable by name from ``expr()`` and SQL text as well.

>>> from pyspark.sql.functions import udf
>>> from pyspark.sql.types import IntegerType
>>> plus_one = udf(lambda x: x + 1, IntegerType())
>>> plus_one("a")
Column<'<lambda>(a)'>
>>> plus_one.returnType
IntegerType()
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.ddl import parse_schema
from runtime.sql.errors import PySparkTypeError
from runtime.sql.execution.python_udf import EvalType, PythonUDF, udf_spec
from runtime.sql.expressions.registry import register
from sparkcli.sql.column import Column, to_expr
from sparkcli.context import SparkContext

__all__ = ["UDFRegistration", "UserDefinedFunction", "udf"]


def _type(returnType: Any) -> T.DataType:
    if isinstance(returnType, T.DataType):
        return returnType
    if isinstance(returnType, str):
        return parse_schema(returnType)
    raise PySparkTypeError(
        f"[NOT_DATATYPE_OR_STR] Argument `returnType` should be a DataType or str, got "
        f"{type(returnType).__name__}.", errorClass="NOT_DATATYPE_OR_STR")


def _arrow_enabled() -> bool:
    """spark.sql.execution.pythonUDF.arrow.enabled (true by default, as PySpark 4.3), read
    from the running context's configuration (builder/--conf/properties) when a UDF without
    ``useArrow`` is created."""
    sc = SparkContext._active_spark_context
    value = sc.getConf().get("spark.sql.execution.pythonUDF.arrow.enabled", "true") \
        if sc is not None else "true"
    return str(value).lower() == "true"


class UserDefinedFunction:
    """A Python function usable on columns (see the module docstring)."""

    def __init__(self, func: Callable, returnType: Any = T.StringType(), name: str | None = None,
                 evalType: int = EvalType.SQL_BATCHED_UDF, deterministic: bool = True,
                 useArrow: bool | None = None):
        if not callable(func):
            raise PySparkTypeError(
                f"[NOT_CALLABLE] Argument `func` should be a callable, got "
                f"{type(func).__name__}.", errorClass="NOT_CALLABLE")
        self.func = func
        self._returnType = _type(returnType)
        self._name = name or getattr(func, "__name__", type(func).__name__)
        self.evalType = evalType
        self.deterministic = deterministic
        self.useArrow = useArrow

    @property
    def returnType(self) -> T.DataType:
        return self._returnType

    def _spec(self, name: str | None = None) -> Any:
        arrow = self.evalType == EvalType.SQL_ARROW_BATCHED_UDF
        return udf_spec(self.func, self._returnType, name or self._name, self.deterministic,
                        self.evalType, arrow)

    def __call__(self, *cols: Any) -> Column:
        spec = self._spec()
        return Column(PythonUDF(spec, tuple(to_expr(c) for c in cols), self._returnType))

    def asNondeterministic(self) -> UserDefinedFunction:
        """This UDF marked nondeterministic (never folded, reordered or deduplicated)."""
        self.deterministic = False
        return self

    def _wrapped(self) -> Callable:
        @functools.wraps(self.func)
        def wrapper(*args: Any) -> Column:
            return self(*args)

        wrapper.func = self.func  # type: ignore[attr-defined]
        wrapper.returnType = self.returnType  # type: ignore[attr-defined]
        wrapper.evalType = self.evalType  # type: ignore[attr-defined]
        wrapper.deterministic = self.deterministic  # type: ignore[attr-defined]
        wrapper.asNondeterministic = lambda: self.asNondeterministic()._wrapped()  # type: ignore
        wrapper._unwrapped = self  # type: ignore[attr-defined]
        return wrapper


def udf(f: Callable | T.DataType | str | None = None, returnType: Any = T.StringType(), *,
        useArrow: bool | None = None) -> Any:
    """A Python UDF: ``udf(f, IntegerType())``, ``@udf``, ``@udf(returnType="int")``,
    ``@udf("int")``. ``useArrow`` as in PySpark (the evaluation is over Arrow batches either
    way; it decides the conversion rules of the result, see python_udf.py; unset, it is
    spark.sql.execution.pythonUDF.arrow.enabled, true by default as in PySpark 4.3)."""
    if f is None or isinstance(f, (str, T.DataType)):
        rt = returnType if f is None else f
        return functools.partial(_create, returnType=rt, useArrow=useArrow)
    return _create(f, returnType, useArrow=useArrow)


def _create(f: Callable, returnType: Any = T.StringType(), useArrow: bool | None = None
            ) -> Any:
    arrow = _arrow_enabled() if useArrow is None else useArrow
    kind = EvalType.SQL_ARROW_BATCHED_UDF if arrow else EvalType.SQL_BATCHED_UDF
    return UserDefinedFunction(f, returnType, evalType=kind, useArrow=useArrow)._wrapped()


class UDFRegistration:
    """``spark.udf``: register Python functions for SQL and ``expr()``."""

    def __init__(self, sparkSession: Any):
        self.sparkSession = sparkSession

    def register(self, name: str, f: Callable, returnType: Any = None) -> Any:
        """Register ``f`` (a function or a UDF) under ``name``; returns the UDF."""
        inner = getattr(f, "_unwrapped", f)
        if getattr(f, "_spec", None) is not None and returnType is None:
            register(f._spec, name.lower())  # a pandas_udf / arrow_udf: as it is
            return f
        if isinstance(inner, UserDefinedFunction):
            if returnType is not None:
                raise PySparkTypeError(
                    "[CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF] returnType can not be specified when "
                    f"`f` is a user-defined function, but got {returnType}.",
                    errorClass="CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF")
            fn = UserDefinedFunction(inner.func, inner.returnType, name, inner.evalType,
                                     inner.deterministic, inner.useArrow)
        else:
            fn = UserDefinedFunction(f, T.StringType() if returnType is None else returnType,
                                     name)
        register(fn._spec(name), name.lower())
        return fn._wrapped()

    def registerJavaFunction(self, name: str, javaClassName: str, returnType: Any = None
                             ) -> None:
        raise PySparkTypeError(
            "[NOT_IMPLEMENTED] registerJavaFunction: sparkcli runs no JVM; register a Python "
            "function with spark.udf.register instead.", errorClass="NOT_IMPLEMENTED")
