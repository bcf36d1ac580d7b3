"""A worker's directories: what goes where, which files the web UI may serve, and the removal
of old applications' directories.

No state here: the Worker (runtime.deploy.worker) holds the two roots and passes them in.

    <work_dir>/<app-id>/<exec-id>/           an executor's cwd, with its stdout and stderr
    <work_dir>/<driver-id>/                  a cluster-mode driver's cwd: the application's
                                             files, stdout and stderr
    <local_root>/<app-id>/<exec-id>/         an executor's spark.local.dir (shuffle files);
                                             the worker removes <local_root>/<app-id> when
                                             the application finishes

``work_dir`` is --work-dir or runtime.config.work_dir() (SPARKCLI_WORKER_DIR);
``local_root`` is a fresh ``spark-worker-XXXX`` under spark.local.dir (or $TMPDIR), removed
when the worker stops.

Invariant: an id becomes a path component only if it matches :data:`SAFE_ID` (letters,
digits, ``.``, ``_``, ``-``: no separator, so nothing names a file outside the root), and an
executor id only if it is all digits. :func:`log_path` is how the UI's /logPage finds a file.

:func:`cleanup_app_dirs` is spark.worker.cleanup.enabled's sweep: every
spark.worker.cleanup.interval (30 min) the worker deletes the ``app-*`` dirs of applications
with no executor running here whose newest file is older than spark.worker.cleanup.appDataTtl
(7 d). Driver dirs (driver-*) are left alone.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from typing import Any

log = logging.getLogger("Worker")
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def log_path(work_dir: str, app_id: Any, exec_id: Any, driver_id: Any, kind: str) -> str | None:
    """The stdout/stderr file of a driver (``driver_id``) or an executor (``app_id`` and
    ``exec_id``) under ``work_dir``; None for a bad id or kind or a file that is not there."""
    if kind not in ("stdout", "stderr"):
        return None
    if driver_id:
        if not SAFE_ID.match(str(driver_id)):
            return None
        path = os.path.join(work_dir, str(driver_id), kind)
    else:
        if not app_id or exec_id is None or not SAFE_ID.match(str(app_id)) or \
                not str(exec_id).isdigit():
            return None
        path = os.path.join(work_dir, str(app_id), str(exec_id), kind)
    return path if os.path.isfile(path) else None


def cleanup_app_dirs(work_dir: str, running: set[str], ttl: float, now: float) -> list[str]:
    """Delete app-* dirs of applications not in ``running`` whose newest file is older than
    ``ttl`` seconds at ``now``; returns the names removed."""
    removed = []
    try:
        names = os.listdir(work_dir)
    except OSError:
        return removed
    for name in names:
        path = os.path.join(work_dir, name)
        if not name.startswith("app-") or name in running or not os.path.isdir(path):
            continue
        newest = os.path.getmtime(path)
        for root, _dirs, files in os.walk(path):
            for f in files:
                try:
                    newest = max(newest, os.path.getmtime(os.path.join(root, f)))
                except OSError:
                    pass
        if now - newest > ttl:
            log.info("Removing directory: %s", path)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(name)
    return removed
