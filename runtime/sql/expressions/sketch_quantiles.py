"""KLL quantile sketches: ``kll_sketch_agg_<t>``, ``kll_merge_agg_<t>``,
``kll_sketch_merge_<t>``, ``kll_sketch_get_n_<t>``, ``kll_sketch_get_quantile_<t>``,
``kll_sketch_get_rank_<t>`` and ``kll_sketch_to_string_<t>`` for t in bigint, double, float.

Spark keeps these in Apache DataSketches' KLL binary format; ours is **our own format**
(below), so sketches cannot be exchanged with Spark (a foreign buffer is
``[KLL_INVALID_INPUT_SKETCH_BUFFER]``). Answers follow DataSketches' conventions: quantile(r)
is the smallest retained item whose inclusive normalized rank is >= r (quantile 0 and 1 are
the exact minimum and maximum), rank(v) is the weight of the items <= v over n. While a
sketch holds all its items (n <= k, k = 200 by default) both are exact, as Spark's are.

Structure: levels of sorted items, an item of level h standing for 2^h inputs. Level h
holds at most ``max(8, k * (2/3)^(top - h))`` items; a fuller level is compacted: sorted,
every other item (from a random offset, seeded by the sketch's n and the level so answers are
reproducible) moves up one level with twice the weight, and one item stays when the count is
odd. Building from a whole group's values at once compacts each level once; the rank error
of one compaction is at most one item's weight, so the normalized rank error stays below
about 2/k (1% at k = 200; DataSketches documents 1.33% for its k = 200). Merging
concatenates the levels and compacts again.

Format: ``b"SCKL"``, version 1, type (0 bigint, 1 double, 2 float), k (uint16), n
(uint64), min and max (8 bytes each, the type's little-endian encoding as int64 or
float64), the number of levels (uint8), each level's item count (uint32), then the items.
"""

from __future__ import annotations

import struct
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.registry import FunctionSpec, lookup, register, type_mismatch
from runtime.sql.expressions.rowwise import per_row

__all__ = ["KINDS", "binary_argument"]

_MAGIC = b"SCKL"
# kind: (code, Spark result type, numpy dtype, accepted inputs, their names, class name)
KINDS = {
    "bigint": (0, T.LongType(), "<i8", (T.ByteType, T.ShortType, T.IntegerType, T.LongType),
               '("TINYINT" or "INT" or "BIGINT" or "SMALLINT")', "KllLongsSketch"),
    "double": (1, T.DoubleType(), "<f8", (T.FloatType, T.DoubleType),
               '("FLOAT" or "DOUBLE")', "KllDoublesSketch"),
    "float": (2, T.FloatType(), "<f8", (T.FloatType,), '"FLOAT"', "KllFloatsSketch"),
}


def _err(cls: str, text: str, state: str) -> SparkRuntimeException:
    return SparkRuntimeException(f"[{cls}] {text} SQLSTATE: {state}", errorClass=cls)


def _bad(fn: str) -> SparkRuntimeException:
    return _err("KLL_INVALID_INPUT_SKETCH_BUFFER",
                f"Invalid call to `{fn}`; only valid KLL sketch buffers are supported as inputs "
                "(such as those produced by the `kll_sketch_agg` function).", "22000")


# -- the sketch ----------------------------------------------------------------------------------
def _capacity(k: int, h: int, top: int) -> int:
    return max(8, int(k * (2 / 3) ** (top - h)))


def _compact(levels: list, k: int, n: int) -> list:
    import numpy as np

    h = 0
    while h < len(levels):
        top = len(levels) - 1
        items = levels[h]
        if len(items) > _capacity(k, h, top):
            items = np.sort(items, kind="stable")
            keep = items[-1:] if len(items) % 2 else items[:0]
            even = items[:len(items) - len(keep)]
            offset = np.random.default_rng((n, h)).integers(2)
            up = even[offset::2]
            levels[h] = keep
            if h + 1 == len(levels):
                levels.append(up)
            else:
                levels[h + 1] = np.concatenate([levels[h + 1], up])
        h += 1
    return levels


