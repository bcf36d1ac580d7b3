"""DriverRunner: a cluster-deploy-mode driver on a worker, relaunched under --supervise.

Spark's DriverRunner (runtime.deploy.client is the submitting side). The master sends a worker
``launch_driver`` with the application's files; the Worker (runtime.deploy.worker) keeps the
table of runners and talks to the master; a runner owns one driver's directory and process:

    d = DriverRunner.prepare(msg, work_dir, master_url, program_argv)  # None: bad driver id
    state, code, message = d.run(work_dir, secret, report, stopped)  # thread per driver
    d.kill()                                             # kill_driver; returns at once

:meth:`prepare` writes the files into <work-dir>/<driver-id>/ (base names only) and builds the
command: ``<program argv> submit --master <master> --deploy-mode client [--conf k=v]...
[--py-files ...] [--files ...] <app> [args]`` (the argv that runs the command line, passed in
by the worker: runtime.deploy.common.Program), an ordinary client-mode submit run on the
worker's machine. ``<master>`` is the master this worker is connected to; the properties that
would contradict that command or leak the secret (spark.master, spark.submit.deployMode,
spark.submit.pyFiles, spark.files, spark.authenticate.secret) are not passed on.

:meth:`run` starts the command in the driver's dir with stdout and stderr appended there and
PYTHONHASHSEED=0, PYTHONUNBUFFERED=1, SPARKCLI_WORKER_DIR, SPARKCLI_DRIVER_ID and the worker's
secret (_SPARK_AUTH_SECRET, only when it has one) in the environment, and returns the final
state, exit code and message. States: RUNNING -> FINISHED (exit 0), FAILED (non-zero, no
supervise), KILLED (``killed`` set, or the worker stopping during a backoff) or ERROR (the
process could not start). With ``supervise`` a non-zero exit goes to RELAUNCHING for a backoff
of 1 s, doubling up to 60 s, then RUNNING again. ``report`` (the worker's send) gets a
driver_state message at every RUNNING and RELAUNCHING; the final one is the worker's to send.

Fields:
    id         driver-YYYYMMDDHHMMSS-NNNN, the submission id
    app        the application file's name as submitted, for the UI
    work_dir   <work-dir>/<id>/: the files, stdout, stderr; the process's cwd
    cores      spark.driver.cores and spark.driver.memory (MB) it holds on this worker
    memory
    supervise  relaunch on a non-zero exit
    cmd        the command line built by :meth:`prepare`
    proc       the current process, once started
    state      as above
    exit_code  the last process's exit code
    killed     the worker stopped it (kill_driver or worker stop)
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from runtime.deploy.common import stop_process
from runtime.deploy.states import DriverState
from runtime.deploy.work_dir import SAFE_ID
from runtime.protocol.deploy import DriverStateChanged, LaunchDriver
from runtime.rpc import auth

log = logging.getLogger("Worker")


@dataclass
class DriverRunner:
    id: str
    app: str
    work_dir: str
    cores: int
    memory: int
    supervise: bool
    cmd: list = field(default_factory=list)
    proc: subprocess.Popen | None = None
    state: DriverState = DriverState.RUNNING
    exit_code: int | None = None
    killed: bool = False

    @classmethod
    def prepare(cls, msg: LaunchDriver, work_dir: str, master_url: str,
                program_argv: tuple[str, ...]) -> DriverRunner | None:
        """A runner for the :class:`LaunchDriver` order ``msg``, its files written under
        ``work_dir``; None when the driver id cannot be a directory name."""
        driver_id = str(msg.driver_id)
        if not SAFE_ID.match(driver_id):
            return None
        ddir = os.path.join(work_dir, driver_id)
        os.makedirs(ddir, exist_ok=True)
        files = dict(msg.files or {})
        for name, data in files.items():
            base = os.path.basename(str(name))
            if base and base not in (".", ".."):
                with open(os.path.join(ddir, base), "wb") as f:
                    f.write(data)

        def local(names: list) -> str:
            return ",".join(os.path.join(ddir, os.path.basename(str(n))) for n in names)

        cmd = [*program_argv, "submit", "--master", master_url, "--deploy-mode", "client"]
        for k, v in (msg.conf or {}).items():
            if k not in ("spark.master", "spark.submit.deployMode", "spark.submit.pyFiles",
                         "spark.files", "spark.authenticate.secret"):
                cmd += ["--conf", f"{k}={v}"]
        if msg.py_files:
            cmd += ["--py-files", local(msg.py_files)]
        if msg.data_files:
            cmd += ["--files", local(msg.data_files)]
        cmd.append(os.path.join(ddir, os.path.basename(str(msg.app))))
        cmd += [str(a) for a in msg.args or ()]
        return cls(driver_id, str(msg.app), ddir, int(msg.cores or 1),
                   int(msg.memory or 0), bool(msg.supervise), cmd)

    def run(self, worker_dir: str, secret: bytes | None,
            report: Callable[[DriverStateChanged], Any],
            stopped: threading.Event) -> tuple[DriverState, int | None, str]:
        """Run the driver, relaunching it under supervise, until it ends for good; returns
        (state, exit code, message)."""
        env = dict(os.environ)
        env.update({"PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1",
                    "SPARKCLI_WORKER_DIR": worker_dir, "SPARKCLI_DRIVER_ID": self.id})
        env.pop(auth.ENV_VAR, None)
        if secret is not None:
            env[auth.ENV_VAR] = secret.decode("utf-8")
        backoff = 1.0
        while True:
            try:
                with open(os.path.join(self.work_dir, "stdout"), "ab") as out, \
                        open(os.path.join(self.work_dir, "stderr"), "ab") as err:
                    self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                                 stdout=out, stderr=err, env=env,
                                                 cwd=self.work_dir, close_fds=True)
            except OSError as e:
                return DriverState.ERROR, None, str(e)
            report(DriverStateChanged(self.id, DriverState.RUNNING))
            code = self.proc.wait()
            self.exit_code = code
            if self.killed:
                return DriverState.KILLED, code, "killed"
            if code == 0:
                return DriverState.FINISHED, 0, ""
            if not self.supervise:
                return DriverState.FAILED, code, f"exited with code {code}"
            log.info("Driver %s exited with code %d; relaunching in %.0f s (supervise)",
                     self.id, code, backoff)
            self.state = DriverState.RELAUNCHING
            report(DriverStateChanged(self.id, DriverState.RELAUNCHING, code))
            if stopped.wait(backoff) or self.killed:
                return DriverState.KILLED, code, "killed"
            backoff = min(backoff * 2, 60.0)
            self.state = DriverState.RUNNING

    def kill(self) -> None:
        """Mark it killed and stop the process in the background."""
        self.killed = True
        threading.Thread(target=stop_process, args=(self.proc,), daemon=True).start()

    def json(self) -> dict:
        """The worker UI's /json entry for this driver."""
        return {"id": self.id, "mainclass": self.app, "state": self.state.value,
                "cores": self.cores, "memory": self.memory, "exitcode": self.exit_code,
                "workdir": self.work_dir, "pid": self.proc.pid if self.proc is not None else None}
