"""TIME values from strings, for ``to_time`` and ``CAST(s AS TIME)``: microseconds since
midnight from ``HH:mm[:ss[.fraction]]`` (a regex per value; digits past microseconds are
dropped) or from a Java pattern (datetime_patterns.parse_local on 1970-01-01)."""

from __future__ import annotations

import re
from typing import Any

from runtime.sql.expressions.datetime_patterns import parse_local

__all__ = ["DAY_US", "parse_times"]

DAY_US = 86_400_000_000
_PLAIN = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$")


def parse_times(strings: Any, pattern: str | None) -> tuple[Any, Any]:
    """(micros since midnight, parsed) of a string column: ``HH:mm[:ss[.f]]`` without a
    pattern, else the Java pattern's fields on 1970-01-01."""
    import numpy as np
    import pyarrow as pa

    if pattern is not None:
        micros, ok = parse_local(strings, pattern)
        return np.mod(micros, DAY_US), ok & (micros >= 0) & (micros < DAY_US)
    values = strings.cast(pa.string()).to_pylist()
    micros = np.zeros(len(values), np.int64)
    ok = np.zeros(len(values), bool)
    for i, v in enumerate(values):  # a fixed shape: a regex per value
        m = _PLAIN.match(v) if v is not None else None
        if m is None:
            continue
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        frac = int((m.group(4) or "0")[:6].ljust(6, "0"))
        if h < 24 and mi < 60 and s < 60:
            micros[i] = ((h * 60 + mi) * 60 + s) * 1_000_000 + frac
            ok[i] = True
    return micros, ok
