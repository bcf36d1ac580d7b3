"""Reading one file of a FileRelation into record batches, and inferring schemas.

Arrow's readers do the parsing (pyarrow.csv, pyarrow.json, pyarrow.parquet); Spark's
semantics are applied on the result:
* csv: csv_read.py (tokens, Spark's per-type parsers, the read modes, the header and
  inference);
* text: one row per line (``\\n``, ``\\r\\n``), or one per file with ``wholetext``;
* json: JSON Lines, or one document (an object or an array of objects) per file with
  ``multiLine``; fields missing from a line are NULL;
* parquet: only the columns the query needs are read.
Partition directory values are appended as constant columns.
"""

from __future__ import annotations

import json as _json
import os
from typing import Any, Iterator

from runtime.sql import types as T
from runtime.sql.arrow_types import from_arrow, to_arrow, to_arrow_schema
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan.logical import FileRelation
from runtime.sql.errors import AnalysisException
from runtime.sql.arrow_types import rows_to_batch
from runtime.sql.io.csv_read import header_names, infer_types, parse_with_pattern, read_csv
from runtime.sql.io.file_metadata import ROW_INDEX, metadata_array
from runtime.sql.io.parquet_scan import read_parquet_piece

__all__ = ["infer_schema", "read_file"]

_LINES_PER_BATCH = 1 << 20
#: bytes of a text file cut into lines at a time: every buffer of a block (the bytes, the
#: lines, the words split from them) stays under glibc's mmap threshold (32 MiB,
#: allocators.py), so a task reuses its freed heap instead of faulting fresh pages in, and
#: the operators after the scan (a streaming partial aggregate) work block by block
_TEXT_BLOCK = 4 << 20
#: bytes searched for newlines at a time (a fresh 50 MB mask cost ~150 ms of page faults)
_MASK_BYTES = 1 << 20


def _opt(options: dict[str, str], *keys: str, default: str | None = None) -> str | None:
    lower = {k.lower(): v for k, v in options.items()}
    for k in keys:
        if k.lower() in lower:
            return lower[k.lower()]
    return default


def _flag(options: dict[str, str], key: str, default: bool = False) -> bool:
    v = _opt(options, key)
    return default if v is None else str(v).lower() == "true"


def _variant_columns(meta: dict) -> set:
    """The top-level VARIANT columns of a Parquet file, named by Spark's schema JSON in its
    footer (the file holds each one's (value, metadata) pair)."""
    text = meta.get(b"org.apache.spark.sql.parquet.row.metadata")
    if not text:
        return set()
    try:
        fields = _json.loads(text).get("fields", [])
    except ValueError:
        return set()
    return {f.get("name") for f in fields if f.get("type") == "variant"}


def infer_schema(fmt: str, files: list[str], options: dict[str, str]) -> T.StructType:
    if fmt == "text":  # no pyarrow: a driver may plan and submit a text job before loading it
        return T.StructType([T.StructField("value", T.StringType(), True)])
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        if not files:
            raise _unable(fmt)
        schema = pq.read_schema(files[0])
        variants = _variant_columns(schema.metadata or {})
        return T.StructType([T.StructField(
            f.name, T.VariantType() if f.name in variants else from_arrow(f.type), True)
            for f in schema])
    if fmt == "orc":
        import pyarrow.orc as po

        if not files:
            raise _unable(fmt)
        schema = po.ORCFile(files[0]).schema
        return T.StructType([T.StructField(f.name, from_arrow(f.type), True) for f in schema])
    if fmt == "csv":
        if not files:
            raise _unable(fmt)
        names = header_names(files[0], options)
        types = infer_types(files, options, names) if _flag(options, "inferSchema") else \
            [T.StringType()] * len(names)
        return T.StructType([T.StructField(n, t, True) for n, t in zip(names, types)])
    if fmt == "json":
        if not files:
            raise _unable(fmt)
        table = pa.concat_tables([_json_table(f, options, None) for f in files],
                                 promote_options="permissive")
        schema = _json_schema(table.schema)
        return _all_strings(schema) if _flag(options, "primitivesAsString") else schema
    raise SparkRuntimeException(f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: "
                                f"{fmt}.", errorClass="DATA_SOURCE_NOT_FOUND")


def _all_strings(t: T.DataType) -> Any:
    """json's primitivesAsString: every leaf type becomes string."""
    if isinstance(t, T.StructType):
        return T.StructType([T.StructField(f.name, _all_strings(f.dataType), True)
                             for f in t.fields])
    if isinstance(t, T.ArrayType):
        return T.ArrayType(_all_strings(t.elementType), True)
    return T.StringType()


def _unable(fmt: str) -> Exception:
    return AnalysisException(
        f"[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for {fmt.upper()}. It must be "
        "specified manually. SQLSTATE: 42KD9", errorClass="UNABLE_TO_INFER_SCHEMA")


