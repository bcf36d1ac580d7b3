"""spark:// applications: the driver's client of the standalone master (Spark's
StandaloneAppClient + StandaloneSchedulerBackend), behind the launcher interface.

The driver loop (driver.py) does not care who starts executors: every executor connects
back to ``driver.address`` and registers. For local[N] a LocalLauncher starts processes;
here the *master* decides where executors run and the workers start them, so this launcher
only talks to the master:

    start()     connect (auth handshake first), send RegisterApplication with the app's name,
                spark.cores.max, spark.executor.cores/memory, the driver's address and how to
                start an executor (python paths, init hooks, env, log level); wait for
                RegisteredApplication. Raises SparkException when no master answers.
    reader      ExecutorAdded / ExecutorRemoved / ApplicationRemoved from the master
                update ``procs`` (exec id -> ExecutorSlot). When the connection drops (master
                restart) it reconnects with ``reconnect=True`` and the same app id, forever.
    registered(eid)            tell the master (ExecutorRegistered: resets its retry count)
    ui_bound(url)              tell the master where the driver's UI is (AppUiBound)
    dead_before_registering()  executors the master reported gone before they registered
    replace(eid)               nothing: the master replaces executors on its own
    stop()      UnregisterApplication (the master kills the executors; the app is FINISHED)

The messages are the typed classes of runtime.protocol.deploy, shared with the master.

Executors keep their shuffle files on their worker, served by its shuffle service, so map
outputs survive the loss of the executor that wrote them (outputs_survive_executor_loss);
a lost *worker* surfaces as a fetch failure and the parent stage is recomputed.

While the driver has work but no executor for spark.starvation.timeout (15 s), Spark's
warning is logged every period: "Initial job has not accepted any resources; ...".
"""

from __future__ import annotations

import getpass
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from runtime.errors import SparkException
from runtime.protocol import HandlerTable
from runtime.protocol.deploy import (
    ApplicationRemoved,
    AppUiBound,
    ExecutorAdded,
    ExecutorRegistered,
    ExecutorRemoved,
    RegisterApplication,
    RegisteredApplication,
    UnregisterApplication,
)
from runtime.rpc.auth import AuthError
from runtime.rpc.server import FrameError, connect, recv_message, send_msg

log = logging.getLogger("StandaloneAppClient")
backend_log = logging.getLogger("StandaloneSchedulerBackend")
sched_log = logging.getLogger("TaskSchedulerImpl")

STARVATION_WARNING = ("Initial job has not accepted any resources; check your cluster UI to "
                      "ensure that workers are registered and have sufficient resources")


@dataclass
class ExecutorSlot:
    id: str
    worker_id: str
    host: str
    cores: int
    memory: int
    webui: str = ""
    work_dir: str = ""
    state: str = "RUNNING"
    exit_code: int | None = None
    message: str = ""


