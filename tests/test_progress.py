"""The console progress bar: render() formatting, refresh rules on a manual clock, the thread.

The bar reads a status store fed with listener events (runtime/status/live.py); these tests
feed it the events a driver posts (Feed) and watch what the bar draws."""

from __future__ import annotations

import io
import threading
import time
from types import SimpleNamespace

from runtime.scheduler.events import (
    JobResult, SparkListenerJobEnd, SparkListenerJobStart, SparkListenerStageSubmitted,
    SparkListenerTaskEnd, SparkListenerTaskStart, StageInfo, TaskEndReason, TaskInfo,
)
from runtime.status.live import LiveStatus
from sparkcli.progress import ConsoleProgressBar, active_stages, render, start_for
from gate import PASS_GATE, Gate
from waiting import wait_for


def stage(sid, total, done=0, active=0, submitted=0.0, jobs=(0,)):
    return SimpleNamespace(stage_id=sid, attempt=0, name=f"s{sid}", num_tasks=total,
                           completed=done, active=active, failed=0, submitted=submitted,
                           job_ids=tuple(jobs))


# -- render ---------------------------------------------------------------------------------

def test_render_spark_format():
    line = render([stage(3, 40, 12, 2)], 50)
    assert line == "[Stage 3:========>                  (12 + 2) / 40]"
    assert len(line) == 50


def test_render_empty_and_done():
    assert render([], 80) == ""
    assert render([stage(0, 4, 0, 4)], 30) == "[Stage 0:>        (0 + 4) / 4]"
    assert render([stage(0, 4, 4, 0)], 30) == "[Stage 0:=========(4 + 0) / 4]"


def test_render_splits_width_between_at_most_three_stages():
    stages = [stage(i, 10, 5, 1) for i in range(4)]
    line = render(stages, 120)
    assert line.count("[Stage ") == 3 and "[Stage 3:" not in line
    assert len(line) == 120
    assert [line[i:i + 9] for i in (0, 40, 80)] == ["[Stage 0:", "[Stage 1:", "[Stage 2:"]


def test_render_too_narrow_has_no_bar():
    assert render([stage(12, 200, 7, 3)], 10) == "[Stage 12:(7 + 3) / 200]"


def test_render_zero_tasks_does_not_divide_by_zero():
    assert render([stage(1, 0)], 30).startswith("[Stage 1:>")


# -- refresh rules --------------------------------------------------------------------------

class Feed:
    """A status store, fed the listener events a driver would post."""

    def __init__(self):
        self.store = LiveStatus()
        self._tids = iter(range(10**6))
        self._running: dict[int, list] = {}

    def stage(self, sid, total, done=0, active=0, submitted=0.0, jobs=(0,)):
        """Stage ``sid`` of ``jobs`` submitted at ``submitted`` (seconds), with ``done``
        tasks finished and ``active`` running."""
        for j in jobs:
            self.store.onJobStart(SparkListenerJobStart(j, 0, [StageInfo(sid, 0, f"s{sid}",
                                                                         total)], {}))
        info = StageInfo(sid, 0, f"s{sid}", total, submissionTime=int(submitted * 1000))
        self.store.onStageSubmitted(SparkListenerStageSubmitted(info, {}))
        self._running[sid] = []
        self.tasks(sid, started=done + active, finished=done)

    def tasks(self, sid, started=0, finished=0):
        for _ in range(started):
            info = TaskInfo(next(self._tids), 0, 0, 0, 0, "0", "localhost")
            self._running[sid].append(info)
            self.store.onTaskStart(SparkListenerTaskStart(sid, 0, info))
        for _ in range(finished):
            info = self._running[sid].pop(0)
            self.store.onTaskEnd(SparkListenerTaskEnd(sid, 0, "ResultTask", TaskEndReason(),
                                                      info, None))

    def end_job(self, job_id):
        self.store.onJobEnd(SparkListenerJobEnd(job_id, 0, JobResult()))

    def shown(self, sid):
        return [s for s in self.store.active_stages() if s.stage_id == sid]


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t


def make_bar(feed, clock, width=40):
    out = io.StringIO()
    bar = ConsoleProgressBar(stream=out, width=width, clock=clock, wall_clock=clock)
    bar._store = feed.store
    return bar, out


def test_active_stages_needs_a_running_job_and_missing_tasks():
    d = Feed()
    d.stage(0, 4, 4)
    d.stage(1, 4, 1, jobs=(1,))
    d.stage(2, 4, 1, jobs=(2,))
    d.end_job(0)
    d.end_job(2)
    assert [s.stage_id for s in active_stages(d.store)] == [1]


def test_young_stages_are_not_drawn_then_drawn_then_wiped():
    d, clock = Feed(), Clock()
    bar, out = make_bar(d, clock)
    d.stage(0, 10, 2, 1, submitted=clock.t)
    bar.refresh()
    assert out.getvalue() == ""  # younger than 0.5 s
    clock.t += 0.6
    bar.refresh()
    assert out.getvalue() == "\r" + render(d.shown(0), 40) + "\r"
    assert "(2 + 1) / 10]" in out.getvalue()
    bar.refresh()  # unchanged: no redraw
    assert out.getvalue().count("[Stage") == 1
    d.tasks(0, started=3, finished=3)  # 5 completed now
    bar.refresh()
    assert out.getvalue().count("[Stage") == 2 and "(5 + 1) / 10]" in out.getvalue()
    d.end_job(0)
    bar.refresh()
    assert out.getvalue().endswith("\r" + " " * 40 + "\r")
    n = len(out.getvalue())
    bar.refresh()
    assert len(out.getvalue()) == n  # wiped once


