"""Missing values: ``df.na.drop/fill/replace`` and ``dropna``/``fillna``/``replace``.

All three rewrite into one ordinary projection or filter, as Spark's DataFrameNaFunctions:

* ``drop(how, thresh, subset)`` keeps rows with at least ``thresh`` values that are neither
  NULL nor NaN among the chosen columns (``how='any'``: all of them, ``'all'``: one);
* ``fill(value, subset)`` replaces NULL (and NaN in float/double columns) by the value cast
  to the column's type, only in columns of the value's kind: a number fills numeric columns,
  a string string columns, a bool boolean columns; a dict gives one value per column
  (cast to the column's type: ``{"n": "x"}`` on a number column fails as the cast does);
* ``replace(to_replace, value, subset)`` is ``CASE col WHEN k1 THEN v1 ... ELSE col END`` in
  the columns of the keys' kind (numbers compare as doubles, as Spark converts them).

Columns keep their names and positions.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, PySparkTypeError, PySparkValueError
from sparkcli.lazy import FUNCTIONS as F
from sparkcli.sql.column import Column

__all__ = ["DataFrameNaFunctions", "NaMethods"]

_NO_VALUE = object()
_FLOATS = (T.FloatType, T.DoubleType)


def _kind(v: Any) -> str | None:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    return None


def _matches(kind: str, dtype: T.DataType) -> bool:
    return {"bool": isinstance(dtype, T.BooleanType),
            "number": isinstance(dtype, T.NumericType),
            "string": isinstance(dtype, T.StringType)}[kind]


def _subset(df: Any, subset: Any) -> list[str]:
    if subset is None:
        return list(df.columns)
    if isinstance(subset, str):
        return [subset]
    if not isinstance(subset, (list, tuple)):
        raise PySparkTypeError(
            f"[NOT_LIST_OR_TUPLE] Argument `subset` should be a list or tuple, got "
            f"{type(subset).__name__}.", errorClass="NOT_LIST_OR_TUPLE")
    return list(subset)


def _field(df: Any, name: str) -> T.StructField:
    for f in df.schema.fields:
        if f.name.lower() == name.lower():
            return f
    df[name]  # raises Spark's UNRESOLVED_COLUMN error
    raise AnalysisException(f"cannot resolve {name}")  # pragma: no cover


def _project(df: Any, replaced: dict[str, Column]) -> Any:
    cols = [replaced[f.name].alias(f.name) if f.name in replaced else F.col(f"`{f.name}`")
            for f in df.schema.fields]
    return df.select(*cols)


def dropna(df: Any, how: str = "any", thresh: int | None = None, subset: Any = None) -> Any:
    if how is not None and how not in ("any", "all"):
        raise PySparkValueError(
            f"[VALUE_NOT_ANY_OR_ALL] Value for `how` must be 'any' or 'all', got '{how}'.",
            errorClass="VALUE_NOT_ANY_OR_ALL")
    names = _subset(df, subset)
    if thresh is None:
        thresh = len(names) if how in ("any", None) else 1
    count: Column | None = None
    for name in names:
        f = _field(df, name)
        c = F.col(f"`{f.name}`")
        ok = c.isNotNull() & ~F.isnan(c) if isinstance(f.dataType, _FLOATS) else c.isNotNull()
        one = F.when(ok, 1).otherwise(0)
        count = one if count is None else count + one
    if count is None:
        return df if thresh <= 0 else df.limit(0)
    return df.filter(count >= thresh)


def fillna(df: Any, value: Any, subset: Any = None) -> Any:
    if not isinstance(value, (float, int, str, bool, dict)):
        raise PySparkTypeError(
            f"[NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR] Argument `value` should be a bool, "
            f"dict, float, int or str, got {type(value).__name__}.",
            errorClass="NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR")
    if isinstance(value, dict):
        pairs = []
        for name, v in value.items():
            if _kind(v) is None:
                raise PySparkTypeError(
                    f"[NOT_BOOL_OR_FLOAT_OR_INT_OR_STR] Argument `value` should be a bool, "
                    f"float, int or str, got {type(v).__name__}.",
                    errorClass="NOT_BOOL_OR_FLOAT_OR_INT_OR_STR")
            f = _field(df, name)
            pairs.append((f, v))
    else:
        kind = _kind(value)
        names = {n.lower() for n in _subset(df, subset)}
        if subset is not None:
            for n in names:
                _field(df, n)
        pairs = [(f, value) for f in df.schema.fields
                 if f.name.lower() in names and _matches(kind, f.dataType)]  # type: ignore
    replaced = {}
    for f, v in pairs:
        c = F.col(f"`{f.name}`")
        if isinstance(f.dataType, _FLOATS):
            c = F.when(F.isnan(c), None).otherwise(c)
        replaced[f.name] = F.coalesce(c, F.lit(v).cast(f.dataType))
    return _project(df, replaced)


def replace(df: Any, to_replace: Any, value: Any = _NO_VALUE, subset: Any = None) -> Any:
    if value is _NO_VALUE:
        if not isinstance(to_replace, dict):
            raise PySparkTypeError(
                "[ARGUMENT_REQUIRED] Argument `value` is required when argument `to_replace` "
                "is not a dictionary.", errorClass="ARGUMENT_REQUIRED")
        value = None
    if not isinstance(to_replace, (bool, float, int, str, list, tuple, dict)):
        raise PySparkTypeError(
            f"[NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_LIST_OR_STR_OR_TUPLE] Argument `to_replace` "
            f"should be a bool, dict, float, int, list, str or tuple, got "
            f"{type(to_replace).__name__}.",
            errorClass="NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_LIST_OR_STR_OR_TUPLE")
    if not isinstance(value, (bool, float, int, str, list, tuple)) and value is not None:
        raise PySparkTypeError(
            f"[NOT_BOOL_OR_FLOAT_OR_INT_OR_LIST_OR_NONE_OR_STR_OR_TUPLE] Argument `value` "
            f"should be a bool, float, int, list, None, str or tuple, got "
            f"{type(value).__name__}.",
            errorClass="NOT_BOOL_OR_FLOAT_OR_INT_OR_LIST_OR_NONE_OR_STR_OR_TUPLE")
    if isinstance(to_replace, dict):
        mapping = dict(to_replace)
    else:
        keys = list(to_replace) if isinstance(to_replace, (list, tuple)) else [to_replace]
        if isinstance(value, (list, tuple)):
            if len(keys) != len(value):
                raise PySparkValueError(
                    f"[LENGTH_SHOULD_BE_THE_SAME] to_replace and value should be of the same "
                    f"length, got {len(keys)} and {len(value)}.",
                    errorClass="LENGTH_SHOULD_BE_THE_SAME")
            mapping = dict(zip(keys, value))
        else:
            mapping = {k: value for k in keys}
    kinds = {_kind(k) for k in mapping} | {_kind(v) for v in mapping.values() if v is not None}
    if len(kinds) > 1 or None in kinds:
        raise PySparkValueError("[MIXED_TYPE_REPLACEMENT] Mixed type replacements are not "
                                "supported.", errorClass="MIXED_TYPE_REPLACEMENT")
    if not mapping:
        return df
    kind = kinds.pop()
    names = {n.lower() for n in _subset(df, subset)}
    replaced = {}
    for f in df.schema.fields:
        if f.name.lower() not in names or not _matches(kind, f.dataType):
            continue
        c = F.col(f"`{f.name}`")
        out: Column | None = None
        for k, v in mapping.items():
            key = F.lit(float(k)) if kind == "number" else F.lit(k)
            new = F.lit(v).cast(f.dataType) if v is not None else F.lit(None).cast(f.dataType)
            out = F.when(c == key, new) if out is None else out.when(c == key, new)
        replaced[f.name] = out.otherwise(c)  # type: ignore[union-attr]
    return _project(df, replaced)


class DataFrameNaFunctions:
    """``df.na``: drop, fill and replace (see module docstring)."""

    def __init__(self, df: Any):
        self.df = df

    def drop(self, how: str = "any", thresh: int | None = None, subset: Any = None) -> Any:
        return dropna(self.df, how, thresh, subset)

    def fill(self, value: Any, subset: Any = None) -> Any:
        return fillna(self.df, value, subset)

    def replace(self, to_replace: Any, value: Any = _NO_VALUE, subset: Any = None) -> Any:
        return replace(self.df, to_replace, value, subset)


class NaMethods:
    """The DataFrame methods that delegate here (a mixin)."""

    @property
    def na(self) -> DataFrameNaFunctions:
        """Missing-value functions: ``df.na.fill(0)``."""
        return DataFrameNaFunctions(self)

    def dropna(self, how: str = "any", thresh: int | None = None, subset: Any = None) -> Any:
        """Drop rows with NULL/NaN values (``how='any'``/``'all'``, or fewer than ``thresh``
        good values) among ``subset`` (default: all columns)."""
        return dropna(self, how, thresh, subset)

    def fillna(self, value: Any, subset: Any = None) -> Any:
        """Replace NULL (and NaN) by ``value`` in the columns of its kind, or per column with a
        dict."""
        return fillna(self, value, subset)

    def replace(self, to_replace: Any, value: Any = _NO_VALUE, subset: Any = None) -> Any:
        """Replace values: ``replace(1, 10)``, ``replace([1, 2], [10, 20])``,
        ``replace({"a": "b"})``."""
        return replace(self, to_replace, value, subset)
