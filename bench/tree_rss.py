"""Peak memory of a benchmark: the resident set of this process and all its descendants,
summed, sampled every 100 ms by a daemon thread.

``getrusage`` cannot give that: RUSAGE_CHILDREN counts only children already waited for, and
the largest of them rather than their sum, so a JVM (PySpark's) or an executor still running
when the figure is read is left out. Reading /proc (Linux) sees every live process: PySpark's
JVM and Python workers, sparkcli's executors and zygote, DuckDB's one process alike.
"""

from __future__ import annotations

import os
import threading

_PAGE = os.sysconf("SC_PAGE_SIZE")
_peak = 0
_started = False


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree_rss_bytes(root: int) -> int:
    kids, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        todo += kids.get(pid, [])
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE
        except OSError:
            continue
    return total


def _sample(stop: threading.Event) -> None:
    global _peak
    me = os.getpid()
    while not stop.wait(0.1):
        _peak = max(_peak, tree_rss_bytes(me))


def start() -> None:
    """Begin sampling (once per process; the thread dies with the process)."""
    global _started
    if not _started and os.path.isdir("/proc"):
        _started = True
        threading.Thread(target=_sample, args=(threading.Event(),), daemon=True,
                         name="tree-rss").start()


def peak_mb() -> float:
    return max(_peak, tree_rss_bytes(os.getpid())) / 2 ** 20
