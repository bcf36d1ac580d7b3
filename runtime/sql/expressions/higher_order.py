"""Higher-order functions: transform, filter, exists, forall, aggregate/reduce, zip_with,
array_sort with a comparator, transform_keys, transform_values, map_filter, map_zip_with.

Each binds its lambda(s) with the element types (lambdas.py) and evaluates them columnar:
the arrays are flattened (array_columns.py), the lambda's body runs once over all elements
of the batch, and the result is rebuilt per row. ``aggregate`` folds element k of every
row at once (one evaluation per element position, not per row); ``array_sort`` with a
comparator evaluates it on every pair within each array and ranks by wins (fine for the
short arrays comparators are used on). NULL arrays give NULL; ``exists``/``forall``
follow three-valued logic as Spark (``exists(array(1, NULL), x -> x > 1)`` is NULL).
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.array_columns import flat, rebuild, rebuild_map, width
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.coercion import common_type
from runtime.sql.expressions.evaluate import evaluate, materialize
from runtime.sql.expressions.lambdas import LambdaFunction, bind_lambda, eval_lambda
from runtime.sql.expressions.registry import EvalContext, FunctionSpec, lookup, register, \
    type_mismatch
from runtime.sql.arrow_types import to_arrow

_INT = T.IntegerType()


def _register(name: str, bind: Any, kernel: Any, *aliases: str) -> None:
    register(FunctionSpec(name, bind, kernel, extra={"lazy": True, "higher_order": True}),
             *aliases)


def _need_array(name: str, arg: Expression, index: int = 1) -> T.ArrayType:
    if not isinstance(arg.dtype, T.ArrayType):
        raise type_mismatch(f"{name}({arg.sql()})", index, '"ARRAY"', arg.sql(), arg.dtype)
    return arg.dtype


def _need_map(name: str, arg: Expression) -> T.MapType:
    if not isinstance(arg.dtype, T.MapType):
        raise type_mismatch(f"{name}({arg.sql()})", 1, '"MAP"', arg.sql(), arg.dtype)
    return arg.dtype


def _args(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> list:
    return [None if isinstance(c, LambdaFunction) else evaluate(c, batch, positions, ectx)
            for c in call.children]


# -- transform / filter / exists / forall --------------------------------------------------------
def _bind_array_lambda(name: str, result):
    def bind(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
        arity(name, args, 2)
        at = _need_array(name, args[0])
        lam = bind_lambda(name, args[1], [(at.elementType, at.containsNull), (_INT, False)],
                          resolve)
        if name in ("filter", "exists", "forall"):
            lam = LambdaFunction((cast_to(lam.body, T.BooleanType()), *lam.params))
        return make_call(lookup(name), [args[0], lam], result(at, lam), args[0].nullable)
    return bind


def _transform(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    arr = _args(call, batch, positions, ectx)[0]
    f = flat(arr, batch.num_rows)
    lam = call.children[1]
    out = eval_lambda(lam, [f.values, _pos(f)], f.parents, batch, positions, ectx)
    return rebuild(out, f.parents, f.n, f.valid, to_arrow(call.dtype))


def _pos(f: Any) -> Any:
    import pyarrow as pa

    return pa.array(f.pos.astype("int32"), pa.int32())


_register("transform", _bind_array_lambda(
    "transform", lambda at, lam: T.ArrayType(lam.dtype, lam.body.nullable)), _transform)


def _filter(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow.compute as pc

    arr = _args(call, batch, positions, ectx)[0]
    f = flat(arr, batch.num_rows)
    keep = eval_lambda(call.children[1], [f.values, _pos(f)], f.parents, batch, positions, ectx)
    keep = pc.fill_null(keep, False)
    mask = keep.to_numpy(zero_copy_only=False).astype(bool)
    return rebuild(f.values.filter(keep), f.parents[mask], f.n, f.valid, to_arrow(call.dtype))


_register("filter", _bind_array_lambda("filter", lambda at, lam: at), _filter)


def _quantifier(any_: bool):
    def kernel(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
        import numpy as np
        import pyarrow as pa

        arr = _args(call, batch, positions, ectx)[0]
        f = flat(arr, batch.num_rows)
        res = eval_lambda(call.children[1], [f.values, _pos(f)], f.parents, batch, positions,
                          ectx)
        vals = res.to_numpy(zero_copy_only=False)
        is_null = res.is_null().to_numpy(zero_copy_only=False)
        hit = (vals == any_) & ~is_null  # a true for exists, a false for forall
        hits = np.bincount(f.parents, weights=hit, minlength=f.n)[:f.n] > 0
        nulls = np.bincount(f.parents, weights=is_null, minlength=f.n)[:f.n] > 0
        value = hits if any_ else ~hits
        null = ~f.valid | (~hits & nulls)
        return pa.array(value, pa.bool_(), mask=null)
    return kernel


_register("exists", _bind_array_lambda("exists", lambda at, lam: T.BooleanType()),
          _quantifier(True))
_register("forall", _bind_array_lambda("forall", lambda at, lam: T.BooleanType()),
          _quantifier(False))


# -- aggregate / reduce ------------------------------------------------------------------------------
def _bind_aggregate(name: str):
    def bind(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
        arity(name, args, 3, 4)
        at = _need_array(name, args[0])
        zero = args[1]
        merge = bind_lambda(name, args[2], [(zero.dtype, True), (at.elementType, True)],
                            resolve)
        acc_type = common_type([zero.dtype, merge.dtype]) or zero.dtype
        if acc_type != zero.dtype:  # 0 meeting a bigint/double merge: widen the zero
            zero = cast_to(zero, acc_type)
            merge = bind_lambda(name, args[2], [(acc_type, True), (at.elementType, True)],
                                resolve)
        merge = LambdaFunction((cast_to(merge.body, acc_type), *merge.params))
        if len(args) == 4:
            finish = bind_lambda(name, args[3], [(acc_type, True)], resolve)
        else:
            finish = bind_lambda(name, LambdaFunction((args[2].params[0],
                                                      args[2].params[0])),
                                 [(acc_type, True)], resolve)
        return make_call(lookup(name), [args[0], zero, merge, finish], finish.dtype, True)
    return bind


def _aggregate(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows
    arr, zero = _args(call, batch, positions, ectx)[:2]
    merge, finish = call.children[2], call.children[3]
    f = flat(arr, n)
    acc = materialize(zero, n).cast(to_arrow(merge.dtype))
    rows = np.arange(n, dtype=np.int64)
    for k in range(int(f.lens.max()) if n else 0):
        active = f.lens > k
        idx = rows[active]
        x = f.values.take(pa.array(f.starts[idx] + k))
        new = eval_lambda(merge, [acc.take(pa.array(idx)), x], idx, batch, positions, ectx)
        scatter = np.full(n, -1, np.int64)
        scatter[idx] = np.arange(len(idx))
        taken = new.take(pa.array(np.where(active, scatter, 0)))
        acc = pc.if_else(pa.array(active), taken, acc)
    out = eval_lambda(finish, [acc], rows, batch, positions, ectx)
    return pc.if_else(pa.array(f.valid), out, pa.scalar(None, out.type))


_register("aggregate", _bind_aggregate("aggregate"), _aggregate)
_register("reduce", _bind_aggregate("reduce"), _aggregate)


# -- zip_with -------------------------------------------------------------------------------------------
def _bind_zip_with(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
    arity("zip_with", args, 3)
    a, b = _need_array("zip_with", args[0]), _need_array("zip_with", args[1], 2)
    lam = bind_lambda("zip_with", args[2], [(a.elementType, True), (b.elementType, True)],
                      resolve)
    return make_call(lookup("zip_with"), [args[0], args[1], lam],
                     T.ArrayType(lam.dtype, True))


def _zip_with(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import numpy as np

    n = batch.num_rows
    a, b = _args(call, batch, positions, ectx)[:2]
    fa, fb = flat(a, n), flat(b, n)
    lens = np.maximum(fa.lens, fb.lens)
    valid = fa.valid & fb.valid
    lens = np.where(valid, lens, 0)
    parents = np.repeat(np.arange(n, dtype=np.int64), lens)
    pos = np.arange(len(parents), dtype=np.int64) - (np.cumsum(lens) - lens)[parents]
    xa = _element_or_null(fa, parents, pos)
    xb = _element_or_null(fb, parents, pos)
    out = eval_lambda(call.children[2], [xa, xb], parents, batch, positions, ectx)
    return rebuild(out, parents, n, valid, to_arrow(call.dtype))


def _element_or_null(f: Any, parents: Any, pos: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    inside = pos < f.lens[parents]
    idx = np.where(inside, f.starts[parents] + pos, 0)
    if len(f.values) == 0:
        return pa.nulls(len(parents), f.values.type)
    return f.values.take(pa.array(idx, mask=~inside))


_register("zip_with", _bind_zip_with, _zip_with)


# -- array_sort with a comparator ---------------------------------------------------------------
def _bind_array_sort(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
    arity("array_sort", args, 1, 2)
    at = _need_array("array_sort", args[0])
    if len(args) == 1:
        return make_call(lookup("array_sort"), [args[0]], at)
    lam = bind_lambda("array_sort", args[1], [(at.elementType, True), (at.elementType, True)],
                      resolve)
    lam = LambdaFunction((cast_to(lam.body, _INT), *lam.params))
    return make_call(lookup("array_sort"), [args[0], lam], at)


def _array_sort(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import numpy as np
    import pyarrow as pa

    n = batch.num_rows
    arr = _args(call, batch, positions, ectx)[0]
    f = flat(arr, n)
    if len(call.children) == 1:
        return sort_flat(f, True, False, to_arrow(call.dtype))
    # every ordered pair (i, j) within an array: rank i by how many j sort before it
    reps = f.lens[f.parents]
    left = np.repeat(np.arange(len(f.parents)), reps)
    right = f.starts[f.parents[left]] + (np.arange(len(left)) - np.repeat(
        np.cumsum(reps) - reps, reps))
    cmp = eval_lambda(call.children[1], [f.values.take(pa.array(left)),
                                         f.values.take(pa.array(right))],
                      f.parents[left], batch, positions, ectx)
    c = cmp.to_numpy(zero_copy_only=False)
    if cmp.null_count:
        raise AnalysisException("[COMPARATOR_RETURNS_NULL] The comparator has returned a NULL "
                                "for a comparison. SQLSTATE: 22004",
                                errorClass="COMPARATOR_RETURNS_NULL")
    before = (c > 0) | ((c == 0) & (right < left))  # j goes first: stable on ties
    rank = np.bincount(left, weights=before, minlength=len(f.parents)).astype(np.int64)
    order = np.lexsort((rank, f.parents))
    return rebuild(f.values.take(pa.array(order)), f.parents[order], n, f.valid,
                   to_arrow(call.dtype))


def sort_flat(f: Any, ascending: bool, nulls_first: bool, list_type: Any) -> Any:
    """Each array's elements sorted (NaN above every number, NULLs first or last)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.table({"p": pa.array(f.parents), "v": f.values})
    placement = "at_start" if nulls_first else "at_end"
    order_v = "ascending" if ascending else "descending"
    try:  # pyarrow >= 25: null placement per sort key
        idx = pc.sort_indices(table, sort_keys=[("p", "ascending", placement),
                                                ("v", order_v, placement)])
    except (TypeError, ValueError):
        idx = pc.sort_indices(table, sort_keys=[("p", "ascending"), ("v", order_v)],
                              null_placement=placement)
    order = idx.to_numpy(zero_copy_only=False).astype(np.int64)
    return rebuild(f.values.take(pa.array(order)), f.parents[order], f.n, f.valid, list_type)


