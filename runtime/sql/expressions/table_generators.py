"""The generators that make several columns: ``inline``/``inline_outer`` (an array of
structs, one row per element and one column per field) and ``stack(n, v1, ..., vk)`` (the
k values in n rows of ceil(k / n) columns ``col0``, ``col1``..., missing cells NULL).

Like explode (collections.py) they bind to a generator ``Call`` that the analyzer turns
into a ``Generate`` operator; the call's ``spread`` option tells GenerateExec to make one
output column per field of the generated struct. ``stack`` evaluates ``stack_rows``, an
``array<struct>`` of n structs per input row built with one Arrow ``take`` (no Python per
row), and generates from it as ``inline`` does. A NULL struct in ``inline``'s array gives a
row of NULLs; ``inline_outer`` gives one row of NULLs for a NULL or empty array.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import cast_to, make_call, simple
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, wrong_num_args)
from runtime.sql.arrow_types import to_arrow


def _mismatch(sql: str, detail: str, cls: str) -> AnalysisException:
    return AnalysisException(
        f'[DATATYPE_MISMATCH.{cls}] Cannot resolve "{sql}" due to data type mismatch: '
        f"{detail} SQLSTATE: 42K09", errorClass=f"DATATYPE_MISMATCH.{cls}")


def _pretty(call: Any) -> str:
    return dict(call.options).get("sql") or \
        f"{call.spec.name}({', '.join(c.sql() for c in call.children)})"


# -- inline ---------------------------------------------------------------------------------------
def _bind_inline(name: str, outer: bool):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if len(args) != 1:
            raise wrong_num_args(name, "1", len(args))
        t = args[0].dtype
        if not (isinstance(t, T.ArrayType) and isinstance(t.elementType, T.StructType)):
            raise _mismatch(
                f"{name}({args[0].sql()})",
                f'The first parameter requires the "ARRAY<STRUCT>" type, however '
                f'"{args[0].sql()}" has the type "{t.simpleString().upper()}".',
                "UNEXPECTED_INPUT_TYPE")
        row = T.StructType([T.StructField(f.name, f.dataType, True)
                            for f in t.elementType.fields])
        return make_call(lookup(name), [args[0]], row, True,
                         (("outer", outer), ("spread", True)))
    return bind


for _name, _outer in (("inline", False), ("inline_outer", True)):
    register(FunctionSpec(_name, _bind_inline(_name, _outer), None, _pretty, generator=True))


# -- stack ----------------------------------------------------------------------------------------
def _bind_stack(args: list[Expression], ctx: Any) -> Expression:
    if len(args) < 2:
        raise wrong_num_args("stack", "> 1", len(args))
    sql = f"stack({', '.join(a.sql() for a in args)})"
    n_arg = args[0]
    if not (isinstance(n_arg, Literal) and isinstance(n_arg.dtype, T.IntegerType)):
        raise _mismatch(sql, 'The first parameter requires the "INT" type, however '
                        f'"{n_arg.sql()}" has the type "{n_arg.dtype.simpleString().upper()}".',
                        "UNEXPECTED_INPUT_TYPE")
    rows = n_arg.value
    if rows is None or rows <= 0:
        raise _mismatch(sql, f"The `n` must be between (0, 2147483647] (current value = "
                        f"{rows}).", "VALUE_OUT_OF_RANGE")
    values = list(args[1:])
    cols = -(-len(values) // rows)
    fields, casts = [], []
    for c in range(cols):
        cells = [(i, values[i]) for i in range(c, len(values), cols)]
        typed = [(i, v) for i, v in cells if not isinstance(v.dtype, T.NullType)]
        dtype = typed[0][1].dtype if typed else T.NullType()
        for i, v in typed[1:]:
            if v.dtype != dtype:
                raise _mismatch(
                    sql, f'The data type of the column ({c}) do not have the same type: '
                    f'"{dtype.simpleString().upper()}" ({typed[0][0] + 1}) <> '
                    f'"{v.dtype.simpleString().upper()}" ({i + 1}).', "STACK_COLUMN_DIFF_TYPES")
        fields.append(T.StructField(f"col{c}", dtype, True))
        casts.append(dtype)
    kids = [cast_to(v, casts[i % cols]) for i, v in enumerate(values)]
    row = T.StructType(fields)
    rows_call = make_call(lookup("stack_rows"), kids, T.ArrayType(row, False), False,
                          (("rows", rows), ("cols", cols)))
    return make_call(lookup("stack"), [rows_call], row, True,
                     (("spread", True), ("sql", sql)))


def _stack_rows(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    opts = dict(call.options)
    rows, cols = opts["rows"], opts["cols"]
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    row_type = to_arrow(call.dtype.elementType)
    structs = []
    for r in range(rows):  # the r-th generated row of every input row, as one struct array
        cells = []
        for c in range(cols):
            i = r * cols + c
            ftype = row_type.field(c).type
            if i >= len(args):
                cells.append(pa.nulls(n, ftype))
                continue
            a = args[i]
            a = pa.repeat(a, n) if isinstance(a, pa.Scalar) else a
            cells.append(a if a.type == ftype else a.cast(ftype))
        structs.append(pa.StructArray.from_arrays(cells, fields=list(row_type)))
    everything = pa.concat_arrays(structs)
    order = (np.arange(n)[:, None] + np.arange(rows)[None, :] * n).ravel()
    offsets = pa.array(np.arange(n + 1, dtype=np.int32) * rows)
    return pa.ListArray.from_arrays(offsets, everything.take(pa.array(order)))


register(FunctionSpec("stack", _bind_stack, None, _pretty, generator=True))
simple("stack_rows", lambda args, ctx: None, _stack_rows)
