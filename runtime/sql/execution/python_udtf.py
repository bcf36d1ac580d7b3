"""Python user-defined table functions (UDTFs), evaluated in the executors.

A UDTF is a class with ``eval(self, *args)`` that yields output rows (tuples or Rows; a
single non-tuple value is a one-column row, as PySpark 4.3 accepts it) and an optional
``terminate(self)`` that yields more rows once the partition's input is exhausted. Its
declared ``return_type`` is a ``StructType``: one output column per field.

Planning. ``udtf_spec`` makes a generator ``FunctionSpec`` (so the registry resolves its name
in SQL's FROM clause, ``LATERAL`` joins and ``LATERAL VIEW``); binding gives a
``PythonUDTF`` call whose type is the return struct (``spread``: one column per field). A
call sits in a ``Generate`` node like explode does: over a one-row relation for
``MyUDTF(lit(1))`` and ``FROM f(1, 2)`` (no input column kept), over the left relation for
``FROM t, LATERAL f(t.a)`` (every input column kept), over the table for
``f(TABLE(t))`` (one argument: the row as a struct, which reaches ``eval`` as a Row). The
planner turns such a Generate into ``PythonUDTFExec``.

Execution (``PythonUDTFExec.run``), per partition: one instance of the class (``cls()``),
created when the first input row arrives, so a partition without rows calls nothing. Per
Arrow batch the arguments are evaluated and converted once to Python values; ``eval`` is
called per row and the rows it yields are collected with the index of the input row they
came from; the kept input columns are taken at those indices and the output columns built
with the declared types (Arrow's conversion, unsafe casts as PySpark's Arrow path: 1.5 ->
1, 2 -> '2'). ``terminate``'s rows are joined with the partition's last input row, as Spark
joins them. State: the instance and the last input row (a one-row batch), both local to the
``run`` generator of one partition.

Errors are ``PythonException`` ("An exception was thrown from the Python worker:") whose
last line is PySpark's: ``[UDTF_EXEC_ERROR]`` for an exception in ``eval``/``terminate``
(the user's traceback above it), ``[UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE]``,
``[UDTF_RETURN_NOT_ITERABLE]``, ``[UDTF_RETURN_SCHEMA_MISMATCH]`` and
``[UDTF_ARROW_DATA_CONVERSION_ERROR]``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.arrow_types import column_from_python, column_to_python, to_arrow
from runtime.sql.errors import PythonException
from runtime.sql.execution.operators import GenerateExec, _attrs
from runtime.sql.execution.python_udf import PYTHON_WORKER_PREFIX
from runtime.sql.expressions.base import Call, Expression, debug_sql
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext, FunctionSpec
from runtime.sql.row import Row
from runtime.tracebacks import format_user_exception

__all__ = ["PythonUDTF", "PythonUDTFExec", "UdtfInfo", "is_udtf", "udtf_spec"]

SQL_TABLE_UDF = 300  # PySpark's PythonEvalType
SQL_ARROW_TABLE_UDF = 301


@dataclass(frozen=True)
class UdtfInfo:
    cls: type
    return_type: T.StructType
    name: str


@dataclass(frozen=True, eq=False)
class PythonUDTF(Call):
    """A call of a Python UDTF; resolved once its arguments are, never folded."""

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return all(c.resolved for c in self.children)

    def foldable(self) -> bool:
        return False


def is_udtf(e: Any) -> bool:
    return isinstance(e, PythonUDTF)


def udtf_spec(cls: type, return_type: T.StructType, name: str, deterministic: bool
              ) -> FunctionSpec:
    info = UdtfInfo(cls, return_type, name)

    def bind(args: list[Expression], ctx: Any) -> Expression:
        return PythonUDTF(spec, tuple(args), return_type, True, (("spread", True),))

    spec = FunctionSpec(name, bind, None, _pretty, deterministic, generator=True,
                        extra={"udtf": info})
    return spec


def _pretty(call: Any) -> str:
    return f"{call.spec.name}({', '.join(c.sql() for c in call.children)})"


def _failure(detail: str, cause: BaseException | None = None) -> PythonException:
    trace = format_user_exception(cause) + "\n" if cause is not None else ""
    return PythonException(f"{PYTHON_WORKER_PREFIX}{trace}"
                           f"pyspark.errors.exceptions.base.PySparkRuntimeError: {detail}")


def _check_signature(info: UdtfInfo, n_args: int) -> None:
    try:
        sig = inspect.signature(info.cls.eval)
    except (TypeError, ValueError):  # a builtin: nothing to check
        return
    try:
        sig.bind(None, *([None] * n_args))
    except TypeError as e:
        raise _failure(
            "[UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE] Failed to evaluate the "
            f"user-defined table function '{info.name}' because the function arguments did "
            f"not match the expected signature of the 'eval' method ({e}). Please update the "
            "query so that this table function call provides arguments matching the expected "
            "signature, or else update the table function so that its 'eval' method accepts "
            "the provided arguments, and then try the query again.") from None


def _rows(result: Any, method: str, width: int) -> list[tuple]:
    """The rows one call of ``eval``/``terminate`` produced, as tuples of ``width``."""
    if result is None:
        return []
    try:
        it = iter(result)
    except TypeError:
        raise _failure(
            f"[UDTF_RETURN_NOT_ITERABLE] The return value of the '{method}' method of the UDTF "
            f"is invalid. It should be an iterable (e.g., generator or list), but got "
            f"'{type(result).__name__}'. Please make sure that the UDTF returns one of these "
            "types.") from None
    out = []
    try:
        for r in it:
            row = tuple(r) if isinstance(r, (tuple, Row)) else (r,)
            if len(row) != width and not (r is None and width):
                raise _failure(
                    "[UDTF_RETURN_SCHEMA_MISMATCH] The number of columns in the result does "
                    f"not match the specified schema. Expected column count: {width}, Actual "
                    f"column count: {len(row)}. Please make sure the values returned by the "
                    f"'{method}' method have the same number of columns as specified in the "
                    "output schema.")
            out.append((None,) * width if r is None else row)
    except PythonException:
        raise
    except Exception as e:  # the user's generator raised while being iterated
        raise _error(method, e) from None
    return out


def _error(method: str, e: BaseException) -> PythonException:
    return _failure("[UDTF_EXEC_ERROR] User defined table function encountered an error in "
                    f"the '{method}' method: {e}", e)


def _column(values: list, dtype: T.DataType, rows: list, schema: T.StructType) -> Any:
    import pyarrow as pa

    try:
        try:
            return column_from_python(values, dtype)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array(values).cast(to_arrow(dtype), safe=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError,
            ValueError):
        raise _failure(
            f"[UDTF_ARROW_DATA_CONVERSION_ERROR] Cannot convert UDTF output to Arrow. Data: "
            f"{rows}. Schema: {schema.simpleString()}. Arrow Schema: "
            f"{to_arrow(schema)}.") from None


@dataclass(eq=False)
class PythonUDTFExec(GenerateExec):
    """Spark's BatchEvalPythonUDTF (see the module docstring): a Generate whose generator is
    a Python UDTF; same fields and output as GenerateExec, another ``run``."""

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        info: UdtfInfo = self.generator.spec.extra["udtf"]
        width = len(info.return_type.fields)
        instance = None
        last = None
        for b in batches:
            n = b.num_rows
            if not n:
                continue
            args = [column_to_python(materialize(evaluate(c, b, self._pos, ectx), n), c.dtype)
                    for c in self.generator.children]
            if instance is None:
                _check_signature(info, len(args))
                instance = self._instance(info)
            ev = instance.eval
            rows: list = []
            parents: list = []
            for i, call_args in enumerate(zip(*args) if args else ((),) * n):
                try:
                    result = ev(*call_args)
                except Exception as e:  # the user's error, with the user's traceback
                    raise _error("eval", e) from None
                got = _rows(result, "eval", width)
                rows += got
                parents += [i] * len(got)
            last = b.slice(n - 1, 1)
            if rows:
                yield self._batch(b, parents, rows, info)
        if instance is not None and hasattr(instance, "terminate"):
            try:
                result = instance.terminate()
            except Exception as e:
                raise _error("terminate", e) from None
            rows = _rows(result, "terminate", width)
            if rows:
                yield self._batch(last, [0] * len(rows), rows, info)

    @staticmethod
    def _instance(info: UdtfInfo) -> Any:
        try:
            return info.cls()
        except TypeError as e:
            if len(inspect.signature(info.cls.__init__).parameters) > 1:
                raise _failure(
                    "[UDTF_CONSTRUCTOR_INVALID_NO_ANALYZE_METHOD] Failed to evaluate the "
                    f"user-defined table function '{info.name}' because its constructor is "
                    "invalid: the function does not implement the 'analyze' method, and its "
                    "constructor has more than one argument (including the 'self' reference). "
                    "Please update the table function so that its constructor accepts exactly "
                    "one 'self' argument, and try the query again.") from None
            raise _error("__init__", e) from None
        except Exception as e:
            raise _error("__init__", e) from None

    def _batch(self, b: Any, parents: list, rows: list, info: UdtfInfo) -> Any:
        import pyarrow as pa

        cols = []
        if self._keep:
            kept = b if len(self._keep) == b.num_columns else b.select(self._keep)
            cols = list(kept.take(pa.array(parents, pa.int64())).columns)
        fields = info.return_type.fields
        for j, f in enumerate(fields):
            cols.append(_column([r[j] for r in rows], f.dataType, rows, info.return_type))
        fixed = [c if c.type == s.type else c.cast(s.type) for c, s in zip(cols, self._schema)]
        return pa.RecordBatch.from_arrays(fixed, schema=self._schema)

    def node_name(self) -> str:
        return "BatchEvalPythonUDTF"

    def arg_string(self) -> str:
        return f"{debug_sql(self.generator)}, {_attrs(self._out[:len(self._keep)])}, " \
            f"{_attrs(self.gen_output)}"
