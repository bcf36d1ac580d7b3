"""The standalone master's scheduling state: who is in the cluster, which application gets
which executors. Pure (style guide item 2): no sockets, processes or threads.

Every event (a worker registers, an executor exits, an application registers...) is a method
of :class:`MasterState` that takes the typed message that reported it (runtime.protocol.deploy)
or plain arguments, updates the state and returns a list of :class:`Outgoing` ``(to, target,
msg)``: ``to`` is :attr:`Peer.WORKER` (send ``msg`` on worker ``target``'s connection) or
:attr:`Peer.APP` (to application ``target``'s driver), ``msg`` a typed message. The daemon
(runtime.deploy.master.Master) calls these under one lock and delivers the messages; unit
tests assert the lists directly.

State:
    workers   worker id -> WorkerInfo (id, host, port, cores, memory MiB, used cores/memory,
              webui url, state ALIVE|DEAD|UNKNOWN, last heartbeat, executors, drivers)
    apps      app id -> AppInfo (description, state WAITING|RUNNING|FINISHED|FAILED|KILLED|
              UNKNOWN, executors: exec id -> ExecutorInfo, next executor id, retry count)
    drivers   driver id -> DriverInfo (cluster deploy mode: files, args, conf, supervise,
              state SUBMITTED|RUNNING|FINISHED|FAILED|KILLED|RELAUNCHING|ERROR, worker)
    status    ALIVE, or RECOVERING after a restart with persisted state

States are Enums (runtime.deploy.states) whose values are Spark's names; messages, snapshots
and the /json document carry the plain strings.

Invariants: a worker's cores_used/memory_used are the sums over its live executors and
drivers; an executor is in exactly one app's and one worker's table; only ALIVE workers
get new executors; nothing is scheduled while RECOVERING.

Scheduling (Spark's Master.schedule): waiting drivers first (first worker with enough free
cores and memory, rotating), then applications in submission order. An application wants
``cores_max`` cores (spark.cores.max, else spark.deploy.defaultCores, else unbounded), in
allocations of spark.executor.cores on one worker with spark.executor.memory free. With
spark.deploy.spreadOut (default) each allocation goes to the usable worker holding the
fewest of the app's executors (then most free cores), which spreads the app out; without
it workers are filled one by one. An allocation of N cores is launched as N single-slot
executor processes (an executor process runs one task at a time; N processes is the
Python way to get N cores of parallelism), each with its own executor id and an equal share
of the memory.

Failures: a worker that disconnects or misses heartbeats for spark.worker.timeout is DEAD;
its executors are LOST (their apps are told) and its drivers relaunched (supervise) or
ERROR; then schedule() re-places the lost cores. An executor that exits abnormally is
replaced; after spark.deploy.maxExecutorRetries consecutive failures with none running the
application is FAILED. An executor that exits with code 0 was stopped by its driver, so the
application is *draining* and gets no new executors. An application whose driver
disconnects is FINISHED and its executors are killed.
"""


from __future__ import annotations

import logging
import time
from dataclasses import asdict
from enum import Enum
from typing import Any, NamedTuple

from runtime.deploy.common import format_mb
from runtime.deploy.master_info import AppInfo, DriverInfo, ExecutorInfo, WorkerInfo
from runtime.deploy.states import (
    EXECUTOR_DONE,
    FINISHED_STATES,
    AppState,
    DriverState,
    ExecutorState,
    MasterStatus,
    WorkerState,
    plain,
)
from runtime.protocol.deploy import (
    ApplicationFinished,
    ApplicationRemoved,
    ExecutorAdded,
    ExecutorRemoved,
    KillDriver,
    KillExecutor,
    LaunchDriver,
    LaunchExecutor,
    ReconnectWorker,
    RegisterApplication,
    RegisterWorker,
    RequestSubmitDriver,
)

log = logging.getLogger("Master")


class Peer(str, Enum):
    """Who an outgoing message is for."""

    WORKER = "worker"
    APP = "app"


class Outgoing(NamedTuple):
    """One message the daemon must deliver: to the worker or the application ``target``."""

    to: Peer
    target: str
    msg: Any


def _to_worker(wid: str, msg: Any) -> Outgoing:
    return Outgoing(Peer.WORKER, wid, msg)


