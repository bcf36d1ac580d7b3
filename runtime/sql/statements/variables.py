"""A session's SQL variables: what DECLARE VARIABLE creates and queries read.

Spark keeps temporary variables in the session, in the namespace ``system.session``: a
variable ``v`` is named ``v``, ``session.v`` or ``system.session.v`` (case-insensitively;
the session stores the name in lower case). ``SessionVariables`` is that store, one per
SessionState (``spark.newSession()`` starts with none), with one ``VariableDef`` per name:
its type, its current value (a Python value of that type, as ``collect()`` returns it) and
the SQL text of its DEFAULT expression (``NULL`` without one), which ``SET VARIABLE v =
DEFAULT`` evaluates again.

``qualified(parts, path)`` turns the name a statement wrote into the stored name, or raises
Spark's ``[UNRESOLVED_VARIABLE]`` naming the search path (DECLARE and DROP search
``system.session``; SET VARIABLE reports Spark's whole path). ``reference(parts)`` is what
the analyzer asks after a name matched no column (analysis/resolve.py): the longest
qualified form first (``system.session.v``, then ``session.v``, then ``v``), the parts
left over being struct fields of the value.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, quote_ident
from runtime.sql.expressions.base import Expression, transform_up
from runtime.sql.expressions.variables import VariableReference

__all__ = ["DECLARE_PATH", "SET_PATH", "SessionVariables", "VariableDef", "full_name",
           "referenced", "refreshed", "unresolved_variable"]

DECLARE_PATH = "[`system`.`session`]"
SET_PATH = "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]"


@dataclass
class VariableDef:
    name: str  # lower case
    dtype: T.DataType
    value: Any
    default: str = "NULL"  # the DEFAULT expression's SQL text


def full_name(name: str) -> str:
    return f"`system`.`session`.{quote_ident(name)}"


def unresolved_variable(parts: tuple[str, ...], path: str) -> AnalysisException:
    shown = ".".join(quote_ident(p) for p in parts)
    return AnalysisException(
        f"[UNRESOLVED_VARIABLE] Cannot resolve variable {shown} on search path {path}. "
        "SQLSTATE: 42883", errorClass="UNRESOLVED_VARIABLE",
        messageParameters={"variableName": shown, "searchPath": path})


def _local(parts: tuple[str, ...]) -> str | None:
    """The variable name of a fully written reference, None when the qualifier is wrong."""
    low = [p.lower() for p in parts]
    if len(low) == 1:
        return low[0]
    if len(low) == 2 and low[0] == "session":
        return low[1]
    if len(low) == 3 and low[:2] == ["system", "session"]:
        return low[2]
    return None


class SessionVariables:
    def __init__(self) -> None:
        self._vars: dict[str, VariableDef] = {}

    def get(self, name: str) -> VariableDef | None:
        return self._vars.get(name.lower())

    def qualified(self, parts: tuple[str, ...], path: str = DECLARE_PATH) -> str:
        name = _local(parts)
        if name is None:
            raise unresolved_variable(parts, path)
        return name

    def existing(self, parts: tuple[str, ...]) -> VariableDef:
        """The variable a SET VARIABLE target names (UNRESOLVED_VARIABLE when none)."""
        name = _local(parts)
        found = self._vars.get(name) if name is not None else None
        if found is None:
            raise unresolved_variable(parts, SET_PATH)
        return found

    def declare(self, vdef: VariableDef, replace: bool) -> None:
        if vdef.name in self._vars and not replace:
            raise AnalysisException(
                f"[VARIABLE_ALREADY_EXISTS] Cannot create the variable {full_name(vdef.name)} "
                "because it already exists. Choose a different name, or drop or replace the "
                "existing variable. SQLSTATE: 42723", errorClass="VARIABLE_ALREADY_EXISTS",
                messageParameters={"variableName": full_name(vdef.name)})
        self._vars[vdef.name] = vdef

    def drop(self, name: str, if_exists: bool) -> None:
        if self._vars.pop(name, None) is None and not if_exists:
            raise AnalysisException(
                f"[VARIABLE_NOT_FOUND] The variable {full_name(name)} cannot be found. Verify "
                "the spelling and correctness of the schema and catalog.\nIf you did not "
                "qualify the name with a schema and catalog, verify the current_schema() "
                "output, or qualify the name with the correct schema and catalog.\nTo tolerate "
                "the error on drop use DROP VARIABLE IF EXISTS. SQLSTATE: 42883",
                errorClass="VARIABLE_NOT_FOUND",
                messageParameters={"variableName": full_name(name)})

    def assign(self, name: str, value: Any) -> None:
        self._vars[name].value = value

    def reference(self, parts: tuple[str, ...]) -> tuple[VariableReference, tuple] | None:
        """The variable a query's name reads and the struct fields after it, or None."""
        for n in (3, 2, 1):
            if len(parts) < n:
                continue
            name = _local(parts[:n])
            found = self._vars.get(name) if name is not None else None
            if found is not None:
                ref = VariableReference(found.value, found.dtype, found.name, parts[n - 1])
                return ref, parts[n:]
        return None


# -- plans that read variables ---------------------------------------------------------------
def _map_expressions(plan: Any, fn: Any) -> Any:
    """``plan`` with ``fn`` (transform_up's) applied to every expression of every node."""
    changes: dict[str, Any] = {}
    for f in fields(plan):
        value = getattr(plan, f.name)
        if f.name == "children":
            new = tuple(_map_expressions(c, fn) for c in value)
        elif isinstance(value, Expression):
            new = transform_up(value, fn)
        elif isinstance(value, tuple) and any(isinstance(v, Expression) for v in value):
            new = tuple(transform_up(v, fn) if isinstance(v, Expression) else v for v in value)
        else:
            continue
        if new is not value and (not isinstance(new, tuple) or
                                 any(a is not b for a, b in zip(new, value))):
            changes[f.name] = new
    return replace(plan, **changes) if changes else plan


def referenced(plan: Any) -> list[VariableReference]:
    """The session variables ``plan`` reads."""
    found: list[VariableReference] = []

    def spot(e: Expression) -> None:
        if isinstance(e, VariableReference):
            found.append(e)

    _map_expressions(plan, spot)
    return found


def refreshed(plan: Any, variables: SessionVariables) -> Any:
    """``plan`` reading its variables' current values (a temporary view made by SQL: Spark
    analyzes its text again on each use)."""
    def fn(e: Expression) -> Expression | None:
        if not isinstance(e, VariableReference):
            return None
        now = variables.get(e.name)
        if now is None or now.dtype != e.dtype or now.value is e.value:
            return None
        return VariableReference(now.value, now.dtype, e.name, e.shown)

    return _map_expressions(plan, fn) if referenced(plan) else plan
