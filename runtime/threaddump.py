"""A thread dump of this process, as Spark's ``ThreadStackTrace`` JSON (the Executors tab's
"Thread Dump" link and ``/api/v1/applications/{app}/executors/{id}/threads``).

:func:`thread_dump` reads ``sys._current_frames()`` (every Python thread's current frame)
and ``threading.enumerate()`` (names, daemon flags, idents) and returns one dict per
thread, sorted as Spark sorts them (the threads of the task runner first, then by name):
``threadId`` (the OS thread id), ``threadName``, ``threadState``, ``stackTrace``
(``{"elems": ["module.function(file.py:line)\\n", ...]}``, innermost first, as Java
prints), ``blockedByLock``, ``holdingLocks``, ``synchronizers``, ``monitors``,
``lockName``, ``suspended``, ``inNative``, ``isDaemon``, ``priority``.

Python does not say whether a thread is blocked, so the state is read from the innermost
frame: waiting in the standard library's blocking calls (a condition's or lock's wait, a
queue's get, a selector, a socket read, a join) is ``WAITING``, the thread taking the dump
and everything else ``RUNNABLE`` (another thread's locals are never read). The driver dumps itself; an executor dumps itself when the driver asks
(runtime/protocol/executor.py ``ThreadDumpRequest``).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

__all__ = ["thread_dump"]

_BLOCKING = frozenset({"wait", "wait_for", "acquire", "get", "select", "poll", "recv",
                       "recv_into", "accept", "readinto", "read", "join", "_wait_for_tstate_lock",
                       "sleep", "epoll", "readline", "recvfrom"})
TASK_THREAD_PREFIXES = ("Executor task launch worker", "MainThread")


def _elem(frame: Any) -> str:
    code = frame.f_code
    module = frame.f_globals.get("__name__", "?")
    return f"{module}.{code.co_name}({os.path.basename(code.co_filename)}:{frame.f_lineno})\n"


def _state(frame: Any, current: bool) -> str:
    if current or frame is None:
        return "RUNNABLE"
    return "WAITING" if frame.f_code.co_name in _BLOCKING else "RUNNABLE"


def thread_dump() -> list[dict]:
    frames = sys._current_frames()
    me = threading.get_ident()
    out = []
    for t in threading.enumerate():
        frame = frames.get(t.ident) if t.ident is not None else None
        elems = []
        f = frame
        while f is not None:
            elems.append(_elem(f))
            f = f.f_back
        state = _state(frame, t.ident == me)
        lock = f"{frame.f_code.co_name} in {frame.f_globals.get('__name__', '?')}" \
            if frame is not None and state != "RUNNABLE" else None
        entry: dict[str, Any] = {
            "threadId": t.native_id, "threadName": t.name, "threadState": state,
            "stackTrace": {"elems": elems},
            "blockedByLock": f"Lock({lock})" if lock else "", "holdingLocks": [],
            "synchronizers": [], "monitors": []}
        if lock:
            entry["lockName"] = lock
        entry.update({"suspended": False, "inNative": False, "isDaemon": t.daemon,
                      "priority": 5})
        out.append(entry)
    out.sort(key=lambda e: (not e["threadName"].startswith(TASK_THREAD_PREFIXES),
                            e["threadName"].lower()))
    return out
