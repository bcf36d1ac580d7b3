"""DECLARE VARIABLE, SET VARIABLE, DROP TEMPORARY VARIABLE and EXECUTE IMMEDIATE ... INTO.

sqlglot has no tree for these statements, so each is read here from its text (as Spark's
grammar has them), with the expressions and queries inside parsed and bound by the SQL-text
binder and run by the session's engine:

* ``DECLARE [OR REPLACE] [VARIABLE|VAR] name [type] [DEFAULT expr | = expr]``: the DEFAULT
  expression runs once as ``SELECT expr`` (cast to the type when one is given: an ANSI cast,
  so ``TINYINT DEFAULT 300`` is ``[CAST_OVERFLOW]``); without a type the variable takes the
  expression's type (``DEFAULT NULL``: VOID). Neither a type nor a default is
  ``[INVALID_SQL_SYNTAX.VARIABLE_TYPE_OR_DEFAULT_REQUIRED]``; a subquery in the default is
  ``[INVALID_DEFAULT_VALUE.SUBQUERY_EXPRESSION]``.
* ``SET VAR[IABLE] a = e1, b = e2``: every expression is computed by one ``SELECT e1 AS a,
  e2 AS b`` before any variable changes (a bare name that is not aliased, as Spark's parser
  leaves it, reads an earlier item of that name: Spark's lateral column alias), then cast to
  the variables' types. ``DEFAULT`` as a whole expression is the variable's default; inside
  an expression it is ``[DEFAULT_PLACEMENT_INVALID]``.
* ``SET VAR[IABLE] (a, b) = (query)``: the query's single row (no row: NULLs; more:
  ``[ROW_SUBQUERY_TOO_MANY_ROWS]``); a select item ``DEFAULT`` that names no column is the
  target's default. EXECUTE IMMEDIATE ... INTO assigns a query's row the same way.
* ``DROP TEMPORARY VAR[IABLE] [IF EXISTS] name``.

A malformed SET VARIABLE is Spark's ``[INVALID_SET_SYNTAX]`` (its grammar falls back to the
configuration form of SET).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import batch_to_rows
from runtime.sql.errors import (
    AnalysisException, ParseException, SparkRuntimeException, quote_ident, unresolved_column)
from runtime.sql.expressions.base import Alias, Cast, UnresolvedAttribute
from runtime.sql.plan import logical as L
from runtime.sql.sqltext.binder import QueryBinder
from runtime.sql.sqltext.parsing import parse_statement, syntax_error
from runtime.sql.sqltext.subqueries import contains_subquery
from runtime.sql.statements.variables import VariableDef, full_name

__all__ = ["assign_query", "check_set_key", "declare", "drop_variable", "find_word",
           "is_variable_drop", "is_variable_set", "name_parts", "set_variables", "split_top"]

_PART = r"(?:`(?:[^`]|``)*`|[A-Za-z_]\w*)"
_NAME = rf"{_PART}(?:\s*\.\s*{_PART})*"
_DECLARE = re.compile(rf"(?is)^\s*DECLARE\s+(OR\s+REPLACE\s+)?(?:(?:VARIABLE|VAR)\s+(?=\S))?"
                      rf"({_NAME})(.*)$")
_DROP = re.compile(rf"(?is)^\s*DROP\s+TEMPORARY\s+(?:VARIABLE|VAR)\s+(IF\s+EXISTS\s+)?"
                   rf"({_NAME})\s*;?\s*$")


# -- text helpers ----------------------------------------------------------------------------------
def _top_level(text: str) -> list[int]:
    """The positions of ``text`` outside quotes, backquotes and brackets."""
    out, depth, quote, i = [], 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(i)
        i += 1
    return out


def split_top(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` outside quotes, backquotes and brackets."""
    out, start = [], 0
    for i in _top_level(text):
        if i >= start and text.startswith(sep, i):
            out.append(text[start:i])
            start = i + len(sep)
    out.append(text[start:])
    return out


def find_word(text: str, word: str) -> int:
    """Where keyword ``word`` first stands outside quotes and brackets (-1: nowhere)."""
    pattern = re.compile(rf"(?i){word}\b")
    for i in _top_level(text):
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")) and \
                pattern.match(text, i):
            return i
    return -1


def _masked(text: str) -> str:
    """``text`` with the inside of its quotes blanked (same length)."""
    out, quote = [], ""
    for ch in text:
        if quote:
            out.append(" ")
            if ch == quote:
                quote = ""
        else:
            out.append(ch)
            if ch in "'\"`":
                quote = ch
    return "".join(out)


