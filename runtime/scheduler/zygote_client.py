"""Driver side of the executor zygote (see runtime/executor/zygote_process.py).

:func:`start` launches the zygote (the command line calls it before importing the
application's code, so the zygote's imports overlap the driver's start-up; it names the API
modules to pre-import besides the engine's own); :func:`current` returns it while it is
alive. :meth:`Zygote.spawn` asks for an executor and returns at once a
:class:`ForkedProcess` (the fork happens once the zygote's pre-imports are done, while the
driver imports its own), which offers the part of ``subprocess.Popen`` the local launcher
uses (pid, poll, wait, terminate, kill, returncode), fed by the zygote's exit reports.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Sequence

#: what every executor imports; the caller of :func:`start` adds the API's modules
ENGINE_MODULES = ("runtime.executor.main", "runtime.executor.task", "runtime.task_env",
                  "cloudpickle")

_zygote: "Zygote | None" = None


#: exit code of an executor the zygote never forked (it died, or did not fork it in time)
NEVER_STARTED = 1


class ForkedProcess:
    """An executor asked of the zygote. Asking does not wait for the fork: the zygote may
    still be pre-importing (pyarrow and the SQL engine for a DataFrame application), and the
    driver goes on with its own imports meanwhile. ``pid`` is None until the zygote reports
    the fork; a signal sent before then waits for it."""

    def __init__(self, zygote: "Zygote", rid: int, timeout: float):
        self.zygote = zygote
        self.rid = rid
        self.deadline = time.monotonic() + timeout
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        return self.zygote.started.get(self.rid)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid = self.pid
            if pid is None:
                self.returncode = self._never_started()
            else:
                self.returncode = self.zygote.codes.get(pid)
                if self.returncode is None and not self.zygote.alive():
                    self.returncode = self._probe(pid)
        return self.returncode

    def _never_started(self) -> int | None:
        if not self.zygote.alive():
            return NEVER_STARTED
        if time.monotonic() > self.deadline:  # a zygote that hangs: later executors exec
            self.zygote.proc.kill()
            return NEVER_STARTED
        return None

    @staticmethod
    def _probe(pid: int) -> int | None:
        try:
            os.kill(pid, 0)
            return None
        except ProcessLookupError:
            return -signal.SIGKILL
        except PermissionError:
            return None

    def _started_pid(self) -> int | None:
        """The pid once forked (waiting for the fork), None if it never will be."""
        with self.zygote.cond:
            while self.pid is None:
                if self.poll() is not None:
                    return None
                self.zygote.cond.wait(0.1)
            return self.pid

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.zygote.cond:
            while self.poll() is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(f"executor pid {self.pid}", timeout)
                self.zygote.cond.wait(0.05 if left is None else min(left, 0.05))
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, sig: int) -> None:
        pid = self._started_pid()
        if pid is not None and self.poll() is None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.codes: dict[int, int] = {}
        self.started: dict[int, int] = {}
        self.cond = threading.Condition()
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self.ready = False
        self._reader = threading.Thread(target=self._read, name="zygote-reader", daemon=True)
        self._reader.start()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                if "ready" in msg:
                    self.ready = True
                elif "started" in msg:
                    self.started[msg["started"]] = msg["pid"]
                elif "exit" in msg:
                    self.codes[msg["exit"]] = msg["code"]
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str, stdout: str,
              stderr: str, timeout: float = 10.0) -> ForkedProcess | None:
        """Ask for an executor, without waiting for the fork; None if the zygote is gone
        (the caller falls back to exec). One not forked within ``timeout`` exits with
        NEVER_STARTED, and the zygote is killed (the launcher then execs)."""
        rid = next(self._ids)
        req = {"id": rid, "argv": argv, "env": env, "cwd": cwd, "stdout": stdout,
               "stderr": stderr}
        try:
            with self._lock:
                self.proc.stdin.write((json.dumps(req) + "\n").encode())  # type: ignore
                self.proc.stdin.flush()  # type: ignore[union-attr]
        except (OSError, ValueError):
            return None
        return ForkedProcess(self, rid, timeout)

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(2.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(preload: Sequence[str] = (), extra_paths: Sequence[str] = ()) -> Zygote | None:
    """Start the zygote (once per process), importing ENGINE_MODULES and ``preload``.
    PYTHONHASHSEED=0, no site, our sys.path."""
    global _zygote
    if _zygote is not None and _zygote.alive():
        return _zygote
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(
        [here] + list(extra_paths) + [p for p in sys.path if p and os.path.isdir(p)]))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-S", "-m", "runtime.executor.zygote_process",
             *ENGINE_MODULES, *preload],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, close_fds=True, start_new_session=True)
    except OSError:
        return None
    _zygote = Zygote(proc)
    return _zygote


def current() -> Zygote | None:
    return _zygote if _zygote is not None and _zygote.alive() else None


def shutdown() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None
