"""Tuple sketches: theta sketches whose entries carry a summary (a double or an integer),
``tuple_sketch_agg_<t>``, ``tuple_union_agg_<t>``, ``tuple_intersection_agg_<t>``,
``tuple_union_<t>``, ``tuple_intersection_<t>``, ``tuple_difference_<t>``, the ``*_theta_<t>``
forms whose second argument is a theta sketch, ``tuple_sketch_estimate_<t>``,
``tuple_sketch_summary_<t>`` and ``tuple_sketch_theta_<t>``, for t in double and integer.

Like the theta sketch (sketch_distinct.py, whose hashing and theta rules these share), this
is **our own binary format**, not DataSketches': a sketch keeps the distinct 63-bit key
hashes below theta, at most K = 2^lgNomEntries of them, each with the summary of the values
of its key combined by the mode: ``sum`` (the default), ``min``, ``max`` or ``alwaysone``
(every summary 1). Unions combine the summaries of a key present in both sides by the mode,
intersections keep the keys in both (combined by the mode), differences keep the first
sketch's entries whose keys are not in the second. A theta sketch's entries count as
summary 1 in a union. While a sketch is exact (fewer than K keys) every answer is exact;
past K the estimate has the theta sketch's error.

Format: ``b"SCTP"``, version 1, lgNomEntries, kind (0 double, 1 integer), then theta
(uint64), the number of entries (uint32), the hashes (uint64) and the summaries (float64 or
int64).
"""

from __future__ import annotations

import struct
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.hashing import hash64
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.expressions.rowwise import per_row
from runtime.sql.expressions.sketch_distinct import THETA_TOP, sketch_error, theta_parts
from runtime.sql.expressions.sketch_quantiles import binary_argument

__all__ = ["MODES"]

_MAGIC = b"SCTP"
MODES = ("sum", "min", "max", "alwaysone")
_KINDS = {"double": (0, T.DoubleType(), "<f8"), "integer": (1, T.LongType(), "<i8")}
_KEYS = (T.IntegerType, T.LongType, T.ShortType, T.ByteType, T.StringType, T.BinaryType,
         T.FloatType, T.DoubleType)


def _bad(fn: str) -> Exception:
    return sketch_error("TUPLE_INVALID_INPUT_SKETCH_BUFFER",
                        f"Invalid call to `{fn}`; only valid Tuple sketch buffers are supported "
                        "as inputs (such as those produced by the corresponding "
                        "`tuple_sketch_agg_*` function).", "22000")


def _pack(kind: str, lg: int, theta: int, hashes: Any, summaries: Any) -> bytes:
    import numpy as np

    code, _, dt = _KINDS[kind]
    return _MAGIC + bytes([1, lg, code, 0]) + struct.pack("<QI", theta, len(hashes)) + \
        np.asarray(hashes, "<u8").tobytes() + np.asarray(summaries, dt).tobytes()


def _unpack(b: Any, kind: str, fn: str) -> tuple[int, int, Any, Any]:
    import numpy as np

    code, _, dt = _KINDS[kind]
    if not isinstance(b, (bytes, bytearray)) or len(b) < 20 or b[:4] != _MAGIC or \
            b[4] != 1 or b[6] != code:
        raise _bad(fn)
    theta, n = struct.unpack_from("<QI", b, 8)
    if len(b) != 20 + 16 * n:
        raise _bad(fn)
    hashes = np.frombuffer(bytes(b[20:20 + 8 * n]), "<u8").astype(np.uint64)
    return b[5], theta, hashes, np.frombuffer(bytes(b[20 + 8 * n:]), dt).copy()


def _combine(hashes: Any, summaries: Any, mode: str) -> tuple[Any, Any]:
    """Distinct sorted hashes, each with its entries' summaries combined by ``mode``."""
    import numpy as np

    uniq, inv = np.unique(hashes, return_inverse=True)
    if mode == "alwaysone":
        return uniq, np.ones(len(uniq), summaries.dtype)
    if mode == "sum":
        out = np.zeros(len(uniq), summaries.dtype)
        np.add.at(out, inv, summaries)
        return uniq, out
    order = np.lexsort((summaries, inv))  # by hash, then by summary
    side = "left" if mode == "min" else "right"
    at = np.searchsorted(inv[order], np.arange(len(uniq)), side=side) - (mode != "min")
    return uniq, summaries[order][at]


