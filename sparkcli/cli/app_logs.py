"""``sparkcli logs``: list applications in the work dir, print or follow their logs.

Every application leaves ``work/<app-id>/`` behind (runtime/appdir.py; ``local-<millis>`` in
local mode, ``app-YYYYMMDDHHMMSS-NNNN`` on a cluster):
``app.json`` (id, name, master, user, start, end, state, exit_code, driver_pid, executors),
``driver.log`` (the driver's log lines) and ``<executor-id>/{stdout,stderr}``. This module
only reads them:

* :func:`list_apps` -> :class:`AppInfo` per directory, newest first. The *effective* state is
  app.json's, except that a RUNNING application whose driver process is gone (the pid does
  not exist, or belongs to a process started after the application) is reported as FAILED
  with ``crashed=True``: the driver died without writing its final state. Executors are the
  union of app.json's list and the numeric sub-directories (app.json lists them only at stop).
* :func:`find_app` resolves an id; an unknown one raises :class:`LogsError` naming the closest
  ids (those containing it, e.g. a prefix or the timestamp, else difflib's), so the CLI
  prints one line. A FAILED state shows the driver's exit code: ``FAILED (exit 1)``.
* A cluster-deploy-mode driver runs on a worker in ``work/driver-YYYYMMDDHHMMSS-NNNN/`` (its
  stdout and stderr) and records that id as ``driver_id`` in its application's app.json:
  :func:`find_app` resolves a submission id to that application (or, before the driver made
  one, to the driver's directory alone), and its logs include the driver's stdout/stderr.
* :func:`log_files` picks the files to show (driver log, then executors in numeric order,
  stdout before stderr) from a :class:`Selection`; :func:`print_logs` prints each block under
  a ``==> app-.../0/stdout <==`` title (all lines, or the last N).
* :func:`follow` prints the same, then polls: new bytes of every file (a file that appears
  later, e.g. a replacement executor's, is picked up), a title whenever the output switches
  file (as ``tail -f`` does), until the application's effective state leaves RUNNING (one
  final drain after it did, so nothing written before the end is lost) or ``stop`` is set.

Output goes through a :class:`LogWriter` over a rich Console: colours only on a terminal,
file contents written verbatim (never parsed as markup).
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from runtime import appdir
from runtime.config import work_dir as default_work_dir
from sparkcli.cli import exit_codes

__all__ = [
    "AppInfo",
    "LogWriter",
    "LogsError",
    "Selection",
    "find_app",
    "follow",
    "format_duration",
    "latest_app",
    "list_apps",
    "load_app",
    "log_files",
    "print_logs",
    "render_table",
]

APP_RE = re.compile(r"^(app-\d{14}-\d{4,}|local-\d{13,})$")  # cluster / local ids
DRIVER_RE = re.compile(r"^driver-\d{14}-\d{4,}$")
RUNNING = "RUNNING"
STATE_STYLES = {"RUNNING": "bold cyan", "FINISHED": "green", "FAILED": "bold red",
                "KILLED": "magenta"}


class LogsError(ValueError):
    """A user mistake (unknown id, no applications); the message is one line."""


@dataclass
class AppInfo:
    id: str
    dir: str
    name: str = "?"
    user: str = ""
    master: str = ""
    start: float | None = None
    end: float | None = None
    state: str = "UNKNOWN"  # effective state (see module doc)
    recorded_state: str = "UNKNOWN"  # as written in app.json
    crashed: bool = False
    exit_code: int | None = None
    driver_pid: int | None = None
    executors: list[str] = field(default_factory=list)
    driver_dir: str | None = None  # a cluster-mode driver's directory (stdout, stderr)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def state_label(self) -> str:
        if self.crashed:
            return "FAILED (crashed)"
        if self.state == "FAILED" and self.exit_code:
            return f"FAILED (exit {self.exit_code})"
        return self.state

    def duration(self, now: float | None = None) -> float | None:
        if self.start is None:
            return None
        end = self.end
        if end is None:
            end = (now or time.time()) if self.running else _last_write(self.dir)
        return None if end is None else max(0.0, end - self.start)


# -- reading the work dir ---------------------------------------------------------------------


def _boot_time() -> float | None:
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def _process_start(pid: int) -> float | None:
    """Wall-clock start time of ``pid`` (Linux /proc), None when unknown."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        boot = _boot_time()
        return None if boot is None else boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def pid_alive(pid: int | None, since: float | None = None) -> bool:
    """Does process ``pid`` exist (and, when known, did it start before ``since`` + slack,
    i.e. is it not a later process that reused the pid)?"""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OSError:
        return False
    if since is not None:
        started = _process_start(pid)
        if started is not None and started > since + 2.0:
            return False  # pid reused by a younger process
    return True


