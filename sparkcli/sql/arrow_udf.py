"""``pyspark.sql.functions.arrow_udf`` and ``ArrowUDFType``: vectorized UDFs over pyarrow
arrays (the engine side is runtime/sql/execution/python_udf_arrow.py). The kind comes from
the type hints as in PySpark (``pa.Array -> pa.Array``: scalar; ``Iterator[pa.Array] ->
Iterator[pa.Array]``: scalar iterator; ``pa.Array -> float``: grouped aggregate) or from
``functionType``. No pandas is needed.

>>> import pyarrow as pa, pyarrow.compute as pc
>>> from pyspark.sql.functions import arrow_udf
>>> @arrow_udf("long")
... def plus_one(v: pa.Array) -> pa.Array:
...     return pc.add(v, 1)
>>> plus_one.evalType
250
"""

from __future__ import annotations

import typing
from typing import Any, Callable

from runtime.sql.errors import PySparkTypeError
from runtime.sql.execution.python_udf import UdfInfo
from runtime.sql.execution.python_udf_arrow import (
    GROUPED_AGG_ARROW, SCALAR_ARROW, SCALAR_ARROW_ITER, arrow_agg_finish, arrow_kernel)
from sparkcli.sql.pandas_udf import decorator_or_udf, udf_wrapper, vectorized_spec
from sparkcli.sql.udf import _type

__all__ = ["ArrowUDFType", "arrow_udf"]


class ArrowUDFType:
    """PySpark's Arrow UDF kinds (``functionType`` of ``arrow_udf``)."""

    SCALAR = SCALAR_ARROW
    SCALAR_ITER = SCALAR_ARROW_ITER
    GROUPED_AGG = GROUPED_AGG_ARROW


def _kind_from_hints(f: Callable) -> int:
    try:
        hints = typing.get_type_hints(f)
    except Exception:
        hints = getattr(f, "__annotations__", {})
    text = str(hints.get("return"))
    if "Iterator" in text or "Iterable" in text:
        return SCALAR_ARROW_ITER
    if "return" not in hints or "Array" in text:
        return SCALAR_ARROW
    return GROUPED_AGG_ARROW


def _make(f: Callable, returnType: Any, functionType: int | None) -> Callable:
    rtype = _type(returnType)
    kind = functionType if functionType is not None else _kind_from_hints(f)
    name = getattr(f, "__name__", "arrow_udf")
    info = UdfInfo(f, rtype, kind, True)
    if kind == GROUPED_AGG_ARROW:
        spec, build = vectorized_spec(name, info, agg_finish=arrow_agg_finish)
    elif kind in (SCALAR_ARROW, SCALAR_ARROW_ITER):
        spec, build = vectorized_spec(name, info, kernel=arrow_kernel)
    else:
        raise PySparkTypeError(
            f"[INVALID_ARROW_UDF_TYPE] `functionType` should be one of SCALAR, SCALAR_ITER or "
            f"GROUPED_AGG for arrow_udf, got {kind}.", errorClass="INVALID_ARROW_UDF_TYPE")

    return udf_wrapper(f, build, rtype, kind, spec)


def arrow_udf(f: Any = None, returnType: Any = None, functionType: int | None = None) -> Any:
    """A vectorized UDF over pyarrow arrays: ``@arrow_udf("long")`` on
    ``def f(v: pa.Array) -> pa.Array``; grouped aggregates return a scalar."""
    return decorator_or_udf(_make, f, returnType, functionType)
