"""Java datetime patterns and calendar arithmetic on whole columns.

Spark formats and parses dates with ``java.time.format.DateTimeFormatter`` patterns
(``yyyy-MM-dd HH:mm:ss.SSS``, ``EEE, d MMM yyyy``, ``'T'`` quoted text), not strftime. This
module is the engine's implementation of that pattern language over Arrow columns:

* ``tokenize(pattern)`` splits a pattern into letter runs (``yyyy``, ``MM``, ``SSS``) and
  literal text (quoted with ``'``, ``''`` for a quote itself); an unknown or unsupported
  letter is ``[INVALID_DATETIME_PATTERN]`` as in Spark;
* ``format_local(micros, valid, pattern)`` renders wall-clock times (int64 microseconds of
  local time since 1970-01-01, a numpy array) field by field: each token becomes one Arrow
  string column (numbers zero-padded with ``utf8_lpad``, names taken from small tables)
  and the columns are joined element-wise, so no Python runs per row;
* ``parse_local(strings, pattern)`` parses to wall-clock microseconds: patterns made of
  numeric fields and literals are turned into a regular expression once and the column is
  parsed with Arrow's ``extract_regex`` (vectorized); a NULL result marks an unparsable row.

Calendar helpers work on numpy int64 arrays of days since the epoch (proleptic Gregorian,
as Spark 3+): ``civil(days)`` gives year, month, day; ``days_of(y, m, d)`` goes back.
Timestamps enter as instants (Arrow ``timestamp[us, UTC]``) and are converted to wall-clock
time in the session time zone with ``to_local``; ``from_local`` converts back, moving a
wall-clock time in a DST gap forward by the gap's length (java.time's rule).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql.errors import SparkRuntimeException

__all__ = ["DAY_US", "civil", "days_of", "format_local", "from_local", "parse_local",
           "to_local", "tokenize"]

DAY_US = 86_400_000_000
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_LETTERS = set("GyuMLdDQqEeacHhKkmsSnAVzOXxZw")
_SUPPORTED = set("yuMLdDQqEecaHhKkmsSVzOXxZ")


def invalid_pattern(pattern: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[INVALID_DATETIME_PATTERN.WITH_SUGGESTION] Unrecognized datetime pattern: "
        f"'{pattern}'. You can form a valid datetime pattern with the guide from "
        "'https://spark.apache.org/docs/latest/sql-ref-datetime-pattern.html'. SQLSTATE: 22007",
        errorClass="INVALID_DATETIME_PATTERN.WITH_SUGGESTION",
        messageParameters={"pattern": f"'{pattern}'"})


def tokenize(pattern: str) -> list[tuple[str, str]]:
    """``[("y", "yyyy"), ("lit", "-"), ...]``."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            j = i + 1
            text = []
            while j < n:
                if pattern[j] == "'":
                    if j + 1 < n and pattern[j + 1] == "'":
                        text.append("'")
                        j += 2
                        continue
                    break
                text.append(pattern[j])
                j += 1
            out.append(("lit", "".join(text) if j > i + 1 else "'"))
            i = j + 1
            continue
        if ch.isalpha():
            j = i
            while j < n and pattern[j] == ch:
                j += 1
            if ch not in _LETTERS or ch not in _SUPPORTED:
                raise invalid_pattern(pattern)
            out.append((ch, pattern[i:j]))
            i = j
            continue
        out.append(("lit", ch))
        i += 1
    return out