def _last_write(app_dir: str) -> float | None:
    latest = None
    for root, _dirs, files in os.walk(app_dir):
        for name in files:
            try:
                mtime = os.stat(os.path.join(root, name)).st_mtime
            except OSError:
                continue
            latest = mtime if latest is None else max(latest, mtime)
    return latest


def _executor_dirs(app_dir: str) -> list[str]:
    try:
        names = os.listdir(app_dir)
    except OSError:
        return []
    return [n for n in names if n.isdigit() and os.path.isdir(os.path.join(app_dir, n))]


def _sort_executors(ids: Any) -> list[str]:
    return sorted({str(e) for e in ids}, key=lambda e: (not e.isdigit(), int(e) if e.isdigit()
                                                         else 0, e))


def load_app(app_dir: str) -> AppInfo:
    """An :class:`AppInfo` from ``app_dir`` (a directory without app.json is UNKNOWN)."""
    app_id = os.path.basename(os.path.normpath(app_dir))
    info = AppInfo(id=app_id, dir=app_dir)
    state = appdir.read_state(app_dir) or {}
    info.name = str(state.get("name") or "?")
    info.user = str(state.get("user") or "")
    info.master = str(state.get("master") or "")
    info.start = _float(state.get("start"))
    info.end = _float(state.get("end"))
    info.recorded_state = str(state.get("state") or "UNKNOWN").upper()
    info.exit_code = state.get("exit_code")
    pid = state.get("driver_pid")
    info.driver_pid = int(pid) if isinstance(pid, (int, float)) else None
    info.executors = _sort_executors(list(state.get("executors") or [])
                                     + _executor_dirs(app_dir))
    driver_id = state.get("driver_id")
    if isinstance(driver_id, str) and DRIVER_RE.match(driver_id):
        driver_dir = os.path.join(os.path.dirname(os.path.normpath(app_dir)), driver_id)
        info.driver_dir = driver_dir if os.path.isdir(driver_dir) else None
    info.state = info.recorded_state
    if info.recorded_state == RUNNING and not pid_alive(info.driver_pid, info.start):
        info.state = "FAILED"
        info.crashed = True
    if info.start is None:
        m = re.match(r"^app-(\d{14})-", app_id)
        if m:
            info.start = time.mktime(time.strptime(m.group(1), "%Y%m%d%H%M%S"))
        elif app_id.startswith("local-"):
            info.start = int(app_id[len("local-"):]) / 1000
    return info


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def list_apps(work_dir: str | None = None) -> list[AppInfo]:
    """Every application in the work dir, newest first."""
    root = work_dir or default_work_dir()
    try:
        names = os.listdir(root)
    except OSError:
        return []
    apps = [load_app(os.path.join(root, n)) for n in names
            if APP_RE.match(n) and os.path.isdir(os.path.join(root, n))]
    apps.sort(key=lambda a: (a.start or 0.0, a.id), reverse=True)
    return apps


def find_app(app_id: str, work_dir: str | None = None) -> AppInfo:
    """The application ``app_id``; :class:`LogsError` naming the closest ids if unknown."""
    root = work_dir or default_work_dir()
    if DRIVER_RE.match(app_id):
        return _find_driver(app_id, root)
    path = os.path.join(root, app_id)
    if os.sep not in app_id and app_id not in (".", "..") and os.path.isdir(path):
        return load_app(path)
    ids = [a.id for a in list_apps(root)]
    # ids containing what was typed (a prefix, a timestamp), newest first; else similar ones
    close = [i for i in ids if app_id and app_id in i][:3]
    close = close or difflib.get_close_matches(app_id, ids, n=3, cutoff=0.6)
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif ids:
        hint = "run `sparkcli logs` to list them"
    else:
        hint = "no application has run with this work dir yet"
    raise LogsError(f"no application {app_id!r} in {root}; {hint}")


def _find_driver(driver_id: str, root: str) -> AppInfo:
    """The newest application run by cluster-mode driver ``driver_id``, else its dir alone."""
    for app in list_apps(root):
        if app.driver_dir and os.path.basename(app.driver_dir) == driver_id:
            return app
    path = os.path.join(root, driver_id)
    if not os.path.isdir(path):
        raise LogsError(f"no driver {driver_id!r} in {root}; cluster-mode drivers keep their "
                        "logs in the work dir of the worker that ran them (--work-dir)")
    return AppInfo(id=driver_id, dir=path, name=driver_id, driver_dir=path)


def latest_app(work_dir: str | None = None) -> AppInfo:
    apps = list_apps(work_dir)
    if not apps:
        root = work_dir or default_work_dir()
        raise LogsError(f"no applications in {root} (set SPARKCLI_HOME or SPARKCLI_WORKER_DIR "
                        "to the directory your applications ran from)")
    return apps[0]


