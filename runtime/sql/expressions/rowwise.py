"""Kernels that call a Python function once per row, for the functions no Arrow kernel can
compute (Java's format strings, Levenshtein distances, soundex, URL parsing, hashes of
strings...). Each module says which of its functions take this path.

``per_row(fn, out_type)`` builds a kernel: the arguments (arrays or scalars) are zipped row
by row as Python values and ``fn(call, *values)`` gives the row's result; a row with a NULL
argument is NULL without calling ``fn`` (Spark's null-intolerant functions) unless
``null_safe=True``. ``out_type`` is an Arrow type or, when None, the call's Spark type.
All-scalar arguments give a scalar. ``with_ansi`` hands the session's ANSI mode to such a
function through the call's options.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from runtime.sql.arrow_types import to_arrow
from runtime.sql.expressions.registry import EvalContext

__all__ = ["per_row", "python_rows", "with_ansi"]


def python_rows(args: list) -> tuple[list[list], int, bool]:
    """(one Python list per argument, row count, whether all arguments were scalars)."""
    import pyarrow as pa

    scalar = all(isinstance(a, pa.Scalar) for a in args)
    n = max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)
    cols = [[a.as_py()] * n if isinstance(a, pa.Scalar) else a.to_pylist() for a in args]
    return cols, n, scalar


def per_row(fn: Any, out_type: Any = None, null_safe: bool = False):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        cols, n, scalar = python_rows(args)
        rows = zip(*cols) if cols else [()] * n
        if null_safe:
            out = [fn(call, *row) for row in rows]
        else:
            out = [None if any(v is None for v in row) else fn(call, *row) for row in rows]
        arr = pa.array(out, out_type if out_type is not None else to_arrow(call.dtype))
        return arr[0] if scalar else arr
    return kernel


def with_ansi(kernel: Any):
    """``kernel`` seeing the session's ANSI mode as the call's ``ansi`` option (for a row
    function whose error becomes NULL without ANSI)."""
    def wrapped(call: Any, args: list, ectx: EvalContext) -> Any:
        return kernel(replace(call, options=call.options + (("ansi", ectx.ansi),)), args, ectx)
    return wrapped
