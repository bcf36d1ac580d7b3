"""CSV files read as Spark's CSV source reads them (CSVOptions over univocity's parser).

Tokenizing. Two tokenizers give the same result: one string column per schema column, where
an unquoted empty field is NULL and a quoted one is ``""`` (so ``emptyValue`` can tell them
apart). Spark's rules (univocity's) are in csv_tokens.py, whose ``records`` follows them in
Python and keeps each record's raw text and first line number. The fast one is Arrow's
(pyarrow.csv) over the file's bytes, lines starting with ``comment`` removed first, used
when ``arrow_safe`` finds nothing in the bytes it would read differently (escapes, quotes
not around whole fields, trimming around quotes). Arrow cannot keep a row with too few or
too many fields (it can only skip it) and does not say which text a row came from, so a
file is tokenized by ``records`` when it has such a row and the mode keeps it or reports it
(PERMISSIVE, FAILFAST), when the schema holds the corrupt-record column, and to find the
line of a FAILFAST error. Without ``multiLine`` a record ends at the end of its line even
inside quotes (``1,"a`` is ``1`` and ``a``), as in Spark.

Tokens to values (``convert``) use Spark's per-type parsers, not SQL casts: integers as
Java's Integer.parseInt (digits with a sign; no spaces, no fraction), doubles and floats as
Double.parseDouble plus ``nanValue`` (NaN), ``positiveInf`` (Inf) and ``negativeInf`` (-Inf),
booleans ``true``/``false`` in any case, dates and timestamps with ``dateFormat`` /
``timestampFormat`` when given (else Spark's cast rules), the other types by cast. Before
that, ``ignoreLeadingWhiteSpace``/``ignoreTrailingWhiteSpace`` trim each unquoted token (a
token trimmed to nothing is NULL), a quoted ``""`` becomes ``emptyValue`` (default ``""``) and a
token equal to ``nullValue`` (default ``""``) is NULL.

A row is malformed when a token of a column the query reads does not parse, or when the
query reads every column and the row's token count differs from the schema's (Spark's CSV
column pruning: unread columns are not parsed, so ``count()`` counts every record).
PERMISSIVE keeps it (missing fields NULL, extra fields dropped, an unparsable value NULL)
and puts its text in the corrupt-record column (``columnNameOfCorruptRecord``, default
``_corrupt_record``) when the schema holds one; DROPMALFORMED drops it; FAILFAST raises
``[MALFORMED_RECORD_IN_PARSING]`` naming the record as Spark renders it (``[4,5,null]``), the
file and the line.

Header: the first record that is neither blank nor a comment; names as Spark's
CSVUtils.makeSafeHeader: an empty name (or the nullValue) is ``_c<i>``, a duplicated name
(case-insensitively) gets its index appended (``a0``, ``a1``). Inference (``inferSchema``)
gives each column the narrowest type every value parses as with the parsers above: int,
bigint, double, boolean, date (``dateFormat``, default yyyy-MM-dd), timestamp
(``timestampFormat`` or Spark's timestamp forms), else string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.datetime_patterns import DAY_US, from_local, parse_local
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.io.csv_tokens import arrow_safe, lines_of, records

__all__ = ["CsvOptions", "csv_options", "header_names", "infer_types", "parse_with_pattern",
           "read_csv"]

_HEAD_BYTES = 1 << 20


@dataclass(frozen=True)
class CsvOptions:
    sep: str = ","
    quote: str = '"'
    escape: str = "\\"
    comment: str = ""
    header: bool = False
    null_value: str = ""
    empty_value: str = ""
    nan_value: str = "NaN"
    pos_inf: str = "Inf"
    neg_inf: str = "-Inf"
    ltrim: bool = False
    rtrim: bool = False
    multi_line: bool = False
    encoding: str = "utf8"
    mode: str = "PERMISSIVE"
    corrupt: str = "_corrupt_record"
    date_format: str | None = None
    timestamp_format: str | None = None
    unescaped_quote_handling: str = "STOP_AT_DELIMITER"


def csv_options(options: dict[str, str]) -> CsvOptions:
    """The reader's options (names case-insensitive, values strings) as CsvOptions."""
    low = {k.lower(): v for k, v in options.items() if v is not None}

    def get(default: str, *keys: str) -> str:
        for k in keys:
            if k.lower() in low:
                return low[k.lower()]
        return default

    def flag(key: str) -> bool:
        return get("false", key).lower() == "true"

    quote = get('"', "quote")
    return CsvOptions(
        sep=get(",", "sep", "delimiter") or ",", quote="\0" if quote == "" else quote,
        escape=get("\\", "escape"), comment=get("", "comment"), header=flag("header"),
        null_value=get("", "nullValue"), empty_value=get("", "emptyValue"),
        nan_value=get("NaN", "nanValue"), pos_inf=get("Inf", "positiveInf"),
        neg_inf=get("-Inf", "negativeInf"), ltrim=flag("ignoreLeadingWhiteSpace"),
        rtrim=flag("ignoreTrailingWhiteSpace"), multi_line=flag("multiLine"),
        encoding=get("utf8", "encoding", "charset") or "utf8",
        mode=(get("PERMISSIVE", "mode") or "PERMISSIVE").upper(),
        corrupt=get("_corrupt_record", "columnNameOfCorruptRecord"),
        date_format=get("", "dateFormat") or None,
        timestamp_format=get("", "timestampFormat") or None,
        unescaped_quote_handling=get("STOP_AT_DELIMITER", "unescapedQuoteHandling").upper())