# -- formatting ---------------------------------------------------------------------------------


def format_duration(seconds: float | None) -> str:
    """Spark UI's duration format: '85 ms', '0.4 s', '12 s', '3.5 min', '42 min', '1.2 h'."""
    if seconds is None:
        return "-"
    ms = int(seconds * 1000)
    if ms < 100:
        return f"{ms} ms"
    s = ms / 1000
    if s < 1:
        return f"{s:.1f} s"
    if s < 60:
        return f"{s:.0f} s"
    minutes = s / 60
    if minutes < 10:
        return f"{minutes:.1f} min"
    if minutes < 60:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def format_time(ts: float | None) -> str:
    return "-" if ts is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def make_console(file: TextIO | None = None) -> Any:
    """A rich Console on ``file``: colours on a terminal only; wide when piped."""
    from rich.console import Console

    file = file if file is not None else sys.stdout
    if _isatty(file):
        return Console(file=file, highlight=False)
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 200
    return Console(file=file, color_system=None, force_terminal=False, no_color=True,
                   highlight=False, width=width)


def render_table(apps: list[AppInfo], console: Any, now: float | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("App ID", no_wrap=True)
    table.add_column("Name", overflow="fold")
    table.add_column("Started", no_wrap=True)
    table.add_column("Duration", justify="right", no_wrap=True)
    table.add_column("State", no_wrap=True)
    table.add_column("Executors", justify="right", no_wrap=True)
    for a in apps:
        table.add_row(a.id, a.name, format_time(a.start), format_duration(a.duration(now)),
                      Text(a.state_label, style=STATE_STYLES.get(a.state, "")),
                      str(len(a.executors)))
    console.print(table)


# -- which files --------------------------------------------------------------------------------


@dataclass
class Selection:
    """Which logs to show. Empty ``executors`` and ``driver=False``: everything."""

    executors: list[str] = field(default_factory=list)
    driver: bool = False
    stdout: bool = False
    stderr: bool = False

    def streams(self) -> list[str]:
        if self.stdout == self.stderr:
            return ["stdout", "stderr"]
        return ["stdout"] if self.stdout else ["stderr"]

    def wants_driver(self) -> bool:
        if self.driver:
            return True
        # driver.log is the driver's stderr: shown by default and with --stderr
        return not self.executors and (self.stderr or not self.stdout)

    def wants_executor(self, eid: str) -> bool:
        if self.executors:
            return eid in self.executors
        return not self.driver


def log_files(app: AppInfo, sel: Selection, include_missing: bool = False) -> list[str]:
    """Paths to show, in order: driver.log, then each executor's stdout/stderr.

    Missing files are skipped unless ``include_missing`` (the follower watches for them)."""
    out = []
    if sel.wants_driver() and app.dir != app.driver_dir:
        out.append(os.path.join(app.dir, "driver.log"))
    if app.driver_dir and (sel.driver or not sel.executors):
        out += [os.path.join(app.driver_dir, s) for s in sel.streams()]
    executors = _sort_executors(app.executors + _executor_dirs(app.dir) + sel.executors)
    for eid in executors:
        if sel.wants_executor(eid):
            out += [os.path.join(app.dir, eid, s) for s in sel.streams()]
    return [p for p in out if include_missing or os.path.isfile(p)]


def check_executors(app: AppInfo, sel: Selection) -> None:
    """An unknown --executor id is a LogsError naming the known ones."""
    known = set(app.executors) | set(_executor_dirs(app.dir))
    missing = [e for e in sel.executors if e not in known]
    if missing and not app.running:
        have = ", ".join(_sort_executors(known)) or "none"
        raise LogsError(f"{app.id} has no executor {', '.join(missing)} (executors: {have})")


# -- output -------------------------------------------------------------------------------------


class LogWriter:
    """Titles and verbatim text on a console; remembers the last file shown (tail -f style)."""

    def __init__(self, console: Any, root: str):
        self.console = console
        self.root = root
        self.current: str | None = None
        self._first = True
        self._at_line_start = True
        self.lock = threading.Lock()

    def title(self, path: str) -> None:
        rel = os.path.relpath(path, self.root)
        if not self._first:
            self.write("\n" if self._at_line_start else "\n\n")
        self._first = False
        self.console.print(f"==> {rel} <==", style="bold cyan", markup=False,
                           highlight=False, soft_wrap=True)
        self._at_line_start = True
        self.current = path

    def write(self, text: str) -> None:
        if not text:
            return
        f = self.console.file
        f.write(text)
        f.flush()
        self._at_line_start = text.endswith("\n")

    def block(self, path: str, text: str) -> None:
        with self.lock:
            if path != self.current:
                self.title(path)
            self.write(text)


def read_tail(path: str, lines: int | None) -> tuple[bytes, int]:
    """(the last ``lines`` lines of ``path`` (all if None), the file size read up to)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if lines is None:
            f.seek(0)
            return f.read(size), size
        if lines <= 0:
            return b"", size
        block = 8192
        pos = size
        data = b""
        while pos > 0:
            step = min(block, pos)
            pos -= step
            f.seek(pos)
            data = f.read(step) + data
            # a trailing newline ends the last line; it does not start another
            if data.count(b"\n") - (1 if data.endswith(b"\n") else 0) >= lines:
                break
        parts = data.split(b"\n")
        trailing = data.endswith(b"\n")
        body = parts[:-1] if trailing else parts
        kept = body[-lines:]
        return b"\n".join(kept) + (b"\n" if trailing else b""), size


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def print_logs(app: AppInfo, sel: Selection, lines: int | None, writer: LogWriter) -> dict:
    """Print every selected file (all lines or the last ``lines``); returns {path: offset}."""
    offsets: dict[str, int] = {}
    for path in log_files(app, sel):
        try:
            data, size = read_tail(path, lines)
        except OSError:
            continue
        offsets[path] = size
        with writer.lock:
            writer.title(path)
            writer.write(_decode(data))
    return offsets


def follow(app: AppInfo, sel: Selection, lines: int | None, writer: LogWriter,
           poll: float = 0.2, stop: threading.Event | None = None) -> AppInfo:
    """Print the logs, then tail them until the application leaves RUNNING or ``stop`` is set.

    Returns the application's final :class:`AppInfo`."""
    stop = stop or threading.Event()
    offsets = print_logs(app, sel, lines, writer)
    decoders: dict[str, Any] = {}
    while True:
        app = _reload(app)
        done = not app.running or stop.is_set()
        for path in log_files(app, sel, include_missing=True):
            _drain(path, offsets, decoders, writer)
        if done:
            for path, dec in decoders.items():
                rest = dec.decode(b"", final=True)
                if rest:
                    writer.block(path, rest)
            return app
        stop.wait(poll)


def _reload(app: AppInfo) -> AppInfo:
    if app.dir == app.driver_dir:  # a cluster driver seen before it started its application
        try:
            return _find_driver(app.id, os.path.dirname(app.dir))
        except LogsError:
            return app
    return load_app(app.dir)


def _drain(path: str, offsets: dict[str, int], decoders: dict[str, Any],
           writer: LogWriter) -> None:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            start = offsets.get(path, 0)
            if size < start:  # truncated: start over
                start = 0
            if size == start:
                offsets[path] = size
                return
            f.seek(start)
            data = f.read(size - start)
    except OSError:
        return
    offsets[path] = start + len(data)
    dec = decoders.get(path)
    if dec is None:
        dec = decoders[path] = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = dec.decode(data)
    if text:
        writer.block(path, text)


# -- the command ----------------------------------------------------------------------------------


@dataclass
class LogsArgs:
    app_id: str | None = None
    latest: bool = False
    executors: list[str] = field(default_factory=list)
    driver: bool = False
    stdout: bool = False
    stderr: bool = False
    lines: int | None = None
    follow: bool = False


def run(args: LogsArgs, out: TextIO | None = None, stop: threading.Event | None = None,
        poll: float = 0.2) -> int:
    """``sparkcli logs``: list, print or follow. Raises :class:`LogsError` for user mistakes."""
    console = make_console(out)
    root = default_work_dir()
    if args.app_id and args.latest:
        raise LogsError("give an application id or --latest, not both")
    if args.lines is not None and args.lines < 0:
        raise LogsError(f"--lines must be 0 or more, got {args.lines}")
    if not args.app_id and not args.latest:
        if args.follow or args.executors or args.stdout or args.stderr or args.driver:
            raise LogsError("name an application (APP_ID or --latest) to show its logs")
        apps = list_apps(root)
        if not apps:
            console.print(f"No applications in {root}", markup=False, highlight=False)
            return exit_codes.SUCCESS
        render_table(apps, console)
        return exit_codes.SUCCESS
    app = latest_app(root) if args.latest else find_app(args.app_id or "", root)
    sel = Selection(executors=[str(e) for e in args.executors], driver=args.driver,
                    stdout=args.stdout, stderr=args.stderr)
    check_executors(app, sel)
    writer = LogWriter(console, root)
    if args.follow:
        try:
            follow(app, sel, args.lines, writer, poll=poll, stop=stop)
        except KeyboardInterrupt:
            writer.write("\n" if not writer._at_line_start else "")
            return exit_codes.INTERRUPTED
    else:
        print_logs(app, sel, args.lines, writer)
        if not log_files(app, sel):
            print(f"{app.id}: no log files yet", file=sys.stderr)
    return exit_codes.SUCCESS
