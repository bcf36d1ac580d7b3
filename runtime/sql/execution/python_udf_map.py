"""Whole-batch Python functions: mapInArrow, mapInPandas, groupBy().applyInPandas and the
pandas UDF kernels.

* ``MapInBatches`` (logical) / ``MapInBatchesExec``: the user's function receives an
  iterator over the partition's batches (``pa.RecordBatch``, or ``pandas.DataFrame`` for
  pandas) and yields batches of the declared schema; columns are matched by name (by
  position when the names are not the schema's, as PySpark), then cast to the declared
  types. The node needs every column of its child (``expressions`` lists them, so column
  pruning keeps them).
* ``FlatMapGroupsInPandas`` / ``FlatMapGroupsInPandasExec``: the planner puts it over a hash
  exchange and a sort on the grouping keys; each group is one pandas DataFrame passed to
  ``func(pdf)`` or ``func(key, pdf)`` (by the function's arity, as PySpark).
* Scalar pandas UDFs (Series -> Series, or an iterator of Series) run one call per batch
  (``pandas_kernel``); grouped-aggregate pandas UDFs (Series -> scalar) are aggregates whose
  Arrow part collects each group's values as lists, finished by calling the function on
  each group's Series (``pandas_agg_finish``).
A user error is ``PythonException`` with the user's traceback (python_udf.py).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from runtime import arrow_numpy
from runtime.sql.arrow_types import column_to_python, to_arrow, to_arrow_schema
from runtime.sql import types as T
from runtime.sql.execution.operators import PhysicalPlan, _attrs, positions_of, schema_of
from runtime.sql.execution.python_udf import PythonException, python_exception
from runtime.sql.execution.window import segments
from runtime.sql.expressions.base import AttributeReference, Expression
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan.logical import LogicalPlan

__all__ = ["FlatMapGroupsInPandas", "FlatMapGroupsInPandasExec", "MapInBatches",
           "MapInBatchesExec", "pandas_agg_finish", "pandas_kernel"]


def _conform(table: Any, attrs: list) -> Any:
    """A pyarrow Table/RecordBatch as a RecordBatch of ``attrs``' schema."""
    import pyarrow as pa

    schema = schema_of(attrs)
    names = [a.name for a in attrs]
    have = list(table.schema.names)
    if all(n in have for n in names):
        cols = [table.column(have.index(n)) for n in names]
    elif len(have) == len(names):
        cols = [table.column(i) for i in range(len(names))]
    else:
        raise PythonException(
            "[RESULT_COLUMN_SCHEMA_MISMATCH] Column names of the returned pyarrow data do "
            f"not match the specified schema. Expected: {names}, actual: {have}.")
    out = []
    for c, f in zip(cols, schema):
        if isinstance(c, pa.ChunkedArray):
            c = c.combine_chunks()
        if c.type != f.type:
            try:
                c = c.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
                raise PythonException(
                    "[RESULT_COLUMN_TYPES_MISMATCH] Column types of the returned data do not "
                    f"match the specified schema: column '{f.name}' (expected {f.type}, actual "
                    f"{c.type}): {e}") from None
        out.append(c)
    return pa.RecordBatch.from_arrays(out, schema=schema)


def _from_pandas(pdf: Any, attrs: list) -> Any:
    import pyarrow as pa

    if not hasattr(pdf, "columns"):
        raise PythonException(
            "[UDF_RETURN_TYPE] Return type of the user-defined function should be "
            f"pandas.DataFrame, but is {type(pdf).__name__}.")
    names = [a.name for a in attrs]
    labels = [str(c) for c in pdf.columns]
    if all(n in labels for n in names):
        pdf = pdf[[pdf.columns[labels.index(n)] for n in names]]
    table = pa.Table.from_pandas(pdf, preserve_index=False)
    return _conform(table, attrs)


# -- logical ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MapInBatches(LogicalPlan):
    func: Callable
    mode: str  # "arrow" | "pandas"
    attrs: tuple
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def expressions(self) -> list[Expression]:
        return list(self.child.output)

    def node_name(self) -> str:
        return "MapInArrow" if self.mode == "arrow" else "MapInPandas"

    def arg_string(self) -> str:
        return f"{getattr(self.func, '__name__', 'func')}, {_attrs(list(self.attrs))}"


@dataclass(frozen=True, eq=False)
class FlatMapGroupsInPandas(LogicalPlan):
    groupings: tuple
    func: Callable
    attrs: tuple
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def expressions(self) -> list[Expression]:
        return list(self.groupings) + list(self.child.output)

    def arg_string(self) -> str:
        return f"{_attrs(list(self.groupings))}, {getattr(self.func, '__name__', 'func')}, " \
            f"{_attrs(list(self.attrs))}"


