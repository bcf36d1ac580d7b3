"""Physical file scans: one partition per file split, read with Arrow's readers.

``FileScanExec`` reads the files of a ``FileRelation``: each partition is a list of
(path, partition values) it reads in order, yielding record batches of the relation's
schema (only the required columns, when the optimizer pruned them), with Hive-style
partition columns appended as constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.operators import PhysicalPlan
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan.logical import FileRelation
from runtime.sql.io.readers import read_file

__all__ = ["FileScanExec", "plan_scan"]


@dataclass(eq=False)
class FileScanExec(PhysicalPlan):
    relation: FileRelation
    splits: list  # one list of files per partition
    kind = "source"
    children = ()

    @property
    def output(self) -> list:
        return self.relation.output

    @property
    def num_partitions(self) -> int:
        return len(self.splits)

    def read(self, index: int, ectx: EvalContext) -> Iterator[Any]:
        for path, size, part_values in self.splits[index]:
            yield from read_file(self.relation, path, part_values, ectx)

    def node_name(self) -> str:
        return f"FileScan {self.relation.fmt}"

    def arg_string(self) -> str:
        paths = ", ".join(f"file:{p}" for p in self.relation.paths)
        attrs = "[" + ",".join(a.debug() for a in self.output) + "]"
        return f"{attrs} Batched: true, DataFilters: [], Format: " \
            f"{self.relation.fmt.upper() if self.relation.fmt != 'parquet' else 'Parquet'}, " \
            f"Location: InMemoryFileIndex({len(self.relation.paths)} paths)[{paths}], " \
            "PartitionFilters: [], " \
            "PushedFilters: [], ReadSchema: struct<" + ",".join(
                f"{a.name}:{a.dtype.simpleString()}" for a in self.output) + ">"


def plan_scan(rel: FileRelation) -> FileScanExec:
    max_bytes = 128 << 20
    splits: list[list] = []
    current: list = []
    size = 0
    for f in rel.files:
        if current and size + f[1] > max_bytes:
            splits.append(current)
            current, size = [], 0
        current.append(f)
        size += f[1]
    if current:
        splits.append(current)
    return FileScanExec(rel, splits or [[]])