def _cut(kind: str, lg: int, theta: int, hashes: Any, summaries: Any) -> bytes:
    import numpy as np

    keep = hashes < np.uint64(theta)
    hashes, summaries = hashes[keep], summaries[keep]
    k = 1 << lg
    if len(hashes) > k:
        theta = int(hashes[k])
        hashes, summaries = hashes[:k], summaries[:k]
    return _pack(kind, lg, theta, hashes, summaries)


def _union(kind: str, parts: list, lg: int, mode: str) -> bytes:
    import numpy as np

    dt = _KINDS[kind][2]
    theta = min([THETA_TOP] + [p[1] for p in parts])
    hashes = np.concatenate([p[2] for p in parts] or [np.zeros(0, np.uint64)])
    summaries = np.concatenate([p[3] for p in parts] or [np.zeros(0, dt)])
    return _cut(kind, lg, theta, *_combine(hashes, summaries, mode))


def _intersection(kind: str, parts: list, mode: str) -> bytes:
    import numpy as np

    if not parts:
        return _pack(kind, 12, THETA_TOP, np.zeros(0, np.uint64), np.zeros(0, _KINDS[kind][2]))
    theta = min(p[1] for p in parts)
    common = parts[0][2]
    for p in parts[1:]:
        common = np.intersect1d(common, p[2])
    hashes = np.concatenate([p[2][np.isin(p[2], common)] for p in parts])
    summaries = np.concatenate([p[3][np.isin(p[2], common)] for p in parts])
    return _cut(kind, max(p[0] for p in parts), theta, *_combine(hashes, summaries, mode))


def _difference(kind: str, a: tuple, b_theta: int, b_hashes: Any, inside: bool = False
                ) -> bytes:
    """``a``'s entries whose keys are not in b (or, ``inside``, are in b: the intersection
    with a theta sketch, which keeps a's summaries)."""
    import numpy as np

    keep = np.isin(a[2], b_hashes) == inside
    return _cut(kind, a[0], min(a[1], b_theta), a[2][keep], a[3][keep])


def _as_tuple(kind: str, theta_buffer: Any, fn: str) -> tuple:
    """A theta sketch as a tuple sketch whose summaries are 0 (what Spark's union adds)."""
    import numpy as np

    lg, theta, hashes = theta_parts(theta_buffer, fn)
    return lg, theta, hashes, np.zeros(len(hashes), _KINDS[kind][2])


def _estimate(parts: tuple) -> float:
    n, theta = len(parts[2]), parts[1]
    return float(n) if theta >= THETA_TOP else n * THETA_TOP / theta


def _summary(kind: str, parts: tuple, mode: str) -> Any:
    s = parts[3]
    if not len(s):
        return 0.0 if kind == "double" else 0
    value = {"sum": s.sum, "min": s.min, "max": s.max}.get(mode, lambda: len(s))()
    return float(value) if kind == "double" else int(value)


# -- binding -------------------------------------------------------------------------------------
def _sql(name: str, args: list, defaults: tuple = ()) -> str:
    """Spark's name of the call: the optional arguments left out shown with their defaults
    (``tuple_sketch_agg_double(k, d, 12, sum)``)."""
    given = [a.sql() for a in args]
    return f"{name}({', '.join(given + list(defaults[len(given):]))})"


def _mode_arg(name: str, args: list, index: int) -> str:
    if len(args) <= index:
        return "sum"
    a = args[index]
    value = a.value if isinstance(a, Literal) else None
    if not isinstance(value, str):
        raise type_mismatch(_sql(name, args), index + 1, '"STRING"', a.sql(), a.dtype)
    if value.lower() not in MODES:
        raise _type_check(name, args, f"[TUPLE_INVALID_SKETCH_MODE] Invalid call to `{name}`: "
                          f"mode '{value}' is not supported. Valid modes are: sum, min, max, "
                          "alwaysone. SQLSTATE: 22023.")
    return value.lower()