# -- physical --------------------------------------------------------------------------------------
@dataclass(eq=False)
class MapInBatchesExec(PhysicalPlan):
    func: Callable
    mode: str  # "arrow" | "pandas"
    attrs: list
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        names = [a.name for a in self.children[0].output]
        arrow_numpy.give_numpy()  # the batches are the user function's: to_numpy() works

        def inputs() -> Iterator[Any]:
            for b in batches:
                b = b.rename_columns(names) if hasattr(b, "rename_columns") else b
                yield b.to_pandas() if self.mode == "pandas" else b

        try:
            for out in self.func(inputs()):
                if self.mode == "pandas":
                    yield _from_pandas(out, self.attrs)
                else:
                    yield _conform(out, self.attrs)
        except PythonException:
            raise
        except Exception as e:
            raise python_exception(e) from None

    def node_name(self) -> str:
        return "MapInArrow" if self.mode == "arrow" else "MapInPandas"

    def arg_string(self) -> str:
        return f"{getattr(self.func, '__name__', 'func')}, {_attrs(self.attrs)}"


@dataclass(eq=False)
class FlatMapGroupsInPandasExec(PhysicalPlan):
    groupings: list
    func: Callable
    attrs: list
    children: tuple

    @property
    def output(self) -> list[AttributeReference]:
        return self.attrs

    def run(self, index: int, batches: Iterator[Any], ectx: EvalContext) -> Iterator[Any]:
        import numpy as np
        import pyarrow as pa

        child = self.children[0].output
        got = [b for b in batches if b.num_rows]
        if not got:
            return
        table = pa.Table.from_batches(got, schema=schema_of(child)).combine_chunks()
        table = table.rename_columns([a.name for a in child])
        batch = table.to_batches()[0]
        n = batch.num_rows
        pos = positions_of(child)
        keys = [materialize(evaluate(g, batch, pos, ectx), n) for g in self.groupings]
        starts, _ = segments(keys, n)
        bounds = list(np.flatnonzero(np.arange(n) == starts)) + [n]
        with_key = _arity(self.func) == 2
        key_values = [column_to_python(k, g.dtype) for k, g in zip(keys, self.groupings)]
        for s, e in zip(bounds[:-1], bounds[1:]):
            pdf = table.slice(s, e - s).to_pandas()
            try:
                out = self.func(tuple(kv[s] for kv in key_values), pdf) if with_key \
                    else self.func(pdf)
                yield _from_pandas(out, self.attrs)
            except PythonException:
                raise
            except Exception as ex:
                raise python_exception(ex) from None

    def node_name(self) -> str:
        return "FlatMapGroupsInPandas"

    def arg_string(self) -> str:
        return f"{_attrs(self.groupings)}, {getattr(self.func, '__name__', 'func')}, " \
            f"{_attrs(self.attrs)}"


def _arity(func: Callable) -> int:
    try:
        return len(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return 1


# -- pandas UDF kernels ---------------------------------------------------------------------------
def _series(arr: Any) -> Any:
    return arr.to_pandas()


def _to_array(result: Any, dtype: T.DataType, n: int) -> Any:
    import pyarrow as pa

    target = to_arrow(dtype)
    try:
        arr = pa.Array.from_pandas(result, type=target)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.Array.from_pandas(result).cast(target)
    if len(arr) != n:
        raise PythonException(
            "[SCHEMA_MISMATCH_FOR_PANDAS_UDF] Result vector from pandas_udf was not the "
            f"required length: expected {n}, got {len(arr)}.")
    return arr


def pandas_kernel(call: Any, batch: Any, positions: dict, ectx: Any) -> Any:
    """A scalar pandas UDF over one batch: Series in, Series out (or an iterator of them)."""
    info = call.spec.extra["udf"]
    n = batch.num_rows
    series = [_series(materialize(evaluate(c, batch, positions, ectx), n))
              for c in call.children]
    try:
        if info.eval_type == 204:  # SQL_SCALAR_PANDAS_ITER_UDF
            arg = iter([series[0] if len(series) == 1 else tuple(series)])
            result = next(iter(info.func(arg)))
        else:
            result = info.func(*series)
    except Exception as e:
        raise python_exception(e) from None
    return _to_array(result, info.return_type, n)


def pandas_agg_finish(call: Any, lists: list) -> Any:
    """A grouped-aggregate pandas UDF: each group's values (Arrow lists) as Series."""
    import pandas as pd
    import pyarrow as pa

    info = call.spec.extra["udf"]
    columns = [x.to_pylist() for x in lists]
    out = []
    try:
        for values in zip(*columns):
            out.append(info.func(*[pd.Series(v) for v in values]))
    except Exception as e:
        raise python_exception(e) from None
    return pa.array([None if v is None or (isinstance(v, float) and v != v and False) else
                     (v.item() if hasattr(v, "item") else v) for v in out],
                    to_arrow(info.return_type))


_unused = to_arrow_schema
