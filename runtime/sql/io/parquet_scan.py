"""Reading one piece of a Parquet file: its row groups, its columns, its pushed filters.

A piece is a byte range of the file (splits.py). It reads the row groups whose midpoint
(first page offset + compressed size / 2) lies in the range, as parquet-mr does for Spark, so
the pieces of a file partition its row groups exactly.

**Pushed filters.** The planner hands the scan the conjuncts of the Filter right above it
(``FileScanExec.filters``). Those of the form ``column OP literal`` (``= < <= > >=``, the
literal on either side), ``IS [NOT] NULL`` and AND/OR of them become a pyarrow.compute
expression; Arrow's dataset fragment then drops the row groups whose min/max statistics
exclude it. The rows of the row groups read are filtered once, by the Filter operator above
the scan (filtering them in Arrow's scanner as well would copy every column twice). A pushed
predicate only has to be implied by the real one: a conjunct that does not convert exactly
is left out (never approximated). Only types whose Arrow comparison is Spark's are
pushed: integers, decimals, strings (binary order in both), dates and booleans; not floats
(NaN ordering) nor timestamps. A column under an implicit widening cast (``int`` compared
with a decimal) is compared in its own type, when the literal is exactly representable in it.

**Types.** A column whose Parquet type already is the relation's Arrow type is used as read
(no copy); others go through the non-ANSI cast, as before.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _dec
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.arrow_types import from_arrow, to_arrow
from runtime.sql.expressions.base import AttributeReference, Call, Cast, Expression, Literal
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.registry import EvalContext

__all__ = ["arrow_predicate", "read_parquet_piece", "row_groups_in"]

_FLIP = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_INT_DIGITS = {T.ByteType: 3, T.ShortType: 5, T.IntegerType: 10, T.LongType: 20}
_INT_RANGE = {T.ByteType: 7, T.ShortType: 15, T.IntegerType: 31, T.LongType: 63}


def row_groups_in(meta: Any, start: int, length: int) -> list[int]:
    out = []
    end = start + length
    for i in range(meta.num_row_groups):
        rg = meta.row_group(i)
        first, size = None, 0
        for j in range(rg.num_columns):
            c = rg.column(j)
            off = c.dictionary_page_offset if c.has_dictionary_page else c.data_page_offset
            if off is not None and (first is None or off < first):
                first = off
            size += c.total_compressed_size
        mid = (first or 0) + size // 2
        if start <= mid < end:
            out.append(i)
    return out


# -- predicates ---------------------------------------------------------------------------------
def _int_digits(t: T.DataType) -> tuple[int, int] | None:
    """(integer digits, scale) of an exact numeric type."""
    for cls, d in _INT_DIGITS.items():
        if isinstance(t, cls):
            return d, 0
    if isinstance(t, T.DecimalType):
        return t.precision - t.scale, t.scale
    return None


def _column(e: Expression, names: dict[int, str]) -> AttributeReference | None:
    """The file column ``e`` reads (through implicit widening numeric casts), or None."""
    if isinstance(e, AttributeReference):
        return e if e.expr_id in names else None
    if isinstance(e, Cast) and not e.try_:
        inner = _column(e.child, names)
        if inner is None:
            return None
        src, dst = _int_digits(inner.dtype), _int_digits(e.dtype)
        if src and dst and dst[0] >= src[0] and dst[1] >= src[1]:
            return inner
    return None


def _scalar(value: Any, dtype: T.DataType) -> Any:
    """``value`` as an Arrow scalar of ``dtype`` when exactly representable, else None."""
    import pyarrow as pa

    if value is None or isinstance(value, float):
        return None
    if isinstance(dtype, tuple(_INT_RANGE)):
        if isinstance(value, bool):
            return None
        if isinstance(value, _dec.Decimal):
            if value != value.to_integral_value():
                return None
            value = int(value)
        if not isinstance(value, int):
            return None
        bits = next(b for c, b in _INT_RANGE.items() if isinstance(dtype, c))
        return pa.scalar(value, to_arrow(dtype)) if -(1 << bits) <= value < (1 << bits) \
            else None
    if isinstance(dtype, T.DecimalType):
        if isinstance(value, bool) or not isinstance(value, (int, _dec.Decimal)):
            return None
        d = _dec.Decimal(value)
        q = d.quantize(_dec.Decimal(1).scaleb(-dtype.scale), context=_dec.Context(prec=80))
        if q != d or len(q.as_tuple().digits) > dtype.precision:
            return None
        return pa.scalar(q, to_arrow(dtype))
    if isinstance(dtype, T.StringType) and isinstance(value, str):
        return pa.scalar(value, pa.string())
    if isinstance(dtype, T.DateType) and isinstance(value, _dt.date) and \
            not isinstance(value, _dt.datetime):
        return pa.scalar(value, pa.date32())
    if isinstance(dtype, T.BooleanType) and isinstance(value, bool):
        return pa.scalar(value, pa.bool_())
    return None


_PUSHABLE = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.DecimalType, T.StringType,
             T.DateType, T.BooleanType)


def arrow_predicate(e: Expression, names: dict[int, str]) -> Any:
    """A pyarrow.compute expression implied-equal to ``e`` (see the module doc), or None.
    ``names``: expr id -> column name of the file's columns."""
    import pyarrow.compute as pc

    if not isinstance(e, Call):
        return None
    op = e.spec.name
    if op == "and":
        parts = [arrow_predicate(c, names) for c in e.children]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else parts[0] & parts[1]
    if op == "or":
        parts = [arrow_predicate(c, names) for c in e.children]
        return None if any(p is None for p in parts) else parts[0] | parts[1]
    if op in ("isnull", "isnotnull"):
        col = _column(e.children[0], names)
        if col is None:
            return None
        f = pc.field(names[col.expr_id])
        return f.is_null() if op == "isnull" else f.is_valid()
    if op not in _FLIP or len(e.children) != 2:
        return None
    a, b = e.children
    if isinstance(a, Literal):
        a, b, op = b, a, _FLIP[op]
    if not isinstance(b, Literal):
        return None
    col = _column(a, names)
    if col is None or not isinstance(col.dtype, _PUSHABLE):
        return None
    if not isinstance(a, AttributeReference) and not isinstance(
            col.dtype, (T.DecimalType,) + tuple(_INT_RANGE)):
        return None
    value = _scalar(b.value, col.dtype)
    if value is None:
        return None
    f = pc.field(names[col.expr_id])
    return {"=": f == value, "<": f < value, "<=": f <= value, ">": f > value,
            ">=": f >= value}[op]