# -- json ---------------------------------------------------------------------------------------
def _json_spark_type(at: Any) -> T.DataType:
    import pyarrow.types as pt

    if pt.is_integer(at):
        return T.LongType()
    if pt.is_floating(at):
        return T.DoubleType()
    if pt.is_timestamp(at) or pt.is_date(at):
        return T.StringType()
    if pt.is_struct(at):
        fields = sorted((at.field(i) for i in range(at.num_fields)), key=lambda f: f.name)
        return T.StructType([T.StructField(f.name, _json_spark_type(f.type), True)
                             for f in fields])
    if pt.is_list(at) or pt.is_large_list(at):
        return T.ArrayType(_json_spark_type(at.value_type), True)
    if pt.is_null(at):
        return T.StringType()
    return from_arrow(at)


def _json_schema(schema: Any) -> T.StructType:
    fields = sorted(schema, key=lambda f: f.name)
    return T.StructType([T.StructField(f.name, _json_spark_type(f.type), True) for f in fields])


def _json_table(path: str, options: dict[str, str], schema: T.StructType | None) -> Any:
    import pyarrow as pa
    import pyarrow.json as pjson

    if _flag(options, "multiLine"):
        with open(path, encoding="utf-8") as fh:
            doc = _json.load(fh)
        rows = doc if isinstance(doc, list) else [doc]
        if schema is not None:
            return pa.Table.from_batches([rows_to_batch(rows, schema)])
        return pa.Table.from_pylist(rows)
    if schema is not None and _flag(options, "primitivesAsString"):
        schema = None  # numbers and booleans are read as they are, then cast to string
    parse = pjson.ParseOptions(
        explicit_schema=_json_read_schema(schema) if schema is not None else None,
        unexpected_field_behavior="ignore" if schema is not None else "infer")
    return pjson.read_json(path, parse_options=parse)


def _json_read_schema(schema: T.StructType) -> Any:
    import pyarrow as pa

    fields = []
    for f in schema.fields:
        at = pa.string() if isinstance(f.dataType, (T.DateType, T.TimestampType)) \
            else to_arrow(f.dataType)
        fields.append(pa.field(f.name, at, True))
    return pa.schema(fields)


def _pattern_for(options: dict[str, str], dtype: T.DataType) -> str | None:
    if isinstance(dtype, T.DateType):
        return _opt(options, "dateFormat")
    if isinstance(dtype, T.TimestampType):
        return _opt(options, "timestampFormat")
    return None


def _raw_lines(path: str, bad: Any, data_offset: int, n: int) -> Any:
    """The corrupt-record column: each malformed row's line of the file, else NULL."""
    import pyarrow as pa

    flags = bad.to_pylist() if bad is not None else [False] * n
    if not any(flags):
        return pa.nulls(n, pa.string())
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()
    return pa.array([lines[i + data_offset] if f and i + data_offset < len(lines) else None
                     for i, f in enumerate(flags)], pa.string())


