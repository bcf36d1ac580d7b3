"""VARIANT functions that change a variant at a JSON path: ``variant_set``,
``variant_insert``, ``variant_array_append`` (and their ``try_`` forms), ``variant_delete``
(several paths, left to right, a NULL path skipped) and ``variant_strip_nulls``
(``include_arrays``). The path rules are variant_paths.py's; the value to put is converted
to a variant as ``to_variant_object`` converts (a VARIANT value is kept as it is). A row is
decoded, changed along its path and encoded again: a Python call per row.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.ddl import type_ddl
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions import variant_functions as VF
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import cast_to, make_call
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch, wrong_num_args)
from runtime.sql.expressions.rowwise import python_rows
from runtime.sql.expressions.casts import can_cast
from runtime.sql.expressions.variant_paths import (
    Conflict, DuplicateKey, Missing, change, change_error, duplicate_key, parse_path,
    strip_nulls)


def _variant_arg(name: str, e: Expression, index: int) -> Expression:
    if isinstance(e.dtype, T.NullType):
        return cast_to(e, T.VariantType())
    if not isinstance(e.dtype, T.VariantType):
        raise type_mismatch(f"{name}({e.sql()})", index, '"VARIANT"', e.sql(), e.dtype)
    return e


def _bindchange(name: str, op: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        lo, hi = (1, 2) if op == "strip" else (2, None) if op == "delete" else \
            (3, 4) if op == "set" else (3, 3)
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise wrong_num_args(name, str(lo) if hi == lo else f"[{lo}, {hi}]", len(args))
        kids = [_variant_arg(name, args[0], 1)]
        if op == "strip":
            kids.append(cast_to(args[1], T.BooleanType()) if len(args) > 1 else
                        Literal(True, T.BooleanType()))
        elif op == "delete":
            kids += [cast_to(a, T.StringType()) for a in args[1:]]
        else:
            value = args[2]
            if not can_cast(value.dtype, T.VariantType()):
                text = f"{name}({', '.join(a.sql() for a in args)})"
                raise AnalysisException(
                    f'[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "{text}" due to '
                    f'data type mismatch: cannot cast "{type_ddl(value.dtype)}" to "VARIANT". '
                    "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION")
            kids += [cast_to(args[1], T.StringType()), value]
            if op == "set":
                kids.append(cast_to(args[3], T.BooleanType()) if len(args) > 3 else
                            Literal(True, T.BooleanType()))
        return make_call(lookup(name), kids, T.VariantType(), True, (("op", op),))
    return bind


def _change_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    op = dict(call.options)["op"]
    name = call.spec.name
    try_ = name.startswith("try_")
    cols, n, scalar = python_rows(args)
    trees = VF.variant_trees(cols[0])
    out: list = []
    for r in range(n):
        v = cols[0][r]
        if v is None:
            out.append(VF.SQL_NULL)
            continue
        tree = trees[r]
        if op == "strip":
            arrays = cols[1][r]
            out.append(VF.SQL_NULL if arrays is None else strip_nulls(tree, arrays))
            continue
        if op == "delete":
            for p in cols[1:]:
                if p[r] is None:
                    continue
                steps = parse_path(p[r], name)
                try:
                    tree = change(tree, steps, "delete", None, False)
                except (Missing, Conflict):
                    pass
            out.append(tree)
            continue
        path, value = cols[1][r], cols[2][r]
        create = cols[3][r] if op == "set" else True
        if path is None or value is None or create is None:
            out.append(VF.SQL_NULL)
            continue
        steps = parse_path(path, name)
        new = VF.from_sql_value(value, call.children[2].dtype)
        try:
            out.append(change(tree, steps, op, new, bool(create)))
        except Missing:
            out.append(tree)
        except (Conflict, DuplicateKey) as e:
            if try_:
                out.append(VF.SQL_NULL)
                continue
            if isinstance(e, DuplicateKey):
                raise duplicate_key(str(e.args[0])) from None
            raise change_error(name, path, steps, e.depth) from None
    return VF.variant_column(out, scalar)


for _n, _op in (("variant_set", "set"), ("try_variant_set", "set"),
                ("variant_insert", "insert"), ("try_variant_insert", "insert"),
                ("variant_array_append", "append"), ("try_variant_array_append", "append"),
                ("variant_delete", "delete"), ("variant_strip_nulls", "strip")):
    register(FunctionSpec(_n, _bindchange(_n, _op), _change_kernel))
