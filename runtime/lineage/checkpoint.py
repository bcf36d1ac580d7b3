"""Reliable checkpoints: partitions written as files, lineage truncated (Spark's
ReliableRDDCheckpointData).

A node is marked (``checkpoint = REQUESTED``); fusion stops at it. After the first job whose
lineage reaches it, the driver writes it: :func:`due_checkpoints` finds the nearest marked
nodes of a job's lineage (Spark's RDD.doCheckpoint), and :func:`write_checkpoint` runs one
more job (through the ``run_job`` function it is given) writing every partition to
``<directory>/part-NNNNN`` (a :func:`runtime.serde.dump_batches` stream, tmp name then
rename: a retried task never leaves a partial file), then truncates the node
(:func:`mark_written`): ``dependencies = []``, ``checkpoint = WRITTEN``, ``checkpoint_dir``
set and ``compute`` a :class:`CheckpointReader` of the files. The node keeps its id, so
stages and cached blocks that name it stay valid.

:class:`CheckpointFiles` is a node read back from such a directory without its lineage
(a streaming checkpoint's saved RDDs).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Iterator

from runtime import serde, task_env
from runtime.lineage.node import CheckpointState, Node


def part_name(split: int) -> str:
    return "part-%05d" % split


def write_partition(directory: str, split: int, records: Iterable, attempt: int = 0) -> str:
    """Write one partition as a batched-pickle file (tmp name, then rename); returns its path."""
    final = os.path.join(directory, part_name(split))
    tmp = os.path.join(directory, f".{part_name(split)}.attempt-{attempt}-{os.getpid()}.tmp")
    with open(tmp, "wb", buffering=1 << 20) as f:
        serde.dump_batches(records, f)
    os.replace(tmp, final)
    return final


class CheckpointReader:
    """``compute`` of a checkpointed node: read partition files instead of the lineage."""

    def __init__(self, directory: str):
        self.directory = directory

    def __call__(self, split: int, tc: Any) -> Iterator:
        path = os.path.join(self.directory, part_name(split))
        if not os.path.exists(path):
            raise FileNotFoundError(f"Checkpoint file {path} is missing: the checkpoint "
                                    "directory was removed while the application ran")
        return _read_file(path)


def _read_file(path: str) -> Iterator:
    with open(path, "rb", buffering=1 << 20) as f:
        yield from serde.load_batches(f)


def mark_written(node: Node, directory: str) -> None:
    """Truncate ``node``'s lineage: from now on it reads the files under ``directory``."""
    node.compute = CheckpointReader(directory)  # type: ignore[method-assign]
    node.dependencies = []
    node.checkpoint_dir = directory
    node.checkpoint = CheckpointState.WRITTEN


class CheckpointFiles(Node):
    """A node whose partitions are the files of a checkpoint directory."""

    rdd_class = "ReliableCheckpointRDD"

    def __init__(self, id: int, directory: str, num_partitions: int, partitioner: Any = None):
        super().__init__(id, [], num_partitions, partitioner)
        mark_written(self, directory)


def due_checkpoints(root: Node) -> list[Node]:
    """The nearest REQUESTED nodes of ``root``'s lineage (not looking past them or past
    written checkpoints)."""
    out: list[Node] = []
    stack, seen = [root], set()
    while stack:
        n = stack.pop()
        if n.id in seen or n.checkpointed:
            continue
        seen.add(n.id)
        if n.checkpoint is CheckpointState.REQUESTED:
            out.append(n)
            continue
        stack.extend(n.parents())
    return out


def write_checkpoint(node: Node, directory: str,
                     run_job: Callable[[Node, Callable[[Iterable], Any]], list]) -> None:
    """Write every partition of ``node`` under ``directory`` with ``run_job(node, func)``
    (runs ``func(iterator)`` on each partition), then truncate its lineage."""
    if node.checkpoint is not CheckpointState.REQUESTED:
        return
    os.makedirs(directory, exist_ok=True)

    def write(iterator: Iterable) -> None:
        tc = task_env.current()
        write_partition(directory, tc.partition_id, iterator, tc.task_attempt_id)

    node.checkpoint = CheckpointState.NONE  # the checkpoint job must not checkpoint again
    try:
        run_job(node, write)
    except BaseException:
        node.checkpoint = CheckpointState.REQUESTED
        raise
    mark_written(node, directory)
