"""Arrow UDFs (``pyspark.sql.functions.arrow_udf``): the user's function receives pyarrow
arrays instead of pandas Series.

* Scalar (``pa.Array -> pa.Array``): ``arrow_kernel`` evaluates the arguments of one batch to
  Arrow arrays and calls the function once with them; the result (a pyarrow Array or
  ChunkedArray, or anything ``pa.array`` takes) is cast to the declared type and must have
  one value per row.
* Scalar iterator (``Iterator[pa.Array] -> Iterator[pa.Array]``): the function gets an
  iterator over the batch's argument arrays (a tuple of them for several arguments) and
  yields the results.
* Grouped aggregate (``pa.Array -> scalar``): ``arrow_agg_finish`` calls the function once
  per group with the group's values (Arrow's ``list`` aggregation gathers them) and builds
  the result column from the scalars (a ``pa.Scalar`` or a Python value).

An exception in the function becomes PythonException with the user's traceback
(python_udf.py). No pandas is needed.
"""

from __future__ import annotations

from typing import Any

from runtime import arrow_numpy
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import PythonException
from runtime.sql.execution.python_udf import PYTHON_WORKER_PREFIX, python_exception
from runtime.sql.expressions.evaluate import evaluate, materialize

__all__ = ["SCALAR_ARROW", "SCALAR_ARROW_ITER", "GROUPED_AGG_ARROW", "arrow_agg_finish",
           "arrow_kernel"]

SCALAR_ARROW = 250  # PySpark's PythonEvalType numbers
SCALAR_ARROW_ITER = 251
GROUPED_AGG_ARROW = 252


def _as_array(result: Any, dtype: Any, n: int) -> Any:
    import pyarrow as pa

    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    if not isinstance(result, pa.Array):
        result = pa.array(result)
    target = to_arrow(dtype)
    if result.type != target:
        result = result.cast(target)
    if len(result) != n:
        raise PythonException(
            f"{PYTHON_WORKER_PREFIX}pyspark.errors.exceptions.base.PySparkRuntimeError: "
            "[SCHEMA_MISMATCH_FOR_ARROW_UDF] Result vector from arrow_udf was not the required "
            f"length: expected {n}, got {len(result)}.")
    return result


def arrow_kernel(call: Any, batch: Any, positions: dict, ectx: Any) -> Any:
    """A scalar Arrow UDF over one batch."""
    import pyarrow as pa

    info = call.spec.extra["udf"]
    arrow_numpy.give_numpy()  # the arrays are the user function's: to_numpy() works
    n = batch.num_rows
    arrays = []
    for c in call.children:
        a = materialize(evaluate(c, batch, positions, ectx), n)
        arrays.append(a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a)
    try:
        if info.eval_type == SCALAR_ARROW_ITER:
            arg = iter([arrays[0] if len(arrays) == 1 else tuple(arrays)])
            result = next(iter(info.func(arg)))
        else:
            result = info.func(*arrays)
        return _as_array(result, info.return_type, n)
    except PythonException:
        raise
    except Exception as e:  # the user's error, with the user's traceback
        raise python_exception(e) from None


def arrow_agg_finish(call: Any, lists: list) -> Any:
    """A grouped-aggregate Arrow UDF: each group's values as one pyarrow Array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    info = call.spec.extra["udf"]
    arrow_numpy.give_numpy()
    out = []
    try:
        for g in range(len(lists[0])):
            args = [pc.list_flatten(x.slice(g, 1)) for x in lists]
            v = info.func(*args)
            out.append(v.as_py() if isinstance(v, pa.Scalar) else
                       (v.item() if hasattr(v, "item") else v))
    except Exception as e:
        raise python_exception(e) from None
    return pa.array(out, to_arrow(info.return_type))