def _pack(kind: str, k: int, n: int, lo: Any, hi: Any, levels: list) -> bytes:
    import numpy as np

    code, _, dt = KINDS[kind][0], KINDS[kind][1], KINDS[kind][2]
    ends = struct.pack("<qq", int(lo), int(hi)) if code == 0 else \
        struct.pack("<dd", float(lo), float(hi))
    head = _MAGIC + bytes([1, code]) + struct.pack("<HQ", k, n) + ends + bytes([len(levels)])
    counts = b"".join(struct.pack("<I", len(lv)) for lv in levels)
    return head + counts + b"".join(np.asarray(lv, dt).tobytes() for lv in levels)


def _unpack(b: Any, kind: str, fn: str) -> tuple[int, int, Any, Any, list]:
    import numpy as np

    code, dt = KINDS[kind][0], KINDS[kind][2]
    if not isinstance(b, (bytes, bytearray)) or len(b) < 33 or b[:4] != _MAGIC or \
            b[4] != 1 or b[5] != code:
        raise _bad(fn)
    k, n = struct.unpack_from("<HQ", b, 6)
    lo, hi = struct.unpack_from("<qq" if code == 0 else "<dd", b, 16)
    nlev = b[32]
    pos = 33 + 4 * nlev
    counts = [struct.unpack_from("<I", b, 33 + 4 * i)[0] for i in range(nlev)]
    if len(b) != pos + 8 * sum(counts):
        raise _bad(fn)
    levels = []
    for c in counts:
        levels.append(np.frombuffer(bytes(b[pos:pos + 8 * c]), dt).copy())
        pos += 8 * c
    return k, n, lo, hi, levels


def _build(kind: str, k: int, values: Any) -> bytes:
    n = len(values)
    if not n:
        return _pack(kind, k, 0, 0, 0, [values])
    return _pack(kind, k, n, values.min(), values.max(), _compact([values], k, n))


def _merge(kind: str, buffers: list, fn: str, k: int | None = None) -> bytes:
    import numpy as np

    parts = [_unpack(b, kind, fn) for b in buffers]
    k = k or min([p[0] for p in parts] or [200])
    full = [p for p in parts if p[1]]
    n = sum(p[1] for p in full)
    if not full:
        return _pack(kind, k, 0, 0, 0, [np.zeros(0, KINDS[kind][2])])
    depth = max(len(p[4]) for p in full)
    levels = [np.concatenate([p[4][h] for p in full if h < len(p[4])]) for h in range(depth)]
    return _pack(kind, k, n, min(p[2] for p in full), max(p[3] for p in full),
                 _compact(levels, k, n))


def _sorted_view(parts: tuple) -> tuple[Any, Any]:
    import numpy as np

    levels = parts[4]
    items = np.concatenate(levels)
    weights = np.concatenate([np.full(len(lv), 1 << h, np.int64) for h, lv in enumerate(levels)])
    order = np.argsort(items, kind="stable")
    return items[order], np.cumsum(weights[order])


def _quantile(parts: tuple, r: float, fn: str) -> Any:
    import numpy as np

    if not 0.0 <= r <= 1.0:
        raise _err("KLL_SKETCH_INVALID_QUANTILE_RANGE",
                   f"For function `{fn}`, the quantile value must be between 0.0 and 1.0 "
                   "(inclusive).", "22003")
    n, lo, hi = parts[1], parts[2], parts[3]
    if n == 0:
        raise _bad(fn)
    if r == 0.0:
        return lo
    if r == 1.0:
        return hi
    items, cum = _sorted_view(parts)
    i = int(np.searchsorted(cum, r * cum[-1], side="left"))
    return items[min(i, len(items) - 1)].item()


def _rank(parts: tuple, v: Any, fn: str) -> float:
    import numpy as np

    if parts[1] == 0:
        raise _bad(fn)
    items, cum = _sorted_view(parts)
    i = int(np.searchsorted(items, v, side="right"))
    return 0.0 if i == 0 else float(cum[i - 1]) / float(cum[-1])


