"""Expression resolution against a plan's input attributes.

``ExpressionResolver.resolve(expr, inputs)`` turns an unresolved expression into a bound
one: names are looked up among ``inputs`` (case-insensitively unless
``spark.sql.caseSensitive``), qualified names (``t.a``) match attributes of that alias,
further parts extract struct fields (``s.x``); functions are found in the registry and bound
with Spark's type rules; ``count(*)`` becomes ``count(1)``; CASE WHEN branches meet at their
common type. An unknown name raises ``[UNRESOLVED_COLUMN.WITH_SUGGESTION]`` naming the
closest input columns, an ambiguous one ``[AMBIGUOUS_REFERENCE]``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.analysis.agg_filter import FILTER_OPTION, filtered
from runtime.sql.errors import AnalysisException, quote_ident, unresolved_column
from runtime.sql.expressions.base import (
    AggCall, Alias, AttributeReference, CaseWhen, Cast, Expression, Literal, SortOrder,
    UnresolvedAttribute, UnresolvedExtract, UnresolvedFunction, UnresolvedStar)
from runtime.sql.expressions.binding import cast_to
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.registry import BindContext, lookup
from runtime.sql.expressions.base import transform_up
from runtime.sql.expressions.casts import can_cast
from runtime.sql.ddl import type_ddl
from runtime.sql.expressions.base import Call
from runtime.sql.expressions.lambdas import is_lambda
from runtime.sql.expressions.outer_references import (
    OuterReference, OuterScopeMissing, UnresolvedOuterReference)
from runtime.sql.expressions.variables import VariableReference
from runtime.sql.expressions.window_base import WindowExpression, bind_window

__all__ = ["ExpressionResolver", "UnresolvedRegex", "expand_star"]


def _eq(a: str, b: str, case_sensitive: bool) -> bool:
    return a == b if case_sensitive else a.lower() == b.lower()


def _shown(a: AttributeReference) -> str:
    return ".".join(quote_ident(p) for p in (*a.qualifier[-1:], a.name))


@dataclass(frozen=True, eq=False)
class UnresolvedRegex(UnresolvedStar):
    """``df.colRegex("`a.*`")``: every input column whose name matches the (Java) regex."""
    regex: str = ""

    def sql(self) -> str:
        return f"`{self.regex}`"


def expand_star(star: UnresolvedStar, inputs: list[AttributeReference],
                case_sensitive: bool) -> list[AttributeReference]:
    if isinstance(star, UnresolvedRegex):
        pattern = re.compile(star.regex, 0 if case_sensitive else re.IGNORECASE)
        return [a for a in inputs if pattern.fullmatch(a.name)]
    if not star.target:
        return list(inputs)
    target = star.target
    out = [a for a in inputs if a.qualifier and _eq(a.qualifier[-1], target[-1], case_sensitive)]
    if out:
        return out
    # struct.* expands the struct's fields
    for a in inputs:
        if _eq(a.name, target[-1], case_sensitive) and isinstance(a.dtype, T.StructType):
            raise AnalysisException("struct.* expansion is not supported yet",
                                    errorClass="UNSUPPORTED_FEATURE")
    raise AnalysisException(
        f"[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve {'.'.join(quote_ident(t) for t in target)}"
        f".* given input columns {', '.join(_shown(a) for a in inputs)}. SQLSTATE: 42704",
        errorClass="CANNOT_RESOLVE_STAR_EXPAND")


def _cast_function(src: T.DataType, dst: T.DataType) -> str | None:
    """The function Spark suggests for a cast it refuses between dates and numbers."""
    if isinstance(src, T.NumericType) and isinstance(dst, T.DateType):
        return "DATE_FROM_UNIX_DATE"
    if isinstance(src, T.DateType) and isinstance(dst, T.NumericType):
        return "UNIX_DATE"
    return None


def _legacy_castable(src: T.DataType, dst: T.DataType) -> bool:
    """Casts Spark allows only with ANSI mode off (CAST_WITH_CONF_SUGGESTION under ANSI)."""
    return isinstance(src, (T.DateType, T.TimestampType)) and isinstance(dst, T.BooleanType) \
        or isinstance(src, T.IntegralType) and isinstance(dst, T.BinaryType)


class ExpressionResolver:
    def __init__(self, ctx: BindContext):
        self.ctx = ctx
        # the columns of the query around a LATERAL subquery being resolved: a name found
        # only there becomes ``outer(name)`` (outer_references.py); None outside one
        self.outer: list[AttributeReference] | None = None
        # True while a DataFrame reading ``outer()`` is analyzed alone (pending_outer.py):
        # ``outer(x)`` then reads the plan's own ``x``
        self.outer_local = False
        # > 0 while a caller tries one scope of several (columns, then outer columns): a
        # session variable is read only after every scope failed
        self.columns_only = 0

    @contextmanager
    def without_variables(self) -> Iterator[None]:
        self.columns_only += 1
        try:
            yield
        finally:
            self.columns_only -= 1

    def _variable(self, parts: tuple[str, ...]) -> tuple[Expression, tuple] | None:
        """A session variable the name reads (statements/variables.py), after no column."""
        variables = self.ctx.variables
        if variables is None or self.columns_only:
            return None
        return variables.reference(parts)

    # -- names ---------------------------------------------------------------------------------
    def resolve_name(self, parts: tuple[str, ...], inputs: list[AttributeReference],
                     shown: str | None = None) -> Expression:
        cs = self.ctx.case_sensitive
        cands: list[AttributeReference] = []
        rest: tuple[str, ...] = ()
        if len(parts) > 1:
            cands = [a for a in inputs if a.qualifier and _eq(a.qualifier[-1], parts[0], cs)
                     and _eq(a.name, parts[1], cs)]
            rest = parts[2:]
        if not cands:
            cands = [a for a in inputs if _eq(a.name, parts[0], cs)]
            rest = parts[1:]
        unique = list({a.expr_id: a for a in cands}.values())
        if len(unique) > 1:
            name = ".".join(quote_ident(p) for p in parts)
            options = ", ".join(_shown(a) for a in unique)
            raise AnalysisException(
                f"[AMBIGUOUS_REFERENCE] Reference {name} is ambiguous, could be: [{options}]. "
                "SQLSTATE: 42704", errorClass="AMBIGUOUS_REFERENCE",
                messageParameters={"name": name, "referenceNames": f"[{options}]"})
        if not unique:
            if self.outer:
                try:
                    return self._outer(UnresolvedAttribute(parts))
                except AnalysisException:
                    pass
            found = self._variable(parts)
            if found is None:
                raise unresolved_column(shown or ".".join(parts), [_shown(a) for a in inputs])
            out, rest = found
        else:
            out = unique[0]
        for field in rest:
            out = lookup("getfield").bind([out, Literal(field, T.StringType())], self.ctx)
        if rest and isinstance(out, Call):  # named by its last part, as Spark's Alias does
            out = replace(out, options=tuple(out.options) + (("by_name", True),))
        return out

    # -- expressions ---------------------------------------------------------------------------
    def resolve(self, expr: Expression, inputs: list[AttributeReference]) -> Expression:
        if expr.resolved and not isinstance(expr, (CaseWhen, Cast)):  # a Cast is checked
            return self._check_present(expr, inputs)
        if isinstance(expr, UnresolvedAttribute):
            return self.resolve_name(expr.parts, inputs)
        if isinstance(expr, UnresolvedOuterReference):
            if self.outer_local and self.outer is None:
                return self.resolve(expr.expr, inputs)
            return self._outer(expr.expr)
        if isinstance(expr, UnresolvedStar):
            raise AnalysisException(
                "[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in expression "
                "`{expr}`.", errorClass="INVALID_USAGE_OF_STAR_OR_REGEX")
        if isinstance(expr, UnresolvedFunction):
            return self._function(expr, inputs)
        if isinstance(expr, CaseWhen):
            return self._case_when(expr, inputs)
        kids = tuple(self.resolve(c, inputs) for c in expr.children)
        if isinstance(expr, WindowExpression):
            return bind_window(expr.with_children(kids))  # type: ignore[arg-type]
        if isinstance(expr, UnresolvedExtract):
            return lookup("extract").bind(list(kids), self.ctx)
        if isinstance(expr, Cast):
            return self._cast(expr.with_children(kids))  # type: ignore[arg-type]
        return expr.with_children(kids)

    def _outer(self, expr: Expression) -> Expression:
        """``expr`` resolved over the outer query's columns, each read as ``outer(a)``."""
        outer = self.outer
        if outer is None:
            raise OuterScopeMissing(expr.sql())
        self.outer = None
        try:
            bound = self.resolve(expr, outer)
        finally:
            self.outer = outer
        return transform_up(bound, lambda x: OuterReference(x)
                            if isinstance(x, AttributeReference) else None)

    def _check_present(self, expr: Expression, inputs: list[AttributeReference]) -> Expression:
        ids = {a.expr_id for a in inputs}
        missing = expr.references() - ids
        if not missing:
            return _refresh(expr, inputs)
        # A reference to a column of another DataFrame (df2["x"] in df1.select): Spark says
        # which attribute is missing from which input.

        names = []
        transform_up(expr, lambda e: names.append(e.debug())
                     if isinstance(e, AttributeReference) and e.expr_id in missing else None)
        shown = ", ".join(dict.fromkeys(names))
        raise AnalysisException(
            f'[MISSING_ATTRIBUTES.RESOLVED_ATTRIBUTE_MISSING_FROM_INPUT] Resolved attribute(s) '
            f'"{shown}" missing from {", ".join(a.debug() for a in inputs)} in operator. '
            "SQLSTATE: XX000", errorClass="MISSING_ATTRIBUTES.RESOLVED_ATTRIBUTE_MISSING_FROM_INPUT")

    def _function(self, fn: UnresolvedFunction, inputs: list[AttributeReference]) -> Expression:
        if (FILTER_OPTION, True) in fn.options:  # agg(x) FILTER (WHERE c): agg_filter.py
            bare = replace(fn, children=fn.children[:-1], options=tuple(
                o for o in fn.options if o != (FILTER_OPTION, True)))
            return filtered(self._function(bare, inputs),
                            self.resolve(fn.children[-1], inputs), fn.name)
        spec = lookup(fn.name)
        if fn.name.lower() == "count" and any(isinstance(c, UnresolvedStar) and not c.target
                                              for c in fn.children):
            args: list[Expression] = [Literal(1, T.IntegerType())]
        else:
            args = []
            for c in fn.children:
                if isinstance(c, UnresolvedStar):
                    args.extend(expand_star(c, inputs, self.ctx.case_sensitive))
                elif is_lambda(c):
                    args.append(c)  # bound by the higher-order function (lambdas.py)
                else:
                    args.append(self.resolve(c, inputs))
        if spec.agg is not None:
            return spec.bind(args, self.ctx, fn.distinct)
        if spec.extra.get("higher_order"):
            def in_lambda(body: Expression, variables: list) -> Expression:
                shadowed = {v.name.lower() for v in variables}
                return self.resolve(body, variables + [a for a in inputs
                                                       if a.name.lower() not in shadowed])
            out = spec.bind(args, self.ctx, in_lambda)
        else:
            out = spec.bind(args, self.ctx)
        if fn.options and hasattr(out, "options"):
            out = replace(out, options=tuple(fn.options) + tuple(out.options))
        return out

    def _case_when(self, cw: CaseWhen, inputs: list[AttributeReference]) -> Expression:
        kids = [self.resolve(c, inputs) for c in cw.children]
        tmp = CaseWhen(tuple(kids), cw.has_else)
        values = [v for _, v in tmp.branches] + ([kids[-1]] if cw.has_else else [])
        t = common_type([v.dtype for v in values])
        if t is None:
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve "{cw.sql()}" due to data '
                "type mismatch: Input to `casewhen` should all be the same type, but it's "
                f"[{', '.join(v.dtype.simpleString().upper() for v in values)}]. "
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.DATA_DIFF_TYPES")
        out = []
        for c, v in tmp.branches:
            if not isinstance(c.dtype, (T.BooleanType, T.NullType)):
                raise AnalysisException(
                    f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "{cw.sql()}" '
                    f"due to data type mismatch: WHEN expressions in CaseWhen should all be "
                    f"boolean type, but the 1th WHEN expression's type is "
                    f"\"{c.dtype.simpleString().upper()}\". SQLSTATE: 42K09",
                    errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
            out += [cast_to(c, T.BooleanType()), cast_to(v, t)]
        if cw.has_else:
            out.append(cast_to(kids[-1], t))
        return CaseWhen(tuple(out), cw.has_else, t, True)

    def _cast(self, cast: Cast) -> Expression:
        src = cast.child.dtype
        if not can_cast(src, cast.dtype):
            a, b = type_ddl(src), type_ddl(cast.dtype)
            kind, tail = "CAST_WITHOUT_SUGGESTION", "."
            fn = _cast_function(src, cast.dtype)
            if fn is not None:
                kind = "CAST_WITH_FUNC_SUGGESTION"
                tail = (f'. To convert values from "{a}" to "{b}", you can use the functions '
                        f"`{fn}` instead.")
            elif _legacy_castable(src, cast.dtype):  # allowed with ANSI off (Spark's canCast)
                kind = "CAST_WITH_CONF_SUGGESTION"
                tail = (f' with ANSI mode on. If you have to cast "{a}" to "{b}", you can set '
                        "\"spark.sql.ansi.enabled\" as 'false'.")
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.{kind}] Cannot resolve "{cast.sql()}" due to data type '
                f'mismatch: cannot cast "{a}" to "{b}"{tail} SQLSTATE: 42K09',
                errorClass=f"DATATYPE_MISMATCH.{kind}")
        return cast

    # -- named outputs --------------------------------------------------------------------------
    def named(self, expr: Expression) -> Expression:
        """A projection item with a name: attributes and aliases as they are, anything else
        aliased to Spark's pretty SQL of it."""

        if isinstance(expr, (AttributeReference, Alias)) or \
                (isinstance(expr, Call) and expr.spec.generator):
            return expr
        return Alias((expr,), _auto_name(expr))


def _auto_name(expr: Expression) -> str:
    if isinstance(expr, VariableReference):  # SELECT v: named as written
        return expr.shown
    if isinstance(expr, OuterReference):  # SELECT c1 of the outer query: named c1
        return expr.attr.name
    if isinstance(expr, Call) and expr.spec.name == "getfield" and \
            dict(expr.options).get("by_name"):  # col("s.x") is x, col("s").x is s.x
        return str(expr.children[1].value)
    if isinstance(expr, SortOrder):
        return expr.child.sql()
    return expr.sql()


def _refresh(expr: Expression, inputs: list[AttributeReference]) -> Expression:
    """Resolved attributes take the input's current nullability and qualifier."""
    if isinstance(expr, AttributeReference):
        for a in inputs:
            if a.expr_id == expr.expr_id:
                return a if a.name == expr.name else a.with_name(expr.name)
    return expr


def contains_aggregate(expr: Expression) -> bool:
    if isinstance(expr, WindowExpression):  # the windowed aggregate itself is not one
        return any(contains_aggregate(c) for c in expr.function.children + expr.spec.children)
    return isinstance(expr, AggCall) or any(contains_aggregate(c) for c in expr.children)


_unused: Any = None
