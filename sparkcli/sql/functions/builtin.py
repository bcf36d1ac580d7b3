"""``pyspark.sql.functions``: the core built-in functions (the rest come with the SQL issue).

Each function builds an unresolved call by name; the engine's registry binds it, so
``F.upper(col)``, ``expr("upper(x)")`` and SQL text share one implementation. Arguments that
are strings name columns (``F.sum("x")``), other Python values are literals.

>>> from pyspark.sql import functions as F
>>> F.sum("x")
Column<'sum(x)'>
>>> F.when(F.col("a") > 1, "big").otherwise("small")
Column<'CASE WHEN (a > 1) THEN big ELSE small END'>
"""

from __future__ import annotations

from typing import Any

from runtime.sql.expressions.base import CaseWhen, Expression, Literal, SortOrder, UnresolvedFunction
from runtime.sql import types as T
from sparkcli.sql.column import Column, lit_expr, name_expr, to_expr
from runtime.sql.parser import parse_expression
from runtime.sql.errors import PySparkTypeError

__all__ = [
    "abs", "acos", "any_value", "approx_count_distinct", "array", "array_contains", "asc",
    "asc_nulls_first", "asc_nulls_last", "asin", "atan", "atan2", "avg", "bool_and", "bool_or",
    "broadcast", "bround", "cbrt", "ceil", "ceiling", "coalesce", "col", "collect_list",
    "collect_set", "column", "concat", "concat_ws", "cos", "count", "countDistinct",
    "count_distinct", "count_if", "create_map", "current_date", "current_timestamp",
    "date_add", "date_format", "date_sub", "datediff", "dayofmonth", "dayofyear", "desc",
    "desc_nulls_first", "desc_nulls_last", "every", "exp", "explode", "explode_outer", "expr",
    "first", "floor", "greatest", "hour", "initcap", "instr", "isnan", "isnotnull", "isnull",
    "last", "least", "length", "lit", "ln", "log", "log10", "log2", "lower", "lpad", "ltrim",
    "max", "mean", "min", "minute", "monotonically_increasing_id", "month", "nvl",
    "posexplode", "posexplode_outer", "pow", "power", "quarter", "rand", "regexp_extract",
    "regexp_replace", "repeat", "reverse", "rlike", "round", "rpad", "rtrim", "second", "sin",
    "size", "some", "spark_partition_id", "split", "sqrt", "stddev", "stddev_pop",
    "stddev_samp", "struct", "substring", "sum", "sumDistinct", "sum_distinct", "tan",
    "to_date", "to_timestamp", "trim", "ucase", "upper", "var_pop", "var_samp", "variance",
    "when", "year",
]
__all__ += ["grouping", "grouping_id"]  # with rollup/cube/groupingSets

_builtin_abs, _builtin_min, _builtin_max, _builtin_sum = abs, min, max, sum


def _call(name: str, *cols: Any, distinct: bool = False) -> Column:
    return Column(UnresolvedFunction(name, tuple(to_expr(c) for c in cols), distinct))


def _call_lit(name: str, col_: Any, *literals: Any) -> Column:
    return Column(UnresolvedFunction(name, (to_expr(col_),) + tuple(lit_expr(v)
                                                                    for v in literals)))


# -- columns and literals ---------------------------------------------------------------------------
def col(col: str) -> Column:
    """A column by name (``"a"``, ``"t.a"``, ``"s.field"``, ``"*"``)."""
    return Column(name_expr(col))


column = col


def lit(col: Any) -> Column:
    """A literal value (a Column is returned as it is)."""
    return col if isinstance(col, Column) else Column(lit_expr(col))


def expr(str: str) -> Column:
    """An expression in Spark SQL syntax: ``expr("a div 2")``."""

    return Column(parse_expression(str))


def when(condition: Column, value: Any) -> Column:
    """CASE WHEN condition THEN value; chain ``.when`` and ``.otherwise``."""
    if not isinstance(condition, Column):
        raise PySparkTypeError("[NOT_COLUMN] Argument `condition` should be a Column, got "
                               f"{type(condition).__name__}.", errorClass="NOT_COLUMN")
    return Column(CaseWhen((condition._expr, lit_expr(value))))


def broadcast(df: Any) -> Any:
    """Mark a DataFrame for a broadcast join (the planner broadcasts it)."""
    return df.hint("broadcast")


# -- sort orders ------------------------------------------------------------------------------------
def asc(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), True))


def desc(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), False))


def asc_nulls_first(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), True, True))


def asc_nulls_last(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), True, False))


def desc_nulls_first(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), False, True))


def desc_nulls_last(col: Any) -> Column:
    return Column(SortOrder((to_expr(col),), False, False))


