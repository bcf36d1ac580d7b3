"""Spark SQL expression text (``expr()``, ``selectExpr``, ``filter("a > 1")``) to unresolved
expressions, with sqlglot's Spark dialect as the parser.

sqlglot only parses: its tree is converted here into the engine's own unresolved nodes
(names, function calls by name, casts, CASE), which the analyzer then types with Spark's
rules, exactly as for the DataFrame API. sqlglot normalizes some functions into its own
classes (``split`` -> RegexpSplit, ``collect_list`` -> ArrayAgg, ``2L`` -> a cast); the
table below maps them back to Spark's names. A syntax error is ``[PARSE_SYNTAX_ERROR]``.
The statement-level parser (``spark.sql``) comes with the next issue on the same converter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.ddl import parse_type
from runtime.sql.errors import ParseException
from runtime.sql.intervals import interval_literal, multi_unit_literal
from runtime.sql.parser_dialect import spark_dialect
from runtime.sql.expressions.lambdas import LambdaFunction
from runtime.sql.expressions.window_sql import window_from_sqlglot
from runtime.sql.expressions.base import (
    Alias, CaseWhen, Cast, Expression, Literal, SortOrder, UnresolvedAttribute,
    UnresolvedExtract, UnresolvedFunction, UnresolvedStar)

__all__ = ["parse_expression"]

_BINARY = {
    "Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Mod": "%", "IntDiv": "div", "EQ": "=",
    "NEQ": "!=", "GT": ">", "GTE": ">=", "LT": "<", "LTE": "<=", "And": "and", "Or": "or",
    "NullSafeEQ": "<=>", "Like": "like", "ILike": "ilike", "RegexpLike": "rlike",
    "Pow": "pow", "BitwiseAnd": "&", "BitwiseOr": "|", "BitwiseXor": "^",
    "BitwiseLeftShift": "<<", "BitwiseRightShift": ">>",
}
_RENAMED = {
    "REGEXP_SPLIT": "split", "ARRAY_AGG": "collect_list", "ARRAY_UNIQUE_AGG": "collect_set",
    "STDDEV": "stddev", "VARIANCE": "variance", "CURRENT_DATE": "current_date",
    "CURRENT_TIMESTAMP": "current_timestamp", "APPROX_DISTINCT": "approx_count_distinct",
    "ARRAY_SIZE": "size", "ARRAY": "array", "STRUCT": "struct", "LN": "ln", "LOG": "log",
    "COUNT_IF": "count_if", "DAY_OF_MONTH": "dayofmonth", "DAY_OF_YEAR": "dayofyear",
    "STR_TO_DATE": "to_date", "TIME_TO_STR": "date_format", "REGEXP_REPLACE": "regexp_replace",
    "REGEXP_EXTRACT": "regexp_extract", "ANY_VALUE": "any_value", "LOGICAL_AND": "bool_and",
    "LOGICAL_OR": "bool_or", "EXPLODE_OUTER": "explode_outer", "POSEXPLODE": "posexplode",
    "POSEXPLODE_OUTER": "posexplode_outer", "ARRAY_CONTAINS": "array_contains",
    "VAR_MAP": "map", "MAP": "map", "LEFT": "left", "RIGHT": "right",
}

# functions whose first argument is a bare unit keyword: dateadd(HOUR, n, ts)
_UNIT_FIRST = {"dateadd", "date_add", "datediff", "date_diff", "timestampadd", "timestampdiff"}


def parse_expression(text: str) -> Expression:
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        tree = sqlglot.parse_one(text, read=spark_dialect())
    except ParseError as e:
        near = ""
        errs = getattr(e, "errors", None) or []
        if errs:
            near = str(errs[0].get("highlight") or "")
        raise ParseException(
            f"[PARSE_SYNTAX_ERROR] Syntax error at or near '{near or text}'. SQLSTATE: 42601",
            errorClass="PARSE_SYNTAX_ERROR", messageParameters={"error": f"'{near}'"}) from None
    return _Converter().convert(tree)


class _Converter:
    def convert(self, e: Any) -> Expression:
        from sqlglot import exp

        name = type(e).__name__
        if e.args.get("negate") and isinstance(e, exp.Expression):  # sqlglot: a NOT LIKE b
            positive = e.copy()
            positive.set("negate", None)
            return UnresolvedFunction("not", (self.convert(positive),))
        if isinstance(e, exp.Paren):
            return self.convert(e.this)
        if isinstance(e, exp.Interval) or e.meta.get("multi_unit_interval"):
            return _interval(e)
        if isinstance(e, exp.Window):  # OVER (...): named windows from the WINDOW clause
            return window_from_sqlglot(e, self.convert, getattr(self, "named_windows", None))
        if isinstance(e, exp.Alias):
            return Alias((self.convert(e.this),), e.alias)
        if isinstance(e, exp.Star):
            return UnresolvedStar()
        if isinstance(e, exp.Column):
            parts = [p.name for p in e.parts]
            if isinstance(e.this, exp.Star):
                return UnresolvedStar(tuple(parts[:-1]) or None)
            return UnresolvedAttribute(tuple(parts))
        if isinstance(e, exp.Dot):
            return UnresolvedExtract((self.convert(e.this), Literal(e.name, T.StringType())))
        if isinstance(e, exp.Literal):
            if e.is_string:
                return Literal(e.this, T.StringType())
            return _number(e.this)
        if isinstance(e, exp.Boolean):
            return Literal(bool(e.this), T.BooleanType())
        if isinstance(e, exp.Null):
            return Literal(None, T.NullType())
        if isinstance(e, (exp.IgnoreNulls, exp.RespectNulls)) and \
                isinstance(e.this, (exp.First, exp.Last, exp.AnyValue)):
            inner = self.convert(e.this)  # first(x, true) / first(x) IGNORE NULLS
            if isinstance(inner, UnresolvedFunction) and len(inner.children) == 1:
                flag = Literal(isinstance(e, exp.IgnoreNulls), T.BooleanType())
                return replace(inner, children=inner.children + (flag,))
            return inner
        if isinstance(e, exp.Concat) and not e.args.get("safe") and all(
                isinstance(x, exp.Literal) and x.is_string for x in e.expressions):
            return Literal("".join(x.this for x in e.expressions), T.StringType())  # 'a' 'b'
        if isinstance(e, exp.NEQ):  # a <> b, a != b: Spark's NOT (a = b)
            return UnresolvedFunction("not", (UnresolvedFunction("=", (
                self.convert(e.this), self.convert(e.expression))),))
        if name in _BINARY:
            return UnresolvedFunction(_BINARY[name], (self.convert(e.this),
                                                      self.convert(e.expression)))
        if isinstance(e, exp.Not):
            inner = e.this
            if isinstance(inner, exp.Is):
                return UnresolvedFunction("isnotnull", (self.convert(inner.this),))
            return UnresolvedFunction("not", (self.convert(inner),))
        if isinstance(e, exp.Is):
            return UnresolvedFunction("isnull", (self.convert(e.this),))
        if isinstance(e, exp.StrPosition):  # position(sub IN s): Spark's (sub, s[, start])
            args = [self.convert(e.args["substr"]), self.convert(e.this)]
            if e.args.get("position") is not None:
                args.append(self.convert(e.args["position"]))
            return UnresolvedFunction("position", tuple(args))
        if isinstance(e, exp.DPipe):  # 'a' || 'b': Spark's concat(a, b)
            return UnresolvedFunction("concat", (self.convert(e.this),
                                                 self.convert(e.expression)))
        if isinstance(e, exp.NullSafeNEQ):  # a IS DISTINCT FROM b: NOT (a <=> b)
            return UnresolvedFunction("not", (UnresolvedFunction("<=>", (
                self.convert(e.this), self.convert(e.expression))),))
        if isinstance(e, exp.Any) and not isinstance(e.this, (exp.Subquery, exp.Select)):
            return UnresolvedFunction("any", (self.convert(e.this),))  # the aggregate
        if isinstance(e, exp.BitwiseNot):
            return UnresolvedFunction("~", (self.convert(e.this),))
        if isinstance(e, exp.Neg):
            inner = self.convert(e.this)  # -6.5 is a literal, -(6.5) a negation
            if isinstance(e.this, exp.Literal) and not e.this.is_string and \
                    isinstance(inner, Literal) and isinstance(inner.dtype, T.NumericType):
                return _number("-" + e.this.this)
            return UnresolvedFunction("negative", (inner,), options=(("display", "-"),))
        if isinstance(e, exp.In):
            return UnresolvedFunction("in", (self.convert(e.this),) +
                                      tuple(self.convert(x) for x in e.expressions))
        if isinstance(e, exp.Between):
            v = self.convert(e.this)
            return UnresolvedFunction("and", (
                UnresolvedFunction(">=", (v, self.convert(e.args["low"]))),
                UnresolvedFunction("<=", (v, self.convert(e.args["high"])))))
        if isinstance(e, (exp.Cast, exp.TryCast)):
            dtype = T.TimeType() if e.to.this == exp.DataType.Type.TIME else \
                parse_type(e.to.sql(dialect="spark"))
            child = self.convert(e.this)
            if isinstance(child, Literal) and child.value is not None and \
                    _suffixed(e.this) and not isinstance(dtype, T.VariantType):
                typed = _typed_number(e.this.this, dtype)
                if typed is not None:
                    return typed
            # sqlglot's Spark dialect reads every CAST as a TryCast; the one written TRY_CAST is "safe"
            try_ = isinstance(e, exp.TryCast) and bool(e.args.get("safe"))
            typed = type(e) is exp.Cast and isinstance(e.this, exp.Literal) and \
                e.this.is_string and isinstance(
                    dtype, (T.DateType, T.TimestampType, T.TimestampNTZType, T.TimeType))
            return Cast((child,), dtype, try_=try_, typed_literal=typed)
        if isinstance(e, exp.Filter):  # agg(x) FILTER (WHERE c): analysis/agg_filter.py
            f = self.convert(e.this)
            if not isinstance(f, UnresolvedFunction):
                raise ParseException(
                    "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FILTER'. SQLSTATE: 42601",
                    errorClass="PARSE_SYNTAX_ERROR")
            return replace(f, children=f.children + (self.convert(e.expression.this),),
                           options=f.options + (("agg_filter", True),))
        if isinstance(e, exp.Case):
            kids: list[Expression] = []
            operand = self.convert(e.this) if e.this is not None else None  # CASE b WHEN 1
            for when in e.args.get("ifs") or []:
                cond = self.convert(when.this)
                if operand is not None:
                    cond = UnresolvedFunction("=", (operand, cond))
                kids += [cond, self.convert(when.args["true"])]
            default = e.args.get("default")
            if default is not None:
                kids.append(self.convert(default))
            return CaseWhen(tuple(kids), default is not None)
        if isinstance(e, exp.If):
            kids = [self.convert(e.this), self.convert(e.args["true"])]
            if e.args.get("false") is not None:
                kids.append(self.convert(e.args["false"]))
            return CaseWhen(tuple(kids), len(kids) == 3)
        if isinstance(e, exp.Bracket):
            return UnresolvedExtract((self.convert(e.this), self.convert(e.expressions[0])))
        if isinstance(e, exp.Ordered):
            return SortOrder((self.convert(e.this),), not e.args.get("desc"),
                             e.args.get("nulls_first"))
        if isinstance(e, exp.TsOrDsToDate) and not e.args.get("format"):
            return self.convert(e.this)
        if isinstance(e, exp.Anonymous):
            items = e.expressions
            if len(items) == 1 and isinstance(items[0], exp.Distinct):
                return UnresolvedFunction(e.name.lower(), tuple(
                    self.convert(a) for a in items[0].expressions), True)
            args = tuple(self.convert(a) for a in items)
            if e.name.lower() in _UNIT_FIRST and len(items) == 3 and \
                    isinstance(items[0], exp.Column) and not items[0].table:
                args = (Literal(items[0].name.upper(), T.StringType()),) + args[1:]
            return UnresolvedFunction(e.name.lower(), args)
        if isinstance(e, exp.Lambda):  # x -> x + 1, (acc, x) -> acc + x
            return LambdaFunction((self.convert(e.this),) + tuple(
                UnresolvedAttribute((p.name,)) for p in e.expressions))
        if isinstance(e, exp.Identifier):  # a lambda variable in a lambda's body
            return UnresolvedAttribute((e.name,))
        if isinstance(e, exp.Extract):
            return UnresolvedFunction("date_part", (Literal(e.this.name, T.StringType()),
                                                    self.convert(e.expression)),
                                      options=(("display", "extract"),))
        if isinstance(e, (exp.TimestampAdd, exp.TimestampDiff, exp.DateDiff)) and \
                isinstance(e.args.get("unit"), exp.Var):  # timestampadd(HOUR, n, ts)...
            fname = "timestampadd" if isinstance(e, exp.TimestampAdd) else "timestampdiff"
            unit = Literal(e.args["unit"].name.upper(), T.StringType())
            # sqlglot keeps (this=ts, expression=n) and (this=end, expression=start)
            return UnresolvedFunction(fname, (unit, self.convert(e.expression),
                                              self.convert(e.this)))
        if isinstance(e, exp.Func):
            return self._function(e)
        raise ParseException(
            f"[PARSE_SYNTAX_ERROR] Syntax error at or near '{e.sql(dialect='spark')}'. "
            "SQLSTATE: 42601", errorClass="PARSE_SYNTAX_ERROR")

    def _function(self, e: Any) -> Expression:
        from sqlglot import exp

        fname = e.sql_name()
        name = _RENAMED.get(fname, fname.lower())
        distinct = False
        args: list[Expression] = []
        for key in e.arg_types:
            v = e.args.get(key)
            if v is None:
                continue
            values = v if isinstance(v, list) else [v]
            for item in values:
                if isinstance(item, exp.Distinct):
                    distinct = True
                    args.extend(self.convert(x) for x in item.expressions)
                elif isinstance(item, exp.Expression):
                    args.append(self.convert(item))
        if name == "count" and not args:
            args = [UnresolvedStar()]
        if name == "log" and len(args) == 1:
            name = "ln"
        return UnresolvedFunction(name, tuple(args), distinct)


def _interval(e: Any) -> Literal:
    """An INTERVAL literal (one unit, a span ``DAY TO SECOND`` or several units)."""
    from sqlglot import exp

    def part(i: Any) -> tuple[str, Any]:
        if not isinstance(i, exp.Interval) or not isinstance(i.this, (exp.Literal, exp.Neg)):
            raise ParseException(
                f"[PARSE_SYNTAX_ERROR] Syntax error at or near '{i.sql(dialect='spark')}'. "
                "SQLSTATE: 42601", errorClass="PARSE_SYNTAX_ERROR")
        v = i.this
        text = ("-" + v.this.this) if isinstance(v, exp.Neg) else v.this
        return text, i.args.get("unit")

    if isinstance(e, exp.Add):
        parts, node = [], e
        while isinstance(node, exp.Add):
            parts.append(part(node.this))
            node = node.expression
        parts.append(part(node))
        shown = " ".join(f"{v} {u.name.lower()}" for v, u in parts)
        value, dtype = multi_unit_literal([(v, u.name) for v, u in parts], f"interval {shown}")
        return Literal(value, dtype)
    text, unit = part(e)
    if isinstance(unit, exp.IntervalSpan):
        value, dtype = interval_literal(text, unit.this.name, unit.expression.name)
    elif unit is None:
        raise ParseException("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input: "
                             "an INTERVAL needs a unit. SQLSTATE: 42601",
                             errorClass="PARSE_SYNTAX_ERROR")
    else:
        value, dtype = interval_literal(text, unit.name)
    return Literal(value, dtype)


def _number(text: str) -> Literal:
    t = text.strip()
    if any(c in t for c in ".eE"):
        if "e" in t.lower():
            return Literal(float(t), T.DoubleType())
        import decimal

        d = decimal.Decimal(t)
        scale = max(0, -d.as_tuple().exponent)  # type: ignore[operator]
        return Literal(d, T.DecimalType(max(len(d.as_tuple().digits), scale, 1), scale))
    v = int(t)
    if not -2**63 <= v < 2**63 and len(str(abs(v))) <= 38:  # Spark: past BIGINT, a DECIMAL
        import decimal

        return Literal(decimal.Decimal(v), T.DecimalType(len(str(abs(v))), 0))
    return Literal(v, T.IntegerType() if -2**31 <= v < 2**31 else T.LongType())


def _suffixed(lit: Any) -> bool:
    """Whether a literal under a cast was written with a type suffix (``1L``, ``2S``, ``3Y``,
    ``1.5D``, ``1BD``: sqlglot reads them as casts; Spark names them by their value) rather
    than in ``CAST(1 AS BIGINT)`` or ``1::BIGINT`` (named ``CAST(1 AS BIGINT)``). sqlglot's
    token of a suffixed number spans the suffix; a ``BD`` number is a string literal with no
    position."""
    from sqlglot import exp

    if not isinstance(lit, exp.Literal):
        return False
    start, end = lit.meta.get("start"), lit.meta.get("end")
    if lit.is_string:
        return start is None
    return start is not None and end - start + 1 > len(str(lit.this))


def _typed_number(text: str, dtype: T.DataType) -> Literal | None:
    """``CAST(<number> AS <numeric type>)`` as a typed literal when the value is exact in
    that type; None (a real CAST: truncation, rounding, overflow errors) otherwise."""
    import decimal

    if isinstance(dtype, (T.LongType, T.IntegerType, T.ShortType, T.ByteType)):
        if not text.lstrip("+-").isdigit():
            return None
        bits = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32}.get(type(dtype), 64)
        v = int(text)
        return Literal(v, dtype) if -(1 << (bits - 1)) <= v < (1 << (bits - 1)) else None
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return Literal(float(text), dtype)
    if isinstance(dtype, T.DecimalType):
        try:
            d = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None
        q = d.quantize(decimal.Decimal(1).scaleb(-dtype.scale))
        if q != d or len(q.as_tuple().digits) > dtype.precision:
            return None
        return Literal(q, dtype)
    return None
