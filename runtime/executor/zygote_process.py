"""A pre-imported, single-threaded process that forks executors (the "zygote").

Starting an executor with exec costs an interpreter start plus importing cloudpickle, the
engine and the API (~0.1-0.2 s) -- most of a hello-world's wall time. The ``submit`` and
``shell`` commands start this zygote first thing, so it pays that cost while the driver itself
starts; each executor is then an ``os.fork()`` of it: a few milliseconds.

Protocol, JSON lines. Requests on stdin::

    {"id": N, "argv": [...], "env": {...}, "cwd": "...", "stdout": path, "stderr": path}

Replies on stdout: ``{"started": N, "pid": P}`` and, when a child exits,
``{"exit": P, "code": C}`` (negative C: killed by signal -C, as subprocess reports it).

The zygote never starts threads, so forking is safe. A child gets its own session (a
terminal's Ctrl-C does not reach it), its stdout/stderr files, the request's environment
and working directory, then runs :func:`runtime.executor.main.main`. The zygote exits when
its stdin closes (the driver stopped or died); executors end on their own when the driver's
socket closes. Started with PYTHONHASHSEED=0, so every executor hashes strings alike. pyarrow is
preloaded without numpy (runtime/arrow_numpy.py): a task that needs numpy imports it then,
unless ``numpy`` is in the preload list itself. Preloads load with the cyclic collector paused
and are frozen after (runtime/lazy.py :func:`~runtime.lazy.load`): no collector passes over
the preloaded modules while they load, none in an executor later, and a forked executor's
first collection does not touch (and copy) the pages the zygote shares with it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys

from runtime import arrow_numpy, lazy
from runtime.executor.main import main


def _child(req: dict, wake_fds: tuple[int, int]) -> None:
    try:
        os.setsid()
        for fd in wake_fds:
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        out = os.open(req["stdout"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(out, 1)
        os.dup2(err, 2)
        for fd in (devnull, out, err):
            os.close(fd)
        os.environ.update(req.get("env") or {})
        if req.get("cwd"):
            os.chdir(req["cwd"])
        main(req["argv"])
    except BaseException:  # noqa: BLE001 - report and exit the child, never return
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


def serve(preload: list[str]) -> None:
    arrow_numpy.install()
    lazy.freeze_loaded_modules()  # executors fork from here: see runtime/lazy.py
    for name in preload:
        try:
            lazy.load(name)
        except Exception as e:  # a missing optional module must not stop the zygote
            print(json.dumps({"warning": f"preload {name}: {e!r}"}), flush=True)
    r, w = os.pipe()
    os.set_blocking(w, False)
    signal.set_wakeup_fd(w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = sys.stdout
    stdin = sys.stdin.buffer
    buf = b""
    print(json.dumps({"ready": os.getpid()}), flush=True)
    while True:
        ready, _, _ = select.select([0, r], [], [])
        if r in ready:
            os.read(r, 4096)
        _reap(out)
        if 0 in ready:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                sys.stdout.flush()
                pid = os.fork()
                if pid == 0:
                    _child(req, (r, w))
                out.write(json.dumps({"started": req["id"], "pid": pid}) + "\n")
                out.flush()
    _ = stdin


def _reap(out) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        out.write(json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.argv[1:])
