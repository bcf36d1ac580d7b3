"""Stopping a task the driver killed (Spark's Executor.killTask + TaskReaper, and PySpark's
``spark.python.task.killTimeout`` worker monitor).

A task runs on the executor's *main* thread (main.py); the frame reader runs on another
thread and calls :meth:`TaskInterrupter.kill` when a KillTask arrives. A kill always sets
``tc.interrupted`` (a streaming receiver polls it and ends by itself). Then, by the kill's
``interrupt`` flag:

    interrupt=True   (a job cancelled with interruptOnCancel): interrupt the task at once,
                     then reap it after ``timeout`` seconds if it is still running
    interrupt=False  wait ``timeout`` seconds for the task to end by itself, interrupt it,
                     and reap it after another ``timeout``
    timeout=None     only the flag (a receiver asked to stop)

*Interrupting* sends SIGUSR1 to the main thread (``signal.pthread_kill``). Its handler raises
:class:`~runtime.errors.TaskKilledException` in the task between two bytecodes, and a
blocking call (``time.sleep``, a socket read, a lock) returns early with EINTR, so the handler
runs there too. This is better than an asynchronous exception
(``PyThreadState_SetAsyncExc``), which waits until the blocking call returns by itself. The
exception is raised once per kill and only while that same task is the current one.

*Reaping* covers a task that swallows the exception or is stuck in C code that does not
return on EINTR. The executor tells the driver why (``on_reap(reason)``, an
ExecutorExiting message) and exits with :data:`TASK_REAPER_EXIT`. The launcher then starts a
replacement, as on executor loss, but the driver does not count it as a task failure.

State: ``current`` (the id of the task running on the main thread, or None; changed only by
the main thread through :meth:`running`), ``_target`` (the task id a delivered signal may
kill), ``_done`` (task id -> Event set when that task ends; the reaper threads wait on it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from typing import Any, Callable, Iterator

from runtime.errors import TaskKilledException

TASK_REAPER_EXIT = 57  # the executor exited because a killed task would not stop
DEFAULT_KILL_TIMEOUT = 2.0  # spark.python.task.killTimeout

log = logging.getLogger("Executor")


class TaskInterrupter:
    def __init__(self, on_reap: Callable[[str], None],
                 exit_fn: Callable[[int], Any] = os._exit) -> None:
        self.on_reap = on_reap
        self.exit_fn = exit_fn
        self.current: int | None = None
        self._target: tuple[int, str] | None = None
        self._done: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        self._main = threading.main_thread().ident
        self._installed = False

    def install(self) -> None:
        """Install the SIGUSR1 handler (main thread only)."""
        signal.signal(signal.SIGUSR1, self._handler)
        self._installed = True

    @contextlib.contextmanager
    def running(self, task_id: int) -> Iterator[None]:
        """Mark ``task_id`` as the main thread's current task for the ``with`` body."""
        done = threading.Event()
        with self._lock:
            self.current = task_id
            self._done[task_id] = done
        try:
            yield
        finally:
            with self._lock:
                self.current = None
                self._target = None
                self._done.pop(task_id, None)
            done.set()

    def kill(self, task_id: int, interrupt: bool, timeout: float | None,
             reason: str) -> None:
        """Called by the reader thread for a KillTask (after ``tc.interrupted`` is set)."""
        if timeout is None:
            if interrupt:
                self.interrupt(task_id, reason)
            return
        with self._lock:
            done = self._done.get(task_id)
        if done is None:
            return  # it already ended
        if interrupt:
            self.interrupt(task_id, reason)
        threading.Thread(target=self._reap, args=(task_id, done, interrupt, timeout, reason),
                         name=f"task-reaper-{task_id}", daemon=True).start()

    def interrupt(self, task_id: int, reason: str) -> None:
        with self._lock:
            if self.current != task_id or not self._installed:
                return
            self._target = (task_id, reason)
        signal.pthread_kill(self._main, signal.SIGUSR1)

    def _reap(self, task_id: int, done: threading.Event, interrupted: bool, timeout: float,
              reason: str) -> None:
        if not interrupted:
            if done.wait(timeout):
                return
            self.interrupt(task_id, reason)
        if done.wait(timeout):
            return
        why = (f"Killed task {task_id} could not be stopped within {timeout:g} s "
               "(spark.python.task.killTimeout); replacing this executor")
        log.error("%s", why)
        try:
            self.on_reap(why)
        finally:
            self.exit_fn(TASK_REAPER_EXIT)

    def _handler(self, signum: int, frame: Any) -> None:
        target = self._target
        if target is not None and target[0] == self.current:
            self._target = None  # once per kill
            raise TaskKilledException(target[1])