# -- the file's text ------------------------------------------------------------------------------
def _bytes(path: str, o: CsvOptions, limit: int | None = None) -> bytes:
    """The file's bytes (decompressed by its extension), comment lines removed."""
    import pyarrow as pa

    with pa.input_stream(path, compression="detect") as fh:
        data = fh.read() if limit is None else fh.read(limit)
    if o.comment:
        mark = o.comment.encode()
        lines = data.split(b"\n")
        data = b"\n".join(line for line in lines if not line.startswith(mark))
    return data


def _text(data: bytes, o: CsvOptions) -> str:
    enc = o.encoding.lower().replace("-", "")
    return lines_of(data.decode("utf-8" if enc == "utf8" else o.encoding, errors="replace"), o)


def header_names(path: str, options: dict[str, str], case_sensitive: bool = False
                 ) -> list[str]:
    """The file's column names: the header's (made safe as Spark's) or ``_c0, _c1, ...``."""
    o = csv_options(options)
    data = _bytes(path, o, _HEAD_BYTES)
    first = next(iter(records(_text(data, o), o)), None)
    if first is None:
        return []
    tokens = first[0]
    if not o.header:
        return [f"_c{i}" for i in range(len(tokens))]
    names = [_trim(t, o) for t in tokens]
    keys = [n if case_sensitive else n.lower() for n in names if n]
    dup = {k for k in keys if keys.count(k) > 1}
    out = []
    for i, name in enumerate(names):
        if not name or name == o.null_value:
            out.append(f"_c{i}")
        elif (name if case_sensitive else name.lower()) in dup:
            out.append(f"{name}{i}")
        else:
            out.append(name)
    return out


def _trim(t: str | None, o: CsvOptions) -> str:
    t = t or ""
    if o.ltrim:
        t = t.lstrip(" \t")
    if o.rtrim:
        t = t.rstrip(" \t")
    return t


# -- tokens of a whole file -----------------------------------------------------------------------
@dataclass
class Tokens:
    columns: list  # one Arrow string array per wanted column
    n_rows: int
    ragged: Any = None  # numpy bool mask: rows with too few or too many fields
    raw: list | None = None  # each row's text (Python tokenizer only)
    lines: list | None = None  # each row's first line number (Python tokenizer only)
    trimmed: bool = True  # ignoreLeading/TrailingWhiteSpace applied (Python tokenizer)