def _summary(kind: str, parts: tuple) -> str:
    k, n, lo, hi, levels = parts
    retained = sum(len(lv) for lv in levels)
    capacity = sum(_capacity(k, h, len(levels) - 1) for h in range(len(levels))) \
        if len(levels) > 1 else k
    size = 8 if kind != "float" else 4
    updatable = 20 + 4 * (len(levels) + 1) + 2 * size + capacity * size
    compact = 20 + 4 * len(levels) + 2 * size + retained * size if n else 8
    eps = 2.296 / k ** 0.9723 * 100
    eps_pmf = 2.446 / k ** 0.9433 * 100

    def item(x: Any) -> str:
        return str(int(x)) if kind == "bigint" else repr(float(x))
    rows = [("K", k), ("Dynamic min K", k), ("M", 8), ("N", n),
            ("Epsilon", f"{eps:.3f}%"), ("Epsilon PMF", f"{eps_pmf:.3f}%"),
            ("Empty", str(n == 0).lower()), ("Estimation Mode", str(len(levels) > 1).lower()),
            ("Levels", len(levels)), ("Level 0 Sorted", "false"),
            ("Capacity Items", capacity), ("Retained Items", retained),
            ("Free Space", capacity - retained), ("ReadOnly", "false"),
            ("Updatable Storage Bytes", updatable), ("Compact Storage Bytes", compact),
            ("Min Item", item(lo) if n else "NaN"), ("Max Item", item(hi) if n else "NaN")]
    body = "".join(f"   {name:<23}: {value}\n" for name, value in rows)
    return f"\n### Kll{KINDS[kind][5]} Summary:\n{body}### End sketch summary\n"


# -- binding -------------------------------------------------------------------------------------
def _sql(name: str, args: list) -> str:
    return f"{name}({', '.join(a.sql() for a in args)})"


def _k_arg(name: str, args: list) -> int:
    if len(args) < 2:
        return 200
    a = args[1]
    value = a.value if isinstance(a, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise type_mismatch(_sql(name, args), 2, '"INT"', a.sql(), a.dtype)
    if not 8 <= value <= 65535:
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] Cannot resolve "{_sql(name, args)}"'
            f" due to data type mismatch: [KLL_SKETCH_K_OUT_OF_RANGE] For function `{name}`, "
            f"the k parameter must be between 8 and 65535 (inclusive), but got {value}. "
            "SQLSTATE: 22003. SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT")
    return value


def binary_argument(name: str, args: list, i: int) -> Expression:
    """Argument ``i`` of a sketch function, a sketch: BINARY (NULL cast to it)."""
    x = args[i]
    if isinstance(x.dtype, T.NullType):
        return cast_to(x, T.BinaryType())
    if not isinstance(x.dtype, T.BinaryType):
        raise type_mismatch(_sql(name, args), i + 1, '"BINARY"', x.sql(), x.dtype)
    return x


def _values(arrs: list, np_type: str) -> tuple[int, Any, Any]:
    import numpy as np
    import pyarrow.compute as pc

    lists = arrs[0]
    flat = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = flat.is_valid().to_numpy(zero_copy_only=False)
    vals = flat.filter(pc.is_valid(flat)).to_numpy(zero_copy_only=False).astype(np_type)
    return len(lists), vals, parents[ok]


