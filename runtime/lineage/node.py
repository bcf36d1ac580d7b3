"""The lineage node protocol: what the engine knows about one RDD.

A :class:`Node` is one vertex of the RDD graph. The DAG scheduler cuts stages by walking
``dependencies``, the task scheduler asks for cached blocks and ``preferred_locations``, and an
executor computes a partition with ``compute(split, tc)``. The PySpark-shaped API
(the RDD class) wraps a node; a SQL physical plan builds nodes directly. Nodes take
functions and parameters, never a context: everything app-wide (ids, the driver) is passed
in by whoever builds them (see runtime.app.AppRuntime).

Fields of every node:

    id               int, unique within the application (from AppRuntime.ids.rdd)
    num_partitions   how many partitions; splits are 0 .. num_partitions - 1
    dependencies     runtime.lineage.dependency objects: NarrowDependency subclasses (the
                     parent partitions are read in the same task) or ShuffleDependency (a
                     stage boundary). A checkpointed node has none.
    partitioner      a runtime.lineage.partitioner.Partitioner when the keys of this node
                     are known to be partitioned that way, else None
    storage_level    None, or a storage level object (useMemory, useDisk, deserialized ...):
                     the executor keeps computed partitions in its block store
                     (TaskContext.iterate)
    checkpoint       a :class:`CheckpointState`: NONE, REQUESTED (reliable checkpoint to be
                     written after the next job), WRITTEN (lineage truncated: ``compute``
                     reads the files under ``checkpoint_dir``), LOCAL (localCheckpoint: kept
                     in the block stores)
    checkpoint_dir   where the partitions of a written checkpoint are, else None
    name             the user's name for it (RDD.setName), else None
    creation_site    where it was built (``map at app.py:12``), for stage names; or None
    scope            the operation scope of the API call that built it (JSON text, e.g.
                     ``{"id":"4","name":"reduceByKey"}``: StageInfo's RDD infos, the UI's
                     DAG), or None

``compute(split, tc)`` returns an iterator over one partition. It reads a parent partition
with ``tc.iterate(parent_node, split)`` (served from the block store when the parent is
persisted) and a shuffle with ``tc.read_shuffle(spec, split)``.

Invariants: a WRITTEN node has ``dependencies == []``; pickling a WRITTEN node keeps only the
fields above and its ``compute`` (the checkpoint reader), so the truncated lineage (possibly
large parallelized data) does not travel with tasks.
"""

from __future__ import annotations

import enum
from typing import Any, Iterator


class CheckpointState(enum.Enum):
    NONE = "none"
    REQUESTED = "requested"
    WRITTEN = "written"
    LOCAL = "local"


#: the attributes a WRITTEN node keeps when pickled into a task
_CHECKPOINTED_STATE = frozenset({
    "id", "dependencies", "num_partitions", "partitioner", "storage_level", "checkpoint",
    "checkpoint_dir", "name", "creation_site", "scope", "compute"})


class Node:
    """One RDD of the lineage graph (see the module doc for the fields)."""

    #: the class name Spark gives this kind of RDD (repr, toDebugString, stage names)
    rdd_class = "RDD"

    def __init__(self, id: int, dependencies: list, num_partitions: int,
                 partitioner: Any = None):
        self.id = id
        self.dependencies = dependencies
        self.num_partitions = num_partitions
        self.partitioner = partitioner
        self.storage_level: Any = None
        self.checkpoint = CheckpointState.NONE
        self.checkpoint_dir: str | None = None
        self.name: str | None = None
        self.creation_site: str | None = None
        self.scope: str | None = None

    def compute(self, split: int, tc: Any) -> Iterator:
        raise NotImplementedError

    def preferred_locations(self, split: int) -> list[str]:
        """Hosts where ``split`` is cheapest to compute (input locality); [] for anywhere.
        Cached blocks are not listed here: the task scheduler knows where they are."""
        return []

    @property
    def checkpointed(self) -> bool:
        return self.checkpoint is CheckpointState.WRITTEN

    @property
    def pipelinable(self) -> bool:
        """Whether a following narrow function may be fused into this node's function:
        not when its partitions are stored (persisted, checkpointed or about to be)."""
        return self.storage_level is None and self.checkpoint is CheckpointState.NONE

    def parents(self) -> list[Node]:
        return [d.rdd for d in self.dependencies if d.rdd is not None]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if self.checkpoint is CheckpointState.WRITTEN:
            state = {k: v for k, v in state.items() if k in _CHECKPOINTED_STATE}
        return state

    def __repr__(self) -> str:
        return f"{self.rdd_class}[{self.id}] at {self.name or 'RDD'}"
