"""The function registry: every built-in scalar and aggregate function, found by name.

A ``FunctionSpec`` is one function: ``bind(args, ctx)`` checks and coerces the resolved
argument expressions with Spark's rules and returns the bound node (usually a ``Call`` whose
``dtype`` is Spark's result type); ``kernel(call, arrays, ectx)`` computes it on whole Arrow
arrays (scalars for literals); ``pretty(call)`` is the column name Spark gives it. Aggregates
set ``agg`` instead of ``kernel`` (see aggregates.py). Column methods and operators
(``+``, ``isNull``, ``like``) are functions too, so the DataFrame API, ``expr()`` strings
and SQL text all meet the same implementation.

``EvalContext`` is what a kernel may know about the query: ANSI mode, the session time zone
and the partition being computed (for spark_partition_id / monotonically_increasing_id).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import runtime.sql.expressions as package

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException

__all__ = ["BindContext", "EvalContext", "FUNCTIONS", "FunctionSpec", "lookup", "register"]


@dataclass(frozen=True)
class EvalContext:
    ansi: bool = True
    time_zone: str = "UTC"
    partition_index: int = 0
    row_offset: int = 0  # rows of this partition before the current batch


@dataclass(frozen=True)
class BindContext:
    ansi: bool = True
    case_sensitive: bool = False
    time_zone: str = "UTC"
    time_type: bool = False  # spark.sql.timeType.enabled: the TIME type (time_functions.py)
    database: str = "default"  # the session's current database (USE db): current_database()
    # the session's variables (statements/variables.py SessionVariables): a name no column
    # matches may read one; compared by identity
    variables: Any = field(default=None, compare=False)


def default_pretty(call: Any) -> str:
    name = dict(call.options).get("display", call.spec.name)
    return f"{name}({', '.join(c.sql() for c in call.children)})"


@dataclass
class FunctionSpec:
    name: str
    bind: Callable[..., Any]
    kernel: Callable[..., Any] | None = None
    pretty: Callable[[Any], str] = default_pretty
    deterministic: bool = True
    agg: Any = None  # an AggSpec for aggregate functions
    generator: bool = False
    extra: dict = field(default_factory=dict)


FUNCTIONS: dict[str, FunctionSpec] = {}


def register(spec: FunctionSpec, *aliases: str) -> FunctionSpec:
    FUNCTIONS[spec.name] = spec
    for a in aliases:
        FUNCTIONS[a] = spec
    return spec


def lookup(name: str) -> FunctionSpec:
    _load_all()
    spec = FUNCTIONS.get(name.lower())
    if spec is None:
        raise AnalysisException(
            f"[UNRESOLVED_ROUTINE] Cannot resolve routine `{name}` on search path "
            "[`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`]. "
            "SQLSTATE: 42883",
            errorClass="UNRESOLVED_ROUTINE",
            messageParameters={"routineName": f"`{name}`"})
    return spec


_loaded = False


def _load_all() -> None:
    """Import the modules that register functions (once; they register on import)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    # every module of the package may register functions: adding a module is enough
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        importlib.import_module(f"{package.__name__}.{info.name}")


def type_mismatch(call_sql: str, param_index: int, required: str, arg_sql: str,
                  arg_type: T.DataType) -> AnalysisException:
    ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth"}.get(param_index,
                                                                       f"{param_index}th")
    return AnalysisException(
        f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "{call_sql}" due to data '
        f'type mismatch: The {ordinal} parameter requires the {required} type, however '
        f'"{arg_sql}" has the type "{arg_type.simpleString().upper()}". SQLSTATE: 42K09',
        errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        messageParameters={"sqlExpr": f'"{call_sql}"', "paramIndex": ordinal,
                           "requiredType": required, "inputSql": f'"{arg_sql}"',
                           "inputType": f'"{arg_type.simpleString().upper()}"'})


def wrong_num_args(name: str, expected: str, given: int) -> AnalysisException:
    return AnalysisException(
        f"[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{name}` requires {expected} parameters but "
        f"the actual number is {given}. Please, refer to "
        "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix. "
        "SQLSTATE: 42605",
        errorClass="WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
        messageParameters={"functionName": f"`{name}`", "expectedNum": expected,
                           "actualNum": str(given)})
