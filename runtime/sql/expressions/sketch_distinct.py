"""Distinct-count sketches: ``hll_sketch_agg`` / ``hll_union_agg`` / ``hll_union`` /
``hll_sketch_estimate`` and ``theta_sketch_agg`` / ``theta_union_agg`` /
``theta_intersection_agg`` / ``theta_union`` / ``theta_intersection`` / ``theta_difference``
/ ``theta_sketch_estimate``.

Spark stores these sketches in Apache DataSketches' binary formats; no DataSketches library
exists for Python here, so the sketches are **our own binary format** (below) and cannot be
mixed with sketches Spark wrote: a Spark sketch given to ``hll_sketch_estimate`` is
``[HLL_INVALID_INPUT_SKETCH_BUFFER]``, as any foreign buffer is. Estimates are within the
sketches' documented error: exact while a sketch is small (Spark's are too), then the
relative standard error of HyperLogLog with K = 2^lgConfigK registers, 1.04/sqrt(K) (1.6% at
the default lgConfigK 12; DataSketches documents 1.6% for its HLL_4 without HIP), and of a
KMV theta sketch with K = 2^lgNomEntries entries, 1/sqrt(K - 1) (1.6% at 12).

Hashing (hashing.py ``hash64``): integers of every width hash as the same long (XXH64), so
an INT sketch and a BIGINT sketch of the same values union to the same count; strings and
binaries hash their bytes. NULLs are ignored; a group of NULLs gives an empty sketch
(estimate 0), never NULL, as Spark.

HLL (``b"SCHL"``, version 1, lgConfigK, mode): in list mode the sorted distinct 64-bit hashes
(exact; up to K/8 of them), then K one-byte registers (register = the top lgConfigK bits of a
hash, value = 1 + the leading zeros of the rest). The estimate is Ertl's improved raw
estimator (2017), unbiased over the whole range without correction tables. A union of
sketches with different lgConfigK folds the larger ones to the smallest exactly (the
register index's dropped bits say how many leading zeros they add).

Theta (``b"SCTT"``, version 1, lgNomEntries, theta): the distinct 63-bit hashes below theta,
at most K of them (theta starts at 2^63; past K values it becomes the (K+1)-th smallest).
The estimate is count / (theta / 2^63), rounded. Union keeps the K smallest below the least
theta, intersection and difference take that theta and the set operation of the hashes.

The aggregates gather each group's values (Arrow's ``list`` aggregation) and build the
sketches of all groups from one vectorized hash of the values; a group's sketch is one
numpy unique/sort (HLL registers: one ``np.maximum.at``).
"""

from __future__ import annotations

import struct
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.hashing import hash64
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.expressions.rowwise import per_row

__all__ = ["THETA_TOP", "hll_estimate", "sketch_error", "theta_estimate", "theta_parts"]

_HLL, _THETA = b"SCHL", b"SCTT"
_TOP = THETA_TOP = 1 << 63  # theta of an exact theta sketch


def _err(cls: str, text: str, state: str = "22546") -> SparkRuntimeException:
    return SparkRuntimeException(f"[{cls}] {text} SQLSTATE: {state}", errorClass=cls)


def sketch_error(cls: str, text: str, state: str = "22546") -> SparkRuntimeException:
    """A sketch function's runtime error with Spark's class (sketch_tuples.py too)."""
    return _err(cls, text, state)


def _bad_buffer(kind: str, fn: str) -> SparkRuntimeException:
    if kind == "HLL":
        return _err("HLL_INVALID_INPUT_SKETCH_BUFFER",
                    f"Invalid call to `{fn}`; only valid HLL sketch buffers are supported as "
                    "inputs (such as those produced by the `hll_sketch_agg` function).")
    return _err("THETA_INVALID_INPUT_SKETCH_BUFFER",
                f"Invalid call to `{fn}`; only valid Theta sketch buffers are supported as "
                "inputs (such as those produced by the `theta_sketch_agg` function).")


def _bit_length(x: Any) -> Any:
    import numpy as np

    x = x.copy()
    n = np.zeros(len(x), np.int64)
    for s in (32, 16, 8, 4, 2, 1):
        big = x >= np.uint64(1 << s)
        n += big * s
        x = np.where(big, x >> np.uint64(s), x)
    return n + (x > 0)


