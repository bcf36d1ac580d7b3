"""runtime/executor/interrupt.py in this process: a kill from another thread breaks the main
thread out of a blocking call; a task that ignores it is reaped."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from runtime.errors import TaskKilledException
from runtime.executor.interrupt import TASK_REAPER_EXIT, TaskInterrupter
from tests.waiting import wait_for


@pytest.fixture
def interrupter():
    reaped: list = []
    exited = threading.Event()

    def exit_fn(code: int) -> None:
        reaped.append(code)
        exited.set()

    it = TaskInterrupter(on_reap=reaped.append, exit_fn=exit_fn)
    it.exited = exited  # type: ignore[attr-defined]
    old = signal.getsignal(signal.SIGUSR1)
    it.install()
    it.reaped = reaped  # type: ignore[attr-defined]
    yield it
    signal.signal(signal.SIGUSR1, old)


def test_kill_interrupts_a_blocking_wait_on_the_main_thread(interrupter):
    start = time.monotonic()
    threading.Timer(0.05, interrupter.kill, (7, True, 5.0, "Stage cancelled")).start()
    with pytest.raises(TaskKilledException, match="Stage cancelled"):
        with interrupter.running(7):
            threading.Event().wait(30)  # a lock nobody releases: only the interrupt ends it
    assert time.monotonic() - start < 5
    assert interrupter.current is None
    assert interrupter.reaped == []


def reapers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("task-reaper-")}


def no_reapers() -> bool:
    return not reapers()


def test_kill_of_another_task_or_after_the_end_does_nothing(interrupter):
    # kill() sends its signal synchronously (pthread_kill) and Python runs a handler at the
    # next bytecode, so a stray interrupt would raise inside these blocks at once. A reaper
    # of an earlier test may still be on its way out: only new ones count.
    before = reapers()
    with interrupter.running(1):
        interrupter.kill(2, True, 0.01, "not this one")
        assert reapers() <= before  # nothing was scheduled for a task that is not running
    interrupter.kill(1, True, 0.01, "too late")
    assert reapers() <= before and interrupter.current is None
    assert interrupter.reaped == []


def test_a_task_that_swallows_the_interrupt_is_reaped(interrupter):
    caught = []
    with interrupter.running(3):
        threading.Timer(0.05, interrupter.kill, (3, True, 0.2, "cancelled")).start()
        deadline = time.monotonic() + 10
        while not interrupter.exited.is_set() and time.monotonic() < deadline:
            try:  # blocks until the reaper "exits" the process
                interrupter.exited.wait(deadline - time.monotonic())
            except TaskKilledException as e:  # swallowed, as a stubborn task would
                caught.append(e)
    assert len(caught) == 1  # delivered once per kill
    assert "could not be stopped within 0.2 s" in interrupter.reaped[0]
    assert interrupter.reaped[1] == TASK_REAPER_EXIT


def test_without_interrupt_the_task_gets_the_timeout_to_end_by_itself(interrupter):
    with interrupter.running(4):
        interrupter.kill(4, False, 5.0, "cancelled")  # the task then ends within the grace
    wait_for(no_reapers, 10, "the reaper to end")
    assert interrupter.reaped == []
