"""Spark's REST API date format: ``2026-12-03T08:54:08.624GMT`` from epoch milliseconds.

Its own module (standard library only) so the light users of it, such as the Streaming
tab's progress store, which a streaming context creates at start, import nothing else.
"""

from __future__ import annotations

import datetime as _dt

__all__ = ["api_date"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def api_date(ms: int | None) -> str | None:
    if ms is None:
        return None
    t = _EPOCH + _dt.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}GMT"
