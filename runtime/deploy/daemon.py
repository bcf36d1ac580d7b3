"""Background daemons, as Spark's sbin/start-master.sh, start-worker.sh and stop-*.sh.

``start(program, role, argv)`` runs ``<program.argv> <role> <argv>`` (the foreground command
of the command line that called it, :class:`~runtime.deploy.common.Program`) in a new
session with stdout+stderr appended to ``<log dir>/<name>-<user>-<role>-<N>-<host>.out`` and
its pid in ``<pid dir>/<name>-<user>-<role>-<N>.pid`` (``<name>``: the program's), then waits
until the daemon
prints its "Starting Spark ..." line (which carries the real port, also with --port 0) or
exits (then the log's tail is shown); a worker, also until it has registered with its master
(a worker with the wrong secret gives up and exits, so `worker start` fails with the reason).
``stop(program, role)`` sends SIGTERM to every instance's pid, waits, then SIGKILLs, and removes the
pid files. A pid that is a zombie (killed, not yet reaped) counts as stopped.

Directories: logs in runtime.config.log_dir() (SPARKCLI_LOG_DIR, default $SPARKCLI_HOME/logs);
pid files in SPARKCLI_PID_DIR (or SPARK_PID_DIR), default the log dir. The master is
instance 1; each ``worker start`` takes the first free instance number, as
SPARK_WORKER_INSTANCES does.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import time

from runtime import config as rconfig
from runtime.deploy.common import Program

CLASS_NAMES = {"master": "org.apache.spark.deploy.master.Master",
               "worker": "org.apache.spark.deploy.worker.Worker",
               "history": "org.apache.spark.deploy.history.HistoryServer"}
READY_MARK = "Starting Spark "
REGISTERED_MARK = "Successfully registered with master"
REGISTER_WAIT = 8.0  # seconds `worker start` waits for the registration


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "unknown"


def pid_dir() -> str:
    return os.path.abspath(os.environ.get("SPARKCLI_PID_DIR") or os.environ.get("SPARK_PID_DIR")
                           or rconfig.log_dir())


def log_file(program: Program, role: str, instance: int = 1) -> str:
    return os.path.join(rconfig.log_dir(), f"{program.name}-{_user()}-{role}-{instance}-"
                                           f"{socket.gethostname()}.out")


def pid_file(program: Program, role: str, instance: int = 1) -> str:
    return os.path.join(pid_dir(), f"{program.name}-{_user()}-{role}-{instance}.pid")


def read_pid(path: str) -> int | None:
    try:
        with open(path) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped by whoever adopted it) is not alive
        with open(f"/proc/{pid}/stat", "rb") as f:
            if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                return False
    except (OSError, IndexError):
        pass
    try:  # a zombie child of ours is not alive
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def start(program: Program, role: str, argv: list[str], timeout: float = 30.0) -> int:
    name = CLASS_NAMES[role]
    instance = 1
    while read_pid(pid_file(program, role, instance)) is not None:
        if role == "master":
            print(f"{name} running as process {read_pid(pid_file(program, role, instance))}.  "
                  "Stop it first.", file=sys.stderr)
            return 1
        instance += 1
    os.makedirs(rconfig.log_dir(), exist_ok=True)
    os.makedirs(pid_dir(), exist_ok=True)
    out_path = log_file(program, role, instance)
    print(f"starting {name}, logging to {out_path}")
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
    with open(out_path, "ab") as out:
        offset = out.tell()
        proc = subprocess.Popen([*program.argv, role, *argv],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True, close_fds=True)
    with open(pid_file(program, role, instance), "w") as f:
        f.write(f"{proc.pid}\n")
    deadline = time.monotonic() + timeout
    shown = 0
    registering: float | None = None  # a worker: when it announced itself
    while time.monotonic() < deadline:
        text = _read_from(out_path, offset)
        lines = text.splitlines()
        for line in lines[shown:]:
            if line.startswith(READY_MARK) or " web UI at " in line:
                print(line)
        shown = len(lines)
        if any(line.startswith(READY_MARK) for line in lines):
            if role != "worker" or REGISTERED_MARK in text:
                return 0
            # a worker that cannot join (a wrong secret) exits within seconds: say so here
            # rather than report success; one whose master is not up yet keeps trying
            registering = registering or time.monotonic()
            if time.monotonic() - registering > REGISTER_WAIT:
                print(f"{name} has not registered with its master yet (is the master "
                      f"running?); it keeps trying, see {out_path}", file=sys.stderr)
                return 0
        if proc.poll() is not None:
            print(f"failed to launch: {name} exited with code {proc.returncode}",
                  file=sys.stderr)
            tail = "\n".join(text.splitlines()[-20:])
            if tail:
                print(tail, file=sys.stderr)
            print(f"full log in {out_path}", file=sys.stderr)
            try:
                os.unlink(pid_file(program, role, instance))
            except OSError:
                pass
            return 1
        time.sleep(0.1)
    print(f"{name} did not report ready within {timeout:.0f} s; see {out_path}",
          file=sys.stderr)
    return 0


def _read_from(path: str, offset: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def stop(program: Program, role: str, timeout: float = 10.0) -> int:
    name = CLASS_NAMES[role]
    stopped = False
    for instance in range(1, 65):
        path = pid_file(program, role, instance)
        if not os.path.exists(path):
            continue
        pid = read_pid(path)
        if pid is not None:
            print(f"stopping {name}")
            _terminate(pid, timeout)
            stopped = True
        try:
            os.unlink(path)
        except OSError:
            pass
    if not stopped:
        print(f"no {name} to stop")
    return 0


def _terminate(pid: int, timeout: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
