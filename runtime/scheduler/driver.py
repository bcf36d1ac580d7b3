"""The driver's event loop (Spark's DAGSchedulerEventProcessLoop +
CoarseGrainedSchedulerBackend, one thread).

One thread (``dag-scheduler-event-loop``) owns all scheduling state and is the only one that
touches executor sockets. User threads talk to it through commands (small dataclasses on a
queue) plus a wake-up socket: ``run_job`` enqueues a :class:`SubmitJob` and blocks on its
:class:`JobWaiter`. The work is split:

    dag.DAGScheduler          stages and jobs, pure: events in, typed instructions out
    scheduling.TaskScheduler  executors' slots, task sets, locality, tasks in flight
    binaries.StageBinaries    each stage's pickled lineage + function, per-executor mirrors
    cleaner.ContextCleaner    shuffles and RDDs the user can no longer reach
    this module               sockets, commands, executor messages (runtime.protocol),
                              applying the DAG's instructions, failures, shutdown

    posting.EventPoster       listener events (events.py) onto the bus (bus.py)

Loop state besides those: ``waiters`` (job id -> JobWaiter), ``job_props`` (job id -> local
properties), ``metrics`` (sums of task metrics), ``lost_executors`` (id -> reason),
``handlers`` (extension op -> fn(executor_id, msg) for messages tasks send mid-run),
``_thread_dumps`` (request id -> the reply callback of a :class:`DumpThreads` in flight),
``state`` (:class:`DriverState`). Progress and status are not kept here: readers (the
progress bar, statusTracker, the UI) follow the listener events, asynchronously, on the
``bus`` (a :class:`~runtime.scheduler.bus.ListenerBus`, passed in or made here).

Each loop turn: accept registrations, read executor messages (task status), detect lost
executors (EOF), run commands, then offer free slots to task sets.

Task results are not decoded here: a result task's (bytes, format tag) go into the job's
results as they are and the waiting user thread decodes them (:attr:`JobWaiter.results`,
runtime/dataformat.py), so a big collect() does not stall scheduling.

Backends (local processes, spark:// executors) only launch and replace executor processes
(the ``launcher``); every executor connects back here over TCP.
"""

from __future__ import annotations

import collections
import itertools
import logging
import os
import queue
import selectors
import socket
import threading
import time
from typing import Any, Callable

from runtime import protocol, serde
from runtime.errors import JobCancelled, ResultTooLarge, SparkException, job_cancelled
from runtime.protocol.executor import (
    ExecutorExiting, ForgetBinaries, KillTask, LaunchTask, RegisterExecutor, RemoveRdd, RemoveShuffle,
    StatusUpdate, StopExecutor, TaskMessage, ThreadDumpReply, ThreadDumpRequest,
)
from runtime.rpc import auth, frames
from runtime.scheduler.binaries import StageBinaries, key_of
from runtime.scheduler.bus import ListenerBus
from runtime.scheduler.cleaner import ContextCleaner, Unreachable
from runtime.scheduler.commands import (
    INTERRUPT_ON_CANCEL, AttachExecutor, CancelJobs, DriverCommands, DriverState,
    DropExecutor, DropRdd, DumpThreads, KillJobTasks, MessageJobTasks, Stop, SubmitJob,
)
from runtime.scheduler.dag import (
    DAGScheduler, Instruction, JobFailed, JobSucceeded, LaunchStage, ResultStage,
    ShuffleMapStage,
)
from runtime.scheduler.events import TaskEndReason
from runtime.scheduler.posting import EventPoster, failure_reason
from runtime.scheduler.scheduling import ExecutorRef, TaskScheduler
from runtime.scheduler.taskset import Task
from runtime.shuffle.spec import FetchFailedError
from runtime.threaddump import thread_dump

log = logging.getLogger("TaskSchedulerImpl")
dag_log = logging.getLogger("DAGScheduler")
tsm_log = logging.getLogger("TaskSetManager")