def _register_kind(kind: str) -> None:
    _, result, np_type, accepted, names, _ = KINDS[kind]
    agg_name, merge_agg = f"kll_sketch_agg_{kind}", f"kll_merge_agg_{kind}"

    def bind_agg(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(agg_name, args, 1, 2)
        k = _k_arg(agg_name, args)
        x = args[0]
        if isinstance(x.dtype, T.NullType):
            x = cast_to(x, result)
        elif not isinstance(x.dtype, accepted):
            raise type_mismatch(_sql(agg_name, args), 1, names, x.sql(), x.dtype)
        return AggCall(lookup(agg_name), (x,), T.BinaryType(), False, False,
                       (("k", k), ("sql", _sql(agg_name, args))))

    def finish_agg(call: AggCall, arrs: list) -> Any:
        import numpy as np
        import pyarrow as pa

        k = dict(call.options)["k"]
        groups, vals, g = _values(arrs, np_type)
        order = np.argsort(g, kind="stable")
        vals, g = vals[order], g[order]
        bounds = np.searchsorted(g, np.arange(groups + 1))
        return pa.array([_build(kind, k, vals[bounds[i]:bounds[i + 1]])
                         for i in range(groups)], pa.binary())

    def bind_merge_agg(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
        arity(merge_agg, args, 1, 2)
        k = _k_arg(merge_agg, args) if len(args) > 1 else None
        return AggCall(lookup(merge_agg), (binary_argument(merge_agg, args, 0),), T.BinaryType(),
                       False, False, (("k", k), ("sql", _sql(merge_agg, args))))

    def finish_merge_agg(call: AggCall, arrs: list) -> Any:
        import pyarrow as pa

        k = dict(call.options)["k"]
        out = []
        for group in arrs[0].to_pylist():
            bs = [b for b in (group or []) if b is not None]
            out.append(_merge(kind, bs, merge_agg, k))
        return pa.array(out, pa.binary())

    for name, bind, finish in ((agg_name, bind_agg, finish_agg),
                               (merge_agg, bind_merge_agg, finish_merge_agg)):
        register(FunctionSpec(name, bind, None, lambda c: dict(c.options)["sql"],
                              agg=AggSpec(lambda c: [(0, "list", None)], finish)))

    def scalar(name: str, n_args: int, dtype: Callable[[list], T.DataType],
               fn: Callable, prepare: Callable | None = None) -> None:
        def bind(args: list[Expression], ctx: Any) -> Expression:
            arity(name, args, n_args)
            call_args = [binary_argument(name, args, 0)] + [prepare(name, args) if prepare else a
                                                    for a in args[1:]]
            return make_call(lookup(name), call_args, dtype(call_args), None,
                             (("sql", _sql(name, args)),))
        register(FunctionSpec(name, bind, per_row(lambda call, *v: fn(name, call, *v)),
                              lambda c: dict(c.options)["sql"]))

    def point(name: str, args: list) -> Expression:
        a = args[1]
        target = T.DoubleType() if "quantile" in name else result
        if isinstance(a.dtype, T.ArrayType):
            return cast_to(a, T.ArrayType(target, True))
        return cast_to(a, target)

    def quantile(name: str, call: Any, b: Any, r: Any) -> Any:
        parts = _unpack(b, kind, name)
        if isinstance(r, list):
            return [_quantile(parts, x, name) for x in r]
        return _quantile(parts, r, name)

    def rank(name: str, call: Any, b: Any, v: Any) -> Any:
        parts = _unpack(b, kind, name)
        return [_rank(parts, x, name) for x in v] if isinstance(v, list) else \
            _rank(parts, v, name)

    def of_point(elem: T.DataType) -> Callable[[list], T.DataType]:
        return lambda a: T.ArrayType(elem, True) if isinstance(a[1].dtype, T.ArrayType) \
            else elem

    scalar(f"kll_sketch_get_n_{kind}", 1, lambda a: T.LongType(),
           lambda name, call, b: _unpack(b, kind, name)[1])
    scalar(f"kll_sketch_get_quantile_{kind}", 2, of_point(result), quantile, point)
    scalar(f"kll_sketch_get_rank_{kind}", 2, of_point(T.DoubleType()), rank, point)
    scalar(f"kll_sketch_merge_{kind}", 2, lambda a: T.BinaryType(),
           lambda name, call, a, b: _merge(kind, [a, b], name), lambda name, args:
           binary_argument(name, args, 1))
    scalar(f"kll_sketch_to_string_{kind}", 1, lambda a: T.StringType(),
           lambda name, call, b: _summary(kind, _unpack(b, kind, name)))


for _kind in KINDS:
    _register_kind(_kind)
