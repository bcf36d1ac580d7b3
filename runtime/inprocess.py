"""The synchronous in-process backend: tasks run in the driver's own process, one at a time.

Internal (tests, doctests, debugging): the API side chooses it for a local master (an
internal configuration flag) and hands the driver this launcher. There is no executor process and
no socket: :class:`InProcessLauncher` attaches one executor, id ``driver``, with one slot,
whose "connection" is :class:`InProcessExecutor`. The scheduler loop treats it like any
other executor -- same DAG scheduler, task sets, stage binaries, messages -- but instead of
writing a LaunchTask to a socket it hands it to :meth:`InProcessExecutor.handle`, which runs
the task right there, on the loop thread, and returns the StatusUpdate the loop then
processes as if it had been read from a socket. So a job runs in one process, a debugger
can step from ``collect()`` into the task, and a task's exception surfaces with its
original class.

Every message goes through ``protocol.encode``/``decode`` and the stage binary and the
result through pickle, exactly as over TCP, so what works here works across processes.
What cannot work synchronously: a task that waits for the driver while it runs (a streaming
receiver, kill/message delivery to a running task) -- the loop is busy running it.

This module joins the two sides, so it lives outside both runtime/scheduler and
runtime/executor (which never import each other): it imports the executor's task runner
and is handed the driver by the caller.

State: the executor's BlockStore (its own directory under the local dir), its stage-binary
cache, the shuffle directory, and ``running`` (task id -> TaskContext) as an executor keeps.
"""

from __future__ import annotations

import os
import pickle
import time
from typing import Any

from runtime import protocol, serde
from runtime.blockstore import BlockStore
from runtime.executor.main import remove_shuffle_files
from runtime.executor.task import run_task
from runtime.memory import MIN_POOL, MemoryManager
from runtime.protocol.executor import (
    ForgetBinaries, KillTask, LaunchTask, RemoveRdd, RemoveShuffle, StageBinaryCache,
    StatusUpdate, TaskMessage,
)

EXECUTOR_ID = "driver"


class InProcessExecutor:
    """One task slot in this process; :meth:`handle` is its inbox."""

    def __init__(self, local_dir: str, executor_id: str = EXECUTOR_ID) -> None:
        self.executor_id = executor_id
        self.shuffle_dir = os.path.join(local_dir, "shuffle")
        os.makedirs(self.shuffle_dir, exist_ok=True)
        self.blocks = BlockStore(os.path.join(local_dir, "blocks", executor_id),
                                 MemoryManager(MIN_POOL))
        self.binaries = StageBinaryCache()
        self.running: dict[int, Any] = {}
        self._table = protocol.HandlerTable({
            LaunchTask: self._launch,
            RemoveRdd: lambda m: self.blocks.remove_rdd(m.rdd_id),
            ForgetBinaries: self._forget,
            RemoveShuffle: lambda m: remove_shuffle_files(self.shuffle_dir, m.shuffle_id),
            KillTask: self._kill,
            TaskMessage: self._message,
        })

    def handle(self, msg: Any) -> StatusUpdate | None:
        """Deliver ``msg`` (as the wire would: encoded, pickled, decoded); a LaunchTask
        runs now and its StatusUpdate comes back (also through the wire format)."""
        msg = protocol.decode(pickle.loads(pickle.dumps(protocol.encode(msg))))
        reply = self._table.dispatch(msg)
        if isinstance(reply, StatusUpdate):
            return protocol.decode(pickle.loads(pickle.dumps(protocol.encode(reply))))
        return None

    def _launch(self, msg: LaunchTask) -> StatusUpdate:
        start = time.perf_counter()
        try:
            if msg.binary is not None:
                self.binaries.put(msg.binary_key, pickle.loads(msg.binary))
            binary = self.binaries[msg.binary_key]
        except Exception as e:
            return StatusUpdate(msg.task_id, False, error=serde.pack_exception(e))
        deserialize_ms = (time.perf_counter() - start) * 1000
        try:
            return run_task(msg, binary, self.executor_id, self.blocks, self.shuffle_dir,
                            running=self.running, deserialize_ms=deserialize_ms)
        except Exception as e:  # an unpicklable result, say
            return StatusUpdate(msg.task_id, False, error=serde.pack_exception(e))

    def _forget(self, msg: ForgetBinaries) -> None:
        for key in msg.keys:
            self.binaries.discard(key)

    def _kill(self, msg: KillTask) -> None:
        tc = self.running.get(msg.task_id)
        if tc is not None:
            tc.interrupted = True

    def _message(self, msg: TaskMessage) -> None:
        tc = self.running.get(msg.task_id)
        if tc is not None:
            tc.messages.append(msg.payload)


class InProcessLauncher:
    """The launcher interface (see runtime/scheduler/local.py) for in-process tasks."""

    outputs_survive_executor_loss = True

    def __init__(self, *, local_dir: str, app_dir: str, driver: Any) -> None:
        self.local_dir = local_dir
        self.app_dir = app_dir
        self.driver = driver
        self.procs: dict[str, Any] = {}  # no processes

    def start(self) -> None:
        self.driver.attach_executor(EXECUTOR_ID, InProcessExecutor(self.local_dir))

    def launch(self) -> str:
        return EXECUTOR_ID

    def ui_bound(self, url: str) -> None:
        pass  # no cluster manager to tell

    def registered(self, eid: str) -> None:
        pass

    def dead_before_registering(self, registered: set[str]) -> list[str]:
        return []

    def replace(self, eid: str) -> None:
        pass

    def exit_code(self, eid: str) -> int | None:
        return None

    def log_path(self, eid: str) -> str:
        return "the driver's own output"

    def alive(self) -> list[str]:
        return [EXECUTOR_ID]

    def stop(self, timeout: float = 3.0) -> None:
        pass
