"""Listeners and call sites: what SparkContext adds to the runtime's listener bus.

* :class:`SparkListener` -- the base class for ``sc.addSparkListener(listener)`` (Spark's
  SparkListener, PySpark spelling: ``onJobStart(jobStart)``, ``onTaskEnd(taskEnd)``...). Its
  callbacks run on the bus thread, never on the scheduler's: a slow listener delays only
  other listeners (and loses events when the queue, spark.scheduler.listenerbus.
  eventqueue.capacity, fills up). The events are runtime.scheduler.events' classes.
* :func:`call_site` -- ``("collect at app.py:12", long form)`` for a job (sparkcli/callsite.py,
  re-exported here). SparkContext puts it in the job's properties (``callSite.short``/
  ``callSite.long``); the runtime only reads those properties, it never looks at paths.
* :func:`application_start` / :func:`application_end` -- ApplicationStart and
  EnvironmentUpdate when a context starts, ApplicationEnd when it stops.
"""

from __future__ import annotations

import getpass
import os
import platform
import sys
import time
from typing import Any

from runtime.scheduler.bus import SparkListener
from runtime.scheduler.events import (
    SparkListenerApplicationEnd, SparkListenerApplicationStart, SparkListenerEnvironmentUpdate,
)
from sparkcli.callsite import call_site

__all__ = ["SparkListener", "application_end", "application_start", "call_site"]

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
