"""The filters a file scan lists in explain output, as Spark's FileSourceScanExec lists them.

``scan_filters(relation, conjuncts)`` takes the conjuncts of the Filter right above a scan
(what the planner hands the scan) and gives three lists:
* partition filters: the conjuncts over partition columns only (Spark prunes directories
  with them), catalyst form: ``[isnotnull(p#9), (p#9 = 1)]``;
* data filters: the other conjuncts, catalyst form: ``[isnotnull(id#7L), (id#7L > 3)]``;
* pushed filters: the data filters the source is offered, in Spark's data source filter
  syntax (``sources.Filter``): ``[IsNotNull(id), GreaterThan(id,3)]``; a conjunct with no
  such form (a function call, a comparison of two columns) is left out.
Both catalyst lists start with the ``isnotnull(col)`` Spark's optimizer infers for every
column a null-intolerant conjunct reads (comparisons, arithmetic, NOT, startswith...; not
``<=>``), unless the query already says it, then the conjuncts in their order: the order
Spark prints. (infer_filters.py gives the Filter above the scan the same conjuncts.)
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import (
    AttributeReference, Call, Cast, Expression, Literal, debug_sql)
from runtime.sql.formatting.values import format_value
from runtime.sql.infer_filters import intolerant_attrs, not_null

__all__ = ["ScanFilters", "plan_string", "scan_filters"]

_SOURCE = {"=": "EqualTo", "<=>": "EqualNullSafe", ">": "GreaterThan",
           ">=": "GreaterThanOrEqual", "<": "LessThan", "<=": "LessThanOrEqual"}
_FLIP = {"=": "=", "<=>": "<=>", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_STRINGS = {"startswith": "StringStartsWith", "endswith": "StringEndsWith",
            "contains": "StringContains"}


class ScanFilters:
    def __init__(self, partition: list, data: list, pushed: list[str]):
        self.partition = partition
        self.data = data
        self.pushed = pushed

    @staticmethod
    def shown(exprs: list) -> str:
        return "[" + ", ".join(plan_string(e) for e in exprs) + "]"


def plan_string(e: Expression) -> str:
    """``e`` as Spark prints a filter in a plan (``isnotnull(id#7L)``, ``(id#7L > 3)``)."""
    if _name(e) in ("isnotnull", "isnull") and isinstance(e.children[0], AttributeReference):
        return f"{_name(e)}({e.children[0].debug()})"
    return debug_sql(e)


def _name(e: Any) -> str:
    return getattr(getattr(e, "spec", None), "name", "")


def _with_not_nulls(conjuncts: list) -> list:
    explicit = {c.children[0].expr_id for c in conjuncts
                if _name(c) == "isnotnull" and isinstance(c.children[0], AttributeReference)}
    inferred = [not_null(a) for a in intolerant_attrs(conjuncts) if a.expr_id not in explicit]
    return inferred + list(conjuncts)


def _column(e: Expression) -> AttributeReference | None:
    if isinstance(e, AttributeReference):
        return e
    if isinstance(e, Cast) and isinstance(e.child, AttributeReference) and \
            isinstance(e.child.dtype, T.NumericType) and isinstance(e.dtype, T.NumericType):
        return e.child  # Spark unwraps a widening cast before pushing
    return None


def _value(lit: Literal) -> str:
    return "null" if lit.value is None else format_value(lit.value, lit.dtype)


def _source(e: Expression) -> str | None:
    """``e`` in Spark's data source filter syntax, or None when it has none."""
    name = _name(e)
    kids = list(e.children) if isinstance(e, Call) else []
    if name in ("isnotnull", "isnull") and kids and _column(kids[0]) is not None:
        return f"{'IsNotNull' if name == 'isnotnull' else 'IsNull'}({_column(kids[0]).name})"
    if name in _SOURCE and len(kids) == 2:
        left, right = kids
        if _column(left) is not None and isinstance(right, Literal):
            return f"{_SOURCE[name]}({_column(left).name},{_value(right)})"
        if _column(right) is not None and isinstance(left, Literal):
            return f"{_SOURCE[_FLIP[name]]}({_column(right).name},{_value(left)})"
        return None
    if name in _STRINGS and len(kids) == 2 and _column(kids[0]) is not None and \
            isinstance(kids[1], Literal):
        return f"{_STRINGS[name]}({_column(kids[0]).name},{_value(kids[1])})"
    if name == "in" and kids and _column(kids[0]) is not None and \
            all(isinstance(k, Literal) for k in kids[1:]):
        return f"In({_column(kids[0]).name}, [{','.join(_value(k) for k in kids[1:])}])"
    if name in ("and", "or") and len(kids) == 2:
        parts = [_source(k) for k in kids]
        if None in parts:
            return None
        return f"{name.capitalize()}({parts[0]},{parts[1]})"
    if name == "not" and kids:
        inner = _source(kids[0])
        return None if inner is None else f"Not({inner})"
    return None


def scan_filters(relation: Any, conjuncts: tuple) -> ScanFilters:
    """The partition, data and pushed filters of a scan of ``relation`` under a Filter
    with ``conjuncts``."""
    part_names = {k for _, _, parts in relation.files for k, _ in parts}
    part_ids = {a.expr_id for a in relation.attrs if a.name in part_names}
    partition, data = [], []
    for c in _with_not_nulls([c for c in conjuncts if isinstance(c, Expression)]):
        refs = c.references()
        if refs and refs <= part_ids:
            partition.append(c)
        elif not refs & part_ids:
            data.append(c)
    pushed = [s for s in (_source(c) for c in data) if s is not None]
    return ScanFilters(partition, data, pushed)
