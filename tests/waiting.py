"""Waiting in tests: poll a condition with a timeout, never a fixed sleep."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

_NEVER = threading.Event()  # never set: waiting on it is the pause between two polls


def wait_for(cond: Callable[[], Any], timeout: float = 30.0, what: str = "condition",
             interval: float = 0.02) -> Any:
    """``cond()``'s first truthy value; AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (value := cond()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        _NEVER.wait(interval)
    return value
