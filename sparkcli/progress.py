"""The console progress bar: Spark's ``[Stage 3:=======>          (12 + 2) / 40]`` on stderr.

Spark's ConsoleProgressBar (core/.../ui/ConsoleProgressBar.scala), in Python. A daemon thread
wakes every ``interval`` seconds (spark.ui.consoleProgress.update.interval, 200 ms), reads the
per-stage counters of the application's status store (runtime/status/live.py, a listener
fed by the driver's events: StageSubmitted, TaskStart/End, JobEnd...) and redraws one line on
stderr, starting with ``\\r`` so the next draw overwrites it. Rules, as in Spark:

* only stages that are *active* (not all tasks completed, and one of their jobs still running)
  and were submitted more than ``first_delay`` (500 ms) ago are shown, so quick jobs never
  draw anything; at most 3 stages share the line, each getting ``width // n`` columns;
* a stage is ``[Stage <id>:<bar>(<completed> + <active>) / <total>]``; the bar fills the
  columns left between header and tail with ``=`` for the completed fraction, one ``>`` and
  spaces; no bar at all when the width is too small;
* the line is redrawn only when it changed (or after 60 s, to keep idle ssh sessions alive);
  SparkContext calls :meth:`ConsoleProgressBar.finish_all` when a job returns (Spark's
  runJob does the same), which wipes the line (``\\r`` + spaces + ``\\r``) before the caller
  prints its result; the thread also wipes it once no stage is active; nothing is drawn for
  ``first_delay`` after a job ended;
* it draws only when the stream is a terminal (:func:`start_for` checks
  spark.ui.showConsoleProgress and ``isatty``);
* better than Spark: a driver log line (runtime.log's stderr handler) wipes the bar before it
  is written, so an INFO line never ends in the remains of the bar (``... (1/4)   (0 + 2) /
  4]``); the next poll draws the bar again below it.

:func:`render` is the pure formatting function (stages, width -> line), testable without a
terminal. State of :class:`ConsoleProgressBar`: ``_store`` (the status store it reads),
``_last_bar`` (the line on screen, "" if none), ``_last_update`` / ``_last_finish`` (monotonic
times of the last draw and of the last wipe), ``_stop`` (event ending the thread), ``_lock``
(serialises drawing between the thread, :meth:`finish_all`, :meth:`stop` and log lines),
``_log_filter`` (the filter on the driver's stderr log handler that wipes the line, or None).
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any, TextIO

from runtime import log as rlog

__all__ = ["ConsoleProgressBar", "active_stages", "render", "start_for"]

MAX_STAGES = 3  # Spark shows at most 3 stages on the line
REFRESH_IDLE = 60.0  # redraw an unchanged line after this many seconds


def render(stages: Iterable[Any], width: int) -> str:
    """The progress line for ``stages`` (objects with stage_id, num_tasks, completed, active)
    in ``width`` columns, without the carriage returns. "" when there are no stages.

    >>> from types import SimpleNamespace as S
    >>> render([S(stage_id=3, num_tasks=40, completed=12, active=2)], 50)
    '[Stage 3:========>                  (12 + 2) / 40]'
    """
    shown = list(stages)[:MAX_STAGES]
    if not shown:
        return ""
    per_stage = width // len(shown)
    parts = []
    for s in shown:
        total = s.num_tasks
        header = f"[Stage {s.stage_id}:"
        tail = f"({s.completed} + {s.active}) / {total}]"
        w = per_stage - len(header) - len(tail)
        bar = ""
        if w > 0:
            percent = w * s.completed // total if total > 0 else 0
            bar = "".join("=" if i < percent else ">" if i == percent else " " for i in range(w))
        parts.append(header + bar + tail)
    return "".join(parts)


def active_stages(store: Any) -> list[Any]:
    """Snapshot of the running stages (submitted, completed < total, a job still running),
    ordered by stage id, from a status store. Each item is a copy."""
    return store.active_stages()


def terminal_width() -> int:
    """The terminal's width in columns (COLUMNS wins, as in Spark; 80 if unknown)."""
    return shutil.get_terminal_size((80, 24)).columns