# -- aggregates -------------------------------------------------------------------------------------
def count(col: Any) -> Column:
    """Number of non-NULL values (``count("*")``: rows)."""
    return _call("count", col)


def countDistinct(col: Any, *cols: Any) -> Column:
    return _call("count", col, *cols, distinct=True)


count_distinct = countDistinct


def sum(col: Any) -> Column:  # noqa: A001 - PySpark's name
    return _call("sum", col)


def sum_distinct(col: Any) -> Column:
    return _call("sum", col, distinct=True)


sumDistinct = sum_distinct


def avg(col: Any) -> Column:
    return _call("avg", col)


def mean(col: Any) -> Column:
    """The average (named ``avg(col)``, as in Spark)."""
    return _call("avg", col)


def min(col: Any) -> Column:  # noqa: A001
    return _call("min", col)


def max(col: Any) -> Column:  # noqa: A001
    return _call("max", col)


def first(col: Any, ignorenulls: bool = False) -> Column:
    return _call_lit("first", col, ignorenulls) if ignorenulls else _call("first", col)


def last(col: Any, ignorenulls: bool = False) -> Column:
    return _call_lit("last", col, ignorenulls) if ignorenulls else _call("last", col)


def any_value(col: Any, ignoreNulls: Any = None) -> Column:
    return _call("any_value", col)


def _simple_agg(name: str):
    def f(col: Any) -> Column:
        return _call(name, col)
    f.__name__ = name
    f.__doc__ = f"Aggregate function ``{name}``."
    return f


collect_list = _simple_agg("collect_list")
collect_set = _simple_agg("collect_set")
stddev = _simple_agg("stddev")
stddev_samp = _simple_agg("stddev_samp")
stddev_pop = _simple_agg("stddev_pop")
variance = _simple_agg("variance")
var_samp = _simple_agg("var_samp")
var_pop = _simple_agg("var_pop")
count_if = _simple_agg("count_if")
bool_and = _simple_agg("bool_and")
bool_or = _simple_agg("bool_or")
every = _simple_agg("every")
some = _simple_agg("some")


def approx_count_distinct(col: Any, rsd: float | None = None) -> Column:
    return _call("approx_count_distinct", col)


# -- scalar functions -------------------------------------------------------------------------------
def _simple(name: str):
    def f(col: Any) -> Column:
        return _call(name, col)
    f.__name__ = name
    f.__doc__ = f"Spark's ``{name}``."
    return f


for _n in ("abs", "sqrt", "exp", "ln", "log10", "log2", "sin", "cos", "tan", "asin", "acos",
           "atan", "cbrt", "upper", "lower", "length", "reverse", "initcap", "size", "isnull", "isnotnull", "isnan",
           "year", "month", "dayofmonth", "dayofyear", "hour", "minute", "second", "quarter",
           "explode", "explode_outer", "posexplode", "posexplode_outer"):
    globals()[_n] = _simple(_n)
ucase = _simple("ucase")


def _trim(name: str):
    def f(col: Any, trim: Any = None) -> Column:
        return _call(name, col) if trim is None else _call(name, col, trim)
    f.__name__ = name
    f.__doc__ = f"Spark's ``{name}``: spaces, or the characters of ``trim``, removed."
    return f


trim, ltrim, rtrim = _trim("trim"), _trim("ltrim"), _trim("rtrim")


def log(arg1: Any, arg2: Any = None) -> Column:
    """``ln(arg1)``, or the logarithm of ``arg2`` in base ``arg1`` (``LOG(base, x)``)."""
    if arg2 is None:
        return _call("ln", arg1)
    return Column(UnresolvedFunction("log", (_arg(arg1), to_expr(arg2))))


def ceil(col: Any, scale: Any = None) -> Column:
    """``CEIL(col)`` (a bigint), or ``ceil(col, scale)`` (a decimal with ``scale`` digits)."""
    return _call("ceil", col) if scale is None else _call_lit("ceil", col, scale)


def ceiling(col: Any, scale: Any = None) -> Column:
    return _call("ceiling", col) if scale is None else _call_lit("ceiling", col, scale)


def floor(col: Any, scale: Any = None) -> Column:
    """``FLOOR(col)`` (a bigint), or ``floor(col, scale)`` (a decimal)."""
    return _call("floor", col) if scale is None else _call_lit("floor", col, scale)


def pow(col1: Any, col2: Any) -> Column:  # noqa: A001
    return Column(UnresolvedFunction("pow", (_arg(col1), _arg(col2))))


power = pow


