"""Cutting the files of a scan into partitions, as Spark's FilePartition does.

Spark sizes a scan's partitions from the bytes to read, not from the number of files:

    bytesPerCore  = sum(file size + openCostInBytes) / minPartitionNum (default parallelism)
    maxSplitBytes = min(maxPartitionBytes, max(openCostInBytes, bytesPerCore))

A splittable file (Parquet, uncompressed text) is cut into pieces of at most
``maxSplitBytes``; then the pieces, largest first, are packed next-fit into partitions: a
partition is closed when the next piece would take it past ``maxSplitBytes``, and every
piece counts its size plus ``openCostInBytes``. So many small files share a partition, one
big file is read by several tasks, and a 200 MB Parquet file on local[2] is two partitions.

A piece is ``(path, length, partition values, start)``: bytes ``[start, start + length)``
of the file. Who owns which records of a piece is the reader's business: a Parquet reader
takes the row groups whose midpoint lies in the range (parquet-mr's rule), a text reader the
lines that start in it (Hadoop's LineRecordReader rule), so every record is read exactly
once. Formats this module does not split (csv, json, orc, compressed or ``wholetext`` text)
are one piece per file.

``FileSplitConf`` carries the three settings (``spark.sql.files.maxPartitionBytes`` 128 MB,
``spark.sql.files.openCostInBytes`` 4 MB, ``spark.sql.files.minPartitionNum``: the default
parallelism when unset).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FileSplitConf", "plan_splits", "splittable"]

_COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".snappy", ".deflate", ".zip")


@dataclass(frozen=True)
class FileSplitConf:
    max_partition_bytes: int = 128 << 20
    open_cost_bytes: int = 4 << 20
    min_partitions: int = 2


def splittable(fmt: str, path: str, options: dict[str, str]) -> bool:
    lower = {k.lower(): str(v).lower() for k, v in options.items()}
    if fmt == "parquet":
        return True
    if fmt == "text":
        return not path.lower().endswith(_COMPRESSED) and \
            lower.get("wholetext", "false") != "true" and "linesep" not in lower
    return False


def plan_splits(fmt: str, files: list, options: dict[str, str], conf: FileSplitConf
                ) -> list[list[tuple]]:
    """``files``: (path, size, partition values); returns the partitions' pieces."""
    if not files:
        return [[]]
    open_cost = conf.open_cost_bytes
    total = sum(f[1] + open_cost for f in files)
    per_core = total // max(1, conf.min_partitions)
    max_split = min(conf.max_partition_bytes, max(open_cost, per_core))
    pieces: list[tuple] = []
    for path, size, parts in files:
        if size > 0 and splittable(fmt, path, options):
            for start in range(0, size, max_split):
                pieces.append((path, min(max_split, size - start), parts, start))
        else:
            pieces.append((path, size, parts, 0))
    pieces.sort(key=lambda p: -p[1])  # Spark: largest first (a stable sort)
    out: list[list[tuple]] = []
    current: list[tuple] = []
    size = 0
    for piece in pieces:
        if current and size + piece[1] > max_split:
            out.append(current)
            current, size = [], 0
        current.append(piece)
        size += piece[1] + open_cost
    if current:
        out.append(current)
    return out