class StandaloneLauncher:
    outputs_survive_executor_loss = True  # the worker's shuffle service keeps serving them

    def __init__(self, *, master_hosts: list[tuple[str, int]], app_id: str, app_name: str,
                 driver_address: str, cores_max: int | None, executor_cores: int,
                 executor_memory_mb: int, log_level: str = "WARN",
                 python_paths: list[str] = (), init_hooks: list[str] = (),
                 env: dict[str, str] | None = None, secret: bytes | None = None,
                 starvation_timeout: float = 15.0, driver_id: str | None = None,
                 connect_timeout: float = 10.0):
        self.master_hosts = list(master_hosts)
        self.app_id = app_id
        self.app_name = app_name
        self.driver_address = driver_address
        self.cores_max = cores_max
        self.executor_cores = executor_cores
        self.executor_memory_mb = executor_memory_mb
        self.log_level = log_level
        self.python_paths = list(python_paths)
        self.init_hooks = list(init_hooks)
        self.env = dict(env or {})
        self.secret = secret
        self.starvation_timeout = starvation_timeout
        self.driver_id = driver_id
        self.connect_timeout = connect_timeout
        self.driver: Any = None  # the Driver, to know whether work is waiting (optional)
        self.procs: dict[str, ExecutorSlot] = {}
        self.master_url = ""
        self.master_webui = ""
        self._registered: set[str] = set()
        self._reported: set[str] = set()
        self._lock = threading.Lock()
        self._sock = None
        self.ui_url = ""  # the driver UI's address once bound (ui_bound)
        self._send_lock = threading.Lock()
        self._stopped = threading.Event()
        self._reader: threading.Thread | None = None
        self.removed_reason: str | None = None
        self._handlers = HandlerTable({ExecutorAdded: self._on_executor_added,
                                       ExecutorRemoved: self._on_executor_removed,
                                       ApplicationRemoved: self._on_app_removed})

    # -- launcher interface ----------------------------------------------------------------------
    def start(self) -> None:
        deadline = time.monotonic() + self.connect_timeout
        last: Exception | None = None
        while True:
            try:
                self._connect(reconnect=False)
                break
            except SparkException:
                raise
            except (OSError, FrameError) as e:
                last = e
            if time.monotonic() > deadline:
                urls = ",".join(f"{h}:{p}" for h, p in self.master_hosts)
                raise SparkException(
                    f"Could not connect to the master at spark://{urls}: {last} (is "
                    "a master running there? All masters are unresponsive! Giving up.)")
            time.sleep(0.2)
        self._reader = threading.Thread(target=self._read_loop, name="standalone-app-client",
                                        daemon=True)
        self._reader.start()
        threading.Thread(target=self._starvation_loop, name="starvation-check",
                         daemon=True).start()

    def launch(self) -> str:
        return ""  # the master decides

    def replace(self, eid: str) -> None:
        pass  # the master relaunches when the worker reports the exit

    def ui_bound(self, url: str) -> None:
        """The driver's UI is up at ``url``: the master's application page links it (kept
        for re-registrations too)."""
        self.ui_url = url
        self._send(AppUiBound(url))

    def registered(self, eid: str) -> None:
        with self._lock:
            self._registered.add(eid)
        self._send(ExecutorRegistered(int(eid)))

    def dead_before_registering(self, registered: set[str]) -> list[str]:
        out = []
        with self._lock:
            for eid, slot in self.procs.items():
                if slot.state != "RUNNING" and eid not in self._registered and \
                        eid not in registered and eid not in self._reported:
                    self._reported.add(eid)
                    out.append(eid)
        return out

    def exit_code(self, eid: str) -> int | None:
        slot = self.procs.get(eid)
        return slot.exit_code if slot is not None else None

    def log_path(self, eid: str) -> str:
        slot = self.procs.get(eid)
        if slot is None:
            return f"work/{self.app_id}/{eid}/stderr"
        path = os.path.join(slot.work_dir or "work", self.app_id, eid, "stderr")
        if slot.webui:
            return (f"{path} on {slot.host} ({slot.webui}/logPage/?appId={self.app_id}"
                    f"&executorId={eid}&logType=stderr)")
        return path

    def alive(self) -> list[str]:
        with self._lock:
            return [eid for eid, s in self.procs.items() if s.state == "RUNNING"]

    def stop(self, timeout: float = 3.0) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.settimeout(timeout)
                with self._send_lock:
                    send_msg(sock, UnregisterApplication("FINISHED"))
            except OSError:
                pass
        if self._reader is not None:
            self._reader.join(timeout)
        self._close()

    # -- master link ---------------------------------------------------------------------------------
    def _register_msg(self, reconnect: bool) -> RegisterApplication:
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001
            user = "unknown"
        with self._lock:
            next_id = max((int(e) + 1 for e in self.procs), default=0)
        return RegisterApplication(
            name=self.app_name, app_id=self.app_id, user=user, cores_max=self.cores_max,
            executor_cores=self.executor_cores, executor_memory=self.executor_memory_mb,
            driver_address=self.driver_address, reconnect=reconnect, next_exec_id=next_id,
            driver_id=self.driver_id, ui_url=self.ui_url,
            command={"python_paths": self.python_paths, "init_hooks": self.init_hooks,
                     "env": self.env, "log_level": self.log_level,
                     "app_name": self.app_name, "cwd": os.getcwd()})

    def _connect(self, reconnect: bool) -> None:
        last: Exception | None = None
        for host, port in self.master_hosts:
            try:
                sock = connect((host, port), self.secret, timeout=5.0)
            except AuthError as e:
                raise SparkException(f"Cannot connect to the master spark://{host}:{port}: "
                                     f"{e}") from None
            except OSError as e:
                last = e
                continue
            try:
                sock.settimeout(10.0)
                send_msg(sock, self._register_msg(reconnect))
                reply = recv_message(sock)
                if reply is None:
                    raise ConnectionResetError("connection closed")
                if not isinstance(reply, RegisteredApplication):
                    raise SparkException(f"The master refused application {self.app_name}: "
                                         f"{getattr(reply, 'message', reply)}")
                sock.settimeout(None)
            except (OSError, FrameError) as e:
                sock.close()
                if reconnect:
                    raise
                raise SparkException(
                    f"The master spark://{host}:{port} closed the connection while registering "
                    f"the application ({e}): if the master has spark.authenticate=true, set "
                    "spark.authenticate=true and the same spark.authenticate.secret") from None
            except BaseException:
                sock.close()
                raise
            new_id = str(reply.app_id)
            if new_id != self.app_id:
                log.warning("The master renamed application %s to %s", self.app_id, new_id)
                self.app_id = new_id
            self.master_url = f"spark://{host}:{port}"
            self.master_webui = str(reply.master_webui or "")
            self._sock = sock
            if reconnect:
                log.info("Re-registered with master %s as %s", self.master_url, self.app_id)
            else:
                log.info("Connecting to master %s...", self.master_url)
                backend_log.info("Connected to Spark cluster with app ID %s", self.app_id)
            return
        raise last or ConnectionError("no master address")

    def _send(self, msg: Any) -> None:
        sock = self._sock
        if sock is None:
            return
        with self._send_lock:
            try:
                send_msg(sock, msg)
            except OSError:
                pass

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def _read_loop(self) -> None:
        while not self._stopped.is_set():
            sock = self._sock
            msg = None
            if sock is not None:
                try:
                    msg = recv_message(sock)
                except (OSError, FrameError):
                    msg = None
            if msg is None:
                if self._stopped.is_set():
                    return
                self._close()
                log.warning("Connection to master lost; reconnecting")
                while not self._stopped.wait(0.5):
                    try:
                        self._connect(reconnect=True)
                        break
                    except (OSError, FrameError, SparkException):
                        continue
                continue
            self._handlers.dispatch(msg)

    def _on_executor_added(self, msg: ExecutorAdded) -> None:
        eid = str(msg.exec_id)
        slot = ExecutorSlot(eid, str(msg.worker_id), str(msg.host), int(msg.cores),
                            int(msg.memory), str(msg.webui or ""), str(msg.work_dir or ""))
        with self._lock:
            self.procs[eid] = slot
        backend_log.info("Granted executor ID %s/%s on worker %s (%s) with %d core(s), "
                         "%d MiB RAM", self.app_id, eid, slot.worker_id, slot.host,
                         slot.cores, slot.memory)

    def _on_executor_removed(self, msg: ExecutorRemoved) -> None:
        eid = str(msg.exec_id)
        with self._lock:
            slot = self.procs.get(eid)
            if slot is not None:
                slot.state = str(msg.state or "EXITED")
                slot.exit_code = msg.exit_code
                slot.message = str(msg.message or "")
        backend_log.info("Executor %s/%s removed: %s", self.app_id, eid,
                         msg.message or msg.state)
        if self.driver is not None and msg.worker_lost:
            # its worker is gone, and the shuffle files that worker served with it; the
            # executor itself may still be connected: the driver must not use it
            self.driver.remove_executor(eid, str(msg.message or "worker lost"),
                                        outputs_lost=True)

    def _on_app_removed(self, msg: ApplicationRemoved) -> None:
        self.removed_reason = f"{msg.state}: {msg.message}"
        log.error("Master removed our application: %s", self.removed_reason)

    def _starvation_loop(self) -> None:
        period = self.starvation_timeout
        since = time.monotonic()
        while not self._stopped.wait(min(1.0, period)):
            busy = self.driver is None or bool(getattr(self.driver, "tasksets", None))
            executors = getattr(self.driver, "executors", None) if self.driver else None
            has_execs = bool(executors) if executors is not None else bool(self.alive())
            if not busy or has_execs:
                since = time.monotonic()
                continue
            if time.monotonic() - since >= period:
                sched_log.warning("%s", STARVATION_WARNING)
                since = time.monotonic()
