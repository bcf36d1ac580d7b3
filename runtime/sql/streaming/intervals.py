"""Interval strings of triggers and watermarks: '5 seconds', 'interval 1 minute',
'500 milliseconds', '1 hour 30 minutes' -> milliseconds, with Spark's errors."""

from __future__ import annotations

import re

from runtime.sql.errors import IllegalArgumentException

__all__ = ["parse_interval_ms"]


_UNITS_MS = {"microsecond": 0.001, "millisecond": 1, "ms": 1, "second": 1000, "sec": 1000,
             "s": 1000, "minute": 60000, "min": 60000, "hour": 3600000, "h": 3600000,
             "day": 86400000, "d": 86400000, "week": 604800000}


def parse_interval_ms(text: str) -> int:
    """'5 seconds', 'interval 1 minute', '500 milliseconds', '1 hour 30 minutes' -> ms."""
    t = text.strip().lower()
    if t.startswith("interval"):
        t = t[len("interval"):].strip()
    tokens = t.split()
    if not tokens:
        raise _interval_error(text, "")
    total = 0.0
    i = 0
    while i < len(tokens):
        num = tokens[i]
        if not re.fullmatch(r"-?\d+(\.\d+)?", num):
            raise _interval_error(text, num)
        if i + 1 >= len(tokens):
            raise _interval_error(text, num)
        unit = tokens[i + 1].rstrip("s") if tokens[i + 1] not in ("ms", "s") else tokens[i + 1]
        if unit not in _UNITS_MS:
            raise IllegalArgumentException(
                f"[INVALID_INTERVAL_FORMAT.INVALID_UNIT] Error parsing '{text}' to interval. "
                f"Invalid unit '{tokens[i + 1]}'. SQLSTATE: 22006",
                errorClass="INVALID_INTERVAL_FORMAT.INVALID_UNIT")
        total += float(num) * _UNITS_MS[unit]
        i += 2
    return int(total)


def _interval_error(text: str, word: str) -> IllegalArgumentException:
    return IllegalArgumentException(
        f"[INVALID_INTERVAL_FORMAT.UNRECOGNIZED_NUMBER] Error parsing '{text}' to interval. "
        "Please ensure that the value provided is in a valid format for defining an interval. "
        "You can reference the documentation for the correct format. Unrecognized number "
        f"{word}. SQLSTATE: 22006", errorClass="INVALID_INTERVAL_FORMAT.UNRECOGNIZED_NUMBER")
