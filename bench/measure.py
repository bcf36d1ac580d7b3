"""Run one command as a whole process and measure it: wall time and peak RSS of its process tree.

How: the command starts in a new session (so it and everything it spawns can be killed as a group
when it times out). While it runs, the parent scans /proc every ~20 ms, finds every process that
descends from the command's pid (parent links from /proc/<pid>/stat, whole tree: a sparkcli driver
and its executors, or PySpark's python, its JVM and the JVM's python workers) and sums their
resident set sizes. The peak of those sums is the tree's peak RSS. RSS counts pages shared between
forked processes once per process, so the sum is an upper bound on the memory really used.

Without /proc (not Linux), peak memory falls back to resource.getrusage(RUSAGE_CHILDREN).ru_maxrss:
the largest single descendant that has been waited for, not the sum over the tree; `Run.rss_method`
says which one was used. A process that is gone before a sample is taken (alive < 20 ms) is missed.

`extra_parents` adds processes that the command does not spawn itself: the descendants (not the
processes themselves) of those pids count too, e.g. the executors that standalone workers start
for a submitted application. The command's process group is killed when it ends, times out or
the caller is interrupted (Ctrl-C), so no part of it outlives measure().
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
HAVE_PROC = os.path.exists("/proc/self/stat")


@dataclass
class Run:
    wall: float  # seconds, from spawn to exit
    peak_rss: int  # bytes
    rss_method: str  # "proc-tree" or "rusage-children"
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss bytes) for every process visible in /proc."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except OSError:  # exited between listdir and open
            continue
        fields = data[data.rindex(b")") + 2 :].split()  # the command name may hold spaces
        table[int(name)] = (int(fields[1]), int(fields[21]) * PAGE)  # ppid, rss pages
    return table


def _children(table: dict[int, tuple[int, int]]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    return children


def child_pids(parents: Sequence[int]) -> list[int]:
    """The pids whose parent is one of `parents`, now (none known without /proc)."""
    if not HAVE_PROC:
        return []
    children = _children(_proc_table())
    return [c for p in parents for c in children.get(p, ())]


def tree_rss(root: int, extra_parents: Sequence[int] = ()) -> int:
    """Sum of RSS over `root` and all of its descendants, and over the descendants of each of
    `extra_parents` (not those processes themselves)."""
    table = _proc_table()
    children = _children(table)
    total, todo = 0, [root, *(c for p in extra_parents for c in children.get(p, ()))]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1]
        todo.extend(children.get(pid, ()))
    return total


def measure(
    cmd: list[str],
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 1800.0,
    interval: float = 0.02,
    extra_parents: Sequence[int] = (),
) -> Run:
    """Run `cmd` to completion; return its wall time, peak tree RSS and output."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid, extra_parents))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    if HAVE_PROC:
        sampler.start()
    timed_out = False
    try:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        wall = time.perf_counter() - start
    finally:  # also on Ctrl-C, which the command (in its own session) does not receive
        done.set()
        _kill_group(proc)
    if HAVE_PROC:
        sampler.join()
        method = "proc-tree"
    else:
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
        method = "rusage-children"
    return Run(wall, peak, method, proc.returncode, out, err, timed_out)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the command's process group: never leave an orphan behind (a JVM whose parent
    died, a driver whose runner was interrupted), then reap the command."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def compile_packages(*dirs: os.PathLike | str) -> None:
    """Write the bytecode (``__pycache__``) of the given package directories, as ``pip install``
    does for an installed package. Without it an editable checkout under
    PYTHONDONTWRITEBYTECODE=1 compiles every module from source in every timed process (the
    driver, the executor zygote, each executor's first SQL task): ~0.5 s of a start-up that
    no installed copy pays."""
    import compileall

    for d in dirs:
        compileall.compile_dir(str(d), quiet=1)