_register("array_sort", _bind_array_sort, _array_sort)


# -- maps -------------------------------------------------------------------------------------------
def _bind_map_lambda(name: str):
    def bind(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
        arity(name, args, 2)
        mt = _need_map(name, args[0])
        lam = bind_lambda(name, args[1], [(mt.keyType, False), (mt.valueType,
                                                                 mt.valueContainsNull)], resolve)
        if name == "map_filter":
            lam = LambdaFunction((cast_to(lam.body, T.BooleanType()), *lam.params))
            dtype: T.DataType = mt
        elif name == "transform_keys":
            dtype = T.MapType(lam.dtype, mt.valueType, mt.valueContainsNull)
        else:
            dtype = T.MapType(mt.keyType, lam.dtype, lam.body.nullable)
        return make_call(lookup(name), [args[0], lam], dtype)
    return bind


def _map_lambda(name: str):
    def kernel(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
        import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
        import pyarrow.compute as pc

        n = batch.num_rows
        m = _args(call, batch, positions, ectx)[0]
        f = flat(m, n)
        keys, items = pc.struct_field(f.values, [0]), pc.struct_field(f.values, [1])
        res = eval_lambda(call.children[1], [keys, items], f.parents, batch, positions, ectx)
        mt = to_arrow(call.dtype)
        if name == "map_filter":
            keep = pc.fill_null(res, False)
            mask = keep.to_numpy(zero_copy_only=False).astype(bool)
            return rebuild_map(keys.filter(keep), items.filter(keep), f.parents[mask], n,
                               f.valid, mt)
        if name == "transform_keys":
            if res.null_count:
                raise AnalysisException("[NULL_MAP_KEY] Cannot use null as map key. "
                                        "SQLSTATE: 2200E", errorClass="NULL_MAP_KEY")
            return rebuild_map(res, items, f.parents, n, f.valid, mt)
        return rebuild_map(keys, res, f.parents, n, f.valid, mt)
    return kernel


for _name in ("map_filter", "transform_keys", "transform_values"):
    _register(_name, _bind_map_lambda(_name), _map_lambda(_name))


def _bind_map_zip_with(args: list[Expression], ctx: Any, resolve: Any) -> Expression:
    arity("map_zip_with", args, 3)
    a, b = _need_map("map_zip_with", args[0]), _need_map("map_zip_with", args[1])
    kt = common_type([a.keyType, b.keyType]) or a.keyType
    lam = bind_lambda("map_zip_with", args[2], [(kt, False), (a.valueType, True),
                                                 (b.valueType, True)], resolve)
    return make_call(lookup("map_zip_with"), [args[0], args[1], lam],
                     T.MapType(kt, lam.dtype, True))


def _map_zip_with(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import pyarrow as pa

    n = batch.num_rows
    a, b = (materialize(x, n) for x in _args(call, batch, positions, ectx)[:2])
    keys, va, vb, parents = [], [], [], []
    valid = []
    # the union of two maps' keys per row: a Python loop per row (maps are small and this
    # function is rare; the lambda itself still runs columnar below)
    for i, (ma, mb) in enumerate(zip(a.to_pylist(), b.to_pylist())):
        valid.append(ma is not None and mb is not None)
        if not valid[-1]:
            continue
        da, db = dict(ma), dict(mb)
        for k in list(da) + [k for k in db if k not in da]:
            keys.append(k)
            va.append(da.get(k))
            vb.append(db.get(k))
            parents.append(i)
    mt = to_arrow(call.dtype)
    k_arr = pa.array(keys, mt.key_type)
    x = pa.array(va, a.type.item_type)
    y = pa.array(vb, b.type.item_type)
    import numpy as np

    par = np.array(parents, np.int64)
    res = eval_lambda(call.children[2], [k_arr, x, y], par, batch, positions, ectx)
    return rebuild_map(k_arr, res, par, n, np.array(valid, bool), mt)


_register("map_zip_with", _bind_map_zip_with, _map_zip_with)
_unused = width
