"""Metadata checkpoints (Spark's streaming Checkpoint, CheckpointWriter, CheckpointReader).

With ``ssc.checkpoint(dir)`` the job generator writes, after generating each batch and
again after each batch completes, a file ``<dir>/checkpoint-<ms of the newest batch
generated>`` (so the newest name is always the latest state written) holding a
:class:`Checkpoint`: master, app name, the SparkConf pairs, the batch duration, the DStream
graph (every DStream with its functions, cloudpickled; generated RDDs are not saved except
those already written as RDD checkpoints, saved by path, e.g. the state of
updateStateByKey), the pending batch times and the checkpoint time. Files are written to
a temporary name and renamed, and only the last 10 are kept.

RDD checkpoints are deleted once unneeded: after the checkpoint written when a batch
completes, each DStream deletes its RDD checkpoint dirs older than the oldest one that
checkpoint references (Spark's DStreamCheckpointData.cleanup; see
:mod:`sparkcli.streaming.dstream`). Recovery from the newest checkpoint file always works;
an older one (read when the newest cannot be) may name deleted RDDs, as in Spark.

``StreamingContext.getOrCreate(dir, setup)`` reads the newest readable file
(:func:`read_checkpoint`; a directory whose checkpoint files all fail to load is an error
naming it), rebuilds the graph against the (new) SparkContext, and the job generator
reruns the pending batches and the batches missed while the driver was down.

State RDDs are written with the engine's RDD checkpoint (``rdd.checkpoint()`` +
``sc.setCheckpointDir(dir)``) and read back by :func:`checkpoint_file_rdd`.
"""

from __future__ import annotations

import glob
import logging
import os
import pickle
import re
from typing import Any

from runtime.errors import SparkException
from runtime.lineage.checkpoint import CheckpointFiles
from sparkcli.conf import SparkConf
from sparkcli.rdd import RDD, wrap

__all__ = ["Checkpoint", "CheckpointWriter", "checkpoint_file_rdd", "read_checkpoint"]

log = logging.getLogger("Checkpoint")
_FILE = re.compile(r"^checkpoint-(\d+)(\.bk)?$")
KEEP = 10


class Checkpoint:
    def __init__(self, ssc: Any, checkpoint_time: int):
        sc = ssc._sc
        self.master = sc.master
        self.app_name = sc.appName
        self.conf_pairs = [(k, v) for k, v in sc._config.items()]
        self.checkpoint_dir = ssc._checkpoint_dir
        self.batch_ms = ssc._graph.batch_ms
        self.graph = ssc._graph
        self.pending_times = ssc._scheduler.pending_times() if ssc._scheduler else []
        self.checkpoint_time = checkpoint_time

    def serialize(self) -> bytes:
        import cloudpickle

        with self.graph.lock:
            self.graph.update_checkpoint_data(self.checkpoint_time)
            return cloudpickle.dumps(self)

    def spark_conf(self) -> Any:
        conf = SparkConf(loadDefaults=False)
        skip = {"spark.app.id", "spark.driver.port", "spark.driver.host"}
        for k, v in self.conf_pairs:
            if k not in skip:
                conf.set(k, v)
        conf.setMaster(self.master).setAppName(self.app_name)
        return conf


class CheckpointWriter:
    def __init__(self, directory: str):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    def write(self, data: bytes, t: int) -> None:
        final = os.path.join(self.directory, f"checkpoint-{t}")
        tmp = os.path.join(self.directory, f".temp-checkpoint-{t}-{os.getpid()}")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        for _, path in checkpoint_files(self.directory)[KEEP:]:
            try:
                os.unlink(path)
            except OSError:
                pass


def checkpoint_files(directory: str) -> list[tuple[int, str]]:
    """Checkpoint files of ``directory``, newest first."""
    out = []
    for path in glob.glob(os.path.join(glob.escape(directory), "checkpoint-*")):
        m = _FILE.match(os.path.basename(path))
        if m:
            out.append((int(m.group(1)), path))
    return sorted(out, reverse=True)


def read_checkpoint(directory: str) -> Checkpoint | None:
    """The newest readable checkpoint in ``directory``; None when there is none; an error
    naming the directory when checkpoint files exist but none can be read."""
    directory = os.path.abspath(directory.removeprefix("file:"))
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise SparkException(f"Failed to read checkpoint from directory {directory}: it is "
                             "not a directory. Point getOrCreate at a directory (it is "
                             "created if missing).")
    if os.path.isdir(directory) and not os.access(directory, os.R_OK | os.X_OK):
        raise SparkException(f"Failed to read checkpoint from directory {directory}: "
                             "permission denied.")
    files = checkpoint_files(directory) if os.path.isdir(directory) else []
    if not files:
        return None
    last_error: BaseException | None = None
    for _, path in files:
        try:
            with open(path, "rb") as f:
                cp = pickle.load(f)
            if not isinstance(cp, Checkpoint):
                raise TypeError(f"{path} does not hold a streaming checkpoint")
            log.info("Checkpoint successfully loaded from file %s", path)
            return cp
        except Exception as e:  # try the previous one
            log.warning("Error reading checkpoint from file %s: %r", path, e)
            last_error = e
    raise SparkException(
        f"Failed to read checkpoint from directory {directory}: none of its "
        f"{len(files)} checkpoint file(s) could be loaded (last error: {last_error!r}). "
        "Remove the directory to start afresh, or point getOrCreate at another one.") \
        from last_error


def checkpoint_file_rdd(sc: Any, path: str, num_partitions: int,
                        partitioner: Any = None) -> RDD:
    """An RDD read back from an RDD checkpoint directory (part-00000, part-00001 ...)."""
    local = path.removeprefix("file:")
    if not os.path.isdir(local):
        raise SparkException(f"Checkpoint directory {local} of a saved RDD is missing: "
                             "the streaming checkpoint cannot be recovered")
    return wrap(sc, CheckpointFiles(sc.runtime.ids.rdd(), local, num_partitions, partitioner))
