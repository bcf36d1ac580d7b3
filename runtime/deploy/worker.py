"""The standalone worker daemon: registers with the master, runs its orders, serves shuffle.

A worker is two servers and three loops:

* the *master link* (one thread): connect to the master (any of the spark:// hosts),
  register with id/host/port/cores/memory/web UI/work dir plus the executors and drivers it
  still runs, then read the master's orders until the connection drops; reconnect every
  second for as long as it takes (a restarted master gets its workers back). A worker that
  has never registered gives up (run() raises RegistrationFailed, the CLI prints one line)
  when the master refuses its secret, or closes the connection unanswered 3 times in a row
  (a secret missing on one side): retrying cannot fix a configuration. Orders (typed
  messages of runtime.protocol.deploy, routed by class): LaunchExecutor / KillExecutor
  (runtime.deploy.executor_runner), LaunchDriver / KillDriver
  (runtime.deploy.driver_runner), ApplicationFinished (kill the application's executors,
  then remove <local_root>/<app-id>);
* a heartbeat thread (every spark.worker.timeout / 4, as Spark);
* the work-dir cleanup thread (runtime.deploy.work_dir.cleanup_app_dirs, every
  spark.worker.cleanup.interval when spark.worker.cleanup.enabled);
* the *shuffle service* (:class:`~runtime.rpc.server.FrameServer` on ``host:port``):
  FetchBlock {path, start, end} -> BlockData for files under this worker's local root only, so
  reducers on other workers can read map outputs of executors that ran here -- even after
  those executors died (spark.shuffle.service.enabled semantics);
* the web UI (runtime.deploy.ui.worker_routes): :meth:`Worker.json` and :meth:`Worker.log_file`.

``program`` (runtime.deploy.common.Program) is the command line the worker runs under: a
cluster-mode driver runs as its ``submit`` command, and the UI shows its name.

The worker owns the tables and every message to the master; a runner owns one process. When
an executor's process ends the worker reports ExecutorStateChanged (EXITED with its exit
code, or KILLED when the worker killed it, or FAILED when it could not start); a driver's
DriverStateChanged comes from its runner while it runs and from the worker when it ends.

State:
    executors   (app_id, exec_id) -> ExecutorRunner (process, dirs, state)
    drivers     driver_id -> DriverRunner (cluster deploy mode; supervise restarts)
    finished_*  the last 100 finished executors/drivers, for the UI
    finished_apps  ids of applications the master said are finished
    work_dir    executors' and drivers' dirs (layout: runtime.deploy.work_dir)
    local_root  <spark.local.dir or $TMPDIR>/spark-worker-XXXX: executors' shuffle files,
                <local_root>/<app-id>/<exec-id>/, removed when the app finishes
    lock        guards the tables; never held while waiting on a process or the network
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections import deque
from typing import Any

from runtime import config as rconfig
from runtime.deploy import ui
from runtime.deploy.common import (
    PortInUse,
    Program,
    RegistrationFailed,
    announce_ready,
    format_mb,
    setup_daemon,
    stop_process,
    wait_for_stop,
    warn_if_exposed,
)
from runtime.deploy.driver_runner import DriverRunner
from runtime.deploy.executor_runner import ExecutorRunner
from runtime.deploy.states import DriverState, ExecutorState
from runtime.deploy.work_dir import SAFE_ID, cleanup_app_dirs, log_path
from runtime.master_url import parse_master
from runtime.protocol import HandlerTable
from runtime.protocol.deploy import (
    ApplicationFinished,
    BlockData,
    DriverStateChanged,
    ExecutorStateChanged,
    FetchBlock,
    FetchFailed,
    Heartbeat,
    KillDriver,
    KillExecutor,
    LaunchDriver,
    LaunchExecutor,
    Ping,
    Pong,
    ReconnectWorker,
    RegisteredWorker,
    RegisterWorker,
    RegisterWorkerFailed,
)
from runtime.rpc import auth
from runtime.rpc.server import (
    Connection,
    FrameError,
    FrameServer,
    connect,
    recv_message,
    send_msg,
)

log = logging.getLogger("Worker")


def total_memory_mb() -> int:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") >> 20
    except (ValueError, OSError, AttributeError):
        total = 2048
    return max(total - 1024, 512)


class Worker:
    def __init__(self, master_url: str, program: Program, *, host: str = "127.0.0.1",
                 port: int = 0,
                 cores: int | None = None, memory_mb: int | None = None,
                 work_dir: str | None = None, webui_port: int = 8081,
                 conf: rconfig.Config | None = None):
        self.program = program
        self.conf = conf or rconfig.Config()
        c = self.conf
        spec = parse_master(master_url)
        if spec.kind != "spark":
            raise ValueError(f"a worker needs a spark://HOST:PORT master URL, got {master_url!r}")
        self.masters = spec.hosts
        self.master_url = master_url
        self.host = host
        self.requested_port = port
        self.cores = cores or os.cpu_count() or 1
        self.memory = memory_mb or total_memory_mb()
        self.work_dir = os.path.abspath(work_dir or rconfig.work_dir())
        self.webui_port = webui_port
        self.secret = auth.secret_from(c.get)
        self.timeout = c.get_duration("spark.worker.timeout", "60s")
        self.reconnect_interval = min(1.0, max(0.1, self.timeout / 4))
        self.cleanup = c.get_bool("spark.worker.cleanup.enabled", False)
        self.cleanup_interval = c.get_duration("spark.worker.cleanup.interval", "1800s")
        self.app_ttl = c.get_duration("spark.worker.cleanup.appDataTtl", "604800s")
        self.executors: dict[tuple[str, int], ExecutorRunner] = {}
        self.drivers: dict[str, DriverRunner] = {}
        self.finished_executors: deque = deque(maxlen=100)
        self.finished_drivers: deque = deque(maxlen=100)
        self.finished_apps: set[str] = set()
        self.lock = threading.RLock()
        self.stopped = threading.Event()
        self.registered = threading.Event()
        self.ever_registered = False
        self.failure = ""  # why the worker gave up (never registered); run() raises it
        self._sock: socket.socket | None = None
        self._send_lock = threading.Lock()
        self.master_webui = ""
        self.connected_master = ""
        self.server: FrameServer | None = None
        self.ui = None
        self.webui_url = ""
        self.id = ""
        self.local_root = ""

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        os.makedirs(self.work_dir, exist_ok=True)
        local = (self.conf.get("spark.local.dir") or os.environ.get("SPARK_LOCAL_DIRS")
                 or "").split(",")[0].strip() or None
        if local:
            os.makedirs(local, exist_ok=True)
        self.local_root = os.path.realpath(tempfile.mkdtemp(prefix="spark-worker-", dir=local))
        max_frame = self.conf.get_int("spark.rpc.message.maxSize", 128) << 20
        try:
            self.server = FrameServer(self.host, self.requested_port, {
                FetchBlock: self._on_fetch, Ping: lambda conn, msg: Pong()},
                secret=self.secret, name="worker", max_frame=max_frame, logger=log)
        except OSError as e:
            shutil.rmtree(self.local_root, ignore_errors=True)
            raise PortInUse(f"cannot bind the worker to {self.host}:{self.requested_port}: "
                            f"{e.strerror or e} (choose another port with --port)") from None
        self.id = f"worker-{time.strftime('%Y%m%d%H%M%S')}-{self.host}-{self.server.port}"
        warn_if_exposed(self.host, self.secret, log, "The worker")
        log.info("Starting Spark worker %s:%d with %d cores, %s RAM", self.host,
                 self.server.port, self.cores, format_mb(self.memory))
        log.info("Spark home: %s", rconfig.home_dir())
        self.ui, self.webui_url = ui.start_web_ui(
            self.host, self.webui_port, "Worker", ui.worker_routes(self, self.program.name),
            log, self.program.name)
        self.server.start()
        for target, name in ((self._master_loop, "worker-master-link"),
                             (self._heartbeat_loop, "worker-heartbeat"),
                             (self._cleanup_loop, "worker-cleanup")):
            threading.Thread(target=target, name=name, daemon=True).start()
        announce_ready(f"Starting Spark worker {self.id} at {self.host}:{self.server.port} "
                       f"for master {self.master_url}", "Worker", self.webui_url)

    def serve_forever(self) -> None:
        wait_for_stop(self.stopped)
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        with self.lock:
            execs = list(self.executors.values())
            drivers = list(self.drivers.values())
        for d in drivers:
            d.killed = True
        for e in execs:
            e.killed = True
        for r in drivers + execs:
            stop_process(r.proc)
        sock = self._sock
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        if self.server is not None:
            self.server.stop()
        ui.stop_web_ui(self.ui)
        self.ui = None
        shutil.rmtree(self.local_root, ignore_errors=True)

    # -- master link ---------------------------------------------------------------------------
    def send(self, msg: Any) -> bool:
        sock = self._sock
        if sock is None:
            return False
        with self._send_lock:
            try:
                send_msg(sock, msg)
                return True
            except OSError:
                return False

    def _register_msg(self) -> RegisterWorker:
        with self.lock:
            executors = [k for k, r in self.executors.items()
                         if r.state == ExecutorState.RUNNING]
            drivers = [k for k, d in self.drivers.items()
                       if d.state in (DriverState.RUNNING, DriverState.RELAUNCHING)]
        return RegisterWorker(self.id, self.host, self.server.port, self.cores, self.memory,
                              self.webui_url, self.work_dir, executors, drivers)

    def _give_up(self, reason: str) -> None:
        """Stop a worker that never registered and cannot: a wrong or missing secret."""
        log.error("Giving up: %s", reason)
        self.failure = reason
        self.stopped.set()

    def _master_loop(self) -> None:
        attempt = 0
        refused = 0  # connections closed before registering, in a row
        while not self.stopped.is_set():
            host, port = self.masters[attempt % len(self.masters)]
            attempt += 1
            try:
                sock = connect((host, port), self.secret, timeout=5.0)
            except auth.AuthError as e:
                log.error("Cannot register with master spark://%s:%d: %s", host, port, e)
                if not self.ever_registered:
                    self._give_up(f"cannot register with master spark://{host}:{port}: {e}")
                    return
                self.stopped.wait(self.reconnect_interval * 5)
                continue
            except OSError as e:
                if attempt == 1 or attempt % 30 == 0:
                    log.warning("Failed to connect to master %s:%d: %s (retrying)", host, port,
                                e)
                self.stopped.wait(self.reconnect_interval)
                continue
            self._sock = sock
            self.connected_master = f"spark://{host}:{port}"
            log.info("Connecting to master %s:%d...", host, port)
            try:
                self.send(self._register_msg())
                closed_early = self._read_master(sock)
            except (OSError, FrameError) as e:
                closed_early = not self.registered.is_set()
                if closed_early:
                    log.error("The master closed the connection before registering this "
                              "worker (%s): check that spark.authenticate and its secret are "
                              "the same on the master and the worker", e)
                else:
                    log.warning("Connection to master %s:%d failed: %s", host, port, e)
            finally:
                self._sock = None
                self.registered.clear()
                try:
                    sock.close()
                except OSError:
                    pass
            refused = refused + 1 if closed_early else 0
            if refused >= 3 and not self.ever_registered:
                self._give_up(f"master spark://{host}:{port} closed the connection before "
                              "registering this worker 3 times: check that spark.authenticate "
                              "and its secret are the same on the master and the worker")
                return
            if not self.stopped.is_set():
                if not closed_early:
                    log.warning("Connection to master %s:%d lost; reconnecting", host, port)
                self.stopped.wait(self.reconnect_interval)

    def _master_orders(self) -> HandlerTable:
        """Handlers of the master's messages; a handler returning False ends the link (the
        worker then registers again)."""
        return HandlerTable({
            RegisteredWorker: lambda m: self._on_registered(m),
            RegisterWorkerFailed: lambda m: log.error("Worker registration failed: %s",
                                                      m.message) or False,
            ReconnectWorker: lambda m: log.info("Master asked us to re-register: %s",
                                                m.reason) or False,
            LaunchExecutor: self._launch_executor,
            KillExecutor: lambda m: self._kill_executor(str(m.app_id), int(m.exec_id)),
            LaunchDriver: self._launch_driver,
            KillDriver: lambda m: self._kill_driver(str(m.driver_id)),
            ApplicationFinished: lambda m: self._app_finished(str(m.app_id)),
        })

    def _on_registered(self, msg: RegisteredWorker) -> None:
        self.master_webui = str(msg.master_webui or "")
        self.ever_registered = True
        self.registered.set()
        log.info("Successfully registered with master %s", msg.master_url)

    def _read_master(self, sock: socket.socket) -> bool:
        """Handle the master's orders until the connection ends; True when it closed before
        this worker was registered."""
        orders = self._master_orders()
        while not self.stopped.is_set():
            msg = recv_message(sock)
            if msg is None:
                if not self.registered.is_set():
                    log.error("The master closed the connection before registering this "
                              "worker: check that spark.authenticate and its secret are the "
                              "same on the master and the worker")
                    return True
                return False
            if orders.dispatch(msg) is False:
                return False
        return False

    def _heartbeat_loop(self) -> None:
        period = max(0.05, self.timeout / 4)
        while not self.stopped.wait(period):
            if self.registered.is_set():
                self.send(Heartbeat(self.id))

    # -- executors ---------------------------------------------------------------------------------
    def _launch_executor(self, msg: LaunchExecutor) -> None:
        app_id, exec_id = str(msg.app_id), int(msg.exec_id)
        if not SAFE_ID.match(app_id):
            log.warning("Ignoring executor launch with a bad application id %r", app_id[:60])
            return
        cmd_desc = dict(msg.command or {})
        exec_dir = os.path.join(self.work_dir, app_id, str(exec_id))
        local_dir = os.path.join(self.local_root, app_id, str(exec_id))
        r = ExecutorRunner(app_id, exec_id, int(msg.cores or 1),
                           int(msg.memory or 0), exec_dir, local_dir,
                           app_name=str(cmd_desc.get("app_name") or ""))
        log.info("Asked to launch executor %s/%d for %s", app_id, exec_id, r.app_name)
        try:
            r.start(str(msg.driver_address), cmd_desc, f"{self.host}:{self.server.port}",
                    self.secret)
        except OSError as e:
            log.error("Failed to launch executor %s/%d: %s", app_id, exec_id, e)
            self.send(ExecutorStateChanged(app_id, exec_id, ExecutorState.FAILED, None,
                                           str(e)))
            return
        with self.lock:
            self.executors[(app_id, exec_id)] = r
        threading.Thread(target=self._wait_executor, args=(r,), daemon=True,
                         name=f"executor-{app_id}-{exec_id}").start()

    def _wait_executor(self, r: ExecutorRunner) -> None:
        code = r.wait()
        with self.lock:
            self.executors.pop((r.app_id, r.exec_id), None)
            self.finished_executors.append(r)
        self.send(ExecutorStateChanged(r.app_id, r.exec_id, r.state, code,
                                       f"Command exited with code {code}"))

    def _kill_executor(self, app_id: str, exec_id: int) -> None:
        with self.lock:
            r = self.executors.get((app_id, exec_id))
        if r is None:
            return
        log.info("Asked to kill executor %s/%d", app_id, exec_id)
        r.kill()

    def _app_finished(self, app_id: str) -> None:
        with self.lock:
            self.finished_apps.add(app_id)
            runners = [r for (a, _), r in self.executors.items() if a == app_id]
        for r in runners:
            r.killed = True

        def cleanup() -> None:
            for r in runners:
                stop_process(r.proc)
            log.info("Cleaning up local directories for application %s", app_id)
            shutil.rmtree(os.path.join(self.local_root, app_id), ignore_errors=True)

        threading.Thread(target=cleanup, daemon=True).start()

    def _cleanup_loop(self) -> None:
        while not self.stopped.wait(self.cleanup_interval if self.cleanup else 3600):
            if self.cleanup:
                self.cleanup_work_dir()

    def cleanup_work_dir(self, now: float | None = None) -> list[str]:
        """Delete app-* dirs of applications not running here that are older than the TTL."""
        now = now or time.time()
        with self.lock:
            running = {a for a, _ in self.executors}
        return cleanup_app_dirs(self.work_dir, running, self.app_ttl, now)

    # -- drivers (cluster deploy mode) --------------------------------------------------------------
    def _launch_driver(self, msg: LaunchDriver) -> None:
        d = DriverRunner.prepare(msg, self.work_dir, self.connected_master or self.master_url,
                                 self.program.argv)
        if d is None:
            return
        with self.lock:
            self.drivers[d.id] = d
        log.info("Asked to launch driver %s", d.id)
        threading.Thread(target=self._run_driver, args=(d,), daemon=True,
                         name=f"driver-{d.id}").start()

    def _run_driver(self, d: DriverRunner) -> None:
        state, code, message = d.run(self.work_dir, self.secret, self.send, self.stopped)
        self._driver_done(d, state, code, message)

    def _driver_done(self, d: DriverRunner, state: DriverState, code: int | None,
                     message: str) -> None:
        d.state = state
        log.info("Driver %s %s%s", d.id, state.lower(),
                 f" (exit code {code})" if code is not None else "")
        with self.lock:
            self.drivers.pop(d.id, None)
            self.finished_drivers.append(d)
        self.send(DriverStateChanged(d.id, state, code, message))

    def _kill_driver(self, driver_id: str) -> None:
        with self.lock:
            d = self.drivers.get(driver_id)
        if d is None:
            return
        log.info("Asked to kill driver %s", driver_id)
        d.kill()

    # -- shuffle service -------------------------------------------------------------------------
    def _on_fetch(self, conn: Connection, msg: FetchBlock) -> BlockData | FetchFailed:
        path = os.path.realpath(str(msg.path))
        start, end = int(msg.start), int(msg.end)
        if not path.startswith(self.local_root + os.sep):
            return FetchFailed(f"{msg.path} is not a shuffle file of this worker")
        if start < 0 or end < start:
            return FetchFailed("bad byte range")
        try:
            with open(path, "rb") as f:
                f.seek(start)
                data = f.read(end - start)
        except OSError as e:
            return FetchFailed(f"cannot read {path}: {e.strerror or e}")
        if len(data) != end - start:
            return FetchFailed(f"{path} is truncated")
        return BlockData(data)

    # -- UI --------------------------------------------------------------------------------------
    def json(self) -> dict:
        with self.lock:
            running = list(self.executors.values())
            finished = list(self.finished_executors)
            drivers = list(self.drivers.values())
            fdrivers = list(self.finished_drivers)

        return {"id": self.id, "host": self.host, "port": self.server.port if self.server else 0,
                "masterurl": self.connected_master or self.master_url,
                "masterwebuiurl": self.master_webui, "cores": self.cores,
                "coresused": sum(r.cores for r in running) + sum(d.cores for d in drivers),
                "memory": self.memory,
                "memoryused": sum(r.memory for r in running) + sum(d.memory for d in drivers),
                "state": "ALIVE" if self.registered.is_set() else "CONNECTING",
                "executors": [r.json() for r in running],
                "finishedexecutors": [r.json() for r in reversed(finished)],
                "drivers": [d.json() for d in drivers],
                "finisheddrivers": [d.json() for d in reversed(fdrivers)]}

    def log_file(self, app_id: Any, exec_id: Any, driver_id: Any, kind: str) -> str | None:
        return log_path(self.work_dir, app_id, exec_id, driver_id, kind)


def run(program: Program, master_url: str, host: str, port: int, cores: int | None,
        memory: str | None, work_dir: str | None, webui_port: int,
        properties_file: str | None) -> int:
    """A worker in the foreground (``<program> worker``); returns the exit code."""
    conf = setup_daemon(properties_file, ("Worker", "ExecutorRunner", "Utils", "WorkerUI"))
    mem = rconfig.parse_memory(memory, "--memory") >> 20 if memory else None
    worker = Worker(master_url, program, host=host, port=port, cores=cores, memory_mb=mem,
                    work_dir=work_dir, webui_port=webui_port, conf=conf)
    worker.start()
    worker.serve_forever()
    if worker.failure:
        raise RegistrationFailed(worker.failure)
    return 0