# -- reading ------------------------------------------------------------------------------------
def _conform(table: Any, schema: T.StructType, options: dict[str, str], path: str,
             ectx: EvalContext, data_offset: int) -> Any:
    """String (or loosely typed) columns cast to ``schema`` with the read mode's rules."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mode = (_opt(options, "mode", default="PERMISSIVE") or "PERMISSIVE").upper()
    cols, bad = [], None
    for f in schema.fields:
        if f.name not in table.column_names:
            cols.append(pa.nulls(table.num_rows, to_arrow(f.dataType)))
            continue
        src = table.column(f.name).combine_chunks()
        src_type = from_arrow(src.type)
        pattern = _pattern_for(options, f.dataType) if isinstance(src_type, T.StringType) \
            else None
        if pattern:
            out = parse_with_pattern(src, f.dataType, pattern, ectx.time_zone)
        else:
            out = cast_array(src, src_type, f.dataType, False, ectx) \
                if src_type != f.dataType else src
        failed = pc.and_(pc.is_valid(src), pc.is_null(out))
        bad = failed if bad is None else pc.or_(bad, failed)
        cols.append(out)
    if not cols:  # nothing to read but the row count (count(*) after column pruning)
        return table.select([])
    corrupt = _opt(options, "columnNameOfCorruptRecord", default="_corrupt_record")
    names = [f.name for f in schema.fields]
    if corrupt in names and corrupt not in table.column_names and mode == "PERMISSIVE":
        lines = _raw_lines(path, bad, data_offset, table.num_rows)
        cols[names.index(corrupt)] = lines
    result = pa.Table.from_arrays(cols, schema=to_arrow_schema(schema))
    if bad is not None and pc.any(bad).as_py():
        if mode == "FAILFAST":
            row = pc.index(bad, True).as_py()
            raise SparkRuntimeException(
                f"[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
                f"in record parsing: file {path}, line {row + data_offset + 1}. Parse Mode: "
                "FAILFAST. To process malformed records as null result, try setting the option "
                "'mode' as 'PERMISSIVE'. SQLSTATE: 22023",
                errorClass="MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION")
        if mode == "DROPMALFORMED":
            result = result.filter(pc.invert(bad))
    return result


def _read_tables(rel: FileRelation, path: str, ectx: EvalContext,
                 piece: tuple = (0, 0, True), filters: tuple = ()) -> Iterator[Any]:
    """The tables of one file, or of the piece ``(start, length, whole)`` of a splittable
    one: Parquet's one per row group (parquet_scan.py), the other formats' one."""
    if rel.fmt == "text":
        return _text_tables(path, dict(rel.options), None if piece[2] else piece[:2])
    if rel.fmt != "parquet":
        return iter([_read_table(rel, path, ectx, piece, filters)])
    want = {a.name for a in rel.output}
    return read_parquet_piece(path, piece[0], piece[1], piece[2],
                              [T.StructField(a.name, a.dtype, True) for a in rel.attrs
                               if a.name in want], filters,
                              {a.expr_id: a.name for a in rel.attrs}, ectx,
                              ROW_INDEX if _reads_metadata(rel) else None)


def _read_table(rel: FileRelation, path: str, ectx: EvalContext,
                piece: tuple = (0, 0, True), filters: tuple = ()) -> Any:
    """One file (not Parquet), or the piece ``(start, length, whole)`` of a splittable
    one."""
    import pyarrow as pa

    options = dict(rel.options)
    data_fields = [T.StructField(a.name, a.dtype, True) for a in rel.attrs]
    full = T.StructType(data_fields)
    if rel.fmt == "text":
        return _read_text(path, options, None if piece[2] else piece[:2])
    if rel.fmt == "orc":
        import pyarrow.orc as po

        want = [a.name for a in rel.output]
        orc = po.ORCFile(path)
        available = set(orc.schema.names)
        cols = [n for n in want if n in available]
        if cols:
            table = orc.read(columns=cols)
        else:  # no column needed (count()): one column read for the row count
            first = orc.schema.names[0]
            table = orc.read(columns=[first]).drop_columns([first])
        return _conform(table, T.StructType([f for f in data_fields
                                             if f.name in want and f.name in available]),
                        options, path, ectx, 0)
    if rel.fmt == "csv":
        parts = {k for k, _ in rel.files[0][2]} if rel.files else set()
        return read_csv(path, options, [f for f in full.fields if f.name not in parts],
                        [a.name for a in rel.output], ectx)
    if rel.fmt == "json":
        parts = {k for k, _ in rel.files[0][2]} if rel.files else set()
        own = T.StructType([f for f in full.fields if f.name not in parts])
        table = _json_table(path, options, own)
        return _conform(table, own, options, path, ectx, 0)
    raise SparkRuntimeException(f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: "
                                f"{rel.fmt}.", errorClass="DATA_SOURCE_NOT_FOUND")
    del pa


def _read_text(path: str, options: dict[str, str], piece: tuple | None = None) -> Any:
    """One row per line. ``piece`` (start, length): the lines that start in that byte range
    (Hadoop's rule: a piece not at 0 skips its first, partial, line; the last line may run
    past the end), so the pieces of a file read each line once. Lines are cut by _lines."""
    import pyarrow as pa

    with open(path, "rb") as fh:
        pos, stop = _piece_range(fh, piece)
        fh.seek(pos)
        data = fh.read(stop - pos)  # to the first newline at or after the end: one read
    if not _flag(options, "wholetext") and not _opt(options, "lineSep"):
        return _lines(data)
    text = data.decode("utf-8", errors="replace")
    if _flag(options, "wholetext"):
        return pa.table({"value": pa.array([text], pa.string())})
    sep = _opt(options, "lineSep")
    if sep:
        lines = text.split(sep)
        if lines and lines[-1] == "":
            lines.pop()
        return pa.table({"value": pa.array(lines, pa.string())})


def _piece_range(fh: Any, piece: tuple | None) -> tuple[int, int]:
    """The bytes [pos, stop) of the lines of ``piece`` (_read_text's rule; None: the whole
    file) in the open file ``fh``."""
    if piece is None:
        return 0, os.fstat(fh.fileno()).st_size
    start, length = piece
    fh.seek(start)
    if start:
        fh.readline()
    pos = fh.tell()
    end = start + length
    if pos > end:
        return pos, pos
    fh.seek(end)
    return pos, end + len(fh.readline())


def _text_tables(path: str, options: dict[str, str], piece: tuple | None = None
                 ) -> Iterator[Any]:
    """The lines of a text file (or of its ``piece``: _read_text's rule) as one table per
    block of about ``_TEXT_BLOCK`` bytes that ends at a newline; ``wholetext`` and
    ``lineSep`` read the whole piece at once (_read_text)."""
    if _flag(options, "wholetext") or _opt(options, "lineSep"):
        yield _read_text(path, options, piece)
        return
    with open(path, "rb") as fh:
        pos, stop = _piece_range(fh, piece)
        while pos < stop:
            want = min(_TEXT_BLOCK, stop - pos)
            if want < stop - pos:  # to the end of the line the block's last byte is in
                fh.seek(pos + want)
                want = min(want + len(fh.readline()), stop - pos)
            fh.seek(pos)
            data = fh.read(want)
            if not data:
                return
            pos += len(data)
            yield _lines(data)


def _lines(data: bytes) -> Any:
    """The lines of ``data`` (``\n`` or ``\r\n``) as a string array built on the bytes: the
    newline positions (numpy) give the offsets and the bytes without their newlines
    (``bytes.replace``, a memchr loop) the data, about 5x faster than Arrow's split_pattern on
    one big string (60 vs 290 ms for 50 MB). Text that is not valid UTF-8 is decoded with
    replacement characters instead, as before."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not data:
        return pa.table({"value": pa.array([], pa.string())})
    arr = _cut_lines(data)
    try:
        arr.validate(full=True)  # the UTF-8 of every line
    except pa.ArrowInvalid:
        arr = _cut_lines(data.decode("utf-8", errors="replace").encode("utf-8"))
    if b"\r" in data:
        arr = pc.replace_substring_regex(arr, "\r$", "")
    return pa.table({"value": arr if arr.type == pa.string() else arr.cast(pa.string())})


def _cut_lines(data: bytes) -> Any:
    """``data`` cut at its newlines (a last line may have none), unvalidated."""
    import numpy as np
    import pyarrow as pa

    view = np.frombuffer(data, np.uint8)  # 1 MB at a time: no mask as big as the data
    ends = np.concatenate([np.flatnonzero(view[i:i + _MASK_BYTES] == 10) + i
                           for i in range(0, len(view), _MASK_BYTES)] or [np.empty(0, np.intp)])
    body = data.replace(b"\n", b"") if len(ends) else data
    k = len(ends)  # the lines a newline ends
    n = k if data.endswith(b"\n") else k + 1
    large = len(body) >= 1 << 31
    offsets = np.empty(n + 1, np.int64 if large else np.int32)
    offsets[0] = 0
    offsets[1:k + 1] = ends - np.arange(k)
    offsets[n] = len(body)
    kind = pa.LargeStringArray if large else pa.StringArray
    return kind.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(body))


