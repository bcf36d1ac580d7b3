"""A node reading files through a Hadoop InputFormat (``sc.sequenceFile``, ``hadoopFile``...).

One partition per input file (path rules as :mod:`runtime.lineage.files`: directories,
globs, comma lists; ``_SUCCESS`` and hidden files skipped). Records come from
:func:`runtime.hadoop.formats.read_file`. Unlike Hadoop, a big SequenceFile is not cut at
its sync markers into several splits: it is read by one task.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from runtime.hadoop.formats import check_input_format, read_file
from runtime.lineage.files import list_input_files
from runtime.lineage.node import Node
from runtime.task_env import io_metrics


class HadoopFiles(Node):
    rdd_class = "HadoopRDD"

    def __init__(self, id: int, path: str, input_format: str, conf: dict | None = None):
        check_input_format(input_format)
        self.files = [fp for fp, _ in list_input_files(path)]
        self.input_format = input_format
        self.conf = dict(conf or {})
        super().__init__(id, [], len(self.files))
        if ".mapreduce." in input_format:
            self.rdd_class = "NewHadoopRDD"
        self.name = path

    def compute(self, split: int, tc: Any) -> Iterator:
        io = io_metrics(tc)
        path = self.files[split]
        for record in read_file(path, self.input_format, self.conf):
            io.records_read += 1
            yield record
        io.bytes_read += os.path.getsize(path)  # input metrics: the whole file was read
