"""Vector functions over ``array<float>`` (Spark 4.3): ``vector_cosine_similarity``,
``vector_inner_product``, ``vector_l2_distance``, ``vector_norm``, ``vector_normalize`` and
the element-wise aggregates ``vector_sum`` / ``vector_avg``.

Spark accepts ``ARRAY<FLOAT>`` only (an ``array<double>`` is a type mismatch, not an
implicit cast) and the degree of a norm is a ``FLOAT`` (1.0, 2.0 or infinity, else
``[INVALID_VECTOR_NORM_DEGREE]``). Sums of products accumulate in double precision and the
answer is cast to float, as Spark's VectorFunctionImplUtils does. A NULL array, or an array
with a NULL element, gives NULL; a zero norm gives NULL for the cosine similarity and for
``vector_normalize``; arrays of different lengths raise ``[VECTOR_DIMENSION_MISMATCH]``.

Every kernel works on the flattened elements (array_columns.Flat): products are computed
for all elements at once and summed per row with ``np.bincount(parents, weights)``, so no
Python runs per row. The aggregates collect each group's arrays (Arrow ``hash_list``) and
sum them the same way per (group, position).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.array_columns import flat, width
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, make_call, simple
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch)

_F = T.FloatType()
_VEC = T.ArrayType(_F, True)


def _type_error(call_sql: str, index: int, required: str, arg: Expression) -> AnalysisException:
    return type_mismatch(call_sql, index, f'"{required}"', arg.sql(), arg.dtype)


def _is_vector(t: T.DataType) -> bool:
    return isinstance(t, T.ArrayType) and isinstance(t.elementType, (T.FloatType, T.NullType))


def _check_vectors(name: str, args: list[Expression]) -> None:
    sql = f"{name}({', '.join(a.sql() for a in args)})"
    for i, a in enumerate(args[:2], 1):
        if not _is_vector(a.dtype):
            raise _type_error(sql, i, "ARRAY<FLOAT>", a)


def _dimension_error(name: str, a: int, b: int) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[VECTOR_DIMENSION_MISMATCH] Vectors passed to `{name}` must have the same "
        f"dimension, but got {a} and {b}. SQLSTATE: 22000",
        errorClass="VECTOR_DIMENSION_MISMATCH",
        messageParameters={"functionName": f"`{name}`", "leftDim": str(a), "rightDim": str(b)})


def _elements(arr: Any, n: int) -> tuple[Any, Any]:
    """(the Flat of a vector column, its elements as float64 with NaN for NULL)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    f = flat(arr, n)
    vals = f.values.cast(pa.float64()) if len(f.values) else pa.array([], pa.float64())
    x = pc.fill_null(vals, 0.0).to_numpy(zero_copy_only=False).astype(np.float64)
    return f, (x, ~vals.is_valid().to_numpy(zero_copy_only=False))


def _row_sums(f: Any, weights: Any, n: int) -> Any:
    import numpy as np

    return np.bincount(f.parents, weights=weights, minlength=n)[:n] if len(f.parents) \
        else np.zeros(n)


def _null_rows(f: Any, elem_null: Any, n: int) -> Any:
    """Rows that are NULL or hold a NULL element."""
    import numpy as np

    bad = ~f.valid.copy()
    if elem_null.any():
        bad[np.unique(f.parents[elem_null])] = True
    return bad


def _result(values: Any, null: Any, args: list) -> Any:
    import numpy as np
    import pyarrow as pa

    out = pa.array(np.where(null, 0.0, values).astype(np.float32), pa.float32(),
                   mask=np.asarray(null, bool))
    return out[0] if all(isinstance(a, pa.Scalar) for a in args) else out