def _word(text: str, word: str) -> int:
    m = re.search(rf"(?i)\b{word}\b", text)
    return m.start() if m else -1


def name_parts(text: str) -> tuple[str, ...]:
    parts = re.findall(_PART, text.strip())
    return tuple(p[1:-1].replace("``", "`") if p.startswith("`") else p for p in parts)


def _invalid_set(text: str) -> ParseException:
    return ParseException(
        "[INVALID_SET_SYNTAX] Expected format is 'SET', 'SET key', or 'SET key=value'. If you "
        "want to include special characters in key, or include semicolon in value, please use "
        "backquotes, e.g., SET `key`=`value`. SQLSTATE: 42000\n== SQL (line 1, position 1) ==\n"
        f"{text}\n{'^' * len(text)}\n", errorClass="INVALID_SET_SYNTAX")


def is_variable_set(rest: str) -> bool:
    """``rest`` (the text after SET) starts SET VAR / SET VARIABLE."""
    return re.match(r"(?is)^(VAR|VARIABLE)\b(?!\s*=)", rest) is not None


def is_variable_drop(text: str) -> bool:
    m = re.match(r"(?is)^\s*DROP\s+(TEMPORARY\s+)?(VARIABLE|VAR)\b", text)
    if m is not None and not m.group(1):  # TEMPORARY is mandatory
        pos = m.start(2)
        raise syntax_error(text, m.group(2), 1, pos)
    return m is not None


# -- running queries -------------------------------------------------------------------------------
def _bind(state: Any, node: Any, args: Any = None, frames: dict | None = None) -> Any:
    binder = QueryBinder(state.bind_context(), state.lookup_relation, args, frames)
    binder.default_parallelism = state.default_parallelism()
    return binder.bind(node)[0]


def _cast_to(state: Any, plan: Any, names: list[str], types: list) -> Any:
    """``plan``'s columns renamed to ``names`` and cast to ``types`` (None: kept as it is)."""
    named = state.analyze(L.Project(tuple(Alias((a,), n) for a, n in zip(plan.output, names)),
                                    (plan,)))
    items = []
    for a, t in zip(named.output, types):
        ref = UnresolvedAttribute((a.name,))
        if t is None or a.dtype == t:
            items.append(Alias((ref,), a.name))
        else:
            items.append(Alias((Cast((ref,), t, implicit=True),), a.name))
    return state.analyze(L.Project(tuple(items), (named,)))


def _rows(state: Any, plan: Any) -> list[tuple]:
    schema = T.StructType([T.StructField(a.name, a.dtype, a.nullable) for a in plan.output])
    return [tuple(r) for b in state.execution(plan).collect_batches()
            for r in batch_to_rows(b, schema)]


def _duplicates(names: list[str]) -> None:
    seen: list[str] = []
    dup = []
    for n in names:
        if n in seen and n not in dup:
            dup.append(n)
        seen.append(n)
    if dup:
        shown = ", ".join(quote_ident(n) for n in dup)
        raise AnalysisException(
            f"[DUPLICATE_ASSIGNMENTS] The columns or variables {shown} appear more than once "
            "as assignment targets. SQLSTATE: 42701", errorClass="DUPLICATE_ASSIGNMENTS",
            messageParameters={"nameList": shown})


def _is_default(node: Any) -> bool:
    from sqlglot import exp

    return isinstance(node, exp.Column) and not node.table and \
        isinstance(node.this, exp.Identifier) and not node.this.quoted and \
        node.name.upper() == "DEFAULT"


def _default_node(vdef: VariableDef) -> Any:
    return parse_statement(f"SELECT {vdef.default}").expressions[0]


