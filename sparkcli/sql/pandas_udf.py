"""pandas UDFs and the batch-at-a-time Python APIs: ``pandas_udf``, ``DataFrame.mapInPandas``,
``DataFrame.mapInArrow`` and ``GroupedData.applyInPandas`` (the engine side is
runtime/sql/execution/python_udf_map.py).

pandas is optional: without it these raise ``[PACKAGE_NOT_INSTALLED] Pandas >= 2.2.0 must be
installed; however, it was not found.`` (mapInArrow needs no pandas). ``pandas_udf`` takes
its kind from the type hints as PySpark does (``pd.Series -> pd.Series``: scalar;
``Iterator[pd.Series] -> Iterator[pd.Series]``: scalar iterator; ``pd.Series -> float``:
grouped aggregate) or from ``functionType`` (``PandasUDFType``).
"""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import PySparkImportError, PySparkTypeError
from runtime.sql.execution.python_udf import EvalType, PythonUDF, UdfInfo
from runtime.sql.execution.python_udf_map import (
    FlatMapGroupsInPandas, MapInBatches, pandas_agg_finish, pandas_kernel)
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, AttributeReference, Expression
from runtime.sql.expressions.registry import FunctionSpec
from sparkcli.sql.column import Column, to_expr
from sparkcli.sql.udf import _type

__all__ = ["PandasUDFType", "pandas_udf"]


def require_pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise PySparkImportError(
            "[PACKAGE_NOT_INSTALLED] Pandas >= 2.2.0 must be installed; however, it was not "
            "found.", errorClass="PACKAGE_NOT_INSTALLED",
            messageParameters={"package_name": "Pandas", "minimum_version": "2.2.0"}) from None


class PandasUDFType:
    SCALAR = EvalType.SQL_SCALAR_PANDAS_UDF
    SCALAR_ITER = EvalType.SQL_SCALAR_PANDAS_ITER_UDF
    GROUPED_MAP = EvalType.SQL_GROUPED_MAP_PANDAS_UDF
    GROUPED_AGG = EvalType.SQL_GROUPED_AGG_PANDAS_UDF


class PandasAggUDF(AggCall):
    """A grouped-aggregate pandas UDF call; resolved once its arguments are."""

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return all(c.resolved for c in self.children)


def _kind_from_hints(f: Callable) -> int:
    try:
        hints = typing.get_type_hints(f)
    except Exception:
        hints = getattr(f, "__annotations__", {})
    ret = hints.get("return")
    params = [hints.get(p) for p in inspect.signature(f).parameters if p in hints]
    text = str(ret)
    if "Iterator" in text or "Iterable" in text:
        return EvalType.SQL_SCALAR_PANDAS_ITER_UDF
    if ret is None and not params:
        return EvalType.SQL_SCALAR_PANDAS_UDF
    if "Series" in text or "DataFrame" in text:
        return EvalType.SQL_SCALAR_PANDAS_UDF
    return EvalType.SQL_GROUPED_AGG_PANDAS_UDF


def _pretty(call: Any) -> str:
    return f"{call.spec.name}({', '.join(c.sql() for c in call.children)})"


def _make(f: Callable, returnType: Any, functionType: int | None) -> Callable:
    require_pandas()
    rtype = _type(returnType)
    kind = functionType if functionType is not None else _kind_from_hints(f)
    name = getattr(f, "__name__", "pandas_udf")
    info = UdfInfo(f, rtype, kind, True)
    if kind == EvalType.SQL_GROUPED_AGG_PANDAS_UDF:
        spec, build = vectorized_spec(name, info, agg_finish=pandas_agg_finish)
    elif kind in (EvalType.SQL_SCALAR_PANDAS_UDF, EvalType.SQL_SCALAR_PANDAS_ITER_UDF):
        spec, build = vectorized_spec(name, info, kernel=pandas_kernel)
    else:
        raise PySparkTypeError(
            f"[INVALID_PANDAS_UDF_TYPE] `functionType` should be one of SCALAR, SCALAR_ITER "
            f"or GROUPED_AGG for pandas_udf, got {kind}; use applyInPandas for grouped maps.",
            errorClass="INVALID_PANDAS_UDF_TYPE")

    return udf_wrapper(f, build, rtype, kind, spec)