def _arrow_tokens(data: bytes, o: CsvOptions, n: int, want: list[int]) -> tuple[Any, int]:
    """Arrow's tokens (the wanted columns) and the number of rows it had to skip."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(n)]
    skipped = [0]

    def invalid(row: Any) -> str:
        skipped[0] += 1
        return "skip"

    read = pcsv.ReadOptions(column_names=names, skip_rows=1 if o.header else 0,
                            encoding=o.encoding, block_size=1 << 24)
    parse = pcsv.ParseOptions(delimiter=o.sep, quote_char=False if o.quote == "\0" else o.quote,
                              escape_char=False,
                              double_quote=True, newlines_in_values=o.multi_line,
                              invalid_row_handler=invalid)
    include = [names[i] for i in want] or names[:1]
    convert = pcsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                  null_values=[""], strings_can_be_null=True,
                                  quoted_strings_can_be_null=False, include_columns=include)
    table = pcsv.read_csv(pa.BufferReader(data), read_options=read, parse_options=parse,
                          convert_options=convert)
    return table, skipped[0]


def _python_tokens(data: bytes, o: CsvOptions, n: int, want: list[int]) -> Tokens:
    import numpy as np
    import pyarrow as pa

    recs = records(_text(data, o), o)
    if o.header:
        next(recs, None)
    cols: list[list] = [[] for _ in want]
    raw, lines, ragged = [], [], []
    for tokens, text, line in recs:
        k = len(tokens)
        ragged.append(k != n)
        for j, i in enumerate(want):
            cols[j].append(tokens[i] if i < k else None)
        raw.append(text)
        lines.append(line)
    return Tokens([pa.array(c, pa.string()) for c in cols], len(raw),
                  np.array(ragged, dtype=bool), raw, lines)


def _tokens(path: str, o: CsvOptions, n: int, want: list[int], need_text: bool) -> Tokens:
    data = _bytes(path, o)
    if not need_text and arrow_safe(data, o):
        table, skipped = _arrow_tokens(data, o, n, want)
        if not skipped or (o.mode == "DROPMALFORMED" and len(want) == n):
            cols = [table.column(j).combine_chunks() for j in range(len(want))]
            return Tokens(cols, table.num_rows, trimmed=False)
    return _python_tokens(data, o, n, want)


# -- tokens to values ---------------------------------------------------------------------------
_INT = r"^[+-]?[0-9]+$"
_DOUBLE = r"^\s*[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[fFdD]?\s*$"
_INT_RANGE = {T.ByteType: 7, T.ShortType: 15, T.IntegerType: 31, T.LongType: 63}


def _clean(x: Any, o: CsvOptions, trim: bool = True) -> Any:
    """Trimming (Arrow's tokens), emptyValue and nullValue applied to a column of tokens."""
    import pyarrow as pa
    import pyarrow.compute as pc

    null = pa.scalar(None, pa.string())
    if trim and (o.ltrim or o.rtrim):
        trim = pc.utf8_trim if o.ltrim and o.rtrim else \
            pc.utf8_ltrim if o.ltrim else pc.utf8_rtrim
        t = trim(x, characters=" \t")
        gone = pc.and_(pc.equal(t, ""), pc.not_equal(x, ""))
        x = pc.if_else(gone, null, t)
    if o.empty_value != "":
        x = pc.if_else(pc.equal(x, ""), pa.scalar(o.empty_value, pa.string()), x)
    return pc.if_else(pc.equal(x, o.null_value), null, x)


def _valid_only(x: Any, ok: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return x if pc.all(ok).as_py() is not False else \
        pc.if_else(ok, x, pa.scalar(None, pa.string()))


def _parse_int(x: Any, dtype: T.DataType) -> Any:
    # validated by a regular expression first: a failing Arrow cast costs seconds per
    # million values
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = _valid_only(x, pc.match_substring_regex(x, _INT))
    if pc.any(pc.starts_with(digits, "+")).as_py():
        digits = pc.replace_substring_regex(digits, r"^\+", "")
    if pc.any(pc.greater(pc.utf8_length(digits), 18)).as_py():  # may pass 64 bits
        vals = pa.array([_int_or_none(v) for v in digits.to_pylist()], pa.int64())
    else:
        vals = pc.cast(digits, pa.int64())
    bits = _INT_RANGE[type(dtype)]
    if bits < 63:
        inside = pc.and_(pc.greater_equal(vals, -(1 << bits)), pc.less(vals, 1 << bits))
        vals = pc.if_else(inside, vals, pa.scalar(None, pa.int64()))
    return vals.cast(to_arrow(dtype))


def _int_or_none(v: str | None) -> int | None:
    if v is None:
        return None
    i = int(v)
    return i if -(1 << 63) <= i < (1 << 63) else None


def _parse_double(x: Any, dtype: T.DataType, o: CsvOptions) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _valid_only(x, pc.match_substring_regex(x, _DOUBLE))
    if pc.any(pc.match_substring_regex(text, r"[fFdD\s]")).as_py():
        text = pc.replace_substring_regex(pc.utf8_trim_whitespace(text), "[fFdD]$", "")
    vals = pc.cast(text, pa.float64())
    for token, value in ((o.nan_value, float("nan")), (o.pos_inf, float("inf")),
                         (o.neg_inf, float("-inf"))):
        vals = pc.if_else(pc.equal(x, token), pa.scalar(value, pa.float64()), vals)
    return vals.cast(to_arrow(dtype))


def _parse_bool(x: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    low = pc.utf8_lower(x)
    return pc.if_else(pc.equal(low, "true"), True,
                      pc.if_else(pc.equal(low, "false"), False, pa.scalar(None, pa.bool_())))


def parse_with_pattern(x: Any, dtype: T.DataType, pattern: str, tz: str) -> Any:
    """Strings parsed with a Java pattern (dateFormat/timestampFormat) as ``dtype``; NULL
    where they do not match."""
    import numpy as np
    import pyarrow as pa

    micros, ok = parse_local(x, pattern)
    valid = ok & x.is_valid().to_numpy(zero_copy_only=False)
    if isinstance(dtype, T.DateType):
        days = (micros // DAY_US).astype(np.int32)
        return pa.array(days, pa.int32(), mask=~valid).cast(pa.date32())
    naive = pa.array(micros, pa.timestamp("us"), mask=~valid)
    if isinstance(dtype, T.TimestampNTZType):
        return naive
    return from_local(naive, tz).cast(to_arrow(dtype))


def parse_column(x: Any, dtype: T.DataType, o: CsvOptions, ectx: EvalContext) -> Any:
    """A column of cleaned tokens as ``dtype``: NULL where a token does not parse."""
    if isinstance(dtype, T.StringType):
        return x
    if type(dtype) in _INT_RANGE:
        return _parse_int(x, dtype)
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return _parse_double(x, dtype, o)
    if isinstance(dtype, T.BooleanType):
        return _parse_bool(x)
    if isinstance(dtype, T.DateType) and o.date_format:
        return parse_with_pattern(x, dtype, o.date_format, ectx.time_zone)
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)) and o.timestamp_format:
        return parse_with_pattern(x, dtype, o.timestamp_format, ectx.time_zone)
    return cast_array(x, T.StringType(), dtype, False, ectx)


def _render(values: list) -> str:
    return "[" + ",".join("null" if v is None else str(v) for v in values) + "]"


def _failfast(path: str, record: str, line: int | None) -> SparkRuntimeException:
    where = f"file:{path}" + (f", line {line}" if line is not None else "")
    return SparkRuntimeException(
        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
        f"record parsing: {record}.\nParse Mode: FAILFAST. To process malformed records as "
        "null result, try setting the option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023\n"
        f"Encountered error while reading {where}.",
        errorClass="MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        messageParameters={"badRecord": record, "failFastMode": "FAILFAST"})


def read_csv(path: str, options: dict[str, str], fields: list[T.StructField],
             wanted: list[str], ectx: EvalContext) -> Any:
    """The file as an Arrow table of the ``wanted`` columns of ``fields`` (the file's
    columns, in order; a field named as the corrupt-record column is not one of them),
    with the read mode's rules."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    o = csv_options(options)
    data_fields = [f for f in fields if f.name != o.corrupt]
    n = len(data_fields)
    want_corrupt = o.corrupt in wanted and o.mode == "PERMISSIVE" and \
        any(f.name == o.corrupt for f in fields)
    want = [i for i, f in enumerate(data_fields) if f.name in wanted]
    tok = _tokens(path, o, n, want, want_corrupt)
    # a row's field count is checked only when every column is read (Spark's CSV column
    # pruning hands the parser the read columns alone)
    values, bad = [], tok.ragged if len(want) == n else None
    for j, i in enumerate(want):
        x = _clean(tok.columns[j], o, not tok.trimmed)
        out = parse_column(x, data_fields[i].dataType, o, ectx)
        failed = pc.and_(pc.is_valid(x), pc.is_null(out)).to_numpy(zero_copy_only=False)
        bad = failed if bad is None else (bad | failed)
        values.append(out)
    if bad is not None and bad.any():
        if o.mode == "FAILFAST":
            row = int(np.argmax(bad))
            if tok.lines is None:  # Arrow's tokens: the Python tokenizer finds the line
                tok = _python_tokens(_bytes(path, o), o, n, [])
            line = tok.lines[row] if tok.lines and row < len(tok.lines) else None
            shown = [values[want.index(i)][row].as_py() if i in want else None
                     for i in range(n)]
            raise _failfast(path, _render(shown), line)
    columns = {data_fields[i].name: v for i, v in zip(want, values)}
    if want_corrupt:
        mask = bad if bad is not None else np.zeros(tok.n_rows, dtype=bool)
        columns[o.corrupt] = pa.array([t if m else None for t, m in zip(tok.raw, mask)],
                                      pa.string())
    names = [f.name for f in fields if f.name in columns]
    table = pa.table({k: columns[k] for k in names}) if names else \
        pa.table({"_": pa.nulls(tok.n_rows)}).select([])
    if bad is not None and bad.any() and o.mode == "DROPMALFORMED":
        table = table.filter(pa.array(~bad))
    return table


# -- inference ----------------------------------------------------------------------------------
def infer_types(files: list[str], options: dict[str, str], names: list[str]
                ) -> list[T.DataType]:
    """Each column's type over every file (inferSchema)."""
    import pyarrow as pa

    o = csv_options(options)
    n = len(names)
    per_file = [_tokens(f, o, n, list(range(n)), False) for f in files]
    types = []
    for i in range(n):
        chunks = [_clean(t.columns[i], o, not t.trimmed) for t in per_file]
        col = pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())
        types.append(_infer(col, o))
    return types


def _infer(x: Any, o: CsvOptions) -> T.DataType:
    import pyarrow.compute as pc

    values = pc.drop_null(x)
    if len(values) == 0:
        return T.StringType()
    ectx = EvalContext(False, "UTC")
    longs = _parse_int(values, T.LongType())
    if longs.null_count == 0:
        lo, hi = pc.min(longs).as_py(), pc.max(longs).as_py()
        return T.IntegerType() if -2**31 <= lo and hi < 2**31 else T.LongType()
    for dtype in (T.DoubleType(), T.BooleanType(), T.DateType(), T.TimestampType()):
        if isinstance(dtype, T.DateType) and not o.date_format and \
                not pc.all(pc.match_substring_regex(values, r"^\d{4}-\d{2}-\d{2}$")).as_py():
            continue
        if isinstance(dtype, T.TimestampType) and not o.timestamp_format and not pc.all(
                pc.match_substring_regex(values, r"^\d{4}-\d{1,2}-\d{1,2}[T ]")).as_py():
            continue
        try:
            out = parse_column(values, dtype, o, ectx)
        except Exception:  # noqa: BLE001 - a value the kernel refuses: not this type
            continue
        if out.null_count == 0:
            return dtype
    return T.StringType()