# -- DECLARE / DROP --------------------------------------------------------------------------------
def declare(state: Any, text: str) -> None:
    body = text.strip().rstrip(";").strip()
    m = _DECLARE.match(body)
    if m is None:
        raise syntax_error(body, "end of input", 1, len(body))
    replace, parts, rest = bool(m.group(1)), name_parts(m.group(2)), m.group(3)
    type_text, default = rest.strip(), None
    masked = _masked(rest)
    marks = [i for i in (masked.find("="), _word(masked, "DEFAULT")) if i >= 0]
    if marks:
        at = min(marks)
        width = 1 if masked[at] == "=" else len("DEFAULT")
        type_text, default = rest[:at].strip(), rest[at + width:].strip()
        if not default:
            raise syntax_error(body, "end of input", 1, len(body))
    if parts[-1].upper() == "IF" and re.match(r"(?i)NOT\s+EXISTS\b", type_text):
        pos = body.upper().index("EXISTS", m.start(3))
        raise syntax_error(body, "EXISTS", 1, pos)
    if not type_text and default is None:
        raise ParseException(
            "[INVALID_SQL_SYNTAX.VARIABLE_TYPE_OR_DEFAULT_REQUIRED] Invalid SQL syntax: The "
            "definition of a SQL variable requires either a datatype or a DEFAULT clause.\nFor "
            "example, use `DECLARE name STRING` or `DECLARE name = 'SQL'` instead of "
            "`DECLARE name`. SQLSTATE: 42000",
            errorClass="INVALID_SQL_SYNTAX.VARIABLE_TYPE_OR_DEFAULT_REQUIRED")
    dtype = T.parse_type(type_text) if type_text else None
    variables = state.variables
    name = variables.qualified(parts)
    if variables.get(name) is not None and not replace:
        variables.declare(VariableDef(name, T.NullType(), None), False)  # raises
    value = None
    if default is not None:
        node = parse_statement(f"SELECT {default}")
        if contains_subquery(node):
            raise AnalysisException(
                "[INVALID_DEFAULT_VALUE.SUBQUERY_EXPRESSION] Failed to execute DECLARE VARIABLE "
                f"command because the destination column or variable {full_name(name)} has a "
                f"DEFAULT value {default}, which contains subquery expressions. SQLSTATE: 42623",
                errorClass="INVALID_DEFAULT_VALUE.SUBQUERY_EXPRESSION",
                messageParameters={"statement": "DECLARE VARIABLE", "colName": full_name(name),
                                   "defaultValue": default})
        plan = _cast_to(state, _bind(state, node), [name], [dtype])
        dtype = plan.output[0].dtype
        value = _rows(state, plan)[0][0]
    variables.declare(VariableDef(name, dtype, value, default or "NULL"), True)


def drop_variable(state: Any, text: str) -> None:
    body = text.strip()
    m = _DROP.match(body)
    if m is None:
        raise syntax_error(body, "end of input", 1, len(body.rstrip(";")))
    name = state.variables.qualified(name_parts(m.group(2)))
    state.variables.drop(name, bool(m.group(1)))


# -- SET VARIABLE ----------------------------------------------------------------------------------
def set_variables(state: Any, text: str, args: Any = None, frames: dict | None = None) -> None:
    body = text.strip().rstrip(";").strip()
    m = re.match(r"(?is)^SET\s+(?:VARIABLE|VAR)\s+(.*)$", body)
    if m is None:
        raise _invalid_set(body)
    rest = m.group(1).strip()
    if rest.startswith("("):
        pieces = split_top(rest, "=")
        if len(pieces) < 2:
            raise _invalid_set(body)
        targets = pieces[0].strip()
        query = "=".join(pieces[1:]).strip()
        if not (targets.endswith(")") and query.startswith("(") and query.endswith(")")
                and len(split_top(query[1:-1], ")")) == 1
                and len(split_top(targets[1:-1], ")")) == 1):
            raise _invalid_set(body)
        names = [n for n in split_top(targets[1:-1], ",")]
        if not targets[1:-1].strip() or not all(re.fullmatch(rf"\s*{_NAME}\s*", n) for n in names):
            raise _invalid_set(body)
        try:
            node = parse_statement(query[1:-1])
        except ParseException:
            raise _invalid_set(body) from None
        assign_query(state, [name_parts(n) for n in names], node, args, frames, defaults=True)
        return
    assignments = []
    for item in split_top(rest, ","):
        pieces = split_top(item, "=")
        if len(pieces) < 2 or not re.fullmatch(rf"\s*{_NAME}\s*", pieces[0]):
            raise _invalid_set(body)
        expr = "=".join(pieces[1:]).strip()
        try:
            node = parse_statement(f"SELECT {expr}")
        except ParseException:
            raise _invalid_set(body) from None
        if len(node.expressions) != 1 or node.args.get("from_") is not None:
            raise _invalid_set(body)
        assignments.append((name_parts(pieces[0]), node.expressions[0]))
    _assign_expressions(state, assignments, args, frames)


def _targets(state: Any, parts_list: list[tuple]) -> list[VariableDef]:
    defs = [state.variables.existing(p) for p in parts_list]
    _duplicates([d.name for d in defs])
    return defs