def _to_app(app_id: str, msg: Any) -> Outgoing:
    return Outgoing(Peer.APP, app_id, msg)


class MasterState:
    """Pure scheduling state; see the module docstring."""

    def __init__(self, *, spread_out: bool = True, default_cores: int | None = None,
                 max_executor_retries: int = 10, retained_apps: int = 200,
                 retained_drivers: int = 200):
        self.spread_out = spread_out
        self.default_cores = default_cores
        self.max_executor_retries = max_executor_retries
        self.retained_apps = retained_apps
        self.retained_drivers = retained_drivers
        self.workers: dict[str, WorkerInfo] = {}
        self.apps: dict[str, AppInfo] = {}
        self.drivers: dict[str, DriverInfo] = {}
        self.status = MasterStatus.ALIVE
        self.start_time = time.time()
        self._next_app = 0
        self._next_driver = 0
        self._rotate = 0

    # -- ids -------------------------------------------------------------------------------
    def new_app_id(self, now: float) -> str:
        app_id, self._next_app = _fresh_id("app", now, self._next_app, self.apps)
        return app_id

    def new_driver_id(self, now: float) -> str:
        driver_id, self._next_driver = _fresh_id("driver", now, self._next_driver,
                                                 self.drivers)
        return driver_id

    # -- workers ---------------------------------------------------------------------------
    def register_worker(self, info: RegisterWorker, now: float) -> list[Outgoing]:
        """A worker (re-)registers, reporting the executors and drivers it runs. Executors
        the master does not know (or no longer wants) are killed; executors the master
        thought were there but are not reported are lost."""
        out: list[Outgoing] = []
        wid = info.id
        prior = {(e.app_id, e.id) for e in self._executors_on(wid)}
        prior_drivers = {d.id for d in self.drivers.values()
                         if d.worker_id == wid and d.state not in FINISHED_STATES}
        w = WorkerInfo(id=wid, host=str(info.host), port=int(info.port),
                       cores=int(info.cores), memory=int(info.memory),
                       webui=str(info.webui or ""), work_dir=str(info.work_dir or ""),
                       last_heartbeat=now)
        self.workers[wid] = w
        for app_id, exec_id in info.executors or ():
            app = self.apps.get(app_id)
            ex = app.executors.get(exec_id) if app is not None else None
            if app is None or app.state in FINISHED_STATES or ex is None or \
                    ex.worker_id != wid:
                out.append(_to_worker(wid, KillExecutor(app_id, exec_id)))
                continue
            prior.discard((app_id, exec_id))
            ex.state = ExecutorState.RUNNING
            w.executors.append((app_id, exec_id))
            w.cores_used += ex.cores
            w.memory_used += ex.memory
        for app_id, exec_id in sorted(prior):
            out += self.executor_state(app_id, exec_id, ExecutorState.LOST, None,
                                       "not running on its worker any more")
        for driver_id in info.drivers or ():
            d = self.drivers.get(driver_id)
            if d is None or d.state in FINISHED_STATES or d.worker_id not in (None, wid):
                out.append(_to_worker(wid, KillDriver(driver_id)))
                continue
            prior_drivers.discard(driver_id)
            d.worker_id, d.state = wid, DriverState.RUNNING
            w.drivers.append(driver_id)
            w.cores_used += d.cores
            w.memory_used += d.memory
        for driver_id in prior_drivers:
            d = self.drivers[driver_id]
            d.worker_id = None
            if d.supervise:
                d.state = DriverState.RELAUNCHING
            else:
                d.state, d.message = DriverState.ERROR, "not running on its worker any more"
        log.info("Registering worker %s:%d with %d cores, %s RAM", w.host, w.port, w.cores,
                 format_mb(w.memory))
        out += self._maybe_complete_recovery()
        return out + self.schedule()

    def _executors_on(self, wid: str) -> list[ExecutorInfo]:
        return [e for a in self.apps.values() for e in a.executors.values()
                if e.worker_id == wid]

    def heartbeat(self, wid: str, now: float) -> list[Outgoing]:
        w = self.workers.get(wid)
        if w is None or w.state != WorkerState.ALIVE:
            return [_to_worker(wid, ReconnectWorker("unknown or dead worker; register again"))]
        w.last_heartbeat = now
        return []

    def check_timeouts(self, now: float, timeout: float) -> list[Outgoing]:
        out: list[Outgoing] = []
        for w in list(self.workers.values()):
            if w.state == WorkerState.ALIVE and now - w.last_heartbeat > timeout:
                log.warning("Removing %s because we got no heartbeat in %d seconds", w.id,
                            round(timeout))
                out += self.worker_lost(w.id, f"no heartbeat in {timeout:g} s")
        return out

    def worker_lost(self, wid: str, reason: str) -> list[Outgoing]:
        w = self.workers.get(wid)
        if w is None or w.state == WorkerState.DEAD:
            return []
        log.info("Removing worker %s on %s:%d (%s)", wid, w.host, w.port, reason)
        out = self._lose_worker_resources(w, f"worker lost: {reason}")
        w.state = WorkerState.DEAD
        return out + self.schedule()

    def _lose_worker_resources(self, w: WorkerInfo, reason: str) -> list[Outgoing]:
        out: list[Outgoing] = []
        for app_id, exec_id in list(w.executors):
            app = self.apps.get(app_id)
            ex = app.executors.get(exec_id) if app else None
            if ex is None:
                continue
            del app.executors[exec_id]
            ex.state, ex.message = ExecutorState.LOST, reason
            app.removed.append(ex)
            out.append(_to_app(app_id, ExecutorRemoved(exec_id, ExecutorState.LOST, None,
                                                       reason, worker_lost=True)))
        for driver_id in list(w.drivers):
            d = self.drivers.get(driver_id)
            if d is None or d.state in FINISHED_STATES:
                continue
            d.worker_id = None
            if d.supervise:
                log.info("Re-launching %s", driver_id)
                d.state = DriverState.RELAUNCHING
            else:
                d.state, d.message = DriverState.ERROR, reason
        w.executors, w.drivers = [], []
        w.cores_used = w.memory_used = 0
        return out

    # -- applications ------------------------------------------------------------------------
    def register_app(self, desc: RegisterApplication,
                     now: float) -> tuple[str, list[Outgoing]]:
        """An application registers (or re-registers after a master restart)."""
        app_id = desc.app_id
        app = self.apps.get(app_id) if app_id else None
        if app is not None and desc.reconnect and app.state not in FINISHED_STATES:
            app.state = AppState.RUNNING if app.executors else AppState.WAITING
            app.driver_address = str(desc.driver_address or app.driver_address)
            app.ui_url = str(desc.ui_url or app.ui_url)
            log.info("Application %s (%s) re-registered", app.name, app.id)
            return app.id, self._maybe_complete_recovery() + self.schedule()
        if not app_id or app_id in self.apps:
            app_id = self.new_app_id(now)
        cores_max = desc.cores_max
        app = AppInfo(id=app_id, name=str(desc.name or "app"), user=str(desc.user or ""),
                      cores_max=int(cores_max) if cores_max is not None else None,
                      executor_cores=max(1, int(desc.executor_cores or 1)),
                      executor_memory=max(1, int(desc.executor_memory or 1024)),
                      driver_address=str(desc.driver_address or ""),
                      command=dict(desc.command or {}), submit_time=now,
                      next_exec_id=int(desc.next_exec_id or 0),
                      driver_id=desc.driver_id, ui_url=str(desc.ui_url or ""))
        self.apps[app_id] = app
        log.info("Registering app %s", app.name)
        log.info("Registered app %s with ID %s", app.name, app_id)
        return app_id, self.schedule()

    def app_ui(self, app_id: str, url: str) -> None:
        """The application's driver UI is bound at ``url`` (the master's pages link it)."""
        app = self.apps.get(app_id)
        if app is not None:
            app.ui_url = str(url or "")

    def app_finished(self, app_id: str, state: str = AppState.FINISHED, now: float = 0.0,
                     message: str = "") -> list[Outgoing]:
        app = self.apps.get(app_id)
        if app is None or app.state in FINISHED_STATES:
            return []
        state = AppState(state) if state in AppState.__members__ else AppState.FINISHED
        log.info("Removing app %s (%s)%s", app_id, state.lower(),
                 f": {message}" if message else "")
        app.state, app.end_time = state, now or time.time()
        out: list[Outgoing] = []
        for ex in list(app.executors.values()):
            out.append(_to_worker(ex.worker_id, KillExecutor(app_id, ex.id)))
            self._release_executor(app, ex, ExecutorState.KILLED, None, "application finished")
        for w in self.workers.values():
            if w.state == WorkerState.ALIVE:
                out.append(_to_worker(w.id, ApplicationFinished(app_id)))
        if state != AppState.FINISHED:
            out.append(_to_app(app_id, ApplicationRemoved(state, message)))
        self._trim_completed()
        return out + self.schedule()

    def _trim_completed(self) -> None:
        done = [a for a in self.apps.values() if a.state in FINISHED_STATES]
        for a in sorted(done, key=lambda a: a.end_time or 0)[:-self.retained_apps or None]:
            if len(done) > self.retained_apps:
                del self.apps[a.id]
                done.remove(a)

    def _release_executor(self, app: AppInfo, ex: ExecutorInfo, state: ExecutorState,
                          exit_code: int | None, message: str) -> None:
        app.executors.pop(ex.id, None)
        ex.state, ex.exit_code, ex.message = state, exit_code, message
        app.removed.append(ex)
        del app.removed[:-100]
        w = self.workers.get(ex.worker_id)
        if w is not None and (app.id, ex.id) in w.executors:
            w.executors.remove((app.id, ex.id))
            w.cores_used -= ex.cores
            w.memory_used -= ex.memory

    def executor_registered(self, app_id: str, exec_id: int) -> list[Outgoing]:
        app = self.apps.get(app_id)
        if app is not None:
            app.retry_count = 0
            if app.state == AppState.WAITING:
                app.state = AppState.RUNNING
        return []

    def executor_state(self, app_id: str, exec_id: int, state: str, exit_code: int | None,
                       message: str = "") -> list[Outgoing]:
        """A worker reports that an executor process ended (or could not start)."""
        app = self.apps.get(app_id)
        ex = app.executors.get(exec_id) if app is not None else None
        if ex is None or state not in EXECUTOR_DONE:
            return []
        state = ExecutorState(state)
        log.info("Executor %s/%s finished with state %s%s", app_id, exec_id, state,
                 f" message {message}" if message else "")
        self._release_executor(app, ex, state, exit_code, message)
        out: list[Outgoing] = [_to_app(app_id, ExecutorRemoved(exec_id, state, exit_code,
                                                               message))]
        if exit_code == 0 and state == ExecutorState.EXITED:
            app.draining = True  # executors exit 0 only when their driver stops
        if exit_code != 0 and state != ExecutorState.KILLED:
            app.retry_count += 1
            if app.retry_count >= self.max_executor_retries >= 0 and not app.executors:
                msg = (f"Application {app_id} failed {app.retry_count} times; removing it "
                       "(spark.deploy.maxExecutorRetries)")
                log.error("%s", msg)
                return out + self.app_finished(app_id, AppState.FAILED, message=msg)
        return out + self.schedule()

    # -- drivers (cluster deploy mode) -------------------------------------------------------
    def submit_driver(self, desc: RequestSubmitDriver,
                      now: float) -> tuple[str, list[Outgoing]]:
        driver_id = self.new_driver_id(now)
        d = DriverInfo(id=driver_id, name=str(desc.name or desc.app),
                       app=str(desc.app), files=dict(desc.files or {}),
                       py_files=list(desc.py_files or []),
                       data_files=list(desc.data_files or []),
                       args=[str(a) for a in desc.args or []],
                       conf={str(k): str(v) for k, v in (desc.conf or {}).items()},
                       cores=max(1, int(desc.cores or 1)),
                       memory=max(1, int(desc.memory or 1024)),
                       supervise=bool(desc.supervise), submit_time=now)
        self.drivers[driver_id] = d
        log.info("Driver submitted %s", driver_id)
        return driver_id, self.schedule()

    def kill_driver(self, driver_id: str) -> tuple[bool, str, list[Outgoing]]:
        d = self.drivers.get(driver_id)
        if d is None:
            return False, f"Driver {driver_id} has already finished or does not exist", []
        if d.state in FINISHED_STATES:
            return False, f"Driver {driver_id} has already finished ({d.state})", []
        log.info("Asked to kill driver %s", driver_id)
        if d.worker_id is None:
            d.state = DriverState.KILLED
            return True, f"Kill request for {driver_id} submitted", []
        d.supervise = False  # a killed driver is not restarted
        return True, f"Kill request for {driver_id} submitted", [
            _to_worker(d.worker_id, KillDriver(driver_id))]

    def driver_state(self, driver_id: str, state: str, exit_code: int | None,
                     message: str = "") -> list[Outgoing]:
        d = self.drivers.get(driver_id)
        if d is None or state not in DriverState.__members__:
            return []
        state = DriverState(state)
        if state == DriverState.RUNNING:
            d.state = DriverState.RUNNING
            return []
        if state == DriverState.RELAUNCHING:  # the worker restarts a supervised driver itself
            d.state, d.exit_code = DriverState.RELAUNCHING, exit_code
            return []
        log.info("Removing driver: %s (%s)", driver_id, state)
        d.state, d.exit_code, d.message = state, exit_code, message
        w = self.workers.get(d.worker_id or "")
        if w is not None and driver_id in w.drivers:
            w.drivers.remove(driver_id)
            w.cores_used -= d.cores
            w.memory_used -= d.memory
        done = [x for x in self.drivers.values() if x.state in FINISHED_STATES]
        for x in done[:max(0, len(done) - self.retained_drivers)]:
            del self.drivers[x.id]
        return self.schedule()

    # -- scheduling --------------------------------------------------------------------------
    def schedule(self) -> list[Outgoing]:
        if self.status != MasterStatus.ALIVE:
            return []
        out: list[Outgoing] = []
        alive = sorted((w for w in self.workers.values() if w.state == WorkerState.ALIVE),
                       key=lambda w: w.id)
        for d in sorted(self.drivers.values(), key=lambda d: d.submit_time):
            if d.worker_id is not None or d.state not in (DriverState.SUBMITTED, DriverState.RELAUNCHING):
                continue
            n = len(alive)
            for i in range(n):
                w = alive[(self._rotate + i) % n]
                if w.cores_free >= d.cores and w.memory_free >= d.memory:
                    self._rotate = (self._rotate + i + 1) % n
                    out += self._launch_driver(w, d)
                    break
        for app in sorted(self.apps.values(), key=lambda a: a.submit_time):
            if app.state not in (AppState.WAITING, AppState.RUNNING) or app.draining:
                continue
            per, mem = app.executor_cores, app.executor_memory
            while app.cores_left(self.default_cores) >= per:
                usable = [w for w in alive if w.cores_free >= per and w.memory_free >= mem]
                if not usable:
                    break
                if self.spread_out:
                    def load(w: WorkerInfo, app_id: str = app.id) -> tuple:
                        mine = sum(1 for a, _ in w.executors if a == app_id)
                        return (mine, -w.cores_free, w.id)
                    w = min(usable, key=load)
                else:
                    w = usable[0]
                out += self._launch_executors(app, w, per, mem)
        return out

    def _launch_driver(self, w: WorkerInfo, d: DriverInfo) -> list[Outgoing]:
        log.info("Launching driver %s on worker %s", d.id, w.id)
        d.worker_id, d.state = w.id, DriverState.RUNNING
        d.launches += 1
        w.drivers.append(d.id)
        w.cores_used += d.cores
        w.memory_used += d.memory
        return [_to_worker(w.id, LaunchDriver(d.id, d.app, d.files, d.py_files, d.data_files,
                                              d.args, d.conf, d.supervise, d.cores,
                                              d.memory))]

    def _launch_executors(self, app: AppInfo, w: WorkerInfo, cores: int,
                          memory: int) -> list[Outgoing]:
        out: list[Outgoing] = []
        share = max(1, memory // cores)
        for _ in range(cores):
            ex = ExecutorInfo(app.id, app.next_exec_id, w.id, 1, share)
            app.next_exec_id += 1
            app.executors[ex.id] = ex
            w.executors.append((app.id, ex.id))
            w.cores_used += 1
            w.memory_used += share
            log.info("Launching executor %s/%d on worker %s", app.id, ex.id, w.id)
            out.append(_to_worker(w.id, LaunchExecutor(app.id, ex.id, 1, share,
                                                       app.driver_address, app.command)))
            out.append(_to_app(app.id, ExecutorAdded(ex.id, w.id, w.host, 1, share, w.webui,
                                                     w.work_dir)))
        return out

    # -- recovery ------------------------------------------------------------------------------
    def snapshot(self) -> dict:
        def app_dict(a: AppInfo) -> dict:
            d = asdict(a, dict_factory=plain)
            d["executors"] = [asdict(e, dict_factory=plain) for e in a.executors.values()]
            d["removed"] = [asdict(e, dict_factory=plain) for e in a.removed]
            return d

        return {"workers": [asdict(w, dict_factory=plain) for w in self.workers.values()
                            if w.state != WorkerState.DEAD],
                "apps": [app_dict(a) for a in self.apps.values()],
                "drivers": [asdict(d, dict_factory=plain) for d in self.drivers.values()],
                "next_app": self._next_app, "next_driver": self._next_driver}

    def recover(self, snap: dict) -> None:
        """Load a snapshot: live workers/apps become UNKNOWN until they reconnect."""
        for wd in snap.get("workers") or ():
            w = WorkerInfo(**wd)
            w.executors = [tuple(x) for x in w.executors]
            w.state = WorkerState.UNKNOWN
            self.workers[w.id] = w
        for ad in snap.get("apps") or ():
            execs = [ExecutorInfo(**e) for e in ad.pop("executors", [])]
            removed = [ExecutorInfo(**e) for e in ad.pop("removed", [])]
            a = AppInfo(**ad)
            a.executors = {e.id: e for e in execs}
            a.removed = removed
            if a.state not in FINISHED_STATES:
                a.state = AppState.UNKNOWN
            self.apps[a.id] = a
        for dd in snap.get("drivers") or ():
            d = DriverInfo(**dd)
            self.drivers[d.id] = d
        self._next_app = int(snap.get("next_app") or 0)
        self._next_driver = int(snap.get("next_driver") or 0)
        unknown = any(w.state == WorkerState.UNKNOWN for w in self.workers.values()) or any(
            a.state == AppState.UNKNOWN for a in self.apps.values())
        self.status = MasterStatus.RECOVERING if unknown else MasterStatus.ALIVE
        log.info("Recovered %d workers, %d applications, %d drivers; state %s",
                 len(self.workers), len(self.apps), len(self.drivers), self.status)

    def _maybe_complete_recovery(self) -> list[Outgoing]:
        if self.status != MasterStatus.RECOVERING:
            return []
        if any(w.state == WorkerState.UNKNOWN for w in self.workers.values()) or any(
                a.state == AppState.UNKNOWN for a in self.apps.values()):
            return []
        return self.complete_recovery()

    def complete_recovery(self) -> list[Outgoing]:
        if self.status != MasterStatus.RECOVERING:
            return []
        out: list[Outgoing] = []
        self.status = MasterStatus.ALIVE  # so the removals below may reschedule
        for w in list(self.workers.values()):
            if w.state == WorkerState.UNKNOWN:
                w.state = WorkerState.ALIVE
                out += self.worker_lost(w.id, "did not re-register after master recovery")
        for a in list(self.apps.values()):
            if a.state == AppState.UNKNOWN:
                out += self.app_finished(a.id, AppState.FINISHED,
                                         message="did not reconnect after master recovery")
        for d in self.drivers.values():
            if d.state not in FINISHED_STATES and d.worker_id is not None and \
                    d.id not in self.workers.get(d.worker_id, WorkerInfo("", "", 0, 0, 0)).drivers:
                d.worker_id = None
            if d.worker_id is None and d.state not in FINISHED_STATES:
                if d.supervise:
                    d.state = DriverState.RELAUNCHING
                else:
                    d.state, d.message = DriverState.ERROR, "lost while the master was down"
        log.info("Recovery complete - resuming operations!")
        return out + self.schedule()


def _fresh_id(prefix: str, now: float, counter: int, taken: dict) -> tuple[str, int]:
    """``<prefix>-<yyyyMMddHHmmss of now>-<counter>`` not in ``taken``, and the next counter."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now))
    while True:
        new_id = f"{prefix}-{stamp}-{counter:04d}"
        counter += 1
        if new_id not in taken:
            return new_id, counter