class Driver(DriverCommands):
    def __init__(self, *, app_id: str, app_dir: str, local_dir: str, launcher: Any,
                 max_failures: int, max_result_size: int, memory_limit: int,
                 locality_wait: float = 3.0, accumulator_sink: Callable | None = None,
                 bind_host: str = "127.0.0.1", advertise_host: str | None = None,
                 bus: ListenerBus | None = None, task_kill_timeout: float = 2.0):
        self.app_id = app_id
        self.app_dir = app_dir
        self.local_dir = local_dir
        self.launcher = launcher
        self.max_failures = max_failures
        self.max_result_size = max_result_size
        self.memory_limit = memory_limit  # each executor's memory pool (runtime/memory.py)
        self.locality_wait = locality_wait
        # spark.python.task.killTimeout: how long a killed task may take to stop
        self.task_kill_timeout = task_kill_timeout
        self.accumulator_sink = accumulator_sink
        self.auth_secret: bytes | None = None  # spark.authenticate (spark://)
        self.dag = DAGScheduler()
        self.sched = TaskScheduler(max_failures=max_failures, locality_wait=locality_wait)
        self.binaries = StageBinaries()
        self.cleaner = ContextCleaner(self._wake)
        self.bus = bus if bus is not None else ListenerBus()
        self.events = EventPoster(self.bus)
        self.waiters: dict[int, JobWaiter] = {}
        self.job_props: dict[int, dict] = {}
        self.metrics: collections.Counter = collections.Counter()
        self.lost_executors: dict[str, str] = {}
        self.startup_failures = 0
        self.state = DriverState.RUNNING
        # extension op -> fn(executor_id, msg), called on the loop thread for mid-task messages
        self.handlers = protocol.HandlerTable()
        self._executor_msgs = protocol.HandlerTable({StatusUpdate: self._on_status,
                                                     ExecutorExiting: self._on_exiting,
                                                     ThreadDumpReply: self._on_threads})
        self._thread_dumps: dict[int, Callable] = {}  # request id -> reply (DumpThreads)
        self._dump_ids = itertools.count()
        self._command_table = protocol.HandlerTable({
            SubmitJob: self._cmd_submit, CancelJobs: self._cmd_cancel,
            KillJobTasks: self._cmd_kill_tasks, MessageJobTasks: self._cmd_message_tasks,
            DropRdd: self._cmd_remove_rdd, DropExecutor: self._cmd_remove_executor,
            AttachExecutor: self._cmd_attach, DumpThreads: self._cmd_dump_threads,
            Stop: self._cmd_stop})
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
        self._thread = threading.Thread(target=self._loop, name="dag-scheduler-event-loop",
                                        daemon=True)

    # views of the task scheduler's state (launchers and tests read them)
    @property
    def executors(self) -> dict[str, ExecutorRef]:
        return self.sched.executors

    @property
    def tasksets(self) -> list:
        return self.sched.tasksets

    @property
    def tasks(self) -> dict[int, Task]:
        return self.sched.tasks

    @property
    def block_locations(self) -> dict[tuple[int, int], set[str]]:
        return self.sched.block_locations

    # -- the loop --------------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while not self._stopping:
                busy = bool(self.sched.tasksets)
                delayed = busy and self.sched.has_free_slot_and_delayed_tasks()
                timeout = (0.05 if delayed else 0.25) if busy else None
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
        if self.auth_secret is not None:  # nothing is unpickled before this handshake
            why = auth.server_handshake(conn, self.auth_secret, timeout=5.0)
            if why is not None:
                log.warning("Refused an executor connection: authentication failed: %s", why)
                conn.close()
                return
        conn.settimeout(5.0)  # a peer that stalls mid-frame must not stall the loop
        frame = frames.recv(conn, max_frame=1 << 20)
        try:
            msg = protocol.decode(frame) if frame is not None else None
        except protocol.ProtocolError:
            msg = None
        if not isinstance(msg, RegisterExecutor):
            conn.close()
            return
        conn.settimeout(None)
        ref = ExecutorRef(msg.executor_id, conn, msg.pid, slots=msg.cores,
                          host=_peer_host(conn))
        self.sched.add_executor(ref)
        self.events.executor_added(ref)
        self.startup_failures = 0
        self.launcher.registered(ref.id)
        self._sel.register(conn, selectors.EVENT_READ, ("exec", ref))
        logging.getLogger("CoarseGrainedSchedulerBackend").info(
            "Registered executor %s (pid %s) with %d core(s)", ref.id, ref.pid, ref.slots)

    def _on_executor_readable(self, ref: ExecutorRef) -> None:
        frame = frames.recv(ref.sock)
        try:
            msg = protocol.decode(frame) if frame is not None else None
        except protocol.ProtocolError as e:
            log.warning("Executor %s sent a bad message: %s", ref.id, e)
            msg = None
        if msg is None:
            self._executor_lost(ref)
        elif self._executor_msgs.dispatch(msg, ref) is protocol.UNHANDLED:
            self.handlers.dispatch(msg, ref.id)

    def _send(self, ref: ExecutorRef, msg: Any) -> bool:
        if ref.local is not None:  # in-process: a launch runs now and answers at once
            reply = ref.local.handle(msg)
            if reply is not None:
                self._on_status(ref, reply)
            return True
        try:
            frames.send(ref.sock, protocol.encode(msg))
            return True
        except OSError:
            return False

    # -- commands ----------------------------------------------------------------------------
    def _drain_commands(self) -> None:
        for kind, ident in self.cleaner.drain():
            if kind is Unreachable.SHUFFLE:
                self._remove_shuffle(ident)
            else:
                self._commands.put(DropRdd(ident))
        while True:
            try:
                cmd = self._commands.get_nowait()
            except queue.Empty:
                return
            self._command_table.dispatch(cmd)

    def _cmd_submit(self, cmd: SubmitJob) -> None:
        job, actions = self.dag.submit_job(cmd.rdd, cmd.func, cmd.partitions, cmd.props)
        cmd.waiter.job_id = job.id
        cmd.waiter.submitted.set()
        self.waiters[job.id] = cmd.waiter
        self.job_props[job.id] = cmd.props
        dag_log.info("Got job %d with %d output partitions", job.id, len(cmd.partitions))
        self.events.job_start(job, cmd.props)
        self._apply(actions)

    def _cmd_cancel(self, cmd: CancelJobs) -> None:
        """Fail the matching jobs, then kill their tasks no other job needs: at once
        (interrupted) for jobs with spark.job.interruptOnCancel, else after the kill
        timeout (runtime/executor/interrupt.py)."""
        interrupt: set[int] = set()
        why: dict[int, str] = {}
        for job_id in list(self.dag.jobs):
            props = self.job_props.get(job_id, {})
            if not cmd.match(job_id, props):
                continue
            err = job_cancelled(job_id, cmd.reason)
            for _, task in self.sched.tasks_of_job(job_id):
                why[task.id] = f"Stage cancelled: {err}"
                if props.get(INTERRUPT_ON_CANCEL) == "true":
                    interrupt.add(task.id)
            dag_log.info("Asked to cancel job %d %s", job_id, cmd.reason)
            self._apply(self.dag.fail_job(self.dag.jobs[job_id], err))
        self.sched.drop_orphans()
        for ref, task in self.sched.tasks_no_job_needs():  # stop what no job needs now
            task.killed = why.get(task.id, "Stage cancelled")
            self._send(ref, KillTask(task.id, task.id in interrupt, self.task_kill_timeout,
                                     task.killed))

    def _cmd_dump_threads(self, cmd: DumpThreads) -> None:
        ref = self.sched.executors.get(cmd.executor_id)
        if ref is None:
            cmd.reply(None)
        elif ref.local is not None:  # in-process: its threads are this process's
            cmd.reply(thread_dump())
        else:
            request_id = next(self._dump_ids)
            self._thread_dumps[request_id] = cmd.reply
            if not self._send(ref, ThreadDumpRequest(request_id)):
                self._thread_dumps.pop(request_id)(None)

    def _on_threads(self, ref: ExecutorRef, msg: ThreadDumpReply) -> None:
        reply = self._thread_dumps.pop(msg.request_id, None)
        if reply is not None:
            reply(msg.threads)

    def _cmd_kill_tasks(self, cmd: KillJobTasks) -> None:
        for ref, task in self.sched.tasks_of_job(cmd.job_id):
            self._send(ref, KillTask(task.id))

    def _cmd_message_tasks(self, cmd: MessageJobTasks) -> None:
        for ref, task in self.sched.tasks_of_job(cmd.job_id):
            self._send(ref, TaskMessage(task.id, cmd.payload))

    def _cmd_remove_executor(self, cmd: DropExecutor) -> None:
        ref = self.sched.executors.get(cmd.executor_id)
        if ref is not None:
            self._send(ref, StopExecutor())
            self._executor_lost(ref, cmd.reason, cmd.outputs_lost)

    def _cmd_remove_rdd(self, cmd: DropRdd) -> None:
        self.sched.remove_rdd_blocks(cmd.rdd_id)
        for ref in self.sched.executors.values():
            self._send(ref, RemoveRdd(cmd.rdd_id))
        self.events.unpersisted(cmd.rdd_id)

    def _cmd_attach(self, cmd: AttachExecutor) -> None:
        ref = ExecutorRef(cmd.executor_id, None, os.getpid(), slots=1, host="localhost",
                          local=cmd.endpoint)
        self.sched.add_executor(ref)
        self.launcher.registered(ref.id)
        self.events.executor_added(ref)

    def _cmd_stop(self, cmd: Stop) -> None:
        self.state = DriverState.STOPPING
        for job_id in list(self.dag.jobs):
            self._apply(self.dag.fail_job(self.dag.jobs[job_id], JobCancelled(
                "Job cancelled because SparkContext was shut down")))

    # -- DAG instructions --------------------------------------------------------------------
    def _apply(self, instructions: list[Instruction]) -> None:
        for ins in instructions:
            if isinstance(ins, LaunchStage):
                self._launch_stage(ins.stage)
            elif isinstance(ins, JobSucceeded):
                self._finish_job(ins.job.id, results=ins.job.results)
            elif isinstance(ins, JobFailed):
                self._finish_job(ins.job.id, error=ins.error)
        for tsm in self.sched.drop_orphans():
            self.events.stage_completed(tsm.stage, "Stage cancelled: no active job needs it")

    def _finish_job(self, job_id: int, results: list | None = None,
                    error: BaseException | None = None) -> None:
        waiter = self.waiters.pop(job_id, None)
        self.job_props.pop(job_id, None)
        self._release_binaries()
        self.events.job_end(job_id, error)
        if waiter is None:
            return
        if error is None:
            dag_log.info("Job %d finished", job_id)
        waiter.raw, waiter.error = results, error
        waiter.event.set()

    def _release_binaries(self, only: int | None = None) -> None:
        """Drop the binaries of stages no active job needs (all, or just stage ``only``),
        here and in the executors that hold them."""
        keys = self.binaries.release(set(self.dag.jobs), only)
        if not keys:
            return
        for ref in self.sched.executors.values():
            held = sorted(k for k in keys if ref.binaries.discard(k))
            if held:
                self._send(ref, ForgetBinaries(held))

    def _remove_shuffle(self, shuffle_id: int) -> None:
        stage = self.dag.remove_shuffle(shuffle_id)
        if stage is None:
            return
        if stage.id in self.binaries:
            self._release_binaries(only=stage.id)
        for ref in self.sched.executors.values():
            self._send(ref, RemoveShuffle(shuffle_id))

    def _launch_stage(self, stage: Any) -> None:
        partitions = stage.pending_partitions()
        if isinstance(stage, ShuffleMapStage):
            payload = ("shuffle", stage.dep.map_input(), stage.dep.spec)
        else:
            payload = ("result", stage.rdd, stage.func)
        try:
            self.binaries.build(stage, payload)
        except Exception as e:
            self._apply(self.dag.stage_aborted(stage, SparkException(
                f"Task not serializable: {type(e).__name__}: {e}")))
            return
        self.sched.submit(stage, partitions)
        self.events.stage_submitted(stage, len(partitions),
                                    self.job_props.get(stage.first_job_id, {}))
        dag_log.info("Submitting %d missing tasks from %s (%s)", len(partitions),
                     "ShuffleMapStage %d" % stage.id if isinstance(stage, ShuffleMapStage)
                     else "ResultStage %d" % stage.id, stage.name)

    # -- offering slots --------------------------------------------------------------------------
    def _offer(self) -> None:
        for ref, task in self.sched.offer():
            self._send_task(ref, task)

    def _send_task(self, ref: ExecutorRef, task: Task) -> None:
        stage = task.tsm.stage
        msg = LaunchTask(
            task.id, stage.id, task.partition, task.attempt, key_of(stage.id),
            self.memory_limit,
            locations={sid: self.dag.shuffle_stages[sid].outputs
                       for sid in stage.shuffle_reads},
            props=self.job_props.get(getattr(stage, "first_job_id", -1), {}),
            binary=self.binaries.for_executor(ref.binaries, stage.id),
            stage_attempt=task.tsm.stage_attempt)
        self.events.task_start(task, ref.host)
        if not self._send(ref, msg):
            self._executor_lost(ref)

    # -- task status ---------------------------------------------------------------------------
    def _on_status(self, ref: ExecutorRef, msg: StatusUpdate) -> None:
        task = self.sched.task_ended(ref, msg.task_id)
        if task is None:
            return
        tsm, stage = task.tsm, task.tsm.stage
        if msg.blocks:
            self.sched.update_blocks(ref.id, msg.blocks)
            self.events.blocks_stored(ref, msg.blocks, stage.rdd)
        self.metrics.update(msg.metrics or {})
        if msg.ok:
            self.events.task_end(task, TaskEndReason(), msg.metrics)
            self._task_succeeded(task, msg)
        else:
            error = serde.unpack_exception(
                msg.error, f"Task {task.partition} in stage {stage.id}.{tsm.stage_attempt} "
                f"failed (TID {task.id}, executor {ref.id})")
            log.warning("Lost task %d.%d in stage %d.%d (TID %d) (executor %s): %s: %s",
                        task.partition, task.attempt, stage.id, tsm.stage_attempt, task.id,
                        ref.id, msg.error["type"].removeprefix("builtins."),
                        msg.error["msg"])
            fetch_failed = error if isinstance(error, FetchFailedError) else None
            reason = failure_reason(msg.error, fetch_failed, ref.id)
            if task.killed is not None:
                reason = TaskEndReason("TaskKilled", description=task.killed)
            self.events.task_end(task, reason, msg.metrics)
            if fetch_failed is not None:
                self._fetch_failed(task, fetch_failed)
            else:
                self._task_failed(task, error)

    def _on_exiting(self, ref: ExecutorRef, msg: ExecutorExiting) -> None:
        ref.exiting = msg.reason  # its connection closes next: a planned exit, not a loss

    def _task_succeeded(self, task: Task, msg: StatusUpdate) -> None:
        tsm, stage = task.tsm, task.tsm.stage
        first = tsm.task_succeeded(task)
        if not first or tsm.zombie:
            return
        if tsm_log.isEnabledFor(logging.INFO):  # one line per task: skip its arguments too
            tsm_log.info(
                "Finished task %d.%d in stage %d.%d (TID %d) in %d ms on executor %s (%d/%d)",
                task.partition, task.attempt, stage.id, tsm.stage_attempt, task.id,
                (time.monotonic() - task.launched) * 1000, task.executor_id,
                len(tsm.succeeded), tsm.total)
        if msg.accums and self.accumulator_sink is not None:
            self.accumulator_sink(msg.accums)
        actions: list[Instruction] = []
        if isinstance(stage, ShuffleMapStage):
            actions += self.dag.map_task_done(stage, task.partition, msg.status)
        elif isinstance(stage, ResultStage) and not stage.job.done:
            data = msg.result or b""
            if stage.job.result_bytes + len(data) > self.max_result_size > 0:
                n = stage.job.num_finished + 1
                err = ResultTooLarge(
                    f"Job aborted due to stage failure: Total size of serialized results of "
                    f"{n} tasks ({_mib(stage.job.result_bytes + len(data))}) is bigger than "
                    f"spark.driver.maxResultSize ({_mib(self.max_result_size)})")
                self.sched.remove_taskset(tsm)
                self.events.stage_completed(stage, str(err))
                self._apply(self.dag.stage_aborted(stage, err))
                return
            # kept encoded: the job's waiting thread decodes (JobWaiter.results)
            actions += self.dag.result_task_done(stage, task.partition,
                                                 (data, msg.result_format), len(data))
        if tsm.done:
            self.sched.remove_taskset(tsm)
            dag_log.info("%s %d finished", type(stage).__name__, stage.id)
            self.events.stage_completed(stage)
            actions += self.dag.stage_finished(stage)
        self._apply(actions)

    def _task_failed(self, task: Task, error: BaseException, count: bool = True) -> None:
        tsm, stage = task.tsm, task.tsm.stage
        if tsm.zombie:
            return
        if tsm.task_failed(task, count):
            return
        self.sched.remove_taskset(tsm)
        self.events.stage_completed(stage, f"{type(error).__name__}: {error}")
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
        self.sched.remove_taskset(tsm)
        self.events.stage_completed(stage, f"FetchFailed: {error}")
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
        if ref.id not in self.sched.executors:
            return
        running = self.sched.remove_executor(ref.id)
        try:
            self._sel.unregister(ref.sock)
        except (KeyError, ValueError):
            pass
        ref.sock.close()
        if self._stopping:
            return
        if ref.exiting is not None:
            self._executor_replaced(ref, running)
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
        self.events.executor_removed(ref.id, reason)
        if outputs_lost or not self.launcher.outputs_survive_executor_loss:
            self.dag.lost_outputs(lambda s: s.executor_id == ref.id)
        for task in running:
            stage = task.tsm.stage
            err = SparkException(
                f"Job aborted due to stage failure: Task {task.partition} in stage "
                f"{stage.id}.{task.tsm.stage_attempt} failed "
                f"{task.tsm.failures_of(task.partition) + 1} times, most recent failure: "
                f"Lost task {task.partition}.{task.attempt} in stage {stage.id}."
                f"{task.tsm.stage_attempt} (TID {task.id}) (executor {ref.id}): "
                f"ExecutorLostFailure ({reason})")
            self.events.task_end(task, TaskEndReason("ExecutorLostFailure", executorId=ref.id,
                                                     lossReason=reason), None)
            self._task_failed(task, err)
        self.launcher.replace(ref.id)

    def _executor_replaced(self, ref: ExecutorRef, running: list[Task]) -> None:
        """``ref`` exited on purpose (a killed task would not stop): replace it; its tasks
        run again elsewhere without counting as failures."""
        log.info("Executor %s exited: %s", ref.id, ref.exiting)
        self.events.executor_removed(ref.id, str(ref.exiting))
        if not self.launcher.outputs_survive_executor_loss:
            self.dag.lost_outputs(lambda s: s.executor_id == ref.id)
        for task in running:
            self.events.task_end(task, TaskEndReason(
                "TaskKilled" if task.killed else "ExecutorLostFailure", executorId=ref.id,
                description=task.killed or "", lossReason=str(ref.exiting)), None)
            self._task_failed(task, SparkException(str(ref.exiting)), count=False)
        self.launcher.replace(ref.id)

    def _check_launches(self) -> None:
        """Executors that died before registering (bad environment, import error...)."""
        for eid in self.launcher.dead_before_registering(set(self.sched.executors)):
            self.startup_failures += 1
            log_path = self.launcher.log_path(eid)
            reason = (f"executor {eid} exited with code {self.launcher.exit_code(eid)} "
                      f"before registering; see its log {log_path}")
            log.error("%s", reason)
            if self.startup_failures >= 3 and not self.sched.executors:
                err = SparkException(f"Could not start executors: {reason}")
                for job_id in list(self.dag.jobs):
                    self._apply(self.dag.fail_job(self.dag.jobs[job_id], err))
                for tsm in self.sched.clear():
                    self.events.stage_completed(tsm.stage, str(err))
            else:
                self.launcher.replace(eid)

    # -- shutdown ------------------------------------------------------------------------------
    def _shutdown(self) -> None:
        self.state = DriverState.STOPPING
        for ref in list(self.sched.executors.values()):
            self._send(ref, StopExecutor())
        self.close_sockets()  # unregistered executors see EOF or a refused connection
        for waiter in self.waiters.values():
            waiter.error = waiter.error or JobCancelled("SparkContext was shut down")
            waiter.event.set()
        self.waiters.clear()

    def close_sockets(self) -> None:
        """Executors see EOF and exit, including one that connected but had not registered
        yet (a job can end before a slow executor's registration is read)."""
        socks = [ref.sock for ref in self.sched.executors.values()
                 if ref.sock is not None] + list(self._pending)
        for s in socks + [self._listener, self._wake_r, self._wake_w]:
            try:
                s.close()
            except OSError:
                pass


def _peer_host(conn: socket.socket) -> str:
    try:
        return str(conn.getpeername()[0])
    except OSError:
        return "localhost"


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"