def vectorized_spec(name: str, info: UdfInfo, kernel: Callable | None = None,
                    agg_finish: Callable | None = None) -> tuple[FunctionSpec, Callable]:
    """The function spec of a pandas or Arrow UDF and the builder of its call expressions: a
    grouped aggregate when ``agg_finish`` is given (its inputs collected as lists), else a
    scalar UDF evaluated by ``kernel``."""
    rtype = info.return_type
    if agg_finish is not None:
        agg = AggSpec(lambda c: [(i, "list", None) for i in range(len(c.children))], agg_finish)
        spec = FunctionSpec(name, lambda args, ctx, distinct=False: PandasAggUDF(
            spec, tuple(args), rtype), None, _pretty, agg=agg, extra={"udf": info})

        def build(cols: tuple) -> Expression:
            return PandasAggUDF(spec, cols, rtype)
    else:
        spec = FunctionSpec(name, lambda args, ctx: PythonUDF(spec, tuple(args), rtype),
                            kernel, _pretty, extra={"lazy": True, "udf": info})

        def build(cols: tuple) -> Expression:
            return PythonUDF(spec, cols, rtype)
    return spec, build


def udf_wrapper(f: Callable, build: Callable, rtype: Any, kind: int, spec: Any) -> Callable:
    """The function users call on columns, with PySpark's attributes (pandas and Arrow UDFs)."""
    @functools.wraps(f)
    def wrapper(*cols: Any) -> Column:
        return Column(build(tuple(to_expr(c) for c in cols)))

    wrapper.func = f  # type: ignore[attr-defined]
    wrapper.returnType = rtype  # type: ignore[attr-defined]
    wrapper.evalType = kind  # type: ignore[attr-defined]
    wrapper.deterministic = True  # type: ignore[attr-defined]
    wrapper._spec = spec  # type: ignore[attr-defined]
    return wrapper


def decorator_or_udf(make: Callable, f: Any, returnType: Any, functionType: int | None
                     ) -> Any:
    """PySpark's call forms: ``@x_udf("type")``, ``@x_udf(returnType=...)``,
    ``x_udf(f, "type")``, ``x_udf(f, "type", kind)`` and ``x_udf(f, kind)``."""
    if f is None or isinstance(f, (str, T.DataType)):
        rtype = f if f is not None else returnType
        if isinstance(returnType, int) and functionType is None:
            functionType = returnType
        return lambda fn: make(fn, rtype, functionType)
    if isinstance(returnType, int) and not isinstance(returnType, bool):
        functionType, returnType = returnType, None
    return make(f, returnType, functionType)


def pandas_udf(f: Any = None, returnType: Any = None, functionType: int | None = None) -> Any:
    """A vectorized UDF over pandas Series: ``@pandas_udf("double")`` on
    ``def f(s: pd.Series) -> pd.Series``; grouped aggregates return a scalar."""
    return decorator_or_udf(_make, f, returnType, functionType)


# -- DataFrame / GroupedData methods --------------------------------------------------------------
def _schema_attrs(schema: Any) -> tuple:
    st = _type(schema)
    if not isinstance(st, T.StructType):
        raise PySparkTypeError(
            "[NOT_STRUCT] The schema should be a StructType or a DDL string of one, got "
            f"{st.simpleString()}.", errorClass="NOT_STRUCT")
    return tuple(AttributeReference(f.name, f.dataType, True) for f in st.fields)


def map_in_batches(df: Any, func: Callable, schema: Any, kind: str) -> Any:
    if kind == "pandas":
        require_pandas()
    return df._with(MapInBatches(func, kind, _schema_attrs(schema), (df._plan,)))


def apply_in_pandas(grouped: Any, func: Callable, schema: Any) -> Any:
    require_pandas()
    df = grouped._df
    resolver = df._session._state().analyzer_exprs()
    keys = tuple(resolver.resolve(g, df._plan.output) for g in grouped._groupings)
    return df._with(FlatMapGroupsInPandas(keys, func, _schema_attrs(schema), (df._plan,)))
