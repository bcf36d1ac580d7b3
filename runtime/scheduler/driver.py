"""The driver's scheduling loop: executors, task sets, results (Spark's TaskScheduler +
CoarseGrainedSchedulerBackend, one thread).

One thread (``sparkcli-scheduler``) owns all scheduling state and is the only one that
touches executor sockets. User threads talk to it through ``_commands`` (a queue) plus a
wake-up socket: ``run_job`` enqueues a job and blocks on its :class:`JobWaiter`.

Loop state:
    executors        executor id -> ExecutorRef (socket, free slots, binaries it holds, tasks)
    tasksets         active TaskSetManagers, scheduled FIFO by (first job id, stage id)
    tasks            task id -> Task in flight
    block_locations  (rdd_id, split) -> executor ids holding that persisted partition
    binaries         stage id -> cloudpickled ("result"|"shuffle", rdd, func|spec), kept
                     only while an active job needs the stage (rebuilt if it runs again)
    unreachable      ("shuffle", id) of a collected ShuffledRDD, ("rdd", id) of a collected
                     persisted RDD (Spark's ContextCleaner): the shuffle's stage, binary
                     and files, the RDD's cached blocks are dropped

Retention (Spark's spark.ui.retainedJobs/retainedStages, 1000 each): ``stage_progress`` and
``job_stages`` keep the newest entries only, so a 24/7 streaming driver stays flat.

Each loop turn: accept registrations, read executor messages (task status), detect lost
executors (EOF), run commands, then offer free slots to task sets. Stage logic lives in the
pure :class:`~runtime.scheduler.dag.DAGScheduler`; this loop executes its actions.

Backends (local processes now, spark:// executors later) only launch and replace executor
processes (the ``launcher``); every executor connects back here over TCP.
"""

from __future__ import annotations

import collections
import logging
import os
import queue
import selectors
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from runtime import serde
from runtime.dataformat import decode_result
from runtime.errors import JobCancelled, ResultTooLarge, SparkException
from runtime.rpc import frames
from runtime.scheduler.dag import DAGScheduler, ResultStage, ShuffleMapStage
from runtime.scheduler.taskset import Task, TaskSetManager
from runtime.shuffle.spec import FetchFailedError

log = logging.getLogger("TaskSchedulerImpl")
dag_log = logging.getLogger("DAGScheduler")

MAX_BINARIES = 64  # mirrors runtime.executor.main.MAX_BINARIES (same eviction order)
RETAINED_JOBS = RETAINED_STAGES = 1000


@dataclass
class ExecutorRef:
    id: str
    sock: socket.socket
    pid: int
    slots: int = 1
    running: set = field(default_factory=set)
    binaries: collections.OrderedDict = field(default_factory=collections.OrderedDict)


class JobWaiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.results: list | None = None
        self.error: BaseException | None = None
        self.job_id: int | None = None
        self.submitted = threading.Event()


@dataclass
class StageProgress:
    stage_id: int
    attempt: int
    name: str
    num_tasks: int
    active: int = 0
    completed: int = 0
    failed: int = 0
    submitted: float = field(default_factory=time.time)
    job_ids: tuple = ()


