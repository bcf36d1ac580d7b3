"""``pyspark.sql.Column``: an expression over a DataFrame's columns.

A Column wraps one engine expression (runtime.sql.expressions.base): ``col("a")`` is an
unresolved name, ``df["a"]``/``df.a`` the resolved attribute of that DataFrame (so it keeps
meaning that DataFrame's column after joins), operators and methods build function calls
by name (``+``, ``isnull``, ``like``...) that the analyzer binds with Spark's types and
names: ``(col("a") + 1)`` is named ``(a + 1)``.

>>> from pyspark.sql.functions import col, lit
>>> col("a") + 1
Column<'(a + 1)'>
>>> (col("a") > 1) & col("b").isNull()
Column<'((a > 1) AND (b IS NULL))'>
"""

from __future__ import annotations

import datetime as _dt
import decimal
from typing import Any

from runtime.sql.expressions.outer_references import UnresolvedOuterReference
from runtime.sql import types as T
from runtime.sql.ddl import parse_type
from runtime.sql.errors import PySparkTypeError, PySparkValueError
from runtime.sql.expressions.base import (
    Alias, AttributeReference, CaseWhen, Cast, Expression, Literal, SortOrder,
    UnresolvedAttribute, UnresolvedExtract, UnresolvedFunction, UnresolvedStar)
from runtime.sql.expressions.window_base import WindowExpression
from sparkcli.sql.not_provided import not_provided

__all__ = ["Column", "lit_expr", "to_expr", "name_expr"]


def lit_expr(value: Any) -> Expression:
    """A Python value as a Literal with PySpark's type (int -> int if it fits, else bigint)."""
    if isinstance(value, Column):
        return value._expr
    if value is None:
        return Literal(None, T.NullType())
    if isinstance(value, bool):
        return Literal(value, T.BooleanType())
    if isinstance(value, int):
        if -2**31 <= value < 2**31:
            return Literal(value, T.IntegerType())
        return Literal(value, T.LongType())
    if isinstance(value, float):
        return Literal(value, T.DoubleType())
    if isinstance(value, str):
        return Literal(value, T.StringType())
    if isinstance(value, decimal.Decimal):
        sign, digits, exp = value.as_tuple()
        scale = max(0, -exp)  # type: ignore[operator]
        precision = max(len(digits), scale, 1)
        return Literal(value, T.DecimalType(min(precision, 38), scale))
    if isinstance(value, _dt.datetime):
        return Literal(value, T.TimestampType())
    if isinstance(value, _dt.date):
        return Literal(value, T.DateType())
    if isinstance(value, (bytes, bytearray)):
        return Literal(bytes(value), T.BinaryType())
    if isinstance(value, (list, tuple)):
        return UnresolvedFunction("array", tuple(lit_expr(v) for v in value))
    if isinstance(value, dict):
        args: list[Expression] = []
        for k, v in value.items():
            args += [lit_expr(k), lit_expr(v)]
        return UnresolvedFunction("map", tuple(args))
    raise PySparkTypeError(
        f"[UNSUPPORTED_LITERAL] Unsupported Literal '{value!r}'.",
        errorClass="UNSUPPORTED_LITERAL")


def name_expr(name: str) -> Expression:
    """``col("a.b")`` / ``col("`a.b`")`` / ``col("*")`` / ``col("t.*")``."""
    if name == "*":
        return UnresolvedStar()
    if name.endswith(".*"):
        return UnresolvedStar(tuple(_split(name[:-2])))
    return UnresolvedAttribute(tuple(_split(name)))


def _split(name: str) -> list[str]:
    parts, cur, quoted, i = [], "", False, 0
    while i < len(name):
        ch = name[i]
        if ch == "`":
            if quoted and i + 1 < len(name) and name[i + 1] == "`":
                cur += "`"
                i += 2
                continue
            quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


def to_expr(c: Any) -> Expression:
    """A Column or a column name as an expression (functions accept both)."""
    if isinstance(c, Column):
        return c._expr
    if isinstance(c, str):
        return name_expr(c)
    raise PySparkTypeError(
        f"[NOT_COLUMN_OR_STR] Argument `col` should be a Column or str, got "
        f"{type(c).__name__}.", errorClass="NOT_COLUMN_OR_STR")


def _fn(name: str, *args: Any, distinct: bool = False) -> Column:
    return Column(UnresolvedFunction(name, tuple(a if isinstance(a, Expression) else
                                                 lit_expr(a) for a in args), distinct))


def _binary(name: str, reverse: bool = False):
    def op(self: Column, other: Any) -> Column:
        o = lit_expr(other)
        return _fn(name, o, self._expr) if reverse else _fn(name, self._expr, o)
    return op


