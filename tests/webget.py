"""GET a URL in a test: ``(status, body text)``, error statuses included (no raising)."""

from __future__ import annotations

import urllib.error
import urllib.request


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
