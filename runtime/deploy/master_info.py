"""The standalone master's records: one dataclass per worker, application, executor and
cluster-mode driver it knows (the state of :class:`~runtime.deploy.master_state.MasterState`,
which changes them; its docstring describes the fields and the invariants). Plain data: a
recovery snapshot is ``asdict`` of these, and :func:`recover` builds them back (a state
field takes the snapshot's string, too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from runtime.deploy.states import AppState, DriverState, ExecutorState, WorkerState


@dataclass
class ExecutorInfo:
    app_id: str
    id: int
    worker_id: str
    cores: int
    memory: int  # MiB
    state: ExecutorState = ExecutorState.RUNNING
    exit_code: int | None = None
    message: str = ""

    def __post_init__(self) -> None:
        self.state = ExecutorState(self.state)  # a snapshot's string, too


@dataclass
class WorkerInfo:
    id: str
    host: str
    port: int
    cores: int
    memory: int  # MiB
    webui: str = ""
    work_dir: str = ""
    state: WorkerState = WorkerState.ALIVE
    cores_used: int = 0
    memory_used: int = 0
    last_heartbeat: float = 0.0
    executors: list = field(default_factory=list)  # [(app_id, exec_id)]
    drivers: list = field(default_factory=list)  # [driver_id]

    def __post_init__(self) -> None:
        self.state = WorkerState(self.state)  # a snapshot's string, too

    @property
    def cores_free(self) -> int:
        return self.cores - self.cores_used

    @property
    def memory_free(self) -> int:
        return self.memory - self.memory_used


@dataclass
class AppInfo:
    id: str
    name: str
    user: str = ""
    cores_max: int | None = None
    executor_cores: int = 1
    executor_memory: int = 1024  # MiB per allocation (shared by its processes)
    driver_address: str = ""
    command: dict = field(default_factory=dict)  # how workers start executors
    submit_time: float = 0.0
    end_time: float | None = None
    state: AppState = AppState.WAITING
    executors: dict = field(default_factory=dict)  # exec id -> ExecutorInfo
    removed: list = field(default_factory=list)  # finished ExecutorInfo, newest last
    next_exec_id: int = 0
    retry_count: int = 0
    driver_id: str | None = None
    draining: bool = False  # an executor exited 0: the driver told it to stop; no relaunch
    ui_url: str = ""  # the driver's web UI, once bound (register_app or app_ui)

    def __post_init__(self) -> None:
        self.state = AppState(self.state)  # a snapshot's string, too

    @property
    def cores_granted(self) -> int:
        return sum(e.cores for e in self.executors.values())

    def cores_left(self, default_cores: int | None) -> int:
        limit = self.cores_max if self.cores_max is not None else default_cores
        return (1 << 30) if limit is None else limit - self.cores_granted


@dataclass
class DriverInfo:
    id: str
    name: str
    app: str  # file name of the main program inside the shipped files
    files: dict = field(default_factory=dict)  # name -> bytes
    py_files: list = field(default_factory=list)
    data_files: list = field(default_factory=list)
    args: list = field(default_factory=list)
    conf: dict = field(default_factory=dict)
    cores: int = 1
    memory: int = 1024
    supervise: bool = False
    state: DriverState = DriverState.SUBMITTED
    worker_id: str | None = None
    submit_time: float = 0.0
    exit_code: int | None = None
    message: str = ""
    launches: int = 0

    def __post_init__(self) -> None:
        self.state = DriverState(self.state)  # a snapshot's string, too
