"""CSV text to tokens as Spark's CSV reader tokenizes it (univocity's CsvParser with the
settings Spark's CSVOptions gives it), and the test that tells when Arrow's faster tokenizer
gives the same tokens.

Spark's rules, as univocity applies them (tests/sql/test_csv_spark_table.py records them):
* a field is quoted only when its first character is the quote (after leading whitespace
  when ``ignoreLeadingWhiteSpace`` skips it); an unquoted field is taken as it is up to the
  separator, quotes and escapes included (``a\\"b`` stays ``a\\"b``), trailing whitespace
  removed with ``ignoreTrailingWhiteSpace``, NULL when empty;
* inside quotes the escape (default ``\\``) makes the quote literal (``\\"`` is ``"``), an
  escaped escape is one escape, and an escape before any other character is kept
  (``\\n`` stays backslash-n); a quoted ``""`` is the empty string (then ``emptyValue``);
* whitespace between a closing quote and the separator is dropped;
* a quote inside a quoted value not followed by the separator, a line end or whitespace is
  an *unescaped quote*, handled as ``unescapedQuoteHandling`` says: STOP_AT_DELIMITER (the
  default) takes the raw text, opening quote included, up to the separator (``"a"b"`` is
  ``"a"b"``, and so is ``"a""b"`` while the escape is not the quote); STOP_AT_CLOSING_QUOTE
  keeps the quote and reads on to a closing quote (``a"b``); BACK_TO_DELIMITER drops it and
  splits what was read at separators; SKIP_VALUE makes the value NULL; RAISE_ERROR fails;
* a quoted value still open at the end of the input ends there (without ``multiLine`` each
  line is an input of its own, so ``"a`` is ``a`` and the next line is a new record).

``records`` yields each record's tokens (None: NULL; ``""``: a quoted empty value), its raw
text and first line number. Text has only ``\\n`` line ends by then (``multiLine`` parses
``\\r\\n`` inside quotes as ``\\n``, as univocity does). Unquoted fields and well-formed
quoted fields are cut with regular expressions; a field with anything unusual goes through
``_QuotedField``, a port of univocity's parseQuotedValue state machine.

``arrow_safe`` says whether pyarrow.csv tokenizes the file's bytes the same way: one-byte
separator and quote, no escape character inside quotes (outside them both take it as it
is), no whitespace trimming when the data has quotes, and every quote where a well-formed quoted field puts it: the 1st, 3rd, ... of a
record after a field boundary, the 2nd, 4th, ... before one (checked with numpy over the
quotes' positions, per line without ``multiLine``); otherwise ``records`` tokenizes.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql.errors import SparkRuntimeException

__all__ = ["arrow_safe", "lines_of", "records"]

_NL = "\n"
_BLANK = re.compile(r"[\x00- ]*")  # Java's String.trim() removes chars <= ' '
_SPACES = "".join(map(chr, range(33)))


def arrow_safe(data: bytes, o: Any) -> bool:
    """Whether Arrow's tokenizer reads ``data`` (comment lines removed) as Spark does."""
    import numpy as np

    if len(o.sep.encode()) != 1 or len(o.quote.encode()) != 1:
        return False
    q = o.quote.encode()
    esc = o.escape.encode() if o.escape and o.escape != o.quote else b""
    if esc and esc in data and len(esc) != 1:
        return False
    if q not in data or o.quote == "\0":  # an escape outside quotes is a plain char
        return not o.multi_line or b"\r" not in data
    if o.ltrim or o.rtrim:
        return False
    arr = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero(arr == q[0])
    bound = np.zeros(256, dtype=bool)
    bound[[o.sep.encode()[0], 10, 13]] = True
    before = np.ones(len(at), dtype=bool)
    inner = at > 0
    before[inner] = bound[arr[at[inner] - 1]]
    after = np.ones(len(at), dtype=bool)
    inner = at < len(arr) - 1
    after[inner] = bound[arr[at[inner] + 1]]
    rank = np.arange(len(at))  # the quote's place in its record: even opens, odd closes
    escapes = np.flatnonzero(arr == esc[0]) if esc and esc in data else None
    if o.multi_line:
        if len(at) % 2 or b"\r" in data:
            return False
        if escapes is not None and (np.searchsorted(at, escapes) % 2).any():
            return False  # an escape inside quotes
    else:
        nl = np.flatnonzero(arr == 10)
        line = np.searchsorted(nl, at)  # each quote's line
        first = np.searchsorted(at, nl + 1)  # each line's first quote (after the first line)
        per_line = np.diff(np.r_[0, first, len(at)])
        if (per_line % 2).any():
            return False
        rank -= np.r_[0, first][line]
        if escapes is not None:  # inside quotes: after an odd number of its line's quotes
            opened = np.searchsorted(at, escapes) - np.r_[0, first][np.searchsorted(nl, escapes)]
            if (opened % 2).any():
                return False
    return bool(np.all(np.where(rank % 2 == 0, before, after)))