def _type_check(name: str, args: list, hint: str) -> AnalysisException:
    sql = _sql(name, args, _SHOWN.get(name.rsplit("_", 1)[0], ()))
    return AnalysisException(
        f'[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] Cannot resolve "{sql}" due to data '
        f"type mismatch: {hint} SQLSTATE: 42K09",
        errorClass="DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT")


def _lg(name: str, args: list, index: int) -> int:
    if len(args) <= index:
        return 12
    a = args[index]
    value = a.value if isinstance(a, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise type_mismatch(_sql(name, args), index + 1, '"INT"', a.sql(), a.dtype)
    if not 4 <= value <= 26:
        raise _type_check(name, args, f"[SKETCH_INVALID_LG_NOM_ENTRIES] Invalid call to "
                          f"`{name}`; the `lgNomEntries` value must be between 4 and 26, "
                          f"inclusive: {value}. SQLSTATE: 22003.")
    return value


_SHOWN = {"tuple_sketch_agg": ("", "", "12", "sum"), "tuple_union_agg": ("", "12", "sum"),
          "tuple_intersection_agg": ("", "sum"), "tuple_union": ("", "", "12", "sum"),
          "tuple_intersection": ("", "", "sum"), "tuple_union_theta": ("", "", "12", "sum"),
          "tuple_intersection_theta": ("", "", "sum"), "tuple_sketch_summary": ("", "sum")}


def _agg(name: str, bind: Callable, finish: Callable, n_lists: int) -> None:
    register(FunctionSpec(name, bind, None, lambda c: dict(c.options)["sql"],
                          agg=AggSpec(lambda c: [(i, "list", None) for i in range(n_lists)],
                                      finish)))


def _register(kind: str) -> None:
    _, stype, dt = _KINDS[kind]
    agg, uagg, iagg = (f"tuple_sketch_agg_{kind}", f"tuple_union_agg_{kind}",
                       f"tuple_intersection_agg_{kind}")

    def bind_agg(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(agg, args, 2, 4)
        lg = _lg(agg, args, 2)
        mode = _mode_arg(agg, args, 3)
        key, summary = args[0], args[1]
        if not isinstance(key.dtype, _KEYS + (T.NullType,)):
            raise type_mismatch(_sql(agg, args), 1, '("INT" or "BIGINT" or "FLOAT" or "DOUBLE" '
                                'or "STRING" or "BINARY")', key.sql(), key.dtype)
        if not isinstance(summary.dtype, (T.NumericType, T.NullType)):
            raise type_mismatch(_sql(agg, args), 2, f'"{stype.simpleString().upper()}"',
                                summary.sql(), summary.dtype)
        if isinstance(key.dtype, T.NullType):
            key = cast_to(key, T.LongType())
        sql = _sql(agg, args, _SHOWN["tuple_sketch_agg"])
        return AggCall(lookup(agg), (key, cast_to(summary, stype)), T.BinaryType(), False,
                       False, (("lg", lg), ("mode", mode), ("sql", sql)))

    def finish_agg(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        opts = dict(call.options)
        keys, sums = pc.list_flatten(arrs[0]), pc.list_flatten(arrs[1])
        parents = pc.list_parent_indices(arrs[0]).to_numpy(zero_copy_only=False)
        ok = pc.and_(pc.is_valid(keys), pc.is_valid(sums))
        keys, sums, g = keys.filter(ok), sums.filter(ok), \
            parents[ok.to_numpy(zero_copy_only=False)]
        h = hash64(keys, call.children[0].dtype) >> np.uint64(1) if len(keys) else \
            np.zeros(0, np.uint64)
        s = sums.to_numpy(zero_copy_only=False).astype(dt)
        out = []
        for i in range(len(arrs[0])):
            sel = g == i
            out.append(_cut(kind, opts["lg"], THETA_TOP,
                            *_combine(h[sel], s[sel], opts["mode"])))
        return pa.array(out, pa.binary())

    _agg(agg, bind_agg, finish_agg, 2)

    def bind_set_agg(name: str, with_lg: bool):
        def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
            arity(name, args, 1, 3 if with_lg else 2)
            lg = _lg(name, args, 1) if with_lg else 12
            mode = _mode_arg(name, args, 2 if with_lg else 1)
            shown = ("", "12", "sum") if with_lg else ("", "sum")
            return AggCall(lookup(name), (binary_argument(name, args, 0),), T.BinaryType(), False,
                           False, (("lg", lg), ("mode", mode), ("sql", _sql(name, args, shown))))
        return bind

    def finish_set_agg(name: str, union: bool):
        def finish(call: AggCall, arrs: list) -> Any:
            import pyarrow as pa

            opts = dict(call.options)
            out = []
            for group in arrs[0].to_pylist():
                parts = [_unpack(b, kind, name) for b in (group or []) if b is not None]
                out.append(_union(kind, parts, opts["lg"], opts["mode"]) if union else
                           _intersection(kind, parts, opts["mode"]))
            return pa.array(out, pa.binary())
        return finish

    _agg(uagg, bind_set_agg(uagg, True), finish_set_agg(uagg, True), 1)
    _agg(iagg, bind_set_agg(iagg, False), finish_set_agg(iagg, False), 1)

    def scalar(name: str, n_bin: int, extra: tuple, result: T.DataType, fn: Callable) -> None:
        def bind(args: list[Expression], ctx: Any) -> Expression:
            arity(name, args, n_bin, n_bin + len(extra))
            values = []
            for j, what in enumerate(extra):
                i = n_bin + j
                if what == "lg":
                    values.append(_lg(name, args, i))
                else:
                    values.append(_mode_arg(name, args, i))
            shown = ("",) * n_bin + tuple("12" if w == "lg" else "sum" for w in extra)
            return make_call(lookup(name), [binary_argument(name, args, i) for i in range(n_bin)],
                             result, None, (("v", tuple(values)), ("sql", _sql(name, args,
                                                                                 shown))))
        register(FunctionSpec(name, bind, per_row(
            lambda call, *bs: fn(name, *dict(call.options)["v"], *bs)),
            lambda c: dict(c.options)["sql"]))

    def parts(b: Any, name: str) -> tuple:
        return _unpack(b, kind, name)

    scalar(f"tuple_sketch_estimate_{kind}", 1, (), T.DoubleType(),
           lambda n, b: _estimate(parts(b, n)))
    scalar(f"tuple_sketch_summary_{kind}", 1, ("mode",), stype,
           lambda n, mode, b: _summary(kind, parts(b, n), mode))
    scalar(f"tuple_sketch_theta_{kind}", 1, (), T.DoubleType(),
           lambda n, b: parts(b, n)[1] / THETA_TOP)
    scalar(f"tuple_union_{kind}", 2, ("lg", "mode"), T.BinaryType(),
           lambda n, lg, mode, a, b: _union(kind, [parts(a, n), parts(b, n)], lg, mode))
    scalar(f"tuple_intersection_{kind}", 2, ("mode",), T.BinaryType(),
           lambda n, mode, a, b: _intersection(kind, [parts(a, n), parts(b, n)], mode))
    scalar(f"tuple_difference_{kind}", 2, (), T.BinaryType(),
           lambda n, a, b: _difference(kind, parts(a, n), parts(b, n)[1], parts(b, n)[2]))
    scalar(f"tuple_union_theta_{kind}", 2, ("lg", "mode"), T.BinaryType(),
           lambda n, lg, mode, a, b: _union(kind, [parts(a, n), _as_tuple(kind, b, n)], lg,
                                            mode))
    scalar(f"tuple_intersection_theta_{kind}", 2, ("mode",), T.BinaryType(),
           lambda n, mode, a, b: _difference(kind, parts(a, n), *theta_parts(b, n)[1:],
                                             inside=True))
    scalar(f"tuple_difference_theta_{kind}", 2, (), T.BinaryType(),
           lambda n, a, b: _difference(kind, parts(a, n), *theta_parts(b, n)[1:]))


for _kind in _KINDS:
    _register(_kind)