def atan2(col1: Any, col2: Any) -> Column:
    return Column(UnresolvedFunction("atan2", (_arg(col1), _arg(col2))))


def _arg(v: Any) -> Expression:
    return to_expr(v) if isinstance(v, (Column, str)) else lit_expr(v)


def round(col: Any, scale: int = 0) -> Column:  # noqa: A001
    return _call_lit("round", col, scale)


def bround(col: Any, scale: int = 0) -> Column:
    return _call_lit("bround", col, scale)


def greatest(*cols: Any) -> Column:
    return _call("greatest", *cols)


def least(*cols: Any) -> Column:
    return _call("least", *cols)


def coalesce(*cols: Any) -> Column:
    return _call("coalesce", *cols)


def nvl(col1: Any, col2: Any) -> Column:
    return _call("nvl", col1, col2)


def concat(*cols: Any) -> Column:
    return _call("concat", *cols)


def concat_ws(sep: str, *cols: Any) -> Column:
    return Column(UnresolvedFunction("concat_ws", (lit_expr(sep),) +
                                     tuple(to_expr(c) for c in cols)))


def substring(str: Any, pos: int, len: int) -> Column:  # noqa: A002
    return _call_lit("substring", str, pos, len)


def split(str: Any, pattern: str, limit: int = -1) -> Column:  # noqa: A002
    return _call_lit("split", str, pattern, limit)


def regexp_replace(string: Any, pattern: Any, replacement: Any, position: Any = None) -> Column:
    pos = Literal(1, T.IntegerType()) if position is None else _lit_or_col(position)
    return Column(UnresolvedFunction("regexp_replace", (to_expr(string), _lit_or_col(pattern),
                                                        _lit_or_col(replacement), pos)))


def _lit_or_col(v: Any) -> Expression:
    return v._expr if isinstance(v, Column) else lit_expr(v)


def regexp_extract(str: Any, pattern: str, idx: int) -> Column:  # noqa: A002
    return _call_lit("regexp_extract", str, pattern, idx)


def rlike(str: Any, regexp: Any) -> Column:  # noqa: A002
    return Column(UnresolvedFunction("rlike", (to_expr(str), _lit_or_col(regexp))))


def lpad(col: Any, len: int, pad: str) -> Column:  # noqa: A002
    return _call_lit("lpad", col, len, pad)


def rpad(col: Any, len: int, pad: str) -> Column:  # noqa: A002
    return _call_lit("rpad", col, len, pad)


def instr(str: Any, substr: str) -> Column:  # noqa: A002
    return _call_lit("instr", str, substr)


def repeat(col: Any, n: int) -> Column:
    return _call_lit("repeat", col, n)


def array(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("array", *cols)


def struct(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("struct", *cols)


def create_map(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("map", *cols)


def array_contains(col: Any, value: Any) -> Column:
    return Column(UnresolvedFunction("array_contains", (to_expr(col), _lit_or_col(value))))


def to_date(col: Any, format: str | None = None) -> Column:
    return _call_lit("to_date", col, format) if format else _call("to_date", col)


def to_timestamp(col: Any, format: str | None = None) -> Column:
    return _call_lit("to_timestamp", col, format) if format else _call("to_timestamp", col)


def date_format(date: Any, format: str) -> Column:
    return _call_lit("date_format", date, format)


def date_add(start: Any, days: Any) -> Column:
    return Column(UnresolvedFunction("date_add", (to_expr(start), _lit_or_col(days))))


def date_sub(start: Any, days: Any) -> Column:
    return Column(UnresolvedFunction("date_sub", (to_expr(start), _lit_or_col(days))))


def datediff(end: Any, start: Any) -> Column:
    return _call("datediff", end, start)


def current_date() -> Column:
    return Column(UnresolvedFunction("current_date", ()))


def current_timestamp() -> Column:
    return Column(UnresolvedFunction("current_timestamp", ()))


def monotonically_increasing_id() -> Column:
    return Column(UnresolvedFunction("monotonically_increasing_id", ()))


def spark_partition_id() -> Column:
    return Column(UnresolvedFunction("spark_partition_id", ()))


def rand(seed: int | None = None) -> Column:
    args = (lit_expr(seed),) if seed is not None else ()
    return Column(UnresolvedFunction("rand", args))


def grouping(col: Any) -> Column:
    """1 when ``col`` is aggregated away in this row of a rollup/cube (a subtotal), else 0."""
    return _call("grouping", col)


def grouping_id(*cols: Any) -> Column:
    """The grouping level of the row: one bit per grouping column (1: aggregated away)."""
    return _call("grouping_id", *cols)


_unused = (_builtin_abs, _builtin_min, _builtin_max, _builtin_sum)