# -- reading ------------------------------------------------------------------------------------
def read_parquet_piece(path: str, start: int, length: int, whole: bool, fields: list,
                       filters: list, names: dict[int, str], ectx: EvalContext,
                       row_index: str | None = None) -> Iterator[Any]:
    """The tables of the piece's row groups, one per row group read: those of ``fields``
    (StructFields wanted, in order) the file has (the caller fills the others), row groups
    whose statistics may pass the pushed ``filters``; with ``row_index`` (a column name)
    also each row's index in the file (``_metadata``: the pushed filters drop whole row
    groups only, so the indices are each group's first row plus the position in the group).

    One row group at a time, not the piece at once: a task's memory stays at about one row
    group of the columns read (a 3M-row piece of SF 1's lineitem was ~700 MB, freshly paged
    in by the kernel on every query: a large and variable part of a scan's time), and the
    batches the operators see stay cache-sized. No table is empty but the one yielded for a
    piece with no row group (it carries the schema)."""
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    available = set(pf.schema_arrow.names)
    cols = [f.name for f in fields if f.name in available]
    rgs = list(range(pf.metadata.num_row_groups)) if whole \
        else row_groups_in(pf.metadata, start, length)
    coded = _dictionary_strings(pf, cols, rgs)
    if coded:
        pf = pq.ParquetFile(path, read_dictionary=coded)
    pred = None
    for c in filters:
        p = arrow_predicate(c, {i: n for i, n in names.items() if n in available})
        if p is not None:
            pred = p if pred is None else pred & p
    if rgs and pred is not None:  # row groups whose statistics may hold matching rows
        frag = ds.ParquetFileFormat().make_fragment(
            path, filesystem=pafs.LocalFileSystem(), row_groups=rgs)
        rgs = [r.id for r in frag.subset(filter=pred).row_groups]
    fields = [f for f in fields if f.name in available]
    schema = pa.schema([pa.field(f.name, to_arrow(f.dataType)) for f in fields])
    if row_index is not None:
        schema = schema.append(pa.field(row_index, pa.int64()))
        firsts = [0]
        for i in range(pf.metadata.num_row_groups):
            firsts.append(firsts[-1] + pf.metadata.row_group(i).num_rows)
    if not rgs:
        table = pf.schema_arrow.empty_table().select(cols)
        index = pa.array([], pa.int64()) if row_index is not None else None
        yield _conform(table, fields, schema, ectx, index) if fields or row_index \
            else table.select([])
        return
    for r in rgs:
        table = pf.read_row_group(r, columns=cols, use_threads=False)
        index = None
        if row_index is not None:
            import numpy as np

            index = pa.array(np.arange(firsts[r], firsts[r + 1], dtype=np.int64))
        yield _conform(table, fields, schema, ectx, index) if fields or row_index \
            else table.select([])


def _dictionary_strings(pf: Any, cols: list, rgs: list) -> list[str]:
    """The string columns of ``cols`` that the file stores dictionary-encoded in the row
    groups read: Arrow reads those as dictionary arrays (the codes plus a few distinct
    values) and decodes them after, about twice as fast as building the strings while
    decoding the pages (TPC-H's flags, modes and segments)."""
    import pyarrow as pa

    meta, schema = pf.metadata, pf.schema_arrow
    wanted = {c for c in cols if pa.types.is_string(schema.field(c).type)}
    if not wanted or not rgs:
        return []
    index = {meta.schema.column(i).path: i for i in range(meta.num_columns)}
    out = []
    for c in wanted:
        i = index.get(c)
        if i is not None and all(
                any("DICTIONARY" in enc for enc in meta.row_group(r).column(i).encodings)
                for r in rgs):
            out.append(c)
    return out


def _conform(table: Any, fields: list, schema: Any, ectx: EvalContext, index: Any) -> Any:
    """``table``'s columns in the relation's types (a column already of its type is used
    as read, uncopied; others go through the non-ANSI cast), plus the row index column."""
    import pyarrow as pa

    out = []
    for f, want in zip(fields, schema):
        col = table.column(f.name)
        if pa.types.is_dictionary(col.type) and col.type.value_type == want.type:
            col = col.cast(want.type)  # read as a dictionary (_dictionary_strings)
        if col.type != want.type:
            src = col.combine_chunks()
            col = cast_array(src, from_arrow(src.type), f.dataType, False, ectx)
        out.append(col)
    if index is not None:
        out.append(index)
    return pa.Table.from_arrays(out, schema=schema)
