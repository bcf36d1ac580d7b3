"""INTERSECT [ALL] and EXCEPT [ALL] over whole inputs (both sides in one partition).

Rows are compared as whole values with NULLs equal (set semantics, not ``=``): each side's
rows are grouped on all columns and counted, the two count tables are joined (NULL-safe,
through a tag per NULL), and a row is kept as Spark keeps it: intersect when both counts are
positive (ALL: min(left, right) copies), except when the right count is 0 (ALL: left - right
copies). Output order follows the left input's first appearance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.operators import PhysicalPlan, empty_batch, schema_of
from runtime.sql.expressions.registry import EvalContext

__all__ = ["SetOpExec"]


@dataclass(eq=False)
class SetOpExec(PhysicalPlan):
    kind_name: str  # "intersect" or "except"
    is_all: bool
    children: tuple
    kind = "setop"

    def node_name(self) -> str:
        return ("Intersect" if self.kind_name == "intersect" else "Except") + \
            (" All" if self.is_all else "")

    def combine(self, left: list, right: list, ectx: EvalContext) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        attrs = self.children[0].output
        schema = schema_of(attrs)
        names = [f"c{i}" for i in range(len(attrs))]

        def table(batches: list) -> Any:
            bs = [pa.RecordBatch.from_arrays(list(b.columns), names=names) for b in batches]
            if not bs:
                return pa.Table.from_batches([empty_batch(attrs)]).rename_columns(names)
            return pa.Table.from_batches(bs)

        lt, rt = table(left), table(right)
        lt = lt.append_column("__l", pa.repeat(pa.scalar(1, pa.int64()), lt.num_rows))
        rt = rt.append_column("__r", pa.repeat(pa.scalar(1, pa.int64()), rt.num_rows))
        lc = lt.group_by(names, use_threads=False).aggregate([("__l", "sum")])
        rc = rt.group_by(names, use_threads=False).aggregate([("__r", "sum")])
        # NULL-safe keys: each column plus an "is null" tag, NULLs filled with a value
        lk, rk = _null_safe(lc, names), _null_safe(rc, names)
        keys = [k for k in lk.column_names if k.startswith("k")]
        rk = rk.select(keys + ["__r_sum"])
        joined = lk.join(rk, keys=keys, join_type="left outer", use_threads=False)
        lcount = joined.column("__l_sum")
        rcount = pc.fill_null(joined.column("__r_sum"), 0)
        if self.kind_name == "intersect":
            copies = pc.min_element_wise(lcount, rcount) if self.is_all else \
                pc.if_else(pc.greater(rcount, 0), 1, 0)
        else:
            copies = pc.subtract(lcount, rcount) if self.is_all else \
                pc.if_else(pc.equal(rcount, 0), 1, 0)
        copies = pc.max_element_wise(copies, 0).to_pylist()
        order = joined.column("__row").to_pylist()
        idx = [i for i, n in sorted(zip(order, range(len(order))), key=lambda p: p[0])
               for i in [n] for _ in range(copies[n])]
        rows = joined.take(pa.array(idx, pa.int64())) if idx else joined.slice(0, 0)
        cols = [rows.column(f"o{i}") for i in range(len(attrs))]
        out = pa.Table.from_arrays(cols, schema=schema)
        yield from (out.combine_chunks().to_batches() or [empty_batch(attrs)])


def _null_safe(table: Any, names: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    cols: dict[str, Any] = {}
    for i, n in enumerate(names):
        col = table.column(n)
        cols[f"o{i}"] = col
        cols[f"k{i}"] = col
        cols[f"kn{i}"] = pc.is_null(col)
    for extra in table.column_names:
        if extra.startswith("__"):
            cols[extra] = table.column(extra)
    cols["__row"] = pa.array(range(table.num_rows), pa.int64())
    out = pa.table(cols)
    fixed = {}
    for i in range(len(names)):
        col = out.column(f"k{i}")
        if col.null_count:
            fill = _fill_value(col.type)
            if fill is not None:
                col = pc.fill_null(col, fill)
        fixed[f"k{i}"] = col
    for k, v in fixed.items():
        out = out.set_column(out.column_names.index(k), k, v)
    return out


def _fill_value(t: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_integer(t) or pa.types.is_floating(t):
        return pa.scalar(0, t)
    if pa.types.is_string(t):
        return pa.scalar("", t)
    if pa.types.is_boolean(t):
        return pa.scalar(False)
    return None
