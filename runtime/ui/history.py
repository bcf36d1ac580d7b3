"""The history server (Spark's HistoryServer + FsHistoryProvider): the UI of finished and
crashed applications, replayed from their event logs.

:class:`HistoryProvider` watches ``spark.history.fs.logDirectory`` (default
``$SPARKCLI_HOME/spark-events``, where the driver writes by default). Each request for the
listing looks at the directory (names, sizes, mtimes only); a log is replayed into its own
:class:`~runtime.status.store.AppStatusStore` when first needed and again when it changed
(a running application's ``.inprogress`` log grows). At most
``spark.history.retainedApplications`` (50) replayed stores stay in memory, least recently
used dropped first. An application whose log has no ApplicationEnd (still running, or
crashed) is *incomplete*.

Pages: ``/`` lists completed and incomplete applications (App ID linking to its UI, name,
started, completed, duration, user, last updated); each application's pages are the driver's
(:mod:`runtime.ui.pages`) under ``/history/<app id>/``; ``/api/v1`` is the same REST API
(:mod:`runtime.ui.api`) over every application. A log that cannot be read is listed in the
server's log once and skipped.

The cleaner (``spark.history.fs.cleaner.enabled``, off by default as in Spark) runs every
``spark.history.fs.cleaner.interval`` (1d): it deletes the logs not updated for
``spark.history.fs.cleaner.maxAge`` (7d) and then, over ``spark.history.fs.cleaner.maxNum``
logs, the oldest completed ones (:meth:`HistoryProvider.clean`).

:func:`run` is the ``history`` command in the foreground: binds ``spark.history.ui.port``
(18080, next port when busy) on ``host``, prints the ready line that
``history start`` waits for, and serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections import OrderedDict

from runtime import config as rconfig
from runtime.deploy.common import announce_ready, setup_daemon, wait_for_stop
from runtime.eventlog.reader import EventLogError, LogInfo, list_logs, replay
from runtime.eventlog.writer import default_dir, local_path
from runtime.status.store import AppStatusStore
from runtime.ui import api, pages
from runtime.ui.server import Response, bind

DEFAULT_PORT = 18080
log = logging.getLogger("org.apache.spark.deploy.history.HistoryServer")


class HistoryProvider:
    """Event logs of a directory as applications (see the module docstring)."""

    def __init__(self, log_dir: str, retained: int = 50, spark_version: str = "") -> None:
        self.log_dir = local_path(log_dir)
        self.retained = max(1, retained)
        self.spark_version = spark_version
        self._lock = threading.Lock()
        # path -> (mtime, size, store); app id -> path
        self._stores: OrderedDict[str, tuple[int, int, AppStatusStore]] = OrderedDict()
        self._listing: dict[str, tuple[int, int, dict, str]] = {}  # path -> info, app id
        self._bad: set[str] = set()

    def _load(self, info: LogInfo) -> AppStatusStore | None:
        cached = self._stores.get(info.path)
        if cached and cached[0] == info.mtime_ms and cached[1] == info.size:
            self._stores.move_to_end(info.path)
            return cached[2]
        try:
            store = replay(info.path, AppStatusStore(live=False))
        except (EventLogError, OSError) as e:
            if info.path not in self._bad:
                log.warning("Skipping event log %s: %s", info.path, e)
                self._bad.add(info.path)
            return None
        self._stores[info.path] = (info.mtime_ms, info.size, store)
        while len(self._stores) > self.retained:
            self._stores.popitem(last=False)
        return store

    def _entries(self) -> list[tuple[dict, str, LogInfo]]:
        out = []
        with self._lock:
            logs = list_logs(self.log_dir)
            for info in logs:
                known = self._listing.get(info.path)
                if known and known[0] == info.mtime_ms and known[1] == info.size:
                    out.append((known[2], known[3], info))
                    continue
                store = self._load(info)
                if store is None or store.app_id is None:
                    continue
                app = store.application(last_updated=info.mtime_ms)
                app["attempts"][0]["completed"] = (app["attempts"][0]["completed"]
                                                   and info.completed)
                self._listing[info.path] = (info.mtime_ms, info.size, app, store.app_id)
                out.append((app, store.app_id, info))
            live = {i.path for i in logs}
            for path in list(self._listing):
                if path not in live:
                    del self._listing[path]
        out.sort(key=lambda e: -(e[0]["attempts"][0]["startTimeEpoch"] or 0))
        return out

    # -- the REST API's Apps protocol ------------------------------------------------------------
    def list_applications(self) -> list[dict]:
        return [app for app, _id, _info in self._entries()]

    def store(self, app_id: str) -> AppStatusStore | None:
        for _app, aid, info in self._entries():
            if aid == app_id:
                with self._lock:
                    return self._load(info)
        return None


    # -- the cleaner -------------------------------------------------------------------------------
    def clean(self, now_ms: int, max_age_ms: int, max_num: int | None = None) -> list[str]:
        """Delete the logs last updated before ``now_ms - max_age_ms``, then the oldest
        completed ones while more than ``max_num`` remain; returns the deleted paths."""
        with self._lock:
            logs = sorted(list_logs(self.log_dir), key=lambda i: i.mtime_ms)
            doomed = [i for i in logs if i.mtime_ms < now_ms - max_age_ms]
            left = [i for i in logs if i not in doomed]
            if max_num is not None and len(left) > max_num:
                extra = [i for i in left if i.completed][:len(left) - max_num]
                doomed += extra
            deleted = []
            for info in doomed:
                try:
                    if os.path.isdir(info.path):
                        shutil.rmtree(info.path)
                    else:
                        os.remove(info.path)
                except OSError as e:
                    log.warning("Error deleting event log %s: %s", info.path, e)
                    continue
                log.info("Deleting expired event log %s", info.path)
                self._stores.pop(info.path, None)
                self._listing.pop(info.path, None)
                deleted.append(info.path)
            return deleted


def start_cleaner(provider: HistoryProvider, conf: rconfig.Config,
                  stopped: threading.Event) -> threading.Thread | None:
    """Run :meth:`HistoryProvider.clean` every cleaner interval until ``stopped`` (when
    ``spark.history.fs.cleaner.enabled``)."""
    if not conf.get_bool("spark.history.fs.cleaner.enabled", False):
        return None
    interval = conf.get_duration("spark.history.fs.cleaner.interval", "1d") or 86400.0
    max_age = conf.get_duration("spark.history.fs.cleaner.maxAge", "7d") or 7 * 86400.0
    max_num = conf.get_int("spark.history.fs.cleaner.maxNum", None)

    def loop() -> None:
        while not stopped.is_set():
            provider.clean(int(time.time() * 1000), int(max_age * 1000), max_num)
            stopped.wait(interval)

    thread = threading.Thread(target=loop, name="log-cleaner", daemon=True)
    thread.start()
    return thread


def index_page(provider: HistoryProvider) -> Response:
    apps = provider.list_applications()
    done = [a for a in apps if a["attempts"][0]["completed"]]
    running = [a for a in apps if not a["attempts"][0]["completed"]]
    return pages.render("history.html", log_dir=provider.log_dir, completed=done,
                        incomplete=running, version=provider.spark_version)


def routes(provider: HistoryProvider) -> list:
    return ([("/", lambda m, q: index_page(provider))]
            + api.api_routes(provider) + pages.static_routes()
            + pages.page_routes(lambda m: provider.store(m.group("app")),
                                prefix="/history/(?P<app>[^/]+)", back_link="/"))


def provider_from_conf(conf: rconfig.Config, spark_version: str) -> HistoryProvider:
    log_dir = conf.get("spark.history.fs.logDirectory") or default_dir(rconfig.home_dir())
    retained = conf.get_int("spark.history.retainedApplications", 50) or 50
    return HistoryProvider(log_dir, retained, spark_version)


def run(host: str, port: int | None, properties_file: str | None,
        overrides: dict[str, str], spark_version: str = "") -> int:
    """The history server in the foreground (the ``history`` command); returns the exit
    code."""
    conf = setup_daemon(properties_file, ("HistoryServer", "FsHistoryProvider"))
    for key, value in overrides.items():
        conf.set(key, value, "submit")
    if port is None:
        port = conf.get_int("spark.history.ui.port", DEFAULT_PORT) or DEFAULT_PORT
    provider = provider_from_conf(conf, spark_version)
    server = bind(host, port, "HistoryServerUI", routes(provider), log)
    log.info("Bound HistoryServer to %s, and started at %s", host, server.url)
    announce_ready(f"Starting Spark history server on {server.url} reading "
                   f"{provider.log_dir}", "HistoryServer", server.url)
    stopped = threading.Event()
    start_cleaner(provider, conf, stopped)
    try:
        wait_for_stop(stopped)
    finally:
        server.stop()
    return 0