# -- HLL -----------------------------------------------------------------------------------------
def _hll_registers(hashes: Any, lg: int) -> Any:
    import numpy as np

    q = 64 - lg
    regs = np.zeros(1 << lg, np.uint8)
    if len(hashes):
        idx = (hashes >> np.uint64(q)).astype(np.int64)
        rest = hashes & np.uint64((1 << q) - 1)
        rho = (q - _bit_length(rest) + 1).astype(np.uint8)
        np.maximum.at(regs, idx, rho)
    return regs


def _hll_pack(lg: int, hashes: Any = None, regs: Any = None) -> bytes:
    import numpy as np

    if regs is None and len(hashes) > max(1, (1 << lg) >> 3):
        regs = _hll_registers(hashes, lg)
    if regs is not None:
        return _HLL + bytes([1, lg, 1, 0]) + regs.astype(np.uint8).tobytes()
    return _HLL + bytes([1, lg, 0, 0]) + np.asarray(hashes, "<u8").tobytes()


def _hll_unpack(b: Any, fn: str) -> tuple[int, Any, Any]:
    """(lgConfigK, hashes or None, registers or None) of an HLL sketch buffer."""
    import numpy as np

    if not isinstance(b, (bytes, bytearray)) or len(b) < 8 or b[:4] != _HLL or b[4] != 1 \
            or not 4 <= b[5] <= 21:
        raise _bad_buffer("HLL", fn)
    lg, mode, body = b[5], b[6], bytes(b[8:])
    if mode == 1 and len(body) == 1 << lg:
        return lg, None, np.frombuffer(body, np.uint8).copy()
    if mode == 0 and len(body) % 8 == 0:
        return lg, np.frombuffer(body, "<u8").astype(np.uint64), None
    raise _bad_buffer("HLL", fn)


def _fold(regs: Any, lg: int, to: int) -> Any:
    """Registers of 2^lg folded to 2^to: a dropped index bit set gives the leading zeros
    directly; all of them clear add their count to the old value."""
    import numpy as np

    d = lg - to
    idx = np.arange(1 << lg, dtype=np.uint64)
    extra = idx & np.uint64((1 << d) - 1)
    value = np.where(extra == 0, regs.astype(np.int64) + d, d - _bit_length(extra) + 1)
    value = np.where(regs == 0, 0, value).astype(np.uint8)
    out = np.zeros(1 << to, np.uint8)
    np.maximum.at(out, (idx >> np.uint64(d)).astype(np.int64), value)
    return out


def _hll_union(buffers: list, fn: str, allow_different: bool) -> bytes:
    import numpy as np

    parts = [_hll_unpack(b, fn) for b in buffers]
    lgs = sorted({p[0] for p in parts})
    if len(lgs) > 1 and not allow_different:
        raise _err("HLL_UNION_DIFFERENT_LG_K",
                   f"Sketches have different `lgConfigK` values: {lgs[0]} and {lgs[-1]}. Set "
                   "the `allowDifferentLgConfigK` parameter to true to call "
                   f"`{fn}` with different `lgConfigK` values.", "22000")
    lg = lgs[0]
    hashes = [h for _, h, r in parts if r is None]
    regs = [(_fold(r, g, lg) if g > lg else r) for g, _, r in parts if r is not None]
    merged = np.unique(np.concatenate(hashes)) if hashes else np.zeros(0, np.uint64)
    if not regs:
        return _hll_pack(lg, merged)
    out = _hll_registers(merged, lg)
    for r in regs:
        out = np.maximum(out, r)
    return _hll_pack(lg, regs=out)


def _sigma(x: float) -> float:
    if x == 1.0:
        return float("inf")
    y, z = 1.0, x
    while True:
        x *= x
        z_old = z
        z += x * y
        y += y
        if z == z_old:
            return z


def _tau(x: float) -> float:
    import math

    if x == 0.0 or x == 1.0:
        return 0.0
    y, z = 1.0, 1.0 - x
    while True:
        x = math.sqrt(x)
        z_old = z
        y *= 0.5
        z -= (1 - x) ** 2 * y
        if z == z_old:
            return z / 3