def lines_of(text: str, o: Any) -> str:
    """The text with ``\\n`` line ends only (Spark's line reader splits at \\n, \\r\\n, \\r)."""
    return text.replace("\r\n", _NL).replace("\r", _NL) if "\r" in text else text


def records(text: str, o: Any) -> Any:
    """(tokens, raw text, first line number) of each record of ``text`` (``\\n`` line
    ends), blank lines skipped."""
    sep, q = o.sep, o.quote
    if o.escape and o.escape != q:
        esc, esc_esc = o.escape, o.escape
    else:
        esc, esc_esc = (q if o.escape == q else "\0"), "\0"
    s1 = re.escape(sep[0]) if len(sep) == 1 else None
    unquoted = re.compile(f"[^{s1}\n]*" if s1 else "(?:(?!" + re.escape(sep) + ")[^\n])*")
    bad = re.escape(q) + (re.escape(esc) if esc != "\0" else "") + ("" if o.multi_line else "\n")
    end = (f"(?={s1}|\n|$)" if s1 else f"(?={re.escape(sep)}|\n|$)")
    quoted = re.compile(re.escape(q) + f"([^{bad}]*)" + re.escape(q) + end)
    handling = o.unescaped_quote_handling
    pos, n, line = 0, len(text), 1
    while pos < n:
        nl = text.find(_NL, pos)
        eol = n if nl < 0 else nl
        if not o.multi_line and _BLANK.fullmatch(text, pos, eol) or pos == eol:
            pos, line = eol + 1, line + 1
            continue
        start, tokens = pos, []
        limit = n if o.multi_line else eol
        while True:
            if o.ltrim:
                while pos < limit and text[pos] <= " " and not text.startswith(sep, pos):
                    pos += 1
            if pos < limit and text[pos] == q:
                m = quoted.match(text, pos, limit)
                if m:
                    tokens.append(m.group(1))
                    pos = m.end()
                else:
                    field = _QuotedField(text, pos, limit, sep, q, esc, esc_esc, handling)
                    tokens.extend(field.parse())
                    pos = field.i
            else:
                m = unquoted.match(text, pos, limit)
                value = m.group(0)
                if o.rtrim:
                    value = value.rstrip(_SPACES)
                tokens.append(value or None)
                pos = m.end()
            if text.startswith(sep, pos) and pos < limit:
                pos += len(sep)
                continue
            break
        raw = text[start:pos]
        yield tokens, raw, line
        line += raw.count(_NL) + 1
        pos += 1  # the line end


class _EOF(Exception):
    pass


