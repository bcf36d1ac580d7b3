"""The RDD graph, owned by the engine: nodes, dependencies, partitioners, checkpoints.

    node.py         the node protocol (id, partitions, dependencies, compute, preferred
                    locations, partitioner, storage level, checkpoint state, name)
    dependency.py   narrow (one-to-one, range, list) and shuffle dependencies
    partitioner.py  Partitioner (PySpark's), the keys' layout of a node
    sources.py      parallel collections, lists of blocks
    files.py        text files, whole text files, pickle files (Hadoop-style splits)
    narrow.py       map-partitions (fused pipelines), union, coalesce, cartesian, zip
    shuffled.py     the reduce side of a shuffle
    precombine.py   the counting map side of a shuffle (word count without tuples)
    checkpoint.py   reliable checkpoints: writing, truncating, reading back

Nodes take functions and parameters, never a context; their ids come from whoever builds
them (runtime.app.AppRuntime). The PySpark-shaped RDD class of the API wraps a
node; a SQL physical plan builds nodes directly.
"""

from __future__ import annotations

from runtime.lineage.checkpoint import CheckpointFiles
from runtime.lineage.dependency import (
    ListDependency,
    NarrowDependency,
    OneToOneDependency,
    RangeDependency,
    ShuffleDependency,
)
from runtime.lineage.files import PickleFile, TextFile, WholeTextFiles
from runtime.lineage.narrow import Cartesian, Coalesced, MapPartitions, Union, Zipped
from runtime.lineage.node import CheckpointState, Node
from runtime.lineage.partitioner import Partitioner
from runtime.lineage.precombine import PreCombined, counting_map_side
from runtime.lineage.shuffled import Shuffled
from runtime.lineage.sources import BlockList, ParallelCollection

__all__ = [
    "BlockList", "Cartesian", "CheckpointFiles", "CheckpointState", "Coalesced",
    "ListDependency", "MapPartitions", "NarrowDependency", "Node", "OneToOneDependency",
    "ParallelCollection", "Partitioner", "PickleFile", "PreCombined", "RangeDependency",
    "ShuffleDependency", "Shuffled", "TextFile", "Union", "WholeTextFiles", "Zipped",
    "counting_map_side",
]
