"""``DataFrame.show()`` text, byte for byte as Spark's ``Dataset.showString``.

* cells: Spark's pretty strings (values.py, every NULL as ``NULL``), with control characters
  escaped (``\\n`` as two characters); with ``truncate`` > 0 a longer cell keeps its first
  ``truncate - 3`` characters plus ``...`` (first ``truncate`` characters when it is < 4);
* widths: at least 3; East Asian wide and full-width characters count as two columns;
* horizontal: ``+---+`` rules, cells right-aligned when truncating, left-aligned with
  ``truncate=False``;
* vertical: ``-RECORD i`` headers padded with ``-`` to the width of name + value + 5, then
  `` name | value `` lines, both left-aligned;
* footer: ``only showing top N rows`` (``row`` for 1) when more rows exist, ``(0 rows)`` for
  an empty vertical table. The text ends with a newline except after a footer (PySpark prints
  it with print(), which adds one: a table is followed by an empty line, a footer is not).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from runtime.sql import types as T
from runtime.sql.formatting.values import format_value

__all__ = ["show_string", "string_half_width"]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\b": "\\b",
            "\u000b": "\\v", "\u0007": "\\a"}


def string_half_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def _escape(s: str) -> str:
    if any(ch in s for ch in _ESCAPES):
        return "".join(_ESCAPES.get(ch, ch) for ch in s)
    return s


def _cell(v: Any, dtype: T.DataType, truncate: int, tz: str | None = None) -> str:
    s = _escape(format_value(v, dtype, pretty=True, tz=tz))
    if truncate > 0 and len(s) > truncate:
        s = s[:truncate] if truncate < 4 else s[: truncate - 3] + "..."
    return s


def _pad_left(s: str, width: int) -> str:
    return " " * (width - string_half_width(s)) + s


def _pad_right(s: str, width: int, fill: str = " ") -> str:
    return s + fill * (width - string_half_width(s))


def show_string(schema: T.StructType, rows: list, num_rows: int, truncate: int,
                vertical: bool, tz: str | None = None) -> str:
    """``rows`` holds up to num_rows + 1 rows (the extra one says more exist); timestamps
    show in zone ``tz`` (the session time zone)."""
    has_more = len(rows) > num_rows
    data = rows[:num_rows]
    names = [_escape(n) for n in schema.names]  # headers are never truncated
    cells = [[_cell(v, f.dataType, truncate, tz) for v, f in zip(r, schema.fields)]
             for r in data]
    rows_word = "row" if num_rows == 1 else "rows"
    out: list[str] = []
    if not vertical:
        widths = [3] * len(names)
        for row in [names] + cells:
            for i, c in enumerate(row):
                widths[i] = max(widths[i], string_half_width(c))
        sep = "+" + "+".join("-" * w for w in widths) + "+\n"
        pad = _pad_left if truncate > 0 else _pad_right

        def line(row: list[str]) -> str:
            return "|" + "|".join(pad(c, w) for c, w in zip(row, widths)) + "|\n"

        out.append(sep)
        out.append(line(names))
        out.append(sep)
        out.extend(line(r) for r in cells)
        out.append(sep)
        if has_more:
            out.append(f"only showing top {num_rows} {rows_word}")
        return "".join(out)
    name_w = max([3] + [string_half_width(n) for n in names])
    data_w = max([3] + [string_half_width(c) for r in cells for c in r])
    for i, row in enumerate(cells):
        out.append(_pad_right(f"-RECORD {i}", name_w + data_w + 5, "-") + "\n")
        for n, c in zip(names, row):
            out.append(f" {_pad_right(n, name_w)} | {_pad_right(c, data_w)} \n")
    if not cells:
        out.append("(0 rows)")
    elif has_more:
        out.append(f"only showing top {num_rows} {rows_word}")
    return "".join(out)