# -- calendar ---------------------------------------------------------------------------------------
def civil(days: Any) -> tuple[Any, Any, Any]:
    """Year, month (1-12), day (1-31) of numpy int64 days since 1970-01-01."""
    import numpy as np

    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    y = years.astype(np.int64) + 1970
    m = (months.astype(np.int64) - years.astype("datetime64[M]").astype(np.int64)) + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def days_of(y: Any, m: Any, d: Any) -> Any:
    """Days since the epoch of (year, month, day); month may be out of 1-12 (it carries)."""
    import numpy as np

    months = (np.asarray(y, np.int64) - 1970) * 12 + (np.asarray(m, np.int64) - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.asarray(d, np.int64) - 1


def month_length(y: Any, m: Any) -> Any:
    return days_of(y, m + 1, 1) - days_of(y, m, 1)


def to_local(arr: Any, tz: str) -> Any:
    """An Arrow timestamp (instant) as naive wall-clock ``timestamp[us]`` in ``tz``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if arr.type.tz is None:
        return arr.cast(pa.timestamp("us"))
    return pc.local_timestamp(arr.cast(pa.timestamp("us", tz=tz)))


def from_local(naive: Any, tz: str) -> Any:
    """Naive wall-clock ``timestamp[us]`` in ``tz`` as instants (``timestamp[us, UTC]``).

    An ambiguous time takes the earlier offset; a time in a gap keeps the offset before the
    gap (so 02:30 on a spring-forward night becomes 03:30), as java.time does."""
    import pyarrow as pa
    import pyarrow.compute as pc

    naive = naive.cast(pa.timestamp("us"))
    earliest = pc.assume_timezone(naive, tz, ambiguous="earliest", nonexistent="earliest")
    offset = pc.subtract(pc.local_timestamp(earliest).cast(pa.int64()),
                         earliest.cast(pa.timestamp("us")).cast(pa.int64()))
    utc = pc.subtract(naive.cast(pa.int64()), offset)
    return utc.cast(pa.timestamp("us", tz="UTC"))


# -- formatting -------------------------------------------------------------------------------------
def _num(values: Any, width: int) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pa.array(values).cast(pa.string())
    return pc.utf8_lpad(s, width=width, padding="0") if width > 1 else s


def format_local(micros: Any, valid: Any, pattern: str, tz: str = "UTC") -> Any:
    """Spark's date_format of wall-clock microseconds (numpy int64) with a Java pattern."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    tokens = tokenize(pattern)
    n = len(micros)
    days = np.floor_divide(micros, DAY_US)
    tod = micros - days * DAY_US
    y, m, d = civil(days)
    dow = (days + 3) % 7  # 0 = Monday
    parts = []
    for kind, tok in tokens:
        w = len(tok)
        if kind == "lit":
            parts.append(pa.repeat(pa.scalar(tok), n))
        elif kind in "yu":
            parts.append(_num(y % 100, 2) if w == 2 else _num(y, w))
        elif kind in "ML":
            if w >= 4:
                parts.append(pa.array(_MONTHS).take(pa.array(m - 1)))
            elif w == 3:
                parts.append(pa.array([x[:3] for x in _MONTHS]).take(pa.array(m - 1)))
            else:
                parts.append(_num(m, w))
        elif kind == "d":
            parts.append(_num(d, w))
        elif kind == "D":
            parts.append(_num(days - days_of(y, 1, 1) + 1, w))
        elif kind in "Qq":
            q = (m - 1) // 3 + 1
            if w == 3:
                parts.append(pa.array(["Q1", "Q2", "Q3", "Q4"]).take(pa.array(q - 1)))
            elif w >= 4:
                parts.append(pa.array(["1st quarter", "2nd quarter", "3rd quarter",
                                       "4th quarter"]).take(pa.array(q - 1)))
            else:
                parts.append(_num(q, w))
        elif kind in "Eec":
            if kind in "ec" and w <= 2:
                parts.append(_num((dow + 1) % 7 + 1, w))
            elif w >= 4:
                parts.append(pa.array(_DAYS).take(pa.array(dow)))
            else:
                parts.append(pa.array([x[:3] for x in _DAYS]).take(pa.array(dow)))
        elif kind == "a":
            parts.append(pa.array(np.where(tod < DAY_US // 2, "AM", "PM")))
        elif kind in "HkKh":
            hour = tod // 3_600_000_000
            if kind == "k":
                hour = np.where(hour == 0, 24, hour)
            elif kind == "K":
                hour = hour % 12
            elif kind == "h":
                hour = np.where(hour % 12 == 0, 12, hour % 12)
            parts.append(_num(hour, w))
        elif kind == "m":
            parts.append(_num(tod // 60_000_000 % 60, w))
        elif kind == "s":
            parts.append(_num(tod // 1_000_000 % 60, w))
        elif kind == "S":
            frac = _num(tod % 1_000_000, 6)
            parts.append(pc.utf8_slice_codeunits(frac, 0, min(w, 6)) if w <= 6 else
                         pc.binary_join_element_wise(frac, pa.repeat(pa.scalar("0" * (w - 6)),
                                                                     n), ""))
        elif kind in "VzOXxZ":
            parts.append(pa.repeat(pa.scalar(_zone_text(kind, w, tz, micros)), n))
    if not parts:
        out = pa.repeat(pa.scalar(""), n)
    else:
        out = pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def _zone_text(kind: str, width: int, tz: str, micros: Any) -> str:
    """The zone's name or offset (the offset of the zone now: one value per column)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if kind == "V":
        return tz
    zone = dt.timezone.utc if tz in ("UTC", "Z") else ZoneInfo(tz)
    off = dt.datetime.now(zone).utcoffset() or dt.timedelta(0)
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hh, mm = divmod(abs(total), 60)
    if kind == "z":
        return dt.datetime.now(zone).tzname() or tz
    if kind in "XO" and total == 0:
        return "Z" if kind == "X" else "GMT"
    if kind == "O":
        return f"GMT{sign}{hh}" + (f":{mm:02d}" if mm else "")
    if width == 1:
        return f"{sign}{hh:02d}" + (f"{mm:02d}" if mm else "")
    return f"{sign}{hh:02d}:{mm:02d}" if width >= 3 and kind != "Z" else f"{sign}{hh:02d}{mm:02d}"


# -- parsing ----------------------------------------------------------------------------------------
_NUMERIC = {"y": "year", "u": "year", "M": "month", "L": "month", "d": "day", "D": "doy",
            "H": "hour", "k": "hour", "h": "hour12", "K": "hour12", "m": "minute",
            "s": "second", "S": "fraction"}


def _regex(tokens: list[tuple[str, str]]) -> str:
    out = []
    used: set[str] = set()
    for kind, tok in tokens:
        if kind == "lit":
            out.append(re.escape(tok))
            continue
        name = _NUMERIC.get(kind)
        if kind in "ML" and len(tok) >= 3:
            name = "monthname"
            out.append(f"(?P<monthname>[A-Za-z]{{3,9}})")
            used.add(name)
            continue
        if kind in "Ee":
            out.append("(?:[A-Za-z]{3,9})")
            continue
        if kind == "a":
            out.append("(?P<ampm>[AaPp][Mm])")
            used.add("ampm")
            continue
        if kind in "VzOXxZ":
            out.append("(?P<zone>Z|[+-]\\d{2}:?\\d{2}|[A-Za-z_/]+)")
            used.add("zone")
            continue
        if name is None or name in used:
            raise invalid_pattern("".join(t for _, t in tokens))
        used.add(name)
        w = len(tok)
        if kind == "S":
            out.append(f"(?P<fraction>\\d{{1,{w}}})")
        elif kind in "yu" and w == 2:
            out.append("(?P<year>\\d{2})")
        elif kind in "yu":
            out.append(f"(?P<year>[+-]?\\d{{{max(w, 4) if w >= 4 else 1},{max(w, 6)}}})")
        else:
            out.append(f"(?P<{name}>\\d{{{w},{max(w, 2) if w <= 2 else w}}})")
    return "^" + "".join(out) + "$"


def parse_local(strings: Any, pattern: str) -> tuple[Any, Any]:
    """Wall-clock microseconds (numpy int64) and a validity mask (numpy bool) of strings
    parsed with a Java pattern. A row that does not match, or names an impossible date, is
    not valid; an input NULL is not valid either (callers separate the two)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    tokens = tokenize(pattern)
    rx = _regex(tokens)
    parsed = pc.extract_regex(pc.utf8_trim_whitespace(strings.cast(pa.string())), pattern=rx)
    n = len(strings)
    ok = parsed.is_valid().to_numpy(zero_copy_only=False)
    names = {f.name for f in parsed.type}

    def field(name: str, default: int) -> Any:
        if name not in names:
            return np.full(n, default, np.int64)
        col = parsed.field(name)
        col = pc.if_else(pc.equal(pc.utf8_length(col), 0), pa.scalar(None, pa.string()), col)
        return pc.fill_null(pc.cast(pc.fill_null(col, str(default)), pa.int64(),
                                    safe=False), default).to_numpy(zero_copy_only=False)

    y = field("year", 1970)
    if any(k in "yu" and len(t) == 2 for k, t in tokens):
        y = 2000 + y
    if "monthname" in names:
        nm = pc.utf8_lower(pc.utf8_slice_codeunits(parsed.field("monthname"), 0, 3))
        idx = pc.index_in(nm, pa.array([x[:3].lower() for x in _MONTHS]))
        ok &= idx.is_valid().to_numpy(zero_copy_only=False)
        m = pc.fill_null(idx, 0).to_numpy(zero_copy_only=False).astype(np.int64) + 1
    else:
        m = field("month", 1)
    d = field("day", 1)
    hour = field("hour", 0)
    if "hour12" in names:
        h12 = field("hour12", 0) % 12
        pm = np.zeros(n, bool)
        if "ampm" in names:
            pm = pc.fill_null(pc.equal(pc.utf8_upper(parsed.field("ampm")), "PM"),
                              False).to_numpy(zero_copy_only=False)
        hour = h12 + np.where(pm, 12, 0)
    minute, second = field("minute", 0), field("second", 0)
    frac = np.zeros(n, np.int64)
    if "fraction" in names:
        fs = pc.fill_null(parsed.field("fraction"), "0")
        padded = pc.utf8_rpad(fs, width=6, padding="0")
        frac = pc.cast(pc.utf8_slice_codeunits(padded, 0, 6), pa.int64()).to_numpy(
            zero_copy_only=False)
    ok &= (m >= 1) & (m <= 12) & (d >= 1) & (hour < 24) & (minute < 60) & (second < 60)
    m_safe = np.clip(m, 1, 12)
    ok &= d <= month_length(y, m_safe)
    if "doy" in names:
        days = days_of(y, 1, 1) + field("doy", 1) - 1
    else:
        days = days_of(y, m_safe, np.clip(d, 1, 31))
    micros = days * DAY_US + ((hour * 60 + minute) * 60 + second) * 1_000_000 + frac
    return np.where(ok, micros, 0), ok


def check_pattern(pattern: str) -> None:
    """Raise Spark's error for an invalid pattern (as Spark, when the query runs: the
    callers check literal patterns while binding, which is the same for an action)."""
    tokenize(pattern)