class Driver:
    def __init__(self, *, app_id: str, app_dir: str, local_dir: str, launcher: Any,
                 max_failures: int, max_result_size: int, memory_limit: int,
                 locality_wait: float = 3.0, accumulator_sink: Callable | None = None,
                 bind_host: str = "127.0.0.1", advertise_host: str | None = None):
        self.app_id = app_id
        self.app_dir = app_dir
        self.local_dir = local_dir
        self.launcher = launcher
        self.max_failures = max_failures
        self.max_result_size = max_result_size
        self.memory_limit = memory_limit  # each executor's memory pool (runtime/memory.py)
        self.locality_wait = locality_wait
        self.accumulator_sink = accumulator_sink
        self.dag = DAGScheduler()
        self.executors: dict[str, ExecutorRef] = {}
        self.tasksets: list[TaskSetManager] = []
        self.tasks: dict[int, Task] = {}
        self.block_locations: dict[tuple[int, int], set[str]] = {}
        self.binaries: dict[int, bytes] = {}
        self._binary_stages: dict[int, Any] = {}  # stage id -> stage, for binaries
        self.unreachable: collections.deque = collections.deque()
        self.waiters: dict[int, JobWaiter] = {}
        self.job_props: dict[int, dict] = {}
        self.stage_progress: dict[int, StageProgress] = {}
        self.job_stages: dict[int, list[int]] = {}
        self.metrics = collections.Counter()
        self.lost_executors: dict[str, str] = {}
        self.startup_failures = 0
        # op -> fn(executor_id, msg), called on the loop thread for mid-task messages
        self.handlers: dict[str, Callable[[str, dict], None]] = {}
        self._commands: queue.Queue = queue.Queue()
        self._sel = selectors.DefaultSelector()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((bind_host, 0))
        self._listener.listen(128)
        self._listener.setblocking(False)
        self.address = "%s:%d" % (advertise_host or self._listener.getsockname()[0],
                                  self._listener.getsockname()[1])
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_w.setblocking(False)  # a full pipe means the loop is awake anyway
        self._sel.register(self._listener, selectors.EVENT_READ, ("accept", None))
        self._sel.register(self._wake_r, selectors.EVENT_READ, ("wake", None))
        self._pending: set[socket.socket] = set()  # accepted, not yet registered
        self._stopping = False
        self.lock = threading.Lock()  # guards stage_progress for readers
        self._thread = threading.Thread(target=self._loop, name="sparkcli-scheduler",
                                        daemon=True)

    # -- public API (any thread) -----------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def run_job(self, rdd: Any, func: Callable, partitions: list[int],
                props: dict | None = None) -> list:
        waiter = self.submit_job(rdd, func, partitions, props)
        waiter.event.wait()
        if waiter.error is not None:
            raise waiter.error
        return waiter.results  # type: ignore[return-value]

    def submit_job(self, rdd: Any, func: Callable, partitions: list[int],
                   props: dict | None = None) -> JobWaiter:
        """Start a job without waiting (long-running receiver jobs); see JobWaiter."""
        if self._stopping:
            raise SparkException("Cannot call methods on a stopped SparkContext.")
        waiter = JobWaiter()
        self._command(("submit", rdd, func, list(partitions), dict(props or {}), waiter))
        return waiter

    def cancel_jobs(self, group: str | None = None, reason: str = "") -> None:
        self._command(("cancel", group, reason))

    def kill_job_tasks(self, job_id: int) -> None:
        """Interrupt the running tasks of a job (they see ``tc.interrupted``)."""
        self._command(("kill_tasks", job_id))

    def message_job_tasks(self, job_id: int, payload: Any) -> None:
        """Hand ``payload`` to the running tasks of a job (they find it in
        ``tc.messages``), e.g. a new rate for a streaming receiver."""
        self._command(("message_tasks", job_id, payload))

    def remove_rdd(self, rdd_id: int) -> None:
        self._command(("remove_rdd", rdd_id))

    def remove_executor(self, eid: str, reason: str, outputs_lost: bool) -> None:
        """The cluster manager says executor ``eid`` is gone (e.g. its worker died), even if
        its connection is still open: stop scheduling on it, stop it, rerun its tasks; with
        ``outputs_lost`` the shuffle outputs it wrote are recomputed too."""
        self._command(("remove_executor", eid, reason, outputs_lost))

    def shuffle_unreachable(self, shuffle_id: int) -> None:
        """No RDD can read ``shuffle_id`` any more (its ShuffledRDD was collected): drop it.

        Called from a weakref finalizer, on whatever thread the collection happened: only
        a lock-free append and a non-blocking wake-up."""
        self._unreachable(("shuffle", shuffle_id))

    def rdd_unreachable(self, rdd_id: int) -> None:
        """A persisted RDD was collected: drop its cached blocks (as shuffle_unreachable)."""
        self._unreachable(("rdd", rdd_id))

    def _unreachable(self, item: tuple) -> None:
        self.unreachable.append(item)
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def stop(self, timeout: float = 5.0) -> None:
        if self._stopping:
            return
        self._command(("stop",))
        self._thread.join(timeout)

    def _command(self, cmd: tuple) -> None:
        self._commands.put(cmd)
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    # -- the loop --------------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while not self._stopping:
                busy = bool(self.tasksets)
                timeout = (0.05 if self._delayed_tasks() else 0.25) if busy else None
                for key, _ in self._sel.select(timeout):
                    kind, ref = key.data
                    if kind == "accept":
                        self._accept()
                    elif kind == "wake":
                        try:
                            self._wake_r.recv(4096)
                        except BlockingIOError:
                            pass
                    elif kind == "new":
                        self._register(key.fileobj)
                    else:
                        self._on_executor_readable(ref)
                self._drain_commands()
                if busy and not self._stopping:
                    self._check_launches()
                if not self._stopping:
                    self._offer()
        except BaseException as e:  # a bug here must not hang user threads forever
            log.error("scheduler loop crashed: %r", e, exc_info=True)
            for waiter in self.waiters.values():
                waiter.error = SparkException(f"scheduler loop crashed: {e!r}")
                waiter.event.set()
        finally:
            self._shutdown()

    def _delayed_tasks(self) -> bool:
        return any(t.pending for t in self.tasksets) and any(
            e.slots > len(e.running) for e in self.executors.values())

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except BlockingIOError:
                return
            conn.setblocking(True)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sel.register(conn, selectors.EVENT_READ, ("new", None))
            self._pending.add(conn)

    def _register(self, conn: socket.socket) -> None:
        self._sel.unregister(conn)
        self._pending.discard(conn)
        if getattr(self, "auth_secret", None) is not None:  # spark.authenticate (spark://)
            from runtime.rpc import auth

            why = auth.server_handshake(conn, self.auth_secret, timeout=5.0)
            if why is not None:
                log.warning("Refused an executor connection: authentication failed: %s", why)
                conn.close()
                return
        conn.settimeout(5.0)  # a peer that stalls mid-frame must not stall the loop
        msg = frames.recv(conn, max_frame=1 << 20)
        if not msg or msg.get("op") != "register" or "executor_id" not in msg:
            conn.close()
            return
        conn.settimeout(None)
        ref = ExecutorRef(msg["executor_id"], conn, msg.get("pid", 0),
                          slots=msg.get("cores", 1))
        self.executors[ref.id] = ref
        self.startup_failures = 0
        self.launcher.registered(ref.id)
        self._sel.register(conn, selectors.EVENT_READ, ("exec", ref))
        logging.getLogger("CoarseGrainedSchedulerBackend").info(
            "Registered executor %s (pid %s) with %d core(s)", ref.id, ref.pid, ref.slots)

    def _on_executor_readable(self, ref: ExecutorRef) -> None:
        msg = frames.recv(ref.sock)
        if msg is None:
            self._executor_lost(ref)
            return
        if msg["op"] == "status":
            self._on_status(ref, msg)
        elif msg["op"] in self.handlers:
            self.handlers[msg["op"]](ref.id, msg)

    # -- commands ----------------------------------------------------------------------------
    def _drain_commands(self) -> None:
        while self.unreachable:
            kind, ident = self.unreachable.popleft()
            if kind == "shuffle":
                self._remove_shuffle(ident)
            else:
                self._commands.put(("remove_rdd", ident))
        while True:
            try:
                cmd = self._commands.get_nowait()
            except queue.Empty:
                return
            op = cmd[0]
            if op == "submit":
                _, rdd, func, partitions, props, waiter = cmd
                job, actions = self.dag.submit_job(rdd, func, partitions, props)
                waiter.job_id = job.id
                waiter.submitted.set()
                self.waiters[job.id] = waiter
                self.job_props[job.id] = props
                dag_log.info("Got job %d with %d output partitions", job.id, len(partitions))
                self._apply(actions)
            elif op == "cancel":
                _, group, reason = cmd
                for job_id in list(self.dag.jobs):
                    props = self.job_props.get(job_id, {})
                    if group is None or props.get("spark.jobGroup.id") == group:
                        why = f"Job {job_id} cancelled" + (f" ({reason})" if reason else "")
                        self._apply(self.dag.fail_job(self.dag.jobs[job_id], JobCancelled(why)))
                self._drop_orphan_tasksets()
                for task in list(self.tasks.values()):  # interrupt what no job needs now
                    ref = self.executors.get(task.executor_id)
                    if not task.tsm.stage.jobs and ref is not None:
                        self._send(ref, {"op": "kill_task", "task_id": task.id})
            elif op == "kill_tasks":
                for ref, task in self._job_tasks(cmd[1]):
                    self._send(ref, {"op": "kill_task", "task_id": task.id})
            elif op == "message_tasks":
                for ref, task in self._job_tasks(cmd[1]):
                    self._send(ref, {"op": "task_message", "task_id": task.id,
                                     "payload": cmd[2]})
            elif op == "remove_executor":
                _, eid, reason, outputs_lost = cmd
                ref = self.executors.get(eid)
                if ref is not None:
                    self._send(ref, {"op": "stop"})
                    self._executor_lost(ref, reason, outputs_lost)
            elif op == "remove_rdd":
                rdd_id = cmd[1]
                for key in [k for k in self.block_locations if k[0] == rdd_id]:
                    del self.block_locations[key]
                for ref in self.executors.values():
                    self._send(ref, {"op": "remove_rdd", "rdd_id": rdd_id})
            elif op == "stop":
                self._stopping = True
                for job_id in list(self.dag.jobs):
                    self._apply(self.dag.fail_job(self.dag.jobs[job_id], JobCancelled(
                        "Job cancelled because SparkContext was shut down")))

    def _job_tasks(self, job_id: int) -> list[tuple[ExecutorRef, Task]]:
        return [(self.executors[t.executor_id], t) for t in list(self.tasks.values())
                if job_id in t.tsm.stage.jobs and t.executor_id in self.executors]

    def _drop_orphan_tasksets(self) -> None:
        for tsm in self.tasksets:
            if not tsm.stage.jobs:
                tsm.zombie = True
        self.tasksets = [t for t in self.tasksets if not t.zombie]

    # -- DAG actions ---------------------------------------------------------------------------
    def _apply(self, actions: list[tuple]) -> None:
        for action in actions:
            kind = action[0]
            if kind == "launch":
                self._launch_stage(action[1])
            elif kind == "job_done":
                job = action[1]
                self._finish_job(job.id, results=job.results)
            elif kind == "job_failed":
                self._finish_job(action[1].id, error=action[2])
        self._drop_orphan_tasksets()

    def _finish_job(self, job_id: int, results: list | None = None,
                    error: BaseException | None = None) -> None:
        waiter = self.waiters.pop(job_id, None)
        self.job_props.pop(job_id, None)
        self._release_binaries()
        self._trim_progress()
        if waiter is None:
            return
        if error is None:
            dag_log.info("Job %d finished", job_id)
        waiter.results, waiter.error = results, error
        waiter.event.set()

    def _release_binaries(self, only: int | None = None) -> None:
        """Drop the binaries of stages no active job needs (all, or just stage ``only``),
        here and in the executors that hold them."""
        live = set(self.dag.jobs)
        gone = [sid for sid, stage in self._binary_stages.items()
                if (sid == only if only is not None else not stage.jobs & live)]
        if not gone:
            return
        for sid in gone:
            del self.binaries[sid], self._binary_stages[sid]
        keys = {str(sid) for sid in gone}
        for ref in self.executors.values():
            held = [k for k in keys if ref.binaries.pop(k, None)]
            if held:
                self._send(ref, {"op": "forget_binaries", "keys": held})

    def _remove_shuffle(self, shuffle_id: int) -> None:
        stage = self.dag.remove_shuffle(shuffle_id)
        if stage is None:
            return
        if stage.id in self.binaries:
            self._release_binaries(only=stage.id)
        for ref in self.executors.values():
            self._send(ref, {"op": "remove_shuffle", "shuffle_id": shuffle_id})

    def _trim_progress(self) -> None:
        with self.lock:
            for old in sorted(self.job_stages)[:-RETAINED_JOBS]:
                del self.job_stages[old]
            if len(self.stage_progress) > RETAINED_STAGES:
                done = [sid for sid, p in sorted(self.stage_progress.items())
                        if p.active == 0 and sid not in self.binaries]
                for sid in done[:len(self.stage_progress) - RETAINED_STAGES]:
                    del self.stage_progress[sid]

    def _launch_stage(self, stage: Any) -> None:
        partitions = stage.pending_partitions()
        if stage.id not in self.binaries:
            if isinstance(stage, ShuffleMapStage):
                payload = ("shuffle", stage.rdd, stage.dep.spec)
            else:
                payload = ("result", stage.rdd, stage.func)
            try:
                self.binaries[stage.id] = serde.dumps_closure(payload)
                self._binary_stages[stage.id] = stage
            except Exception as e:
                self._apply(self.dag.stage_aborted(stage, SparkException(
                    f"Task not serializable: {type(e).__name__}: {e}")))
                return
        preferred = {p: self._preferred(stage.rdd, p) for p in partitions}
        tsm = TaskSetManager(stage, partitions, self.max_failures,
                             {p: s for p, s in preferred.items() if s}, self.locality_wait)
        self.tasksets.append(tsm)
        self.tasksets.sort(key=lambda t: (t.stage.first_job_id, t.stage.id))
        with self.lock:
            self.stage_progress[stage.id] = StageProgress(
                stage.id, stage.attempt, stage.name, len(partitions),
                job_ids=tuple(sorted(stage.jobs)))
            for j in stage.jobs:
                self.job_stages.setdefault(j, []).append(stage.id)
        dag_log.info("Submitting %d missing tasks from %s (%s)", len(partitions),
                     "ShuffleMapStage %d" % stage.id if isinstance(stage, ShuffleMapStage)
                     else "ResultStage %d" % stage.id, stage.name)

    def _preferred(self, rdd: Any, split: int, depth: int = 0) -> set[str]:
        if getattr(rdd, "storage_level", None) is not None:
            hit = self.block_locations.get((rdd.id, split))
            if hit:
                return set(hit)
        if depth > 50 or getattr(rdd, "checkpointed", False):
            return set()
        out: set[str] = set()
        for dep in rdd.dependencies:
            if hasattr(dep, "parents"):
                for ps in dep.parents(split):
                    out |= self._preferred(dep.rdd, ps, depth + 1)
        return out

    # -- offering slots --------------------------------------------------------------------------
    def _offer(self) -> None:
        if not self.tasksets:
            return
        alive = set(self.executors)
        for ref in list(self.executors.values()):
            while ref.slots > len(ref.running):
                task = None
                for tsm in self.tasksets:
                    task = tsm.next_task(ref.id, alive)
                    if task is not None:
                        break
                if task is None:
                    break
                self._send_task(ref, task)

    def _send_task(self, ref: ExecutorRef, task: Task) -> None:
        stage = task.tsm.stage
        binary_key = f"{stage.id}"
        msg = {"op": "launch", "task_id": task.id, "stage_id": stage.id,
               "partition": task.partition, "attempt": task.attempt,
               "binary_key": binary_key, "memory_limit": self.memory_limit,
               "locations": {sid: self.dag.shuffle_stages[sid].outputs
                             for sid in stage.shuffle_reads},
               "props": self.job_props.get(getattr(stage, "first_job_id", -1), {})}
        if binary_key not in ref.binaries:
            msg["binary"] = self.binaries[stage.id]
            ref.binaries[binary_key] = True
            while len(ref.binaries) > MAX_BINARIES:
                ref.binaries.popitem(last=False)
        self.tasks[task.id] = task
        ref.running.add(task.id)
        with self.lock:
            prog = self.stage_progress.get(stage.id)
            if prog:
                prog.active += 1
        if not self._send(ref, msg):
            self._executor_lost(ref)

    def _send(self, ref: ExecutorRef, msg: dict) -> bool:
        try:
            frames.send(ref.sock, msg)
            return True
        except OSError:
            return False

    # -- task status ---------------------------------------------------------------------------
    def _on_status(self, ref: ExecutorRef, msg: dict) -> None:
        task = self.tasks.pop(msg["task_id"], None)
        ref.running.discard(msg["task_id"])
        if task is None:
            return
        tsm, stage = task.tsm, task.tsm.stage
        for key in msg.get("blocks") or ():
            self.block_locations.setdefault(tuple(key), set()).add(ref.id)
        for k, v in (msg.get("metrics") or {}).items():
            self.metrics[k] += v
        with self.lock:
            prog = self.stage_progress.get(stage.id)
            if prog:
                prog.active -= 1
        if msg["ok"]:
            self._task_succeeded(task, msg)
        else:
            error = serde.unpack_exception(
                msg["error"], f"Task {task.partition} in stage {stage.id}.{tsm.stage_attempt} "
                f"failed (TID {task.id}, executor {ref.id})")
            log.warning("Lost task %d.%d in stage %d.%d (TID %d) (executor %s): %s: %s",
                        task.partition, task.attempt, stage.id, tsm.stage_attempt, task.id,
                        ref.id, msg["error"]["type"].removeprefix("builtins."),
                        msg["error"]["msg"])
            if isinstance(error, FetchFailedError):
                self._fetch_failed(task, error)
            else:
                self._task_failed(task, error)

    def _task_succeeded(self, task: Task, msg: dict) -> None:
        tsm, stage = task.tsm, task.tsm.stage
        first = tsm.task_succeeded(task)
        with self.lock:
            prog = self.stage_progress.get(stage.id)
            if prog and first:
                prog.completed += 1
        if not first or tsm.zombie:
            return
        logging.getLogger("TaskSetManager").info(
            "Finished task %d.%d in stage %d.%d (TID %d) in %d ms on executor %s (%d/%d)",
            task.partition, task.attempt, stage.id, tsm.stage_attempt, task.id,
            (time.monotonic() - task.launched) * 1000, task.executor_id, len(tsm.succeeded),
            tsm.total)
        if msg.get("accums") and self.accumulator_sink is not None:
            self.accumulator_sink(msg["accums"])
        actions: list[tuple] = []
        if isinstance(stage, ShuffleMapStage):
            actions += self.dag.map_task_done(stage, task.partition, msg["status"])
        elif isinstance(stage, ResultStage) and not stage.job.done:
            data = msg["result"]
            if stage.job.result_bytes + len(data) > self.max_result_size > 0:
                n = stage.job.num_finished + 1
                err = ResultTooLarge(
                    f"Job aborted due to stage failure: Total size of serialized results of "
                    f"{n} tasks ({_mib(stage.job.result_bytes + len(data))}) is bigger than "
                    f"spark.driver.maxResultSize ({_mib(self.max_result_size)})")
                tsm.zombie = True
                self._apply(self.dag.stage_aborted(stage, err))
                return
            value = decode_result(data, msg.get("result_format"))
            actions += self.dag.result_task_done(stage, task.partition, value, len(data))
        if tsm.done:
            tsm.zombie = True
            self.tasksets = [t for t in self.tasksets if t is not tsm]
            dag_log.info("%s %d finished", type(stage).__name__, stage.id)
            actions += self.dag.stage_finished(stage)
        self._apply(actions)

    def _task_failed(self, task: Task, error: BaseException, count: bool = True) -> None:
        tsm, stage = task.tsm, task.tsm.stage
        with self.lock:
            prog = self.stage_progress.get(stage.id)
            if prog:
                prog.failed += 1
        if tsm.zombie:
            return
        if tsm.task_failed(task, count):
            return
        tsm.zombie = True
        self.tasksets = [t for t in self.tasksets if t is not tsm]
        n = tsm.failures_of(task.partition)
        if n > 1 or not isinstance(error, SparkException):
            log.error("Task %d in stage %d.%d failed %d times; aborting job", task.partition,
                      stage.id, tsm.stage_attempt, n)
        self._apply(self.dag.stage_aborted(stage, error))

    def _fetch_failed(self, task: Task, error: Any) -> None:
        """Mark the unreadable map output lost and resubmit the parent stage, then this one
        (Spark's FetchFailed handling); the failure does not count against the task."""
        tsm, stage = task.tsm, task.tsm.stage
        if tsm.zombie:
            return
        tsm.zombie = True
        self.tasksets = [t for t in self.tasksets if t is not tsm]
        failed = self.dag.shuffle_stages[error.shuffle_id].outputs[error.map_id] \
            if error.shuffle_id in self.dag.shuffle_stages else None
        address = getattr(failed, "address", None)
        # everything the failed executor (or, in cluster mode, its worker) served is suspect
        self.dag.lost_outputs(lambda s: s.shuffle_id == error.shuffle_id and (
            s.map_id == error.map_id or s.executor_id == error.executor_id
            or (address is not None and getattr(s, "address", None) == address)))
        dag_log.info("Resubmitting %s %d and its parents after a fetch failure: %s",
                     type(stage).__name__, stage.id, error)
        self._apply(self.dag.fetch_failed(stage))

    def _executor_lost(self, ref: ExecutorRef, reason: str | None = None,
                       outputs_lost: bool = False) -> None:
        if ref.id not in self.executors:
            return
        del self.executors[ref.id]
        try:
            self._sel.unregister(ref.sock)
        except (KeyError, ValueError):
            pass
        ref.sock.close()
        if self._stopping:
            return
        code = self.launcher.exit_code(ref.id)
        log_path = self.launcher.log_path(ref.id)
        if reason is not None:
            reason = f"executor {ref.id} lost: {reason}; see its log {log_path}"
        elif code is not None:
            reason = (f"executor {ref.id} exited with code {code} caused by one of the running "
                      f"tasks; see its log {log_path}")
        else:  # no exit code (yet): a remote executor, or its whole worker, went away
            reason = (f"executor {ref.id} lost: its connection closed (the executor process or "
                      f"its worker died); see its log {log_path}")
        self.lost_executors[ref.id] = reason
        log.error("Lost executor %s: %s", ref.id, reason)
        for key in list(self.block_locations):
            self.block_locations[key].discard(ref.id)
            if not self.block_locations[key]:
                del self.block_locations[key]
        if outputs_lost or not self.launcher.outputs_survive_executor_loss:
            self.dag.lost_outputs(lambda s: s.executor_id == ref.id)
        for task_id in list(ref.running):
            task = self.tasks.pop(task_id, None)
            if task is None:
                continue
            stage = task.tsm.stage
            err = SparkException(
                f"Job aborted due to stage failure: Task {task.partition} in stage "
                f"{stage.id}.{task.tsm.stage_attempt} failed "
                f"{task.tsm.failures_of(task.partition) + 1} times, most recent failure: "
                f"Lost task {task.partition}.{task.attempt} in stage {stage.id}."
                f"{task.tsm.stage_attempt} (TID {task.id}) (executor {ref.id}): "
                f"ExecutorLostFailure ({reason})")
            self._task_failed(task, err)
        self.launcher.replace(ref.id)

    def _check_launches(self) -> None:
        """Executors that died before registering (bad environment, import error...)."""
        for eid in self.launcher.dead_before_registering(set(self.executors)):
            self.startup_failures += 1
            log_path = self.launcher.log_path(eid)
            reason = (f"executor {eid} exited with code {self.launcher.exit_code(eid)} "
                      f"before registering; see its log {log_path}")
            log.error("%s", reason)
            if self.startup_failures >= 3 and not self.executors:
                err = SparkException(f"Could not start executors: {reason}")
                for job_id in list(self.dag.jobs):
                    self._apply(self.dag.fail_job(self.dag.jobs[job_id], err))
                self.tasksets.clear()
            else:
                self.launcher.replace(eid)

    # -- shutdown ------------------------------------------------------------------------------
    def _shutdown(self) -> None:
        self._stopping = True
        for ref in list(self.executors.values()):
            self._send(ref, {"op": "stop"})
        self.close_sockets()  # unregistered executors see EOF or a refused connection
        for waiter in self.waiters.values():
            waiter.error = waiter.error or JobCancelled("SparkContext was shut down")
            waiter.event.set()
        self.waiters.clear()

    def close_sockets(self) -> None:
        """Executors see EOF and exit, including one that connected but had not registered
        yet (a job can end before a slow executor's registration is read)."""
        socks = [ref.sock for ref in self.executors.values()] + list(self._pending)
        for s in socks + [self._listener, self._wake_r, self._wake_w]:
            try:
                s.close()
            except OSError:
                pass


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"
