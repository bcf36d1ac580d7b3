"""Standalone-cluster messages: worker <-> master <-> driver, submission clients, shuffle
service. The names are Spark's DeployMessages where Spark has one.

Every message is declared here once (runtime.protocol :func:`message`); the master
(runtime/deploy/master.py, master_state.py), the worker (worker.py, driver_runner.py), the
driver's app client (runtime/scheduler/standalone.py), the submission client
(runtime/deploy/client.py) and the executors' shuffle fetches all use these classes, so no
op string or field name is spelt twice. On the wire a message is the plain dict
``{"op": OP, **fields}`` (runtime.protocol :func:`encode`): daemons unpickle frames with a
restricted unpickler that refuses every global (runtime/rpc/server.py), so every field holds
plain data only -- states travel as their string value (``__post_init__`` turns a state
Enum into its value, so a sender cannot get this wrong).

Worker -> master (on the worker's registration connection)
    RegisterWorker         id, address, resources, web UI, work dir, and the executors and
                           drivers it still runs (a re-registration after a master restart)
    Heartbeat              every spark.worker.timeout / 4
    ExecutorStateChanged   an executor process ended (EXITED/KILLED/FAILED, exit code)
    DriverStateChanged     a cluster-mode driver started, is relaunching or ended
Master -> worker
    RegisteredWorker, RegisterWorkerFailed, ReconnectWorker (unknown or dead: register again)
    LaunchExecutor, KillExecutor, LaunchDriver, KillDriver, ApplicationFinished
Driver (app client) -> master
    RegisterApplication    the app's description and how a worker starts its executors
                           (``reconnect`` with the same id after a master restart)
    ExecutorRegistered     an executor reached the driver (resets the app's retry count)
    AppUiBound             the driver's web UI address, for the master's application page
    UnregisterApplication  the app ends (answered by ApplicationUnregistered)
Master -> driver
    RegisteredApplication, ExecutorAdded, ExecutorRemoved, ApplicationRemoved
Submission client -> master (one request, one reply)
    RequestSubmitDriver -> SubmitDriverResponse (``success``; ``driver_id`` when accepted)
    RequestKillDriver   -> KillDriverResponse
    RequestDriverStatus -> DriverStatusResponse
    RequestMasterState  -> MasterStateResponse (the master's /json document)
    Ping                -> Pong (master and worker)
Executor -> a worker's shuffle service
    FetchBlock (a byte range of a map output file) -> BlockData | FetchFailed
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import Any

from runtime.protocol import Message, message


def _plain_state(msg: Any) -> None:
    if isinstance(msg.state, Enum):
        msg.state = msg.state.value


# -- worker <-> master ----------------------------------------------------------------------------
@message("register_worker")
class RegisterWorker(Message):
    id: str
    host: str
    port: int
    cores: int
    memory: int  # MiB
    webui: str = ""
    work_dir: str = ""
    executors: list = field(default_factory=list)  # [(app_id, exec_id)] still running
    drivers: list = field(default_factory=list)  # [driver_id] still running


@message("registered_worker")
class RegisteredWorker(Message):
    master_url: str
    master_webui: str = ""


@message("register_worker_failed")
class RegisterWorkerFailed(Message):
    message: str


@message("reconnect_worker")
class ReconnectWorker(Message):
    reason: str = ""


@message("heartbeat")
class Heartbeat(Message):
    id: str


@message("executor_state_changed")
class ExecutorStateChanged(Message):
    app_id: str
    exec_id: int
    state: str  # an ExecutorState value
    exit_code: int | None = None
    message: str = ""

    def __post_init__(self) -> None:
        _plain_state(self)


@message("driver_state_changed")
class DriverStateChanged(Message):
    driver_id: str
    state: str  # a DriverState value
    exit_code: int | None = None
    message: str = ""

    def __post_init__(self) -> None:
        _plain_state(self)


@message("launch_executor")
class LaunchExecutor(Message):
    app_id: str
    exec_id: int
    cores: int
    memory: int  # MiB
    driver_address: str
    command: dict = field(default_factory=dict)  # RegisterApplication.command


@message("kill_executor")
class KillExecutor(Message):
    app_id: str
    exec_id: int


@message("launch_driver")
class LaunchDriver(Message):
    driver_id: str
    app: str  # file name of the main program among ``files``
    files: dict = field(default_factory=dict)  # name -> bytes
    py_files: list = field(default_factory=list)
    data_files: list = field(default_factory=list)
    args: list = field(default_factory=list)
    conf: dict = field(default_factory=dict)
    supervise: bool = False
    cores: int = 1
    memory: int = 1024  # MiB


@message("kill_driver")
class KillDriver(Message):
    driver_id: str


@message("application_finished")
class ApplicationFinished(Message):
    app_id: str


# -- driver (app client) <-> master ---------------------------------------------------------------
@message("register_application")
class RegisterApplication(Message):
    name: str
    app_id: str | None = None  # set when re-registering (reconnect) after a master restart
    user: str = ""
    cores_max: int | None = None
    executor_cores: int = 1
    executor_memory: int = 1024  # MiB per allocation
    driver_address: str = ""
    reconnect: bool = False
    next_exec_id: int = 0
    driver_id: str | None = None  # the cluster-mode submission that runs this driver
    ui_url: str = ""
    # how a worker starts an executor: python_paths, init_hooks, env, log_level, app_name, cwd
    command: dict = field(default_factory=dict)


@message("registered_application")
class RegisteredApplication(Message):
    app_id: str
    master_url: str
    master_webui: str = ""


@message("register_application_failed")
class RegisterApplicationFailed(Message):
    message: str


@message("executor_registered")
class ExecutorRegistered(Message):
    exec_id: int


@message("app_ui_bound")
class AppUiBound(Message):
    url: str


@message("unregister_application")
class UnregisterApplication(Message):
    state: str = "FINISHED"


@message("application_unregistered")
class ApplicationUnregistered(Message):
    pass


@message("executor_added")
class ExecutorAdded(Message):
    exec_id: int
    worker_id: str
    host: str
    cores: int
    memory: int  # MiB
    webui: str = ""
    work_dir: str = ""


@message("executor_removed")
class ExecutorRemoved(Message):
    exec_id: int
    state: str  # an ExecutorState value
    exit_code: int | None = None
    message: str = ""
    worker_lost: bool = False  # its worker (and the shuffle files it served) is gone

    def __post_init__(self) -> None:
        _plain_state(self)


@message("application_removed")
class ApplicationRemoved(Message):
    state: str  # an AppState value
    message: str = ""

    def __post_init__(self) -> None:
        _plain_state(self)


# -- submission client <-> master -----------------------------------------------------------------
@message("request_submit_driver")
class RequestSubmitDriver(Message):
    app: str  # file name of the main program among ``files``
    name: str = ""
    files: dict = field(default_factory=dict)  # name -> bytes
    py_files: list = field(default_factory=list)
    data_files: list = field(default_factory=list)
    args: list = field(default_factory=list)
    conf: dict = field(default_factory=dict)
    cores: int = 1
    memory: int = 1024  # MiB
    supervise: bool = False


@message("submit_driver_response")
class SubmitDriverResponse(Message):
    success: bool
    message: str
    driver_id: str | None = None
    state: str | None = None


@message("request_kill_driver")
class RequestKillDriver(Message):
    driver_id: str


@message("kill_driver_response")
class KillDriverResponse(Message):
    driver_id: str
    success: bool
    message: str


@message("request_driver_status")
class RequestDriverStatus(Message):
    driver_id: str


@message("driver_status_response")
class DriverStatusResponse(Message):
    found: bool
    state: str | None = None
    worker_id: str | None = None
    worker_host: str | None = None
    worker_webui: str | None = None
    exit_code: int | None = None
    message: str = ""


@message("request_master_state")
class RequestMasterState(Message):
    pass


@message("master_state_response")
class MasterStateResponse(Message):
    state: dict


@message("ping")
class Ping(Message):
    pass


@message("pong")
class Pong(Message):
    pass


# -- shuffle service --------------------------------------------------------------------------------
@message("fetch_block")
class FetchBlock(Message):
    """Bytes ``[start, end)`` of the map output file ``path`` on that worker."""

    path: str
    start: int
    end: int


@message("block_data")
class BlockData(Message):
    data: bytes


@message("fetch_failed")
class FetchFailed(Message):
    message: str
