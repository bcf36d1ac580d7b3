"""Python UDFs evaluated in the executors, one Arrow batch at a time.

A ``PythonUDF`` is a ``Call`` whose ``FunctionSpec`` (``udf_spec``) carries the user's
function, its declared result type and its evaluation type; the plan ships to the executors
with cloudpickle, function included. Its kernel is "lazy" (it receives the batch, see
evaluate.py) because a UDF without column arguments still runs once per row. Per batch:

1. the arguments are evaluated to Arrow arrays and converted **once** to Python lists with
   Spark's Python values (``datetime``, ``Decimal``, ``Row`` for structs, lists, dicts);
2. the function is called per row (a list comprehension over ``zip`` of the columns);
3. the results become one Arrow array of the declared type. Two conversion rules, as in
   PySpark (``useArrow=True``, or ``spark.sql.execution.pythonUDF.arrow.enabled`` when the
   UDF was created, selects the Arrow one): the pickled UDF's rule gives NULL for a value of the wrong Python type (a
   float for an int column, a string for a number; an int too wide for an int column wraps
   as Java's ``intValue``), Arrow's rule builds the array with the declared type and, when
   pyarrow refuses a value (ArrowInvalid), casts the inferred array safely (``"5"`` -> 5,
   1.5 -> 1 is pyarrow's own truncation); anything else fails as PythonException.

An exception in the function becomes ``PythonException`` ("An exception was thrown from the
Python worker:" and the user's traceback without the engine's frames, as PySpark 4.3), which reaches the driver with its type (``pyspark.errors``).
UDFs are never constant-folded (``foldable`` is False) and a nondeterministic one is kept
out of the optimizer's rewrites via ``FunctionSpec.deterministic``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.arrow_types import column_from_python, column_to_python, to_arrow
from runtime.sql.errors import PythonException
from runtime.sql.expressions.base import Call, Expression
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import FunctionSpec
from runtime.sql.row import Row
from runtime.tracebacks import format_user_exception

__all__ = ["EvalType", "PythonException", "PythonUDF", "convert_results", "udf_spec"]


class EvalType:
    """PySpark's ``PythonEvalType`` numbers."""

    NON_UDF = 0
    SQL_BATCHED_UDF = 100
    SQL_ARROW_BATCHED_UDF = 101
    SQL_SCALAR_PANDAS_UDF = 200
    SQL_GROUPED_MAP_PANDAS_UDF = 201
    SQL_GROUPED_AGG_PANDAS_UDF = 202
    SQL_WINDOW_AGG_PANDAS_UDF = 203
    SQL_SCALAR_PANDAS_ITER_UDF = 204
    SQL_MAP_PANDAS_ITER_UDF = 205
    SQL_COGROUPED_MAP_PANDAS_UDF = 206
    SQL_MAP_ARROW_ITER_UDF = 207


PYTHON_WORKER_PREFIX = "An exception was thrown from the Python worker:\n"


def python_exception(exc: BaseException) -> PythonException:
    return PythonException(PYTHON_WORKER_PREFIX + format_user_exception(exc))


@dataclass(frozen=True, eq=False)
class PythonUDF(Call):
    """A call of a Python UDF; resolved once its arguments are."""

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return all(c.resolved for c in self.children)

    def foldable(self) -> bool:
        return False


@dataclass(frozen=True)
class UdfInfo:
    func: Callable
    return_type: T.DataType
    eval_type: int
    use_arrow: bool | None


def udf_spec(func: Callable, return_type: T.DataType, name: str, deterministic: bool,
             eval_type: int, use_arrow: bool | None) -> FunctionSpec:
    info = UdfInfo(func, return_type, eval_type, use_arrow)

    def bind(args: list[Expression], ctx: Any) -> Expression:
        return PythonUDF(spec, tuple(args), return_type)

    spec = FunctionSpec(name, bind, _kernel, _pretty, deterministic,
                        extra={"lazy": True, "udf": info})
    return spec


def _pretty(call: Any) -> str:
    return f"{call.spec.name}({', '.join(c.sql() for c in call.children)})"


