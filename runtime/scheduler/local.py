"""local[N]: N long-lived executor processes on this machine, one task slot each.

The launcher only starts, replaces and reaps processes; they connect back to the driver's
loop (driver.py) like cluster executors do, so local and spark:// share one scheduler.

Each executor is forked from the zygote (runtime/executor/zygote_process.py) when the ``submit``
/``shell`` command started one, else it runs ``python -S -m runtime.executor``; either way
with stdout/stderr redirected to
work/<app-id>/<executor-id>/{stdout,stderr} (a ``print()`` in a task lands there) and
PYTHONHASHSEED=0 so string hashing, and therefore hash partitioning, agrees across processes.
Executors run in their own session, so a Ctrl-C in the driver's terminal (which cancels
jobs in the shell) does not kill them. A lost executor is replaced by a new one with the next id, as Spark's standalone backend does.
Shutdown: the driver sends ``stop``; processes that do not exit within the timeout are
terminated, then killed; none is left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from runtime.scheduler import zygote_client


class LocalLauncher:
    outputs_survive_executor_loss = True  # shuffle files stay on the shared local disk

    def __init__(self, *, app_id: str, app_dir: str, local_dir: str, driver_address: str,
                 num_executors: int, log_level: str = "WARN", python_paths: list[str] = (),
                 init_hooks: list[str] = (), env: dict[str, str] | None = None):
        self.app_id = app_id
        self.app_dir = app_dir
        self.local_dir = local_dir
        self.driver_address = driver_address
        self.num_executors = num_executors
        self.log_level = log_level
        self.python_paths = list(python_paths)
        self.init_hooks = list(init_hooks)
        self.env = dict(env or {})
        self.procs: dict[str, subprocess.Popen] = {}
        self._next_id = 0
        self._stopped = False
        self._registered: set[str] = set()

    def start(self) -> None:
        for _ in range(self.num_executors):
            self.launch()

    def launch(self) -> str:
        eid = str(self._next_id)
        self._next_id += 1
        exec_dir = os.path.join(self.app_dir, eid)
        os.makedirs(exec_dir, exist_ok=True)
        # -S: skip site (its .pth hooks cost tens of ms); the driver's sys.path is passed
        # whole through PYTHONPATH instead, so executors import exactly what the driver does.
        cmd = [sys.executable, "-S", "-m", "runtime.executor", "--driver", self.driver_address,
               "--executor-id", eid, "--app-id", self.app_id, "--local-dir", self.local_dir,
               "--log-level", self.log_level]
        for p in self.python_paths:
            cmd += ["--path", p]
        for h in self.init_hooks:
            cmd += ["--init", h]
        extra = dict(self.env)
        extra["PYTHONHASHSEED"] = "0"
        extra["PYTHONUNBUFFERED"] = "1"
        extra["SPARKCLI_EXECUTOR_ID"] = eid
        out_path = os.path.join(exec_dir, "stdout")
        err_path = os.path.join(exec_dir, "stderr")
        zyg = zygote_client.current()
        proc = zyg.spawn(cmd[4:], extra, os.getcwd(), out_path, err_path) if zyg else None
        if proc is None:  # no zygote: start a fresh interpreter
            env = dict(os.environ)
            env.update(extra)
            here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
            env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(
                [here] + [p for p in sys.path if p and os.path.exists(p)]))
            with open(out_path, "ab") as out, open(err_path, "ab") as err:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                        stderr=err, env=env, cwd=os.getcwd(),
                                        close_fds=True, start_new_session=True)
        self.procs[eid] = proc
        return eid

    def ui_bound(self, url: str) -> None:
        pass  # no cluster manager to tell

    def registered(self, eid: str) -> None:
        self._registered.add(eid)

    def dead_before_registering(self, registered: set[str]) -> list[str]:
        """Executors that exited without ever registering (reported once each)."""
        out = []
        for eid, proc in self.procs.items():
            if eid not in self._registered and proc.poll() is not None:
                self._registered.add(eid)  # report once
                out.append(eid)
        return out

    def replace(self, eid: str) -> None:
        if not self._stopped:
            self.reap(eid)
            self.launch()

    def reap(self, eid: str, timeout: float = 2.0) -> int | None:
        proc = self.procs.get(eid)
        if proc is None:
            return None
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()

    def exit_code(self, eid: str) -> int | None:
        proc = self.procs.get(eid)
        if proc is None:
            return None
        try:
            return proc.wait(1.0)
        except subprocess.TimeoutExpired:
            return None

    def log_path(self, eid: str) -> str:
        return os.path.join(self.app_dir, eid, "stderr")

    def alive(self) -> list[str]:
        return [eid for eid, p in self.procs.items() if p.poll() is None]

    def stop(self, timeout: float = 3.0) -> None:
        self._stopped = True
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(1.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