def _assign_expressions(state: Any, assignments: list, args: Any, frames: Any) -> None:
    from sqlglot import exp

    defs = _targets(state, [p for p, _ in assignments])
    items = []
    aliased: dict[str, Any] = {}
    for vdef, (_, node) in zip(defs, assignments):
        if _is_default(node):
            node = _default_node(vdef)
        elif any(_is_default(n) for n in node.find_all(exp.Column)):
            raise AnalysisException(
                "[DEFAULT_PLACEMENT_INVALID] A DEFAULT keyword in a MERGE, INSERT, UPDATE, or "
                "SET VARIABLE command could not be directly assigned to a target column because "
                "it was part of an expression.\nFor example: `UPDATE SET c1 = DEFAULT` is "
                "allowed, but `UPDATE T SET c1 = DEFAULT + 1` is not allowed. SQLSTATE: 42608",
                errorClass="DEFAULT_PLACEMENT_INVALID")
        if isinstance(node, exp.Column) and not node.table:
            earlier = aliased.get(node.name.lower())  # Spark's lateral column alias
            items.append(earlier.copy() if earlier is not None else node)
            continue
        aliased.setdefault(vdef.name, node)
        items.append(node)
    select = exp.select(*items)
    plan = _bind(state, select, args, frames)
    _store(state, defs, plan, from_expressions=True)


def _store(state: Any, defs: list[VariableDef], plan: Any, from_expressions: bool) -> None:
    if len(plan.output) != len(defs):
        raise AnalysisException(
            f"[ASSIGNMENT_ARITY_MISMATCH] The number of columns or variables assigned or "
            f"aliased: {len(defs)} does not match the number of source expressions: "
            f"{len(plan.output)}. SQLSTATE: 42802", errorClass="ASSIGNMENT_ARITY_MISMATCH",
            messageParameters={"numTarget": str(len(defs)), "numExpr": str(len(plan.output))})
    plan = _cast_to(state, plan, [d.name for d in defs], [d.dtype for d in defs])
    rows = _rows(state, plan)
    if len(rows) > 1 and not from_expressions:
        raise SparkRuntimeException(
            "[ROW_SUBQUERY_TOO_MANY_ROWS] More than one row returned by a subquery used as a "
            "row. SQLSTATE: 21000", errorClass="ROW_SUBQUERY_TOO_MANY_ROWS")
    values = rows[0] if rows else (None,) * len(defs)
    for d, v in zip(defs, values):
        state.variables.assign(d.name, v)


def assign_query(state: Any, parts_list: list[tuple], node: Any, args: Any = None,
                 frames: dict | None = None, defaults: bool = False,
                 unknown_as_column: bool = False) -> None:
    """The single row of query ``node`` into the variables ``parts_list`` names."""
    if unknown_as_column:  # EXECUTE IMMEDIATE ... INTO names an unknown target as a column
        for p in parts_list:
            if state.variables.reference(p) is None:
                raise unresolved_column(".".join(p), [])
    defs = _targets(state, parts_list)
    try:
        plan = _bind(state, node, args, frames)
    except AnalysisException as e:
        if not defaults or str(e.getMessageParameters().get("objectName", "")).lower() \
                != "`default`":
            raise
        select = node if type(node).__name__ == "Select" else None
        if select is None:
            raise
        for i, item in enumerate(select.expressions):
            if _is_default(item) and i < len(defs):
                item.replace(_default_node(defs[i]))
        plan = _bind(state, node, args, frames)
    _store(state, defs, plan, from_expressions=False)


def check_set_key(state: Any, key: str) -> None:
    """``SET v = x`` of a variable ``v`` is Spark's SET_VARIABLE_USING_SET error."""
    if not re.fullmatch(rf"\s*{_NAME}\s*", key):
        return
    parts = name_parts(key)
    if state.variables.reference(parts) is None or len(parts) > 3 or \
            state.variables.reference(parts)[1]:
        return
    shown = ".".join(quote_ident(p) for p in parts)
    raise AnalysisException(
        f"[UNSUPPORTED_FEATURE.SET_VARIABLE_USING_SET] The feature is not supported: {shown} is "
        f"a VARIABLE and cannot be updated using the SET statement. Use SET VARIABLE {shown} = "
        "... instead. SQLSTATE: 0A000", errorClass="UNSUPPORTED_FEATURE.SET_VARIABLE_USING_SET",
        messageParameters={"variableName": shown})