class _QuotedField:
    """univocity's parseQuotedValue over ``text[i:limit]`` (``text[i]`` the opening quote):
    ``parse()`` returns the field's values (more than one only under BACK_TO_DELIMITER) and
    leaves ``i`` at the separator or line end after it."""

    def __init__(self, text: str, i: int, limit: int, sep: str, q: str, esc: str,
                 esc_esc: str, handling: str):
        self.text, self.i, self.limit = text, i, limit
        self.sep, self.q, self.esc, self.esc_esc, self.handling = sep, q, esc, esc_esc, handling
        self.until_delim = handling in ("STOP_AT_DELIMITER", "SKIP_VALUE", "BACK_TO_DELIMITER")
        self.buf: list[str] = []
        self.done: list[str | None] = []  # values split off by BACK_TO_DELIMITER
        self.ch = q
        self.prev = "\0"
        self.unescaped = False

    def parse(self) -> list[str | None]:
        try:
            self._quoted_value()
        except _EOF:
            self.i = self.limit
            if self.ch == self.q and self.prev != self.q and not self.unescaped:
                self.buf.append(self.q)
        value = "".join(self.buf)
        if self.unescaped and self.handling == "BACK_TO_DELIMITER" and not value:
            return self.done
        return self.done + [value or None]

    # -- input -------------------------------------------------------------------------------
    def _next(self) -> str:
        self.i += 1
        if self.i >= self.limit:
            raise _EOF
        return self.text[self.i]

    def _is_delim(self, c: str) -> bool:
        return c == self.sep[0] and self.text.startswith(self.sep, self.i)

    def _append_until(self, *stops: str) -> None:
        while self.ch not in stops:
            self.buf.append(self.ch)
            self.ch = self._next()

    def _append_until_delimiter(self) -> None:
        while self.ch != _NL and not self._is_delim(self.ch):
            self.buf.append(self.ch)
            self.ch = self._next()

    # -- univocity's CsvParser ---------------------------------------------------------------
    def _quoted_value(self) -> None:
        q, esc = self.q, self.esc
        if self.prev != "\0" and self.until_delim:
            if self.handling == "SKIP_VALUE":
                self._skip_value()
                return
            self.buf.insert(0, q)
            self.ch = self._next()
            self._append_until_delimiter()
            return
        self.ch = self._next()
        while True:
            if self.prev == q and ("\0" < self.ch <= " " or self._is_delim(self.ch)):
                break
            if self.ch != q and self.ch != esc:
                if self.prev == q:  # an unescaped quote
                    if self._unescaped_quote() and self.handling == "SKIP_VALUE":
                        break
                    return
                if self.prev == esc and esc != "\0":
                    self.buf.append(esc)
                self._append_until(q, esc, self.esc_esc)
                self.prev = self.ch
                self.ch = self._next()
            else:
                self._quote_escape()
                self.prev = self.ch
                self.ch = self._next()
                if self.unescaped and (self.ch == _NL or self._is_delim(self.ch)):
                    return
        # whitespace after the closing quote: dropped before a separator
        if self.ch != _NL and not self._is_delim(self.ch) and "\0" < self.ch <= " ":
            spaces = []
            while "\0" < self.ch <= " ":
                spaces.append(self.ch)
                self.ch = self._next()
                if self.ch == _NL:
                    return
            if not self._is_delim(self.ch) and self.handling != "RAISE_ERROR":
                self.buf.append(q)
                self.buf.extend(spaces)
                if self.until_delim or (self.ch != q and self.ch != esc):
                    self.buf.append(self.ch)
                self.prev = self.ch
                self._quoted_value()
        if self.ch != _NL and not self._is_delim(self.ch):
            raise _parse_error(f"Unexpected character '{self.ch}' following quoted value of "
                               f"CSV field. Expecting '{self.sep}'. Cannot parse CSV input.")

    def _quote_escape(self) -> None:
        q, esc, esc_esc = self.q, self.esc, self.esc_esc
        if self.ch == esc and self.prev == esc_esc and esc_esc != "\0":
            self.buf.append(esc)
            self.ch = "\0"
        elif self.prev == esc:
            if self.ch == q:
                self.buf.append(q)
                self.ch = "\0"
            else:
                self.buf.append(self.prev)
        elif self.ch == q and self.prev == q:
            self.buf.append(q)
        elif self.prev == q:
            self._unescaped_quote_in_value()

    def _unescaped_quote_in_value(self) -> None:
        if self.handling in ("BACK_TO_DELIMITER", "STOP_AT_CLOSING_QUOTE",
                             "STOP_AT_DELIMITER"):
            self.buf.append(self.q)
            self.prev = self.ch
            self._value_processing_escape()
        else:
            self._value_skipping(False)

    def _value_processing_escape(self) -> None:
        while self.ch != _NL and not self._is_delim(self.ch):
            if self.ch != self.q and self.ch != self.esc:
                if self.prev == self.q:
                    self._unescaped_quote_in_value()
                    return
                self.buf.append(self.ch)
            else:
                self._quote_escape()
            self.prev = self.ch
            self.ch = self._next()

    def _unescaped_quote(self) -> bool:
        self.unescaped = True
        if self.handling == "BACK_TO_DELIMITER":
            parts = re.split("\n|" + re.escape(self.sep), "".join(self.buf))
            self.done.extend(p or None for p in parts[:-1])
            self.buf = [parts[-1], self.ch]
            self.prev = "\0"
            self._quoted_value()
            return True
        if self.handling in ("STOP_AT_CLOSING_QUOTE", "STOP_AT_DELIMITER"):
            self.buf.extend((self.q, self.ch))
            self.prev = self.ch
            self._quoted_value()
            return True
        self._value_skipping(True)
        return False

    def _value_skipping(self, quoted: bool) -> None:
        if self.handling == "SKIP_VALUE":
            self._skip_value()
        elif self.handling == "RAISE_ERROR":
            raise _parse_error(
                f"Unescaped quote character '{self.q}' inside {'quoted' if quoted else ''} "
                "value of CSV field. To allow unescaped quotes, set 'parseUnescapedQuotes' to "
                "'true' in the CSV parser settings. Cannot parse CSV input.")

    def _skip_value(self) -> None:
        self.buf = []
        while self.ch != _NL and not self._is_delim(self.ch):
            self.ch = self._next()


def _parse_error(detail: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file. SQLSTATE: KD001\n"
        f"Caused by: TextParsingException: {detail}", errorClass="FAILED_READ_FILE.NO_HINT")
