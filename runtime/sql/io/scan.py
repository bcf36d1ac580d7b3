"""Physical file scans: partitions of file pieces (splits.py), read with Arrow's readers.

``FileScanExec`` reads the files of a ``FileRelation``: each partition is a list of pieces
``(path, length, partition values, start)`` it reads in order, yielding record batches of
the relation's schema (only the required columns, when the optimizer pruned them), with
Hive-style partition columns appended as constants (and the hidden ``_metadata`` struct
when the query reads it, file_metadata.py). Each file is announced (input_file.py) while its
batches flow up the task's operators, for ``input_file_name()``. ``filters`` are the conjuncts of the
Filter right above the scan: the Parquet reader pushes those it can into Arrow's scanner
(row-group statistics and row filtering, parquet_scan.py); the Filter still runs above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from runtime.sql.execution.operators import PhysicalPlan
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.formatting.scan_filters import scan_filters
from runtime.sql.plan.logical import FileRelation
from runtime.sql.input_file import reading
from runtime.sql.io.readers import read_file
from runtime.sql.io.splits import FileSplitConf, plan_splits

__all__ = ["FileScanExec", "plan_scan"]


@dataclass(eq=False)
class FileScanExec(PhysicalPlan):
    relation: FileRelation
    splits: list  # one list of pieces per partition
    filters: tuple = ()  # conjuncts of the Filter above (pushed where the format can)
    kind = "source"
    children = ()

    @property
    def output(self) -> list:
        return self.relation.output

    @property
    def num_partitions(self) -> int:
        return len(self.splits)

    def read(self, index: int, ectx: EvalContext, io: Any = None) -> Iterator[Any]:
        """The batches of partition ``index``; ``io`` (the task's InputOutputMetrics, when
        it runs in a task) counts the bytes of each file piece as it is opened and the rows
        as they are yielded (Spark's input metrics of a file scan)."""
        sizes = {f[0]: f[1] for f in self.relation.files}
        for path, length, part_values, start in self.splits[index]:
            size = sizes.get(path, 0)
            whole = start == 0 and length >= size
            # announced while its batches are processed: input_file_name() (input_file.py)
            with reading(path, start, length):
                batches = read_file(self.relation, path, part_values, ectx,
                                    (start, length, whole), self.filters, size)
                if io is None:
                    yield from batches
                    continue
                io.bytes_read += size if whole else min(length, size - start)
                for b in batches:
                    io.records_read += b.num_rows
                    yield b

    def node_name(self) -> str:
        return f"FileScan {self.relation.fmt}"

    def arg_string(self) -> str:
        paths = ", ".join(f"file:{p}" for p in self.relation.paths)
        attrs = "[" + ",".join(a.debug() for a in self.output) + "]"
        f = scan_filters(self.relation, self.filters)
        parts = {k for _, _, ps in self.relation.files for k, _ in ps}
        return f"{attrs} Batched: true, DataFilters: {f.shown(f.data)}, Format: " \
            f"{self.relation.fmt.upper() if self.relation.fmt != 'parquet' else 'Parquet'}, " \
            f"Location: InMemoryFileIndex({len(self.relation.paths)} paths)[{paths}], " \
            f"PartitionFilters: {f.shown(f.partition)}, " \
            f"PushedFilters: [{', '.join(f.pushed)}], ReadSchema: struct<" + ",".join(
                f"{a.name}:{a.dtype.simpleString()}" for a in self.output
                if a.name not in parts) + ">"


def plan_scan(rel: FileRelation, conf: FileSplitConf | None = None,
              filters: tuple = ()) -> FileScanExec:
    splits = plan_splits(rel.fmt, list(rel.files), dict(rel.options), conf or FileSplitConf())
    return FileScanExec(rel, splits, tuple(filters))
