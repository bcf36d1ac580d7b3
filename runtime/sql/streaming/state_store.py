"""A versioned key-value state store per partition, kept in memory and under the checkpoint.

One :class:`StateStore` serves one stateful operator (``state/<op>/``). Its state is split
into ``num_partitions`` partitions by a hash of the key columns (the shuffle's row hash, so
a key's partition never changes while the number of partitions stays the same, which the
checkpoint's offsets metadata records); each partition is an Arrow table of rows (keys then
values, the operator's schema).

Versions: the state after batch N is version N + 1. ``commit(version, tables)`` writes every
partition that changed in that batch as ``state/<op>/<p>/<version>.snapshot`` (Arrow IPC,
written to a temporary name and renamed), then drops snapshots more than ``retain`` versions
old. ``load(version)`` reads, per partition, the newest snapshot at or below that version: a
restarted query replaying batch N starts from version N exactly. (Spark writes a delta per
batch and a snapshot every few; a snapshot per changed partition is simpler and, for the
small per-key states of aggregations, as cheap.)
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from runtime.shuffle.partitioner import RowHashPartitioner

__all__ = ["StateStore"]


class StateStore:
    def __init__(self, directory: str | None, num_partitions: int, schema: Any,
                 key_count: int, retain: int = 10):
        self.dir = directory
        self.num_partitions = num_partitions
        self.schema = schema  # the Arrow schema of a state row
        self.key_count = key_count
        self.retain = retain
        self.tables: list[Any] = [schema.empty_table() for _ in range(num_partitions)]
        self.version = 0

    def _pdir(self, p: int) -> str:
        return os.path.join(str(self.dir), str(p))

    def load(self, version: int) -> None:
        """The state as of ``version`` (0: empty)."""
        import pyarrow as pa

        self.version = version
        self.tables = [self.schema.empty_table() for _ in range(self.num_partitions)]
        if self.dir is None or version <= 0:
            return
        for p in range(self.num_partitions):
            d = self._pdir(p)
            if not os.path.isdir(d):
                continue
            versions = [int(n.split(".")[0]) for n in os.listdir(d) if n.endswith(".snapshot")]
            usable = [v for v in versions if v <= version]
            if usable:
                with pa.memory_map(os.path.join(d, f"{max(usable)}.snapshot")) as src:
                    self.tables[p] = pa.ipc.open_file(src).read_all().cast(self.schema)

    def all(self) -> Any:
        import pyarrow as pa

        return pa.concat_tables(self.tables)

    def split(self, table: Any) -> list[Any]:
        """The rows of ``table`` per state partition (by the hash of the key columns)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.num_partitions == 1 or table.num_rows == 0 or self.key_count == 0:
            return [table] + [table.slice(0, 0)] * (self.num_partitions - 1)
        keys = []
        for i in range(self.key_count):  # struct keys (windows) hash by their fields
            col = table.column(i).combine_chunks()
            if pa.types.is_struct(col.type):
                keys.extend(pc.struct_field(col, [j]) for j in range(col.type.num_fields))
            else:
                keys.append(col)
        batch = pa.RecordBatch.from_arrays(keys, names=[f"k{i}" for i in range(len(keys))])
        ids = RowHashPartitioner(list(range(len(keys)))).partition_ids(batch,
                                                                       self.num_partitions)
        ids = np.asarray(ids)
        return [table.filter(ids == p) for p in range(self.num_partitions)]

    def commit(self, version: int, tables: list[Any], changed: list[bool]) -> None:
        import pyarrow as pa

        self.tables = tables
        self.version = version
        if self.dir is None:
            return
        for p, (table, dirty) in enumerate(zip(tables, changed)):
            if not dirty and version > 1:
                continue
            d = self._pdir(p)
            os.makedirs(d, exist_ok=True)
            tmp = os.path.join(d, f".{version}.{uuid.uuid4().hex}.tmp")
            with pa.OSFile(tmp, "wb") as sink:
                with pa.ipc.new_file(sink, self.schema) as w:
                    w.write_table(table.cast(self.schema))
            os.replace(tmp, os.path.join(d, f"{version}.snapshot"))
            for n in os.listdir(d):
                if n.endswith(".snapshot") and int(n.split(".")[0]) < version - self.retain:
                    os.remove(os.path.join(d, n))