def hll_estimate(b: Any, fn: str = "hll_sketch_estimate") -> int:
    import math

    import numpy as np

    lg, hashes, regs = _hll_unpack(b, fn)
    if regs is None:
        return len(hashes)
    m, q = 1 << lg, 64 - lg
    c = np.bincount(regs, minlength=q + 2).astype(np.float64)
    z = m * _tau(1 - c[q + 1] / m)
    for k in range(q, 0, -1):
        z = 0.5 * (z + c[k])
    z += m * _sigma(c[0] / m)
    return int(round(m * m / (2 * math.log(2)) / z))


# -- theta ---------------------------------------------------------------------------------------
def _theta_pack(lg: int, theta: int, values: Any) -> bytes:
    import numpy as np

    return _THETA + bytes([1, lg, 0, 0]) + struct.pack("<Q", theta) + \
        np.asarray(values, "<u8").tobytes()


def _theta_unpack(b: Any, fn: str) -> tuple[int, int, Any]:
    import numpy as np

    if not isinstance(b, (bytes, bytearray)) or len(b) < 16 or b[:4] != _THETA or \
            b[4] != 1 or not 4 <= b[5] <= 26 or (len(b) - 16) % 8:
        raise _bad_buffer("THETA", fn)
    (theta,) = struct.unpack_from("<Q", b, 8)
    return b[5], theta, np.frombuffer(bytes(b[16:]), "<u8").astype(np.uint64)


def theta_parts(b: Any, fn: str) -> tuple[int, int, Any]:
    """(lgNomEntries, theta, sorted hashes) of a theta sketch buffer (sketch_tuples.py)."""
    return _theta_unpack(b, fn)


def _theta_cut(lg: int, theta: int, values: Any) -> bytes:
    """The sketch of distinct sorted ``values`` below ``theta``, at most K of them."""
    import numpy as np

    values = values[values < np.uint64(theta)]
    k = 1 << lg
    if len(values) > k:
        theta, values = int(values[k]), values[:k]
    return _theta_pack(lg, theta, values)


def theta_estimate(b: Any, fn: str = "theta_sketch_estimate") -> int:
    _, theta, values = _theta_unpack(b, fn)
    return len(values) if theta >= _TOP else int(round(len(values) * _TOP / theta))


def _theta_union(buffers: list, fn: str, lg: int) -> bytes:
    import numpy as np

    parts = [_theta_unpack(b, fn) for b in buffers]
    theta = min([_TOP] + [p[1] for p in parts])
    merged = np.unique(np.concatenate([p[2] for p in parts])) if parts else \
        np.zeros(0, np.uint64)
    return _theta_cut(lg, theta, merged)


def _theta_intersection(buffers: list, fn: str) -> bytes:
    import numpy as np

    parts = [_theta_unpack(b, fn) for b in buffers]
    if not parts:
        return _theta_pack(12, _TOP, np.zeros(0, np.uint64))
    theta = min(p[1] for p in parts)
    common = parts[0][2]
    for p in parts[1:]:
        common = np.intersect1d(common, p[2])
    return _theta_cut(max(p[0] for p in parts), theta, common)


def _theta_difference(a: Any, b: Any, fn: str) -> bytes:
    import numpy as np

    la, ta, va = _theta_unpack(a, fn)
    _, tb, vb = _theta_unpack(b, fn)
    return _theta_cut(la, min(ta, tb), np.setdiff1d(va, vb))


# -- binding -------------------------------------------------------------------------------------
_HASHABLE = (T.IntegerType, T.LongType, T.ShortType, T.ByteType, T.StringType, T.BinaryType)
_HLL_TYPES = '("INT" or "BIGINT" or "STRING" or "BINARY")'
_THETA_TYPES = '("INT" or "BIGINT" or "FLOAT" or "DOUBLE" or "STRING" or "BINARY")'