def _reads_metadata(rel: FileRelation) -> bool:
    return rel.meta_attr is not None and \
        any(a.expr_id == rel.meta_attr.expr_id for a in rel.output)


def read_file(rel: FileRelation, path: str, part_values: tuple, ectx: EvalContext,
              piece: tuple = (0, 0, True), filters: tuple = (), size: int = 0
              ) -> Iterator[Any]:
    """The batches of one file (or of ``piece``: (start, length, whole file?)), with the
    partition values appended; ``filters``: conjuncts the scan may push (parquet_scan.py);
    ``size``: the file's bytes (for the ``_metadata`` column, file_metadata.py)."""
    import pyarrow as pa

    for table in _read_tables(rel, path, ectx, piece, filters):
        parts = dict(part_values)
        meta_id = rel.meta_attr.expr_id if rel.meta_attr is not None else None
        cols = []
        for a in rel.output:
            if a.expr_id == meta_id:
                rows = table.column(ROW_INDEX).combine_chunks() \
                    if ROW_INDEX in table.column_names else None
                length = piece[1] if not piece[2] else size
                col = metadata_array(a.dtype, path, size, piece[0] if not piece[2] else 0,
                                     length, table.num_rows, rows)
            elif a.name in table.column_names:
                col = table.column(a.name)
            elif a.name in parts:
                raw = parts[a.name]
                value = None if raw == "__HIVE_DEFAULT_PARTITION__" else raw
                col = cast_array(pa.repeat(pa.scalar(value, pa.string()), table.num_rows),
                                 T.StringType(), a.dtype, False, ectx)
            else:
                col = pa.nulls(table.num_rows, to_arrow(a.dtype))
            cols.append(col)
        schema = to_arrow_schema(T.StructType([T.StructField(a.name, a.dtype, True)
                                               for a in rel.output]))
        out = pa.Table.from_arrays(cols, schema=schema) if cols else table.select([])
        for b in out.to_batches(max_chunksize=_LINES_PER_BATCH):
            yield b
