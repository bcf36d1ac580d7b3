"""The standalone master daemon: the RPC server, connections and timers around MasterState.

The scheduling itself is pure and lives in runtime.deploy.master_state (:class:`MasterState`:
events in, messages out; its docstring describes the state, the scheduling and the failure
rules). This module is the I/O around it, as the style guide's items 2 and 9 ask:

* :class:`Master` is a :class:`~runtime.rpc.server.FrameServer` whose handlers (one per
  message class of runtime.protocol.deploy that a worker, a driver or a submission client
  sends) call the state under one lock and deliver the returned messages on the workers'
  and drivers' connections (:meth:`Master._deliver`, which also saves a recovery snapshot);
* a timer thread checks heartbeats (spark.worker.timeout) and ends recovery;
* a closed connection is an event too: a worker's means the worker is lost, a driver's
  that its application is FINISHED;
* the web UI (runtime.deploy.ui) and the persistence engine (runtime.deploy.recovery).

Fields of :class:`Master`: ``state`` (the MasterState), ``lock`` (guards it and the
connection tables), ``worker_conns``/``app_conns`` (worker id / app id -> Connection, the
latest registration wins), ``persistence``, ``recovery_deadline`` (when RECOVERING gives
up on workers and apps that have not come back), ``url``/``webui_url``, ``program`` (the
command line it runs under: its name and version for the log and the UI).
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from runtime import config as rconfig
from runtime.deploy import recovery, ui
from runtime.deploy.common import (
    PortInUse,
    Program,
    announce_ready,
    setup_daemon,
    wait_for_stop,
    warn_if_exposed,
)
from runtime.deploy.master_json import master_json
from runtime.deploy.master_state import MasterState, Peer
from runtime.deploy.states import AppState, MasterStatus, WorkerState
from runtime.protocol.deploy import (
    ApplicationUnregistered,
    AppUiBound,
    DriverStateChanged,
    DriverStatusResponse,
    ExecutorRegistered,
    ExecutorStateChanged,
    Heartbeat,
    KillDriverResponse,
    MasterStateResponse,
    Ping,
    Pong,
    RegisterApplication,
    RegisteredApplication,
    RegisteredWorker,
    RegisterWorker,
    RegisterWorkerFailed,
    RequestDriverStatus,
    RequestKillDriver,
    RequestMasterState,
    RequestSubmitDriver,
    SubmitDriverResponse,
    UnregisterApplication,
)
from runtime.rpc import auth
from runtime.rpc.server import Connection, FrameServer

log = logging.getLogger("Master")


class Master:
    """The master daemon; :meth:`start` binds, :meth:`serve_forever` blocks until stopped."""

    def __init__(self, program: Program, host: str = "127.0.0.1", port: int = 7077,
                 webui_port: int = 8080, conf: rconfig.Config | None = None):
        self.program = program
        self.conf = conf or rconfig.Config()
        c = self.conf
        self.host = host
        self.requested_port = port
        self.webui_port = webui_port
        self.secret = auth.secret_from(c.get)
        self.timeout = c.get_duration("spark.worker.timeout", "60s")
        default_cores = c.get_int("spark.deploy.defaultCores")
        self.state = MasterState(
            spread_out=c.get_bool("spark.deploy.spreadOut", True),
            default_cores=default_cores,
            max_executor_retries=c.get_int("spark.deploy.maxExecutorRetries", 10),
            retained_apps=c.get_int("spark.deploy.retainedApplications", 200),
            retained_drivers=c.get_int("spark.deploy.retainedDrivers", 200))
        self.persistence = recovery.from_config(c)
        self.lock = threading.RLock()
        self.worker_conns: dict[str, Connection] = {}
        self.app_conns: dict[str, Connection] = {}
        self.stopped = threading.Event()
        self.server: FrameServer | None = None
        self.ui = None
        self.url = ""
        self.webui_url = ""
        self.recovery_deadline: float | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        handlers = {
            RegisterWorker: self._on_register_worker, Heartbeat: self._on_heartbeat,
            ExecutorStateChanged: self._on_executor_state,
            DriverStateChanged: self._on_driver_state,
            RegisterApplication: self._on_register_app,
            UnregisterApplication: self._on_unregister_app, AppUiBound: self._on_app_ui,
            ExecutorRegistered: self._on_executor_registered,
            RequestSubmitDriver: self._on_submit_driver,
            RequestKillDriver: self._on_kill_driver,
            RequestDriverStatus: self._on_driver_status, RequestMasterState: self._on_state,
            Ping: lambda conn, msg: Pong(),
        }
        max_frame = self.conf.get_int("spark.rpc.message.maxSize", 128) << 20
        try:
            self.server = FrameServer(self.host, self.requested_port, handlers,
                                      secret=self.secret, name="master", max_frame=max_frame,
                                      on_close=self._on_close, logger=log)
        except OSError as e:
            raise PortInUse(f"cannot bind the master to {self.host}:{self.requested_port}: "
                            f"{e.strerror or e} (is another master running? choose another "
                            "port with --port)") from None
        self.url = f"spark://{self.host}:{self.server.port}"
        warn_if_exposed(self.host, self.secret, log, "The master")
        log.info("Starting Spark master at %s", self.url)
        log.info("Running Spark version %s (%s)", self.program.version, self.program.name)
        snap = self.persistence.load()
        if snap:
            self.state.recover(snap)
            if self.state.status == MasterStatus.RECOVERING:
                self.recovery_deadline = time.time() + self.timeout
        self.ui, self.webui_url = ui.start_web_ui(
            self.host, self.webui_port, "Master", ui.master_routes(self, self.program.name),
            log, self.program.name)
        self.server.start()
        threading.Thread(target=self._timer, name="master-timer", daemon=True).start()
        log.info("I have been elected leader! New state: %s", self.state.status)
        announce_ready(f"Starting Spark master at {self.url}", "Master", self.webui_url)

    def serve_forever(self) -> None:
        """Block until SIGTERM/SIGINT or :meth:`stop` (signals only work on the main thread)."""
        wait_for_stop(self.stopped)
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        if self.server is not None:
            self.server.stop()
        ui.stop_web_ui(self.ui)
        self.ui = None

    # -- plumbing ----------------------------------------------------------------------------------
    def _deliver(self, messages: list) -> None:
        for kind, target, msg in messages:
            conn = (self.worker_conns if kind == Peer.WORKER else self.app_conns).get(target)
            if conn is not None:
                conn.send(msg)
        if isinstance(self.persistence, recovery.FileSystemPersistence):
            self.persistence.save(self.state.snapshot())

    def _timer(self) -> None:
        period = max(0.05, min(1.0, self.timeout / 4))
        while not self.stopped.wait(period):
            now = time.time()
            with self.lock:
                out = self.state.check_timeouts(now, self.timeout)
                if self.recovery_deadline is not None and now > self.recovery_deadline:
                    self.recovery_deadline = None
                    out += self.state.complete_recovery()
                for wid in [w for w, c in self.worker_conns.items()
                            if self.state.workers.get(w) is None
                            or self.state.workers[w].state == WorkerState.DEAD]:
                    self.worker_conns.pop(wid).close()
                if out:
                    self._deliver(out)

    def _on_close(self, conn: Connection) -> None:
        with self.lock:
            wid = conn.info.get("worker_id")
            if wid and self.worker_conns.get(wid) is conn:
                del self.worker_conns[wid]
                self._deliver(self.state.worker_lost(wid, "disconnected"))
            app_id = conn.info.get("app_id")
            if app_id and self.app_conns.get(app_id) is conn:
                del self.app_conns[app_id]
                log.info("%s got disassociated, removing it.", conn.peer)
                self._deliver(self.state.app_finished(app_id, AppState.FINISHED, time.time()))

    # -- handlers (reader threads) -------------------------------------------------------------------
    def _on_register_worker(self, conn: Connection, msg: RegisterWorker) -> None:
        with self.lock:
            if self.state.status not in (MasterStatus.ALIVE, MasterStatus.RECOVERING):
                conn.send(RegisterWorkerFailed("master is not ready"))
                return
            old = self.worker_conns.get(msg.id)
            conn.info["worker_id"] = msg.id
            self.worker_conns[msg.id] = conn
            if old is not None and old is not conn:
                old.info.pop("worker_id", None)
                old.close()
            conn.send(RegisteredWorker(self.url, self.webui_url))
            self._deliver(self.state.register_worker(msg, time.time()))

    def _on_heartbeat(self, conn: Connection, msg: Heartbeat) -> None:
        with self.lock:
            out = self.state.heartbeat(str(msg.id), time.time())
            if out:
                conn.send(out[0].msg)

    def _on_executor_state(self, conn: Connection, msg: ExecutorStateChanged) -> None:
        with self.lock:
            self._deliver(self.state.executor_state(
                str(msg.app_id), int(msg.exec_id), str(msg.state), msg.exit_code,
                str(msg.message or "")))

    def _on_driver_state(self, conn: Connection, msg: DriverStateChanged) -> None:
        with self.lock:
            self._deliver(self.state.driver_state(str(msg.driver_id), str(msg.state),
                                                  msg.exit_code, str(msg.message or "")))

    def _on_register_app(self, conn: Connection, msg: RegisterApplication) -> None:
        with self.lock:
            app_id, out = self.state.register_app(msg, time.time())
            conn.info["app_id"] = app_id
            old = self.app_conns.get(app_id)
            self.app_conns[app_id] = conn
            if old is not None and old is not conn:
                old.info.pop("app_id", None)
                old.close()
            conn.send(RegisteredApplication(app_id, self.url, self.webui_url))
            self._deliver(out)

    def _on_app_ui(self, conn: Connection, msg: AppUiBound) -> None:
        app_id = conn.info.get("app_id")
        if app_id:
            with self.lock:
                self.state.app_ui(app_id, str(msg.url or ""))

    def _on_unregister_app(self, conn: Connection,
                           msg: UnregisterApplication) -> ApplicationUnregistered:
        with self.lock:
            app_id = conn.info.pop("app_id", None)
            if app_id:
                self.app_conns.pop(app_id, None)
                self._deliver(self.state.app_finished(app_id, str(msg.state or "FINISHED"),
                                                      time.time()))
        return ApplicationUnregistered()

    def _on_executor_registered(self, conn: Connection, msg: ExecutorRegistered) -> None:
        app_id = conn.info.get("app_id")
        if app_id:
            with self.lock:
                self.state.executor_registered(app_id, int(msg.exec_id))

    def _on_submit_driver(self, conn: Connection,
                          msg: RequestSubmitDriver) -> SubmitDriverResponse:
        with self.lock:
            if self.state.status != MasterStatus.ALIVE:
                return SubmitDriverResponse(False, f"master is {self.state.status}")
            driver_id, out = self.state.submit_driver(msg, time.time())
            self._deliver(out)
            d = self.state.drivers[driver_id]
            return SubmitDriverResponse(True, f"Driver successfully submitted as {driver_id}",
                                        driver_id, d.state.value)

    def _on_kill_driver(self, conn: Connection, msg: RequestKillDriver) -> KillDriverResponse:
        with self.lock:
            ok, message, out = self.state.kill_driver(str(msg.driver_id))
            self._deliver(out)
        return KillDriverResponse(str(msg.driver_id), ok, message)

    def _on_driver_status(self, conn: Connection,
                          msg: RequestDriverStatus) -> DriverStatusResponse:
        with self.lock:
            d = self.state.drivers.get(str(msg.driver_id))
            if d is None:
                return DriverStatusResponse(False)
            w = self.state.workers.get(d.worker_id or "")
            return DriverStatusResponse(True, d.state.value, d.worker_id,
                                        w.host if w else None, w.webui if w else None,
                                        d.exit_code, d.message)

    def _on_state(self, conn: Connection, msg: RequestMasterState) -> MasterStateResponse:
        return MasterStateResponse(self.json())

    def json(self) -> dict:
        with self.lock:
            return master_json(self.state, self.url)


def host_name() -> str:
    return socket.gethostname()


def run(program: Program, host: str, port: int, webui_port: int,
        properties_file: str | None) -> int:
    """The master in the foreground (``<program> master``); returns the exit code."""
    conf = setup_daemon(properties_file, ("Master", "Utils", "MasterUI"))
    master = Master(program, host, port, webui_port, conf)
    master.start()
    master.serve_forever()
    return 0