class Column:
    """A column expression (see module docstring)."""

    __slots__ = ("_expr",)


    def __init__(self, expr: Expression):
        self._expr = expr

    # -- operators ------------------------------------------------------------------------------
    __add__ = _binary("+")
    __radd__ = _binary("+", True)
    __sub__ = _binary("-")
    __rsub__ = _binary("-", True)
    __mul__ = _binary("*")
    __rmul__ = _binary("*", True)
    __truediv__ = _binary("/")
    __rtruediv__ = _binary("/", True)
    __div__ = __truediv__
    __mod__ = _binary("%")
    __rmod__ = _binary("%", True)
    __pow__ = _binary("pow")
    __rpow__ = _binary("pow", True)
    __lt__ = _binary("<")
    __le__ = _binary("<=")
    __gt__ = _binary(">")
    __ge__ = _binary(">=")
    __and__ = _binary("and")
    __or__ = _binary("or")
    __rand__ = _binary("and", True)
    __ror__ = _binary("or", True)
    eqNullSafe = _binary("<=>")
    bitwiseAND = _binary("&")
    bitwiseOR = _binary("|")
    bitwiseXOR = _binary("^")

    def __eq__(self, other: Any) -> Column:  # type: ignore[override]
        return _fn("=", self._expr, lit_expr(other))

    def __ne__(self, other: Any) -> Column:  # type: ignore[override]
        return _fn("not", _fn("=", self._expr, lit_expr(other))._expr)

    def __neg__(self) -> Column:
        return _fn("negative", self._expr)

    def __invert__(self) -> Column:
        return _fn("not", self._expr)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise PySparkValueError(
            "[CANNOT_CONVERT_COLUMN_INTO_BOOL] Cannot convert column into bool: please use "
            "'&' for 'and', '|' for 'or', '~' for 'not' when building DataFrame boolean "
            "expressions.", errorClass="CANNOT_CONVERT_COLUMN_INTO_BOOL")

    __nonzero__ = __bool__

    def __iter__(self):
        raise PySparkTypeError("[NOT_ITERABLE] Column is not iterable.",
                               errorClass="NOT_ITERABLE")

    def __contains__(self, item: Any) -> bool:
        raise PySparkValueError(
            "[CANNOT_APPLY_IN_FOR_COLUMN] Cannot apply 'in' operator against a column: please "
            "use 'contains' in a string column or 'array_contains' function for an array "
            "column.", errorClass="CANNOT_APPLY_IN_FOR_COLUMN")

    # -- naming ---------------------------------------------------------------------------------
    def alias(self, *alias: str, **kwargs: Any) -> Column:
        """Name the column (``alias("a", "b")`` names the outputs of a multi-column
        generator such as posexplode)."""
        metadata = kwargs.get("metadata")
        if len(alias) == 1:
            meta = (("metadata", metadata),) if metadata else ()
            return Column(Alias((self._expr,), alias[0], metadata=meta))
        return Column(Alias((self._expr,), alias[0], metadata=(("names", tuple(alias)),)))

    name = alias

    def cast(self, dataType: T.DataType | str) -> Column:
        """Cast to a type (a DataType or a type string); a named column keeps its name."""
        dt = parse_type(dataType) if isinstance(dataType, str) else dataType
        cast = Cast((self._expr,), dt)
        if isinstance(self._expr, (UnresolvedAttribute, AttributeReference)):
            return Column(Alias((cast,), _plain_name(self._expr)))
        return Column(cast)

    astype = cast

    def try_cast(self, dataType: T.DataType | str) -> Column:
        dt = parse_type(dataType) if isinstance(dataType, str) else dataType
        return Column(Cast((self._expr,), dt, try_=True))

    # -- predicates -----------------------------------------------------------------------------
    def isNull(self) -> Column:
        return _fn("isnull", self._expr)

    def isNotNull(self) -> Column:
        return _fn("isnotnull", self._expr)

    def isNaN(self) -> Column:
        return _fn("isnan", self._expr)

    def isin(self, *cols: Any) -> Column:
        if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)):
            cols = tuple(cols[0])
        return _fn("in", self._expr, *[lit_expr(c) for c in cols])

    def between(self, lowerBound: Any, upperBound: Any) -> Column:
        return (self >= lowerBound) & (self <= upperBound)

    def like(self, other: str) -> Column:
        return _fn("like", self._expr, lit_expr(other))

    def ilike(self, other: str) -> Column:
        return _fn("ilike", self._expr, lit_expr(other))

    def rlike(self, other: str) -> Column:
        return _fn("rlike", self._expr, lit_expr(other))

    def contains(self, other: Any) -> Column:
        return _fn("contains", self._expr, lit_expr(other))

    def startswith(self, other: Any) -> Column:
        return _fn("startswith", self._expr, lit_expr(other))

    def endswith(self, other: Any) -> Column:
        return _fn("endswith", self._expr, lit_expr(other))

    def substr(self, startPos: Any, length: Any) -> Column:
        c = _fn("substring", self._expr, lit_expr(startPos), lit_expr(length))
        c._expr = _renamed(c._expr, "substr")
        return c

    # -- nested values --------------------------------------------------------------------------
    def getItem(self, key: Any) -> Column:
        return Column(UnresolvedExtract((self._expr, lit_expr(key))))

    def getField(self, name: str) -> Column:
        return Column(UnresolvedExtract((self._expr, lit_expr(name))))

    def __getitem__(self, k: Any) -> Column:
        if isinstance(k, slice):
            if k.step is not None:
                raise PySparkValueError("[SLICE_WITH_STEP] Slice with step is not supported.",
                                        errorClass="SLICE_WITH_STEP")
            return self.substr(k.start, k.stop)
        return self.getItem(k)

    def __getattr__(self, item: str) -> Column:
        if item.startswith("__"):
            raise AttributeError(item)
        return self.getField(item)

    def withField(self, fieldName: str, col: Column) -> Column:
        """This struct with field ``fieldName`` added or replaced (dots reach into nested
        structs: ``withField("a.b", lit(1))``)."""
        if not isinstance(fieldName, str):
            raise PySparkTypeError(
                f"[NOT_STR] Argument `fieldName` should be a str, got {type(fieldName).__name__}.",
                errorClass="NOT_STR")
        if not isinstance(col, Column):
            raise PySparkTypeError(
                f"[NOT_COLUMN] Argument `col` should be a Column, got {type(col).__name__}.",
                errorClass="NOT_COLUMN")
        return _fn("update_fields", self._expr, lit_expr(fieldName), col._expr)

    def dropFields(self, *fieldNames: str) -> Column:
        """This struct without the named fields (dots reach into nested structs)."""
        return _fn("drop_fields", self._expr, *[lit_expr(f) for f in fieldNames])

    def transform(self, f: Any) -> Column:
        """``f(self)``: chain a function of a Column (``col.transform(F.upper)``)."""
        return f(self)

    # -- CASE WHEN ------------------------------------------------------------------------------
    def when(self, condition: Column, value: Any) -> Column:
        e = self._expr
        if not isinstance(e, CaseWhen) or e.has_else:
            raise PySparkTypeError(
                "[INVALID_WHEN_USAGE] when() can only be applied on a Column previously "
                "generated by when() function, and cannot be applied once otherwise() is "
                "applied.", errorClass="INVALID_WHEN_USAGE")
        return Column(CaseWhen(e.children + (condition._expr, lit_expr(value))))

    def otherwise(self, value: Any) -> Column:
        e = self._expr
        if not isinstance(e, CaseWhen) or e.has_else:
            raise PySparkTypeError(
                "[INVALID_OTHERWISE_USAGE] otherwise() can only be applied on a Column "
                "previously generated by when(), and cannot be applied once otherwise() is "
                "applied.", errorClass="INVALID_OTHERWISE_USAGE")
        return Column(CaseWhen(e.children + (lit_expr(value),), True))

    # -- ordering -------------------------------------------------------------------------------
    def asc(self) -> Column:
        return Column(SortOrder((self._expr,), True))

    def desc(self) -> Column:
        return Column(SortOrder((self._expr,), False))

    def asc_nulls_first(self) -> Column:
        return Column(SortOrder((self._expr,), True, True))

    def asc_nulls_last(self) -> Column:
        return Column(SortOrder((self._expr,), True, False))

    def desc_nulls_first(self) -> Column:
        return Column(SortOrder((self._expr,), False, True))

    def desc_nulls_last(self) -> Column:
        return Column(SortOrder((self._expr,), False, False))

    def over(self, window: Any) -> Column:
        """This window function or aggregate over a ``WindowSpec`` (``Window.partitionBy``)."""
        definition = getattr(window, "_definition", None)
        if definition is None:
            raise PySparkTypeError(
                "[NOT_WINDOWSPEC] Argument `window` should be a WindowSpec, got "
                f"{type(window).__name__}.", errorClass="NOT_WINDOWSPEC")
        return Column(WindowExpression((self._expr, definition())))

    def outer(self) -> Column:
        """This column read from the outer query's current row (in ``lateralJoin``'s right
        side).

        >>> from pyspark.sql import functions as sf
        >>> sf.col("t.c1").outer()
        Column<'outer(t.c1)'>
        """
        return Column(UnresolvedOuterReference(self._expr))

    def __repr__(self) -> str:
        return f"Column<'{self._expr.sql()}'>"


def _plain_name(e: Expression) -> str:
    return e.name if isinstance(e, AttributeReference) else e.parts[-1]  # type: ignore


def _renamed(e: Expression, name: str) -> Expression:
    """The same call shown under another function name (Column.substr vs substring)."""
    from dataclasses import replace

    assert isinstance(e, UnresolvedFunction)
    return replace(e, options=(("display", name),))
