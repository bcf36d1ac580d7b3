"""Per-application directories and state.

work/<app-id>/ (``local-<epoch millis>`` in local mode, ``app-YYYYMMDDHHMMSS-NNNN`` on a
standalone cluster, as Spark names them) holds the driver's log, one directory per executor with its
stdout and stderr, and ``app.json``: id, name, master, user, start/end time, state
(RUNNING, FINISHED, FAILED, KILLED), exit code and executor ids, rewritten atomically on
every change so the ``logs`` command can tell a crashed driver from a finished one (a RUNNING
state whose driver pid is gone is reported as failed).
"""

from __future__ import annotations

import getpass
import itertools
import json
import os
import time


def new_app_id(work_dir: str, now: float | None = None,
               local: bool = False) -> tuple[str, str]:
    """Allocate an application id by creating its directory (race-free): Spark's
    ``local-<epoch millis>`` for a local master (the next free millisecond if two
    applications start in the same one), else ``app-YYYYMMDDHHMMSS-NNNN``."""
    os.makedirs(work_dir, exist_ok=True)
    now = now or time.time()
    if local:
        millis = int(now * 1000)
        ids = (f"local-{millis + n}" for n in itertools.count())
    else:
        stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now))
        ids = (f"app-{stamp}-{n:04d}" for n in itertools.count())
    for app_id in ids:
        path = os.path.join(work_dir, app_id)
        try:
            os.mkdir(path)
            return app_id, path
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def write_state(app_dir: str, **fields) -> dict:
    path = os.path.join(app_dir, "app.json")
    state = read_state(app_dir) or {}
    state.update(fields)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)
    return state


def read_state(app_dir: str) -> dict | None:
    try:
        with open(os.path.join(app_dir, "app.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def start_state(app_dir: str, app_id: str, name: str, master: str) -> dict:
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    # a cluster-deploy-mode driver (runtime/deploy/driver_runner.py) says which submission it is
    driver = {"driver_id": os.environ["SPARKCLI_DRIVER_ID"]} \
        if os.environ.get("SPARKCLI_DRIVER_ID") else {}
    return write_state(app_dir, id=app_id, name=name, master=master, user=user,
                       start=time.time(), end=None, state="RUNNING", exit_code=None,
                       driver_pid=os.getpid(), executors=[], **driver)