# -- two vectors -> float -------------------------------------------------------------------------
def _bind_pair(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        _check_vectors(name, args)
        return make_call(lookup(name), list(args), _F, True)
    return bind


def _pair_kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np

        n = width(args)
        fa, (a, na) = _elements(args[0], n)
        fb, (b, nb) = _elements(args[1], n)
        both = fa.valid & fb.valid
        if (fa.lens[both] != fb.lens[both]).any():
            row = int(np.argmax(both & (fa.lens != fb.lens)))
            raise _dimension_error(name, int(fa.lens[row]), int(fb.lens[row]))
        null = ~both | _null_rows(fa, na, n) | _null_rows(fb, nb, n)
        # rows where both are valid have the same lengths: b's element for a's is at the
        # same position of the same row
        keep_a = both[fa.parents] if len(fa.parents) else np.zeros(0, bool)
        take_b = fb.starts[fa.parents[keep_a]] + fa.pos[keep_a]
        pa_, xa, xb = fa.parents[keep_a], a[keep_a], b[take_b]
        sums = lambda w: np.bincount(pa_, weights=w, minlength=n)[:n] if len(pa_) \
            else np.zeros(n)  # noqa: E731
        if name == "vector_inner_product":
            return _result(sums(xa * xb), null, args)
        if name == "vector_l2_distance":
            return _result(np.sqrt(sums((xa - xb) ** 2)), null, args)
        norm = np.sqrt(sums(xa * xa) * sums(xb * xb))
        zero = norm == 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            return _result(sums(xa * xb) / np.where(zero, 1.0, norm), null | zero, args)
    return kernel


for _name in ("vector_cosine_similarity", "vector_inner_product", "vector_l2_distance"):
    simple(_name, _bind_pair(_name), _pair_kernel(_name))


# -- norms ----------------------------------------------------------------------------------------
def _bind_norm(name: str, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        args = list(args) + [Literal(2.0, _F)] * (2 - len(args))
        sql = f"{name}({', '.join(a.sql() for a in args)})"
        if not _is_vector(args[0].dtype):
            raise _type_error(sql, 1, "ARRAY<FLOAT>", args[0])
        if not isinstance(args[1].dtype, (T.FloatType, T.NullType)):
            raise _type_error(sql, 2, "FLOAT", args[1])
        return make_call(lookup(name), args, result, True)
    return bind


def _norms(name: str, args: list) -> tuple[Any, Any, Any, Any, int]:
    """(Flat, element values, per-row norm, NULL rows, n) for a norm's arguments."""
    import numpy as np
    import pyarrow as pa

    n = width(args)
    f, (x, xnull) = _elements(args[0], n)
    deg = args[1]
    degrees = np.full(n, deg.as_py() if deg.is_valid else np.nan, np.float64) \
        if isinstance(deg, pa.Scalar) else \
        deg.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
    null = _null_rows(f, xnull, n) | np.isnan(degrees)
    bad = ~null & ~np.isin(degrees, (1.0, 2.0, np.inf))
    if bad.any():
        d = float(degrees[np.argmax(bad)])
        shown = "Infinity" if d == np.inf else "-Infinity" if d == -np.inf else repr(d)
        raise SparkRuntimeException(
            f"[INVALID_VECTOR_NORM_DEGREE] For the `{name}` function, degree must be 1.0, 2.0, "
            f"or float('inf'), but got {shown}. SQLSTATE: 22023",
            errorClass="INVALID_VECTOR_NORM_DEGREE",
            messageParameters={"functionName": f"`{name}`", "degree": shown})
    l1 = _row_sums(f, np.abs(x), n)
    l2 = np.sqrt(_row_sums(f, x * x, n))
    linf = np.zeros(n)
    if len(f.parents):
        np.maximum.at(linf, f.parents, np.abs(x.astype(np.float32)).astype(np.float64))
    norm = np.where(degrees == 1.0, l1, np.where(degrees == 2.0, l2, linf))
    return f, x, norm, null, n


def _norm_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    _, _, norm, null, _ = _norms("vector_norm", args)
    return _result(norm, null, args)


def _normalize_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    f, x, norm, null, n = _norms("vector_normalize", args)
    null = null | ((norm == 0.0) & (f.lens > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = x / norm[f.parents] if len(f.parents) else x
    keep = ~null[f.parents] if len(f.parents) else np.zeros(0, bool)
    counts = np.where(null, 0, f.lens)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    out = pa.ListArray.from_arrays(pa.array(offsets),
                                   pa.array(scaled[keep].astype(np.float32), pa.float32()),
                                   mask=pa.array(null))
    out = out.cast(pa.list_(pa.field("element", pa.float32())))
    return out[0] if all(isinstance(a, pa.Scalar) for a in args) else out


simple("vector_norm", _bind_norm("vector_norm", _F), _norm_kernel)
simple("vector_normalize", _bind_norm("vector_normalize", _VEC), _normalize_kernel)


# -- element-wise aggregates ----------------------------------------------------------------------
def _bind_agg(name: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1)
        _check_vectors(name, args)
        return AggCall(lookup(name), (args[0],), _VEC, True, distinct)
    return bind


def _agg_finish(name: str):
    def finish(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        lists = arrs[0]
        groups = len(lists)
        rows = pc.list_flatten(lists)  # every group's vectors, in order
        group_of_row = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        f, (x, xnull) = _elements(rows, len(rows))
        # a NULL vector or one with a NULL element is skipped, as Spark's VectorSum does
        skip = _null_rows(f, xnull, len(rows))
        use = ~skip
        dims = np.full(groups, -1, np.int64)
        used = np.flatnonzero(use)
        firsts, at = np.unique(group_of_row[used], return_index=True)
        dims[firsts] = f.lens[used[at]]  # each group's first vector sets its dimension
        wrong = used[f.lens[used] != dims[group_of_row[used]]]
        if len(wrong):
            r = wrong[0]
            raise _dimension_error(name, int(dims[group_of_row[r]]), int(f.lens[r]))
        counts = np.bincount(group_of_row[use], minlength=groups)[:groups] if use.any() \
            else np.zeros(groups, np.int64)
        width_ = int(max(dims.max(initial=0), 0))
        sums = np.zeros((groups, max(width_, 1)))
        elem_ok = use[f.parents] if len(f.parents) else np.zeros(0, bool)
        np.add.at(sums, (group_of_row[f.parents[elem_ok]], f.pos[elem_ok]), x[elem_ok])
        if name == "vector_avg":
            with np.errstate(divide="ignore", invalid="ignore"):
                sums = sums / np.maximum(counts, 1)[:, None]
        null = counts == 0
        lens = np.where(null, 0, np.maximum(dims, 0))
        values = np.concatenate([sums[g, :lens[g]] for g in range(groups)]) if groups \
            else np.zeros(0)
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
        out = pa.ListArray.from_arrays(pa.array(offsets),
                                       pa.array(values.astype(np.float32), pa.float32()),
                                       mask=pa.array(null))
        return out.cast(pa.list_(pa.field("element", pa.float32())))
    return finish


for _name in ("vector_sum", "vector_avg"):
    register(FunctionSpec(_name, _bind_agg(_name), None,
                          agg=AggSpec(lambda c: [(0, "list", None)], _agg_finish(_name))))