class ConsoleProgressBar:
    """Draws the running stages' progress on stderr while jobs run (see the module doc)."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.2,
                 first_delay: float = 0.5, width: int | None = None,
                 clock: Any = time.monotonic, wall_clock: Any = time.time):
        self._stream = stream
        self.interval = interval
        self.first_delay = first_delay
        self._width = width
        self._clock = clock
        self._wall = wall_clock
        self._store: Any = None
        self._last_bar = ""
        self._last_update = 0.0
        self._last_finish = float("-inf")
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._log_filter: _WipeBeforeLog | None = None

    @property
    def stream(self) -> TextIO:
        return self._stream if self._stream is not None else sys.stderr

    def start(self, sc: Any) -> ConsoleProgressBar:
        """Follow ``sc``'s stages from a daemon thread (returns self)."""
        self._store = sc._status_store
        self._attach_to_log()
        self._thread = threading.Thread(target=self._run, name="sparkcli-progress",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """End the thread and wipe the line (idempotent)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(1.0, 5 * self.interval))
        self._detach_from_log()
        with self._lock:
            self._clear()

    def wipe(self) -> None:
        """Wipe the line before someone else writes to the stream; the next poll redraws."""
        with self._lock:
            self._clear()

    def _log_handler(self) -> logging.Handler | None:
        """The driver's stderr log handler, when it writes where this bar draws."""
        if self._stream is not None and self._stream is not sys.stderr:
            return None
        handler = getattr(rlog, "_handler", None)
        return handler if isinstance(handler, logging.Handler) else None

    def _attach_to_log(self) -> None:
        handler = self._log_handler()
        if handler is not None and self._log_filter is None:
            self._log_filter = _WipeBeforeLog(self)
            handler.addFilter(self._log_filter)

    def _detach_from_log(self) -> None:
        handler, self_filter = self._log_handler(), self._log_filter
        self._log_filter = None
        if handler is not None and self_filter is not None:
            handler.removeFilter(self_filter)

    def finish_all(self) -> None:
        """A job ended (SparkContext calls this before returning its result, as Spark's
        runJob does): wipe the line now, so the result is not printed over the bar."""
        with self._lock:
            self._clear()
            self._last_finish = self._clock()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.refresh()
            except Exception:  # noqa: BLE001, S110 - a progress bar must never break the app
                pass

    def refresh(self) -> None:
        """One poll: draw the active stages, or wipe the line when none is left."""
        if self._store is None:
            return
        stages = active_stages(self._store)
        with self._lock:
            if self._stop.is_set():
                return
            now = self._clock()  # read under the lock: a finish_all() just now counts
            wall = self._wall()
            if not stages:
                if self._last_bar:
                    self._clear()
                    self._last_finish = now
                return
            if now - self._last_finish < self.first_delay:
                return
            shown = [s for s in stages if wall - s.submitted > self.first_delay]
            if shown:
                self._show(now, shown)

    def _show(self, now: float, stages: list[Any]) -> None:
        width = self._width or terminal_width()
        bar = render(stages, width)
        if bar != self._last_bar or now - self._last_update > REFRESH_IDLE:
            self._write("\r" + bar + "\r")
            self._last_update = now
        self._last_bar = bar

    def _clear(self) -> None:
        if self._last_bar:
            width = self._width or terminal_width()
            self._write("\r" + " " * width + "\r")
            self._last_bar = ""

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


class _WipeBeforeLog(logging.Filter):
    """Wipes the bar before the handler writes a record (passes every record)."""

    def __init__(self, bar: ConsoleProgressBar) -> None:
        super().__init__()
        self.bar = bar

    def filter(self, record: logging.LogRecord) -> bool:
        self.bar.wipe()
        return True


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def start_for(sc: Any, stream: TextIO | None = None) -> ConsoleProgressBar | None:
    """Start a bar for ``sc`` when spark.ui.showConsoleProgress is true and stderr is a
    terminal; None otherwise. The interval is spark.ui.consoleProgress.update.interval."""
    config = sc._config
    if not config.get_bool("spark.ui.showConsoleProgress", True):
        return None
    if not _isatty(stream if stream is not None else sys.stderr):
        return None
    interval = config.get_duration("spark.ui.consoleProgress.update.interval", "200ms")
    return ConsoleProgressBar(stream=stream, interval=interval or 0.2).start(sc)