def test_nothing_drawn_shortly_after_a_job_ended():
    d, clock = Feed(), Clock()
    bar, out = make_bar(d, clock)
    d.stage(0, 10, 2, 1, submitted=clock.t - 10)
    bar.refresh()
    d.end_job(0)
    bar.refresh()  # job ended: wiped
    d.stage(1, 10, 0, 2, submitted=clock.t - 10, jobs=(1,))
    size = len(out.getvalue())
    bar.refresh()
    assert len(out.getvalue()) == size
    clock.t += 0.6
    bar.refresh()
    assert "[Stage 1:" in out.getvalue()[size:]


def test_thread_draws_and_stop_wipes():
    d = Feed()
    d.stage(0, 8, 3, 2, submitted=time.time() - 5)
    out = io.StringIO()
    bar = ConsoleProgressBar(stream=out, width=60, interval=0.01)
    bar.start(SimpleNamespace(_status_store=d.store))
    wait_for(lambda: "[Stage 0:" in out.getvalue(), 5, "the bar")
    bar.stop()
    assert "(3 + 2) / 8]" in out.getvalue()
    assert out.getvalue().endswith("\r" + " " * 60 + "\r")
    assert not bar._thread.is_alive()


def test_start_for_only_on_a_terminal():
    from runtime.config import Config

    class Tty(io.StringIO):
        def isatty(self):
            return True

    sc = SimpleNamespace(_status_store=LiveStatus(), _config=Config())
    assert start_for(sc, stream=io.StringIO()) is None
    bar = start_for(sc, stream=Tty())
    assert bar is not None
    bar.stop()
    sc._config.set("spark.ui.showConsoleProgress", "false")
    assert start_for(sc, stream=Tty()) is None


def test_with_a_real_context(sc):
    """The bar follows a real driver's events: a running job's stage shows up."""
    out = io.StringIO()
    bar = ConsoleProgressBar(stream=out, width=80, interval=0.02, first_delay=0.0)
    bar.start(sc)
    rdd = sc.parallelize(range(4), 4)
    gate = Gate()
    port = gate.port
    namespace: dict = {}
    exec(PASS_GATE, namespace)
    pass_gate = namespace["pass_gate"]

    def held(it):  # each task waits at the gate until the test has seen the bar
        pass_gate(port)
        return [sum(it)]

    result = []
    job = threading.Thread(target=lambda: result.append(sc.runJob(rdd, held)))
    job.start()
    try:
        wait_for(lambda: gate.arrivals and "/ 4]" in out.getvalue(), 20,
                 "the bar of the running stage")
    finally:
        gate.open()
        job.join(30)
        gate.close()
        bar.stop()
    assert result == [[0, 1, 2, 3]]
    assert "/ 4]" in out.getvalue()
    assert out.getvalue().endswith("\r" + " " * 80 + "\r")


def test_finish_all_wipes_at_once_and_holds_off_the_thread():
    d, clock = Feed(), Clock()
    bar, out = make_bar(d, clock)
    d.stage(0, 10, 2, 1, submitted=clock.t - 10)
    bar.refresh()
    assert "[Stage 0:" in out.getvalue()
    bar.finish_all()  # the job returned: wiped before its result is printed
    assert out.getvalue().endswith("\r" + " " * 40 + "\r")
    size = len(out.getvalue())
    bar.refresh()  # a poll racing with the job's end draws nothing
    bar.finish_all()  # nothing on screen: nothing written
    assert len(out.getvalue()) == size


def test_a_driver_log_line_wipes_the_bar_first(monkeypatch):
    """The bar draws on sys.stderr, where the driver's log lines go too: a line is written
    on a wiped line (never after the bar's remains), and the next poll draws the bar again."""
    from runtime import log as rlog

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)  # the log handler resolves sys.stderr per line
    d, clock = Feed(), Clock()
    bar = ConsoleProgressBar(width=40, clock=clock, wall_clock=clock)  # stream: sys.stderr
    bar._store = d.store
    bar._attach_to_log()
    try:
        d.stage(0, 10, 2, 1, submitted=clock.t - 10)
        bar.refresh()
        drawn = "\r" + render(d.shown(0), 40) + "\r"
        assert err.getvalue() == drawn
        rlog.get_logger("DAGScheduler").warning("something to say")
        wiped = "\r" + " " * 40 + "\r"
        assert err.getvalue().startswith(drawn + wiped)
        assert err.getvalue().endswith(" WARN DAGScheduler: something to say\n")
        bar.refresh()  # same progress, but the line was wiped: drawn again
        assert err.getvalue().endswith("something to say\n" + drawn)
    finally:
        bar.stop()
    size = len(err.getvalue())
    rlog.get_logger("DAGScheduler").warning("after stop")
    assert "\r" not in err.getvalue()[size:]  # detached: nothing to wipe any more
