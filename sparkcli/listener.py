"""Listeners and call sites: what SparkContext adds to the runtime's listener bus.

* :class:`SparkListener` -- the base class for ``sc.addSparkListener(listener)`` (Spark's
  SparkListener, PySpark spelling: ``onJobStart(jobStart)``, ``onTaskEnd(taskEnd)``...). Its
  callbacks run on the bus thread, never on the scheduler's: a slow listener delays only
  other listeners (and loses events when the queue, spark.scheduler.listenerbus.
  eventqueue.capacity, fills up). The events are runtime.scheduler.events' classes.
* :func:`call_site` -- ``("collect at app.py:12", long form)`` for a job: the action is the
  outermost frame inside sparkcli/runtime (the method the user called), the place is the
  first frame outside them (and outside pyspark and the standard library), as Spark shows.
  SparkContext puts it in the job's properties (``callSite.short``/``callSite.long``); the
  runtime only reads those properties, it never looks at paths.
* :func:`application_start` / :func:`application_end` -- ApplicationStart and
  EnvironmentUpdate when a context starts, ApplicationEnd when it stops.
"""

from __future__ import annotations

import getpass
import os
import platform
import sys
import sysconfig
import time
from typing import Any

import runtime
from runtime.scheduler.bus import SparkListener
from runtime.scheduler.events import (
    SparkListenerApplicationEnd, SparkListenerApplicationStart, SparkListenerEnvironmentUpdate,
)

__all__ = ["SparkListener", "application_end", "application_start", "call_site"]

_OURS = tuple(os.path.dirname(os.path.abspath(m.__file__)) + os.sep
              for m in (sys.modules[__name__.split(".")[0]], runtime))
_STDLIB = tuple({os.path.abspath(p) + os.sep
                 for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])})
LONG_FRAMES = 5


def _ours(filename: str) -> bool:
    return filename.startswith(_OURS) or f"{os.sep}pyspark{os.sep}" in filename


def _library(filename: str) -> bool:
    return filename.startswith(_STDLIB) or filename.startswith("<frozen")


def call_site(depth: int = 1) -> tuple[str, str]:
    """(short, long) call site of the API call in progress, seen from the caller's frame
    ``depth`` levels up; short is ``"<action> at <file>:<line>"``."""
    frame = sys._getframe(depth)
    action = None
    while frame is not None and _ours(frame.f_code.co_filename):
        action = frame.f_code.co_name
        frame = frame.f_back
    user = frame
    while user is not None and _library(user.f_code.co_filename):
        user = user.f_back
    action = action or "runJob"
    if user is None:
        return action, action
    short = f"{action} at {os.path.basename(user.f_code.co_filename)}:{user.f_lineno}"
    lines = [f"{action} at {user.f_code.co_filename}:{user.f_lineno}"]
    caller = user.f_back
    while caller is not None and len(lines) < LONG_FRAMES:
        lines.append(f"{caller.f_code.co_name} at {caller.f_code.co_filename}:{caller.f_lineno}")
        caller = caller.f_back
    return short, "\n".join(lines)


def application_start(bus: Any, sc: Any) -> None:
    """Post ApplicationStart and EnvironmentUpdate for ``sc`` (as Spark does at start-up)."""
    bus.post(SparkListenerApplicationStart(sc.appName, sc.applicationId, sc.startTime,
                                           sc.sparkUser()))
    bus.post(SparkListenerEnvironmentUpdate({
        "JVM Information": {"Python Version": platform.python_version(),
                            "Python Implementation": platform.python_implementation(),
                            "Java Version": "", "Scala Version": ""},
        "Spark Properties": {k: str(v) for k, v in sorted(sc._config.items())},
        "Hadoop Properties": {},
        "System Properties": {"os.name": platform.system(), "user.name": _user(),
                              "user.dir": os.getcwd()},
        "Metrics Properties": {},
        "Classpath Entries": {p: "System Classpath" for p in sys.path if p},
    }))


def application_end(bus: Any) -> None:
    bus.post(SparkListenerApplicationEnd(int(time.time() * 1000)))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return ""
