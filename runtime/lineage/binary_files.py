"""Nodes reading files as bytes: ``sc.binaryFiles`` and ``sc.binaryRecords``.

* :class:`BinaryFiles` -- (``file:/abs/path``, raw bytes) per file, files packed into
  partitions as :class:`runtime.lineage.files.WholeTextFiles` packs them; nothing is
  decompressed (Spark's PortableDataStream gives the bytes on disk).
* :class:`BinaryRecords` -- the files cut into fixed-length records (Spark's
  FixedLengthBinaryInputFormat), one partition per file. A file whose size is not a multiple
  of the record length is an error naming the file, as Spark's reader fails on it, rather
  than a silently short last record.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from runtime.lineage.files import WholeTextFiles, list_input_files
from runtime.lineage.node import Node
from runtime.task_env import io_metrics

CHUNK_RECORDS = 1 << 16


class BinaryFiles(WholeTextFiles):
    rdd_class = "BinaryFileRDD"

    def __init__(self, id: int, path: str, min_partitions: int):
        super().__init__(id, path, min_partitions, use_unicode=False)

    def compute(self, split: int, tc: Any) -> Iterator:
        io = io_metrics(tc)
        for fp in self.groups[split]:
            with open(fp, "rb") as f:
                data = f.read()
            io.bytes_read += len(data)
            io.records_read += 1
            yield "file:" + fp, data


class BinaryRecords(Node):
    rdd_class = "BinaryRecordsRDD"

    def __init__(self, id: int, path: str, record_length: int):
        if record_length <= 0:
            raise ValueError(f"recordLength must be positive, got {record_length}")
        self.record_length = record_length
        self.files = [fp for fp, _ in list_input_files(path)]
        super().__init__(id, [], len(self.files))
        self.name = path

    def compute(self, split: int, tc: Any) -> Iterator:
        path, n = self.files[split], self.record_length
        size = os.path.getsize(path)
        if size % n:
            raise ValueError(f"file:{path} is {size} bytes, not a multiple of the record "
                             f"length {n}: its last record would be incomplete")
        io = io_metrics(tc)
        with open(path, "rb") as f:
            while True:
                chunk = f.read(n * CHUNK_RECORDS)
                if not chunk:
                    return
                io.bytes_read += len(chunk)
                io.records_read += len(chunk) // n
                for i in range(0, len(chunk), n):
                    yield chunk[i:i + n]
