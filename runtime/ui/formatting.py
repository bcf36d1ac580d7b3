"""How the pages print numbers, sizes, durations and dates: Spark's UIUtils and Utils rules.

* :func:`duration` — UIUtils.formatDuration: ``57 ms``, ``0.5 s``, ``9 s``, ``1.2 min``,
  ``15 min``, ``2.0 h``;
* :func:`size` — Utils.bytesToString: ``906.0 B``, ``2.0 KiB`` (a unit is used from twice its
  size up, so 1500 bytes is ``1500.0 B``);
* :func:`megabytes` — Utils.megabytesToString: ``512.0 MiB``, ``4.0 GiB``;
* :func:`date` — UIUtils.formatDate in the server's local time zone: ``2026/12/03 08:54:08``;
* :func:`parse_api_date` — back from the REST API's ``2026-12-03T08:54:08.624GMT`` to epoch ms.

These are registered as jinja2 filters by :mod:`runtime.ui.pages`.
"""

from __future__ import annotations

import calendar
import time

UNITS = (("EiB", 1 << 60), ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30),
         ("MiB", 1 << 20), ("KiB", 1 << 10))


def duration(ms: float | None) -> str:
    if not isinstance(ms, (int, float)):  # None, or a field a running task does not have yet
        return ""
    ms = max(0, ms)
    if ms < 100:
        return f"{int(ms)} ms"
    seconds = ms / 1000
    if seconds < 1:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = seconds / 60
    if minutes < 10:
        return f"{minutes:.1f} min"
    if minutes < 60:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def size(n: float | None) -> str:
    if n is None:
        return ""
    for unit, scale in UNITS:
        if n >= 2 * scale:
            return f"{n / scale:.1f} {unit}"
    return f"{float(n):.1f} B"


def megabytes(mb: float | None) -> str:
    """Utils.megabytesToString: ``512.0 MiB``, ``4.0 GiB`` (the cluster pages' memory)."""
    mb = float(mb or 0)
    if mb >= 1 << 20:
        return f"{mb / (1 << 20):.1f} TiB"
    if mb >= 1 << 10:
        return f"{mb / (1 << 10):.1f} GiB"
    return f"{mb:.1f} MiB"


def date(ms: int | None) -> str:
    if ms is None or ms < 0:
        return ""
    return time.strftime("%Y/%m/%d %H:%M:%S", time.localtime(ms / 1000))


def parse_api_date(text: str | None) -> int | None:
    if not text:
        return None
    head, _, millis = text.removesuffix("GMT").partition(".")
    secs = calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S"))
    return secs * 1000 + int(millis or 0)


def percent(part: float, whole: float) -> float:
    return 0.0 if not whole else min(100.0, max(0.0, 100.0 * part / whole))
