"""``pyspark.sql.functions``, sketches: hll_* (HyperLogLog) and theta_* distinct counts
(runtime/sql/expressions/sketch_distinct.py) and the kll_* quantile sketches for bigint,
double and float (runtime/sql/expressions/sketch_quantiles.py); those modules say what the
sketches compute and how their binary format differs from Spark's DataSketches buffers.

>>> from pyspark.sql import functions as F
>>> F.hll_sketch_estimate(F.hll_sketch_agg("x"))
Column<'hll_sketch_estimate(hll_sketch_agg(x))'>
"""

from __future__ import annotations

from typing import Any

from sparkcli.sql.column import Column
from sparkcli.sql.functions.arguments import call, col_arg, lit_arg


def _point(v: Any) -> Any:
    """A ``ColumnOrName`` argument that also takes a Python number or list (a literal)."""
    return col_arg(v) if isinstance(v, (str, Column)) else lit_arg(v)

_KLL = ("kll_merge_agg", "kll_sketch_agg", "kll_sketch_get_n", "kll_sketch_get_quantile",
        "kll_sketch_get_rank", "kll_sketch_merge", "kll_sketch_to_string")
__all__ = ["hll_sketch_agg", "hll_sketch_estimate", "hll_union", "hll_union_agg",
           "theta_difference", "theta_intersection", "theta_intersection_agg",
           "theta_sketch_agg", "theta_sketch_estimate", "theta_union", "theta_union_agg"] + \
    [f"{f}_{t}" for f in _KLL for t in ("bigint", "double", "float")] + \
    [f"tuple_{f}_{t}" for f in ("sketch_agg", "union_agg", "intersection_agg", "union",
                                "intersection", "difference", "union_theta",
                                "intersection_theta", "difference_theta", "sketch_estimate",
                                "sketch_summary", "sketch_theta") for t in ("double", "integer")]


def _with(name: str, cols: list, option: Any) -> Column:
    args = [col_arg(c) for c in cols]
    if option is not None:
        args.append(lit_arg(option))
    return call(name, *args)


def hll_sketch_agg(col: Any, lgConfigK: Any = None) -> Column:
    """An HLL sketch (binary) of the distinct values of ``col`` (lgConfigK 4..21, 12)."""
    return _with("hll_sketch_agg", [col], lgConfigK)


def hll_union_agg(col: Any, allowDifferentLgConfigK: Any = None) -> Column:
    """The union of a group's HLL sketches."""
    return _with("hll_union_agg", [col], allowDifferentLgConfigK)


def hll_sketch_estimate(col: Any) -> Column:
    """The estimated distinct count of an HLL sketch (bigint)."""
    return _with("hll_sketch_estimate", [col], None)


def hll_union(col1: Any, col2: Any, allowDifferentLgConfigK: Any = None) -> Column:
    """The union of two HLL sketches."""
    return _with("hll_union", [col1, col2], allowDifferentLgConfigK)


def theta_sketch_agg(col: Any, lgNomEntries: Any = None) -> Column:
    """A theta sketch (binary) of the distinct values of ``col`` (lgNomEntries 4..26, 12)."""
    return _with("theta_sketch_agg", [col], lgNomEntries)


def theta_union_agg(col: Any, lgNomEntries: Any = None) -> Column:
    """The union of a group's theta sketches."""
    return _with("theta_union_agg", [col], lgNomEntries)


def theta_intersection_agg(col: Any) -> Column:
    """The intersection of a group's theta sketches."""
    return _with("theta_intersection_agg", [col], None)


def theta_sketch_estimate(col: Any) -> Column:
    """The estimated distinct count of a theta sketch (bigint)."""
    return _with("theta_sketch_estimate", [col], None)


def theta_union(col1: Any, col2: Any, lgNomEntries: Any = None) -> Column:
    """The union of two theta sketches."""
    return _with("theta_union", [col1, col2], lgNomEntries)


def theta_intersection(col1: Any, col2: Any) -> Column:
    """The intersection of two theta sketches."""
    return _with("theta_intersection", [col1, col2], None)


def theta_difference(col1: Any, col2: Any) -> Column:
    """The values of the first theta sketch not in the second."""
    return _with("theta_difference", [col1, col2], None)