def _lg_arg(name: str, args: list, default: int, kind: str) -> int:
    if len(args) < 2:
        return default
    a = args[1]
    value = a.value if isinstance(a, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise type_mismatch(f"{name}({', '.join(x.sql() for x in args)})", 2, '"INT"',
                            a.sql(), a.dtype)
    lo, hi, what, cls = (4, 21, "lgConfigK", "HLL_INVALID_LG_K") if kind == "HLL" else \
        (4, 26, "lgNomEntries", "SKETCH_INVALID_LG_NOM_ENTRIES")
    if not lo <= value <= hi:
        raise _err(cls, f"Invalid call to `{name}`; the `{what}` value must be between {lo} "
                        f"and {hi}, inclusive: {value}.")
    return value


def _flag_arg(name: str, args: list, index: int) -> bool:
    if len(args) <= index:
        return False
    a = args[index]
    if not (isinstance(a, Literal) and isinstance(a.value, bool)):
        raise type_mismatch(f"{name}({', '.join(x.sql() for x in args)})", index + 1,
                            '"BOOLEAN"', a.sql(), a.dtype)
    return a.value


def _sketch_input(sql: str, args: list, required: str, ok: tuple) -> Expression:
    x = args[0]
    if isinstance(x.dtype, T.NullType):
        return cast_to(x, T.LongType())
    if not isinstance(x.dtype, ok):
        raise type_mismatch(sql, 1, required, x.sql(), x.dtype)
    return x


def _groups(arrs: list) -> tuple[int, Any, Any, Any]:
    """(groups, valid values, their group, ...) of an Arrow ``list`` aggregation's lists."""
    import numpy as np
    import pyarrow.compute as pc

    lists = arrs[0]
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = flat.is_valid().to_numpy(zero_copy_only=False)
    return len(lists), flat.filter(pc.is_valid(flat)), parents[ok], ok


def _per_group(arrs: list, dtype: T.DataType, build: Callable[[Any], bytes]) -> Any:
    """One sketch per group: ``build(sorted distinct hashes of the group)``."""
    import numpy as np
    import pyarrow as pa

    groups, values, g, _ = _groups(arrs)
    h = hash64(values, dtype) if len(values) else np.zeros(0, np.uint64)
    order = np.lexsort((h, g))
    h, g = h[order], g[order]
    bounds = np.searchsorted(g, np.arange(groups + 1))
    return pa.array([build(np.unique(h[bounds[i]:bounds[i + 1]])) for i in range(groups)],
                    pa.binary())


def _per_group_buffers(arrs: list, combine: Callable[[list], bytes]) -> Any:
    import pyarrow as pa

    groups, values, g, _ = _groups(arrs)
    buffers: list[list] = [[] for _ in range(groups)]
    for k, b in zip(g.tolist(), values.to_pylist()):
        buffers[k].append(b)
    return pa.array([combine(b) for b in buffers], pa.binary())


def _agg(name: str, bind: Callable, finish: Callable) -> None:
    register(FunctionSpec(name, bind, None, lambda c: dict(c.options)["sql"],
                          agg=AggSpec(lambda c: [(0, "list", None)], finish)))


def _sql(name: str, args: list, shown: list) -> str:
    return f"{name}({', '.join([a.sql() for a in args] + shown)})"


# hll_sketch_agg(expr[, lgConfigK]) and theta_sketch_agg(expr[, lgNomEntries])
def _bind_sketch_agg(name: str, kind: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1, 2)
        lg = _lg_arg(name, args, 12, kind)
        sql = _sql(name, args, [] if len(args) > 1 else ["12"])
        x = _sketch_input(sql, args, _HLL_TYPES if kind == "HLL" else _THETA_TYPES,
                          _HASHABLE if kind == "HLL" else
                          _HASHABLE + (T.FloatType, T.DoubleType))
        return AggCall(lookup(name), (x,), T.BinaryType(), False, False,
                       (("lg", lg), ("sql", sql)))
    return bind


def _hll_agg_finish(call: AggCall, arrs: list) -> Any:
    lg = dict(call.options)["lg"]
    return _per_group(arrs, call.children[0].dtype, lambda h: _hll_pack(lg, h))


def _theta_agg_finish(call: AggCall, arrs: list) -> Any:
    import numpy as np

    lg = dict(call.options)["lg"]
    return _per_group(arrs, call.children[0].dtype,
                      lambda h: _theta_cut(lg, _TOP, np.unique(h >> np.uint64(1))))


_agg("hll_sketch_agg", _bind_sketch_agg("hll_sketch_agg", "HLL"), _hll_agg_finish)
_agg("theta_sketch_agg", _bind_sketch_agg("theta_sketch_agg", "THETA"), _theta_agg_finish)


def _binary_input(name: str, args: list, index: int = 0) -> Expression:
    x = args[index]
    if isinstance(x.dtype, T.NullType):
        return cast_to(x, T.BinaryType())
    if not isinstance(x.dtype, T.BinaryType):
        raise type_mismatch(_sql(name, args, []), index + 1, '"BINARY"', x.sql(), x.dtype)
    return x


# hll_union_agg(sketch[, allowDifferentLgConfigK]), theta_union_agg(sketch[, lgNomEntries]),
# theta_intersection_agg(sketch)
def _bind_union_agg(name: str, kind: str):
    def bind(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(name, args, 1, 1 if kind == "INTERSECTION" else 2)
        x = _binary_input(name, args)
        if kind == "HLL":
            opts = (("allow", _flag_arg(name, args, 1)),
                    ("sql", _sql(name, args, [] if len(args) > 1 else ["false"])))
        elif kind == "THETA":
            opts = (("lg", _lg_arg(name, args, 12, kind)),
                    ("sql", _sql(name, args, [] if len(args) > 1 else ["12"])))
        else:
            opts = (("sql", _sql(name, args, [])),)
        return AggCall(lookup(name), (x,), T.BinaryType(), False, False, opts)
    return bind


def _hll_union_finish(call: AggCall, arrs: list) -> Any:
    allow = dict(call.options)["allow"]
    return _per_group_buffers(arrs, lambda bs: _hll_union(bs, "hll_union_agg", allow)
                              if bs else _hll_pack(12, []))


def _theta_union_finish(call: AggCall, arrs: list) -> Any:
    lg = dict(call.options)["lg"]
    return _per_group_buffers(arrs, lambda bs: _theta_union(bs, "theta_union_agg", lg))


def _theta_intersection_finish(call: AggCall, arrs: list) -> Any:
    return _per_group_buffers(arrs, lambda bs: _theta_intersection(
        bs, "theta_intersection_agg"))


_agg("hll_union_agg", _bind_union_agg("hll_union_agg", "HLL"), _hll_union_finish)
_agg("theta_union_agg", _bind_union_agg("theta_union_agg", "THETA"), _theta_union_finish)
_agg("theta_intersection_agg", _bind_union_agg("theta_intersection_agg", "INTERSECTION"),
     _theta_intersection_finish)


# -- scalar functions ----------------------------------------------------------------------------
def _scalar(name: str, n_sketches: int, extra: str | None, result: T.DataType,
            fn: Callable) -> None:
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, n_sketches, n_sketches + (1 if extra else 0))
        sketches = [_binary_input(name, args, i) for i in range(n_sketches)]
        if extra == "allow":
            value, shown = _flag_arg(name, args, n_sketches), "false"
        elif extra == "lg":
            value = _lg_arg(name, [args[0]] + args[n_sketches:], 12, "THETA")
            shown = "12"
        else:
            value, shown = None, ""
        sql = _sql(name, args, [shown] if extra and len(args) == n_sketches else [])
        return make_call(lookup(name), sketches, result, None, (("v", value), ("sql", sql)))

    register(FunctionSpec(name, bind, per_row(
        lambda call, *bs: fn(dict(call.options)["v"], *bs)),
        lambda c: dict(c.options)["sql"]))


_scalar("hll_sketch_estimate", 1, None, T.LongType(), lambda v, b: hll_estimate(b))
_scalar("hll_union", 2, "allow", T.BinaryType(),
        lambda v, a, b: _hll_union([a, b], "hll_union", v))
_scalar("theta_sketch_estimate", 1, None, T.LongType(), lambda v, b: theta_estimate(b))
_scalar("theta_union", 2, "lg", T.BinaryType(),
        lambda v, a, b: _theta_union([a, b], "theta_union", v))
_scalar("theta_intersection", 2, None, T.BinaryType(),
        lambda v, a, b: _theta_intersection([a, b], "theta_intersection"))
_scalar("theta_difference", 2, None, T.BinaryType(),
        lambda v, a, b: _theta_difference(a, b, "theta_difference"))
