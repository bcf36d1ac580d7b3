"""ExecutorRunner: one executor process on a worker, from the master's launch order to its end.

Spark's ExecutorRunner. The Worker (runtime.deploy.worker) keeps the table of runners and
talks to the master; a runner owns one process and what the worker UI shows of it:

    r = ExecutorRunner(app_id, exec_id, cores, memory, work_dir, local_dir, app_name=...)
    r.start(driver_address, command, shuffle_service, secret)  # OSError: nothing runs
    code = r.wait()   # in a thread per executor; the worker then reports executor_state
    r.kill()          # kill_executor from the master; returns at once

Fields:
    app_id, exec_id  which executor (the worker checks app_id against work_dir.SAFE_ID)
    cores, memory    what the master granted it (memory in MB), for the UI
    work_dir         <work-dir>/<app-id>/<exec-id>/: stdout and stderr, and the process's cwd
                     unless the driver sent one that exists here
    local_dir        <local_root>/<app-id>/<exec-id>/: its shuffle files, which the worker's
                     shuffle service keeps serving after the process is gone
    app_name         the application's name, for the UI
    proc             the process, once started
    state            RUNNING, then EXITED, or KILLED when ``killed`` was set before it ended
    exit_code        the process's exit code, once it ended
    killed           the worker stopped it (kill_executor, application end, worker stop)

The process is ``python -S -m runtime.executor --driver <driver> --executor-id E --app-id A
--local-dir <local_dir> --log-level L --cores 1 [--path P]... [--init H]...`` with stdout and
stderr appended to files in ``work_dir``. Its environment is the worker's, plus the
application's (``command["env"]``), plus PYTHONHASHSEED=0, PYTHONUNBUFFERED=1,
SPARKCLI_EXECUTOR_ID, PYTHONPATH (:func:`python_path`: this checkout first, then the worker's
sys.path), the shuffle service address (SPARKCLI_SHUFFLE_SERVICE), this worker's pid
(SPARKCLI_WORKER_PID: an executor exits when its worker dies) and the secret
(_SPARK_AUTH_SECRET), which is there only when this worker has one.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass

from runtime.deploy.common import stop_process
from runtime.deploy.states import ExecutorState
from runtime.rpc import auth

runner_log = logging.getLogger("ExecutorRunner")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def python_path() -> str:
    return os.pathsep.join(dict.fromkeys(
        [ROOT] + [p for p in sys.path if p and os.path.exists(p)]))


@dataclass
class ExecutorRunner:
    app_id: str
    exec_id: int
    cores: int
    memory: int
    work_dir: str
    local_dir: str
    app_name: str = ""
    proc: subprocess.Popen | None = None
    state: ExecutorState = ExecutorState.RUNNING
    exit_code: int | None = None
    killed: bool = False

    def start(self, driver_address: str, command: dict, shuffle_service: str,
              secret: bytes | None) -> None:
        """Start the executor process (``command``: the launch order's description of it);
        OSError when its dirs or the process cannot be created."""
        cmd = [sys.executable, "-S", "-m", "runtime.executor",
               "--driver", driver_address, "--executor-id", str(self.exec_id),
               "--app-id", self.app_id, "--local-dir", self.local_dir,
               "--log-level", str(command.get("log_level") or "WARN"), "--cores", "1"]
        for p in command.get("python_paths") or ():
            cmd += ["--path", str(p)]
        for h in command.get("init_hooks") or ():
            cmd += ["--init", str(h)]
        env = dict(os.environ)
        env.update({str(k): str(v) for k, v in (command.get("env") or {}).items()})
        env.update({"PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1",
                    "SPARKCLI_EXECUTOR_ID": str(self.exec_id), "PYTHONPATH": python_path(),
                    "SPARKCLI_SHUFFLE_SERVICE": shuffle_service,
                    "SPARKCLI_WORKER_PID": str(os.getpid())})
        env.pop(auth.ENV_VAR, None)
        if secret is not None:
            env[auth.ENV_VAR] = secret.decode("utf-8")
        os.makedirs(self.work_dir, exist_ok=True)
        os.makedirs(self.local_dir, exist_ok=True)
        cwd = command.get("cwd")
        with open(os.path.join(self.work_dir, "stdout"), "ab") as out, \
                open(os.path.join(self.work_dir, "stderr"), "ab") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err, env=env, close_fds=True,
                                         cwd=cwd if cwd and os.path.isdir(cwd)
                                         else self.work_dir)

    def wait(self) -> int:
        """Block until the process ends; record its exit code and final state."""
        code = self.proc.wait()
        self.exit_code = code
        self.state = ExecutorState.KILLED if self.killed else ExecutorState.EXITED
        runner_log.info("Executor %s/%d finished with state %s exit code %s", self.app_id,
                        self.exec_id, self.state, code)
        return code

    def kill(self) -> None:
        """Mark it killed and stop the process in the background."""
        self.killed = True
        threading.Thread(target=stop_process, args=(self.proc,), daemon=True).start()

    def json(self) -> dict:
        """The worker UI's /json entry for this executor."""
        return {"id": self.exec_id, "appid": self.app_id, "appname": self.app_name,
                "cores": self.cores, "memory": self.memory, "state": self.state.value,
                "exitcode": self.exit_code, "workdir": self.work_dir,
                "pid": self.proc.pid if self.proc is not None else None}
