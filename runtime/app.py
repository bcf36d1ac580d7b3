"""AppRuntime: the app-wide state of one application, in one object.

The API's SparkContext creates one AppRuntime when it starts and passes it to whatever
needs app state (the RDD API for ids and the driver, broadcasts for the local dir,
streaming for the driver ...). Nothing reaches this state through process globals or
another object's private fields; a SQL engine or a test can build lineage and run jobs with
an AppRuntime and no context at all.

Fields:

    config     the resolved runtime.config.Config (every key with its provenance)
    app_id     local-<epoch millis> (local masters) or app-YYYYMMDDHHMMSS-NNNN (spark://: the
               id the master granted, once registered)
    dirs       :class:`AppDirs`: work dir, local dir, files dir
    ids        :class:`IdGenerators`: rdd, shuffle, broadcast, accumulator ids (job and
               stage ids are the DAG scheduler's: it is per application and pure)
    driver     the scheduler's Driver (runtime.scheduler.driver), once started, else None
    launcher   what starts the executors (local[N] or spark://), once started, else None
    bus        the listener bus (runtime.scheduler.bus) the driver posts events on, once
               the application started, else None
    ui         the web UI of the application, once there is one, else None

Invariants: ids of one kind are unique within the application and increase from 0 (the
counters are ``itertools.count``, whose ``next`` is atomic under the GIL, so threads may draw
ids concurrently); ``dirs.files`` is inside ``dirs.local``, which is private to the
application and removed when it stops.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AppDirs:
    """Where one application keeps its files."""

    work: str  # work/<app-id>: state, driver.log, the executors' stdout/stderr
    local: str  # private dir under spark.local.dir: shuffle files, broadcasts, added files
    files: str  # <local>/files: SparkContext.addFile / addPyFile targets


class IdGenerators:
    """Per-application counters; each method returns the next id of its kind."""

    def __init__(self) -> None:
        self._rdd = itertools.count()
        self._shuffle = itertools.count()
        self._broadcast = itertools.count()
        self._accumulator = itertools.count()

    def rdd(self) -> int:
        return next(self._rdd)

    def shuffle(self) -> int:
        return next(self._shuffle)

    def broadcast(self) -> int:
        return next(self._broadcast)

    def accumulator(self) -> int:
        return next(self._accumulator)


class AppRuntime:
    """The app-wide state of one application (see the module doc for every field)."""

    def __init__(self, config: Any, app_id: str, dirs: AppDirs):
        self.config = config
        self.app_id = app_id
        self.dirs = dirs
        self.ids = IdGenerators()
        self.driver: Any = None
        self.launcher: Any = None
        self.bus: Any = None
        self.ui: Any = None

    def __repr__(self) -> str:
        return f"AppRuntime({self.app_id})"
