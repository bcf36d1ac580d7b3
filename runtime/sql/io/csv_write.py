"""CSV files written as Spark's CSV source writes them (CSVOptions over univocity's writer).

``write_csv(table, schema, fh, options)`` writes one Arrow table to an open binary file.
Each column becomes text first, vectorized: dates with ``dateFormat`` (default
``yyyy-MM-dd``), timestamps in the ``timeZone`` option's zone (the session's, passed by the
DataFrameWriter) with ``timestampFormat`` (default ``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``,
``2024-01-02T03:04:05.123Z``), numbers as Spark casts them to strings (doubles in Java's
form, ``1.0E20``, ``NaN``, ``Infinity``). Arrays, maps and structs are refused as Spark
refuses them (``[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE]``).

Then each value is written with univocity's rules as Spark configures them:
* NULL is ``nullValue`` (default empty); an empty string is ``emptyValue`` (default ``""``,
  written as it is);
* leading/trailing whitespace is trimmed unless ``ignoreLeadingWhiteSpace`` /
  ``ignoreTrailingWhiteSpace`` is false (both default to true when writing);
* a value is quoted (``quote``, default ``"``) when ``quoteAll`` is set or it holds the
  separator, a line break, or the quote character (the latter only with ``escapeQuotes``,
  default true); inside quotes the escape character (``escape``, default ``\\``) is doubled
  and the quote character is escaped with it (``""`` when ``escape`` is the quote itself);
* records end with ``lineSep`` (default ``\\n``), which also replaces line breaks inside
  values, and ``header`` writes the column names first.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.datetime_patterns import DAY_US, format_local, to_local
from runtime.sql.expressions.registry import EvalContext

__all__ = ["check_csv_schema", "write_csv"]

_NESTED = (T.ArrayType, T.MapType, T.StructType)


def check_csv_schema(schema: T.StructType) -> None:
    for f in schema.fields:
        if isinstance(f.dataType, _NESTED) or type(f.dataType).__name__ == "VariantType":
            raise AnalysisException(
                "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the "
                f"column `{f.name}` of the type \"{T.type_ddl(f.dataType)}\". SQLSTATE: 0A000",
                errorClass="UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                messageParameters={"columnName": f"`{f.name}`",
                                   "columnType": f'"{T.type_ddl(f.dataType)}"',
                                   "format": "CSV"})


def _texts(col: Any, dtype: T.DataType, opts: dict[str, str], tz: str) -> list:
    """A column as the text Spark writes for each value (None for NULL)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(dtype, T.StringType):
        return col.to_pylist()
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    if isinstance(dtype, T.DateType):
        days = pc.fill_null(col.cast(pa.int32()), 0).to_numpy(zero_copy_only=False)
        micros = days.astype(np.int64) * DAY_US
        pattern = opts.get("dateformat") or "yyyy-MM-dd"
        return format_local(micros, valid, pattern, tz).to_pylist()
    if isinstance(dtype, T.TimestampNTZType):
        micros = pc.fill_null(col.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        pattern = opts.get("timestampntzformat") or "yyyy-MM-dd'T'HH:mm:ss.SSS"
        return format_local(micros, valid, pattern, tz).to_pylist()
    if isinstance(dtype, T.TimestampType):
        local = to_local(col, tz).cast(pa.int64())
        micros = pc.fill_null(local, 0).to_numpy(zero_copy_only=False)
        pattern = opts.get("timestampformat") or "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
        return format_local(micros, valid, pattern, tz).to_pylist()
    return cast_array(col, dtype, T.StringType(), False, EvalContext(False, tz)).to_pylist()


class _Cell:
    """One value's written form under the writer's options."""

    def __init__(self, opts: dict[str, str]):
        def flag(key: str, default: bool) -> bool:
            v = opts.get(key)
            return default if v is None else str(v).lower() == "true"

        self.sep = opts.get("sep") or opts.get("delimiter") or ","
        quote = opts.get("quote")
        self.quote = '"' if quote is None else (quote or "\0")
        self.escape = opts.get("escape") or "\\"
        self.null = opts.get("nullvalue") or ""
        self.empty = opts.get("emptyvalue") if opts.get("emptyvalue") is not None \
            else '""'
        self.quote_all = flag("quoteall", False)
        self.escape_quotes = flag("escapequotes", True)
        self.ltrim = flag("ignoreleadingwhitespace", True)
        self.rtrim = flag("ignoretrailingwhitespace", True)
        self.line_sep = opts.get("linesep") or "\n"

    def __call__(self, v: str | None) -> str:
        if v is None:
            v = self.null
            return self._quoted(v) if self.quote_all else v
        if self.ltrim:
            v = v.lstrip(" \t")
        if self.rtrim:
            v = v.rstrip(" \t")
        if v == "":
            return self.empty
        if self.line_sep != "\n" and "\n" in v:
            v = v.replace("\r\n", "\n").replace("\n", self.line_sep)
        if self.quote_all or self.sep in v or "\n" in v or "\r" in v or \
                (self.escape_quotes and self.quote in v):
            return self._quoted(v)
        return v

    def _quoted(self, v: str) -> str:
        q, e = self.quote, self.escape
        if e != q:
            v = v.replace(e, e + e)
        return q + v.replace(q, e + q) + q


def write_csv(table: Any, schema: T.StructType, fh: Any, options: dict[str, str]) -> None:
    """``table``'s rows (columns as ``schema``) as CSV text on the binary file ``fh``;
    ``options``: the writer's options, names lower-cased."""
    check_csv_schema(schema)
    tz = options.get("timezone") or "UTC"
    cell = _Cell(options)
    sep, end = cell.sep, cell.line_sep
    encoding = options.get("encoding") or options.get("charset") or "utf-8"
    if str(options.get("header", "false")).lower() == "true":
        fh.write((sep.join(cell(f.name) for f in schema.fields) + end).encode(encoding))
    columns = [_texts(table.column(i).combine_chunks(), f.dataType, options, tz)
               for i, f in enumerate(schema.fields)]
    out = []
    for row in zip(*columns):
        out.append(sep.join(cell(v) for v in row) + end)
        if len(out) >= 4096:
            fh.write("".join(out).encode(encoding))
            out.clear()
    if out:
        fh.write("".join(out).encode(encoding))
