"""Lambda functions for the higher-order functions (transform, filter, aggregate...).

Nodes:
* ``LambdaFunction((body, *params))``: what ``x -> x + 1`` (SQL) or
  ``F.transform(c, lambda x: x + 1)`` (PySpark calls the Python function once with
  placeholder Columns) builds. Unbound, its params are ``UnresolvedAttribute`` names and the
  body refers to them by name; a higher-order function binds it with ``bind_lambda`` once it
  knows the element types: each param becomes a ``LambdaVariable`` (an attribute with a fresh
  ``expr_id``) and the body is resolved against those variables first, then the query's
  columns (so a lambda variable shadows a column of the same name, as in Spark).
* ``LambdaVariable``: an attribute whose values come from the higher-order function, not
  from the plan's input: it is left out of ``references()`` so column pruning and the
  missing-attribute check see only real columns.

Evaluation is columnar (``eval_lambda``): a higher-order function flattens its arrays into
one long column of elements (with each element's row, ``parents``), builds a batch of the
lambda variables plus the outer columns the body uses (taken by ``parents``) and evaluates
the body once over all elements of the batch. Nested lambdas work the same way one level
down. Column names are Spark's: ``lambdafunction((namedlambdavariable() + 1),
namedlambdavariable())``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import (
    AttributeReference, Expression, UnresolvedAttribute, transform_up)
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.registry import EvalContext

__all__ = ["LambdaFunction", "LambdaVariable", "bind_lambda", "eval_lambda", "is_lambda"]


@dataclass(frozen=True, eq=False)
class LambdaVariable(AttributeReference):
    def references(self) -> set[int]:
        return set()

    def sql(self) -> str:
        return "namedlambdavariable()"


@dataclass(frozen=True, eq=False)
class LambdaFunction(Expression):
    children: tuple  # (body, *params)

    @property
    def body(self) -> Expression:
        return self.children[0]

    @property
    def params(self) -> tuple:
        return self.children[1:]

    @property
    def resolved(self) -> bool:  # type: ignore[override]
        return all(isinstance(p, LambdaVariable) for p in self.params) and self.body.resolved

    @property
    def dtype(self) -> T.DataType:  # type: ignore[override]
        return self.body.dtype

    @property
    def nullable(self) -> bool:
        return getattr(self.body, "nullable", True)

    def with_children(self, children: tuple) -> Expression:
        return replace(self, children=tuple(children))

    def references(self) -> set[int]:
        return self.body.references()

    def foldable(self) -> bool:
        return False

    def sql(self) -> str:
        return "lambdafunction(" + ", ".join(c.sql() for c in self.children) + ")"


def is_lambda(e: Expression) -> bool:
    return isinstance(e, LambdaFunction)


def bind_lambda(name: str, lam: Expression, types: list[tuple[T.DataType, bool]],
                resolve: Callable[[Expression, list], Expression]) -> LambdaFunction:
    """Bind ``lam`` with variables of ``types`` ((dtype, nullable) per param; a lambda may
    take fewer params than offered, e.g. ``filter`` with or without the index)."""
    if not isinstance(lam, LambdaFunction):
        raise AnalysisException(
            f"[INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION] A lambda function "
            f"should only be used in a higher order function. However, its class is "
            f"`{type(lam).__name__}`, which is not a higher order function. SQLSTATE: 42K0D",
            errorClass="INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION")
    params = lam.params
    if not params or len(params) > len(types) or (
            len(types) > 1 and name in _EXACT_ARITY and len(params) != len(types)):
        raise AnalysisException(
            f"[INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH] Invalid lambda function call. "
            f"A higher order function expects {len(types)} arguments, but got {len(params)}. "
            "SQLSTATE: 42K0D", errorClass="INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH")
    names = [p.name if isinstance(p, (UnresolvedAttribute, AttributeReference)) else str(p)
             for p in params]
    if len({n.lower() for n in names}) != len(names):
        raise AnalysisException(
            "[INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES] Invalid lambda function call. "
            f"The lambda function has duplicate arguments {names}. SQLSTATE: 42K0D",
            errorClass="INVALID_LAMBDA_FUNCTION_CALL.DUPLICATE_ARG_NAMES")
    variables = [LambdaVariable(n, t, nl) for n, (t, nl) in zip(names, types)]
    body = resolve(lam.body, variables)
    return LambdaFunction((body, *variables))


_EXACT_ARITY = {"aggregate", "reduce", "zip_with", "map_zip_with", "transform_keys",
                "transform_values", "map_filter", "array_sort"}


def eval_lambda(lam: LambdaFunction, values: list, parents: Any, batch: Any,
                positions: dict[int, int], ectx: EvalContext) -> Any:
    """The lambda's body over element columns ``values`` (one per param, all of the same
    length), with outer columns of ``batch`` taken by ``parents`` (row of each element)."""
    import pyarrow as pa

    n = len(parents)
    cols, pos = [], {}
    for var, v in zip(lam.params, values):
        pos[var.expr_id] = len(cols)
        cols.append(materialize(v, n))
    idx = pa.array(parents, pa.int64()) if not isinstance(parents, pa.Array) else parents
    for attr_id in _outer_ids(lam.body, positions):
        pos[attr_id] = len(cols)
        cols.append(materialize(batch.column(positions[attr_id]), batch.num_rows).take(idx))
    if not cols:
        cols = [pa.nulls(n)]
    sub = pa.RecordBatch.from_arrays(cols, names=[f"c{i}" for i in range(len(cols))])
    return materialize(evaluate(lam.body, sub, pos, ectx), n)


def _outer_ids(body: Expression, positions: dict[int, int]) -> list[int]:
    found: list[int] = []

    def visit(e: Expression) -> None:
        if isinstance(e, AttributeReference) and e.expr_id in positions and \
                e.expr_id not in found:
            found.append(e.expr_id)
        return None

    transform_up(body, visit)
    return found