def _kernel(call: Any, batch: Any, positions: dict, ectx: Any) -> Any:
    info: UdfInfo = call.spec.extra["udf"]
    n = batch.num_rows
    cols = [column_to_python(materialize(evaluate(c, batch, positions, ectx), n), c.dtype)
            for c in call.children]
    func = info.func
    try:
        if cols:
            results = [func(*args) for args in zip(*cols)] if len(cols) > 1 else \
                [func(a) for a in cols[0]]
        else:
            results = [func() for _ in range(n)]
    except Exception as e:  # the user's error, with the user's traceback
        raise python_exception(e) from None
    return convert_results(results, info.return_type, bool(info.use_arrow))


# -- results -> Arrow -------------------------------------------------------------------------------
_INT_RANGE = {T.ByteType: 7, T.ShortType: 15, T.IntegerType: 31, T.LongType: 63}


def _acceptor(dtype: T.DataType) -> Callable[[Any], bool] | None:
    """The pickled UDF's rule: which Python values a column of ``dtype`` takes (None: any)."""
    if isinstance(dtype, T.BooleanType):
        return lambda v: isinstance(v, bool)
    if isinstance(dtype, T.IntegralType):
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return lambda v: isinstance(v, float)
    if isinstance(dtype, T.StringType):
        return None  # anything becomes its string
    if isinstance(dtype, T.DecimalType):
        return lambda v: isinstance(v, decimal.Decimal)
    if isinstance(dtype, T.DateType):
        return lambda v: isinstance(v, _dt.date)
    if isinstance(dtype, T.TimestampType):
        return lambda v: isinstance(v, _dt.datetime)
    if isinstance(dtype, T.BinaryType):
        return lambda v: isinstance(v, (bytes, bytearray))
    if isinstance(dtype, T.ArrayType):
        return lambda v: isinstance(v, (list, tuple))
    if isinstance(dtype, T.MapType):
        return lambda v: isinstance(v, dict)
    if isinstance(dtype, T.StructType):
        return lambda v: isinstance(v, (tuple, list, dict, Row))
    return None


def _wrap(v: int, bits: int) -> int | None:
    """An int as Java narrows a long (``intValue``); NULL beyond a long, as Spark."""
    if not -(1 << 63) <= v < (1 << 63):
        return None
    size = 1 << (bits + 1)
    return (v + (1 << bits)) % size - (1 << bits)


def _pickled_value(v: Any, dtype: T.DataType) -> Any:
    if isinstance(dtype, T.IntegralType):
        return _wrap(v, _INT_RANGE[type(dtype)])
    if isinstance(dtype, T.StringType) and not isinstance(v, str):
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)
    return v


def convert_results(values: list, dtype: T.DataType, arrow: bool) -> Any:
    import pyarrow as pa

    target = to_arrow(dtype)
    if arrow:
        try:
            try:
                return column_from_python(values, dtype)
            except pa.ArrowInvalid:
                return pa.array(values).cast(target, safe=True)
            except pa.ArrowTypeError:
                if not isinstance(dtype, T.StringType):
                    raise
                return pa.array(values).cast(target, safe=True)  # 5 -> "5"
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
            raise python_exception(e) from None
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return pa.nulls(len(values), target)
    if len(kinds) == 1:  # the common case: one Python type, checked without a Python loop
        k = next(iter(kinds))
        if k is int and isinstance(dtype, T.IntegralType):
            bits = _INT_RANGE[type(dtype)]
            present = [v for v in values if v is not None] if None in values else values
            if -(1 << bits) <= min(present) and max(present) < (1 << bits):
                return pa.array(values, target)
        elif (k is float and isinstance(dtype, (T.DoubleType, T.FloatType))) or \
                (k is str and isinstance(dtype, T.StringType)) or \
                (k is bool and isinstance(dtype, T.BooleanType)):
            return pa.array(values, target)
    ok = _acceptor(dtype)
    out = [None if v is None or (ok is not None and not ok(v)) else _pickled_value(v, dtype)
           for v in values]
    return column_from_python(out, dtype)
