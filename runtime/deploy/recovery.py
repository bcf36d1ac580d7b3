"""spark.deploy.recoveryMode=FILESYSTEM: the master's state survives a master restart.

After every change the master writes one snapshot -- its workers, applications and drivers
as plain data (the dicts of :meth:`MasterState.snapshot`) -- to
``<spark.deploy.recoveryDirectory>/master-state.bin`` atomically (temp file + rename), so
a crash mid-write leaves the previous snapshot intact. A restarted master reads it back with
the restricted unpickler (plain data only) and enters RECOVERING: workers and running
applications are UNKNOWN until they reconnect (workers and application clients have
reconnect loops); whatever has not come back after spark.worker.timeout is removed
(:meth:`MasterState.complete_recovery`). Spark writes one file per object; one snapshot is
simpler, and the state of a course-sized cluster is small.

NONE (the default) keeps nothing: a restarted master starts empty.
"""

from __future__ import annotations

import logging
import os
import pickle

from runtime.rpc.server import loads_plain

FILE = "master-state.bin"
log = logging.getLogger("Master")


class FileSystemPersistence:
    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        os.makedirs(self.directory, exist_ok=True)
        self.path = os.path.join(self.directory, FILE)

    def save(self, snapshot: dict) -> None:
        tmp = self.path + ".tmp"
        with open(tmp, "wb") as f:
            pickle.dump(snapshot, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def load(self) -> dict | None:
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return None
        try:
            snap = loads_plain(data)
        except Exception as e:  # noqa: BLE001 - a corrupt snapshot must not stop the master
            log.error("Ignoring unreadable recovery state %s: %s", self.path, e)
            return None
        return snap if isinstance(snap, dict) else None


class NoPersistence:
    def save(self, snapshot: dict) -> None:
        pass

    def load(self) -> dict | None:
        return None


def from_config(conf) -> FileSystemPersistence | NoPersistence:
    """The persistence engine spark.deploy.recoveryMode asks for (ValueError if invalid)."""
    mode = (conf.get("spark.deploy.recoveryMode") or "NONE").upper()
    if mode == "NONE":
        return NoPersistence()
    if mode == "FILESYSTEM":
        directory = conf.get("spark.deploy.recoveryDirectory")
        if not directory:
            raise ValueError("spark.deploy.recoveryMode=FILESYSTEM needs "
                             "spark.deploy.recoveryDirectory")
        return FileSystemPersistence(directory)
    raise ValueError(f"unsupported spark.deploy.recoveryMode {mode!r} (use NONE or FILESYSTEM; "
                     "ZOOKEEPER needs a ZooKeeper ensemble, which this engine does not use)")