def _kll(kind: str) -> dict:
    def sketch_agg(col: Any, k: Any = None) -> Column:
        return _with(f"kll_sketch_agg_{kind}", [col], k)

    def merge_agg(col: Any, k: Any = None) -> Column:
        return _with(f"kll_merge_agg_{kind}", [col], k)

    def get_n(col: Any) -> Column:
        return _with(f"kll_sketch_get_n_{kind}", [col], None)

    def get_quantile(sketch: Any, rank: Any) -> Column:
        return call(f"kll_sketch_get_quantile_{kind}", col_arg(sketch), _point(rank))

    def get_rank(sketch: Any, quantile: Any) -> Column:
        return call(f"kll_sketch_get_rank_{kind}", col_arg(sketch), _point(quantile))

    def merge(left: Any, right: Any) -> Column:
        return _with(f"kll_sketch_merge_{kind}", [left, right], None)

    def to_string(col: Any) -> Column:
        return _with(f"kll_sketch_to_string_{kind}", [col], None)

    fns = dict(zip(_KLL, (merge_agg, sketch_agg, get_n, get_quantile, get_rank, merge,
                          to_string)))
    out = {}
    for base, fn in fns.items():
        fn.__name__ = fn.__qualname__ = f"{base}_{kind}"
        fn.__doc__ = f"``{base}_{kind}``: a KLL quantile sketch function ({kind} items)."
        out[fn.__name__] = fn
    return out


for _t in ("bigint", "double", "float"):
    globals().update(_kll(_t))


def _tuple(kind: str) -> dict:
    def sketch_agg(key: Any, summary: Any, lgNomEntries: Any = None, mode: Any = None
                   ) -> Column:
        return _optional(f"tuple_sketch_agg_{kind}", [key, summary], [lgNomEntries, mode],
                         [12, "sum"])

    def union_agg(col: Any, lgNomEntries: Any = None, mode: Any = None) -> Column:
        return _optional(f"tuple_union_agg_{kind}", [col], [lgNomEntries, mode], [12, "sum"])

    def intersection_agg(col: Any, mode: Any = None) -> Column:
        return _optional(f"tuple_intersection_agg_{kind}", [col], [mode], ["sum"])

    def union(col1: Any, col2: Any, lgNomEntries: Any = None, mode: Any = None) -> Column:
        return _optional(f"tuple_union_{kind}", [col1, col2], [lgNomEntries, mode],
                         [12, "sum"])

    def intersection(col1: Any, col2: Any, mode: Any = None) -> Column:
        return _optional(f"tuple_intersection_{kind}", [col1, col2], [mode], ["sum"])

    def difference(col1: Any, col2: Any) -> Column:
        return _with(f"tuple_difference_{kind}", [col1, col2], None)

    def union_theta(col1: Any, col2: Any, lgNomEntries: Any = None, mode: Any = None
                    ) -> Column:
        return _optional(f"tuple_union_theta_{kind}", [col1, col2], [lgNomEntries, mode],
                         [12, "sum"])

    def intersection_theta(col1: Any, col2: Any, mode: Any = None) -> Column:
        return _optional(f"tuple_intersection_theta_{kind}", [col1, col2], [mode], ["sum"])

    def difference_theta(col1: Any, col2: Any) -> Column:
        return _with(f"tuple_difference_theta_{kind}", [col1, col2], None)

    def sketch_estimate(col: Any) -> Column:
        return _with(f"tuple_sketch_estimate_{kind}", [col], None)

    def sketch_summary(col: Any, mode: Any = None) -> Column:
        return _optional(f"tuple_sketch_summary_{kind}", [col], [mode], ["sum"])

    def sketch_theta(col: Any) -> Column:
        return _with(f"tuple_sketch_theta_{kind}", [col], None)

    out = {}
    for fn in (sketch_agg, union_agg, intersection_agg, union, intersection, difference,
               union_theta, intersection_theta, difference_theta, sketch_estimate,
               sketch_summary, sketch_theta):
        fn.__name__ = fn.__qualname__ = f"tuple_{fn.__name__}_{kind}"
        fn.__doc__ = f"``{fn.__name__}``: a tuple sketch function ({kind} summaries)."
        out[fn.__name__] = fn
    return out


def _optional(name: str, cols: list, options: list, defaults: list) -> Column:
    """``name(cols..., options...)``: options up to the last one given, defaults before it."""
    args = [col_arg(c) for c in cols]
    last = max([i for i, o in enumerate(options) if o is not None], default=-1)
    for o, d in zip(options[:last + 1], defaults):
        args.append(lit_arg(d if o is None else o))
    return call(name, *args)


for _t in ("double", "integer"):
    globals().update(_tuple(_t))
