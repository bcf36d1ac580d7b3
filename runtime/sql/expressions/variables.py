"""A session variable read by a query: ``SELECT v``, ``session.v``, ``system.session.v``.

``VariableReference`` is a ``Literal`` holding the variable's value when the query was
analyzed (Spark's VariableReference keeps the definition it resolved and the optimizer folds
it), so every kernel, the constant folding and the planners treat it as the literal it is.
What differs is its name: inside an expression Spark writes
``variablereference(system.session.v=<value as SQL>)`` (``typeof(v)`` is named
``typeof(variablereference(system.session.v=5))``), while a bare projected ``v`` is named as
the query wrote its last part (``shown``: ``SELECT V`` gives column ``V``). ``name`` is the
variable's name as the session stores it (lower case).

The session's variables themselves (DECLARE / SET VAR / DROP) live in
runtime/sql/statements/variables.py; the analyzer finds them through ``BindContext.variables``
after a name matched no column of the query or of an outer query (resolve.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.sql.expressions.base import Literal
from runtime.sql.formatting.literal_sql import spark_sql_literal

__all__ = ["VariableReference"]


@dataclass(frozen=True, eq=False)
class VariableReference(Literal):
    name: str = ""
    shown: str = ""

    def sql(self) -> str:
        return (f"variablereference(system.session.{self.name}="
                f"{spark_sql_literal(self.value, self.dtype)})")
