"""Writing a DataFrame's partitions as files, the way Spark lays them out.

A write is a job, as Spark's FileFormatWriter runs it: :func:`prepare_write` checks the save
mode on the driver and returns a :class:`FileWrite` (or None: ``ignore`` over an existing
path); each task calls ``FileWrite.write_partition(split, batches, io)`` on its partition
and writes its files under the job's staging directory, adding the bytes and rows it wrote
to the task's output metrics (``io``, runtime/task_env.py: they reach TaskEnd, the stage
page and /api/v1 as Spark's ``outputMetrics``); the driver then commits the files the tasks
returned (:func:`commit_write`) or, when the job failed, removes the staging directory
(:func:`abort_write`). :func:`write_query` is the whole sequence over a function that runs a
query's partitions; :func:`write_files` runs it over partitions already in memory.

* save modes: ``errorifexists``/``error`` (default: ``[PATH_ALREADY_EXISTS]`` if the path
  exists), ``overwrite`` (replace it), ``append`` (add files), ``ignore`` (do nothing if it
  exists);
* one file per non-empty partition (and per partition-directory value with ``partitionBy``),
  named as Spark names them after the task's partition id: ``part-00000-<uuid>-c000.snappy.
  parquet``, ``.csv``, ``.json``, ``.txt`` (``.gz`` etc. with a compression codec). As in
  Spark, partition 0 writes its file even when it is empty (without ``partitionBy``), so an
  empty result still leaves a file with its schema (a Parquet footer, a CSV header);
* nothing half-written: files go to ``<path>/_temporary/<uuid>/`` first and are moved into
  place only when every partition is written; ``_SUCCESS`` comes last; on a failure the
  temporary directory is removed and the destination is left as it was.
"""

from __future__ import annotations

import json as _json
import os
import shutil
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from runtime.sql import types as T
from runtime.sql.arrow_types import batch_to_rows, to_arrow_schema
from runtime.sql.errors import AnalysisException
from runtime.sql.io.csv_write import check_csv_schema, write_csv
from runtime.sql.formatting.jsonrows import row_to_json
from runtime.sql.formatting.values import format_value
from runtime.task_env import InputOutputMetrics

__all__ = ["FileWrite", "abort_write", "commit_write", "prepare_write", "write_files",
           "write_query"]

_EXT = {"parquet": "parquet", "csv": "csv", "json": "json", "text": "txt", "orc": "orc"}
_CODEC_EXT = {"gzip": ".gz", "bzip2": ".bz2", "snappy": ".snappy", "zstd": ".zstd",
              "lz4": ".lz4", "deflate": ".deflate"}

#: runs a query's partitions: ``run(func)`` calls ``func(split, batches, io)`` once per
#: partition (in its task) and returns the results in partition order
PartitionRunner = Callable[[Callable[[int, Iterator[Any], InputOutputMetrics], Any]], list]


def _file_name(index: int, job: str, fmt: str, codec: str | None) -> str:
    if fmt in ("parquet", "orc"):
        c = codec or "snappy"
        prefix = "" if c in ("none", "uncompressed") else _CODEC_EXT.get(c, "." + c)
        return f"part-{index:05d}-{job}-c000{prefix}.{fmt}"
    suffix = "" if not codec or codec in ("none", "uncompressed") else \
        _CODEC_EXT.get(codec, "." + codec)
    return f"part-{index:05d}-{job}-c000.{_EXT[fmt]}{suffix}"


@dataclass
class FileWrite:
    """One write job (shipped to its tasks): where, what and how to write."""

    path: str  # the destination directory
    existed: bool  # whether it existed before (an abort leaves it; else removes it)
    mode: str
    schema: T.StructType
    fmt: str
    options: dict  # lower-cased keys
    codec: str | None
    partition_by: list
    job: str  # the job's uuid (file names, staging directory)

    @property
    def staging(self) -> str:
        return os.path.join(self.path, "_temporary", self.job)

    def write_partition(self, split: int, batches: Iterator[Any],
                        io: InputOutputMetrics) -> list[str]:
        """Write partition ``split``'s batches under the staging directory; the files'
        paths relative to it. Adds their bytes and the rows to ``io``'s output metrics."""
        import pyarrow as pa

        arrow_schema = to_arrow_schema(self.schema)
        # the plan's names and nullability, not a batch's (a union's child, a non-null input)
        got = [b if b.schema.equals(arrow_schema) else
               pa.RecordBatch.from_arrays(b.columns, schema=arrow_schema)
               for b in batches if b.num_rows]
        if not got and (split != 0 or self.partition_by):
            return []
        table = pa.Table.from_batches(got, schema=arrow_schema) if got \
            else arrow_schema.empty_table()
        written = []
        sub_schema = T.StructType([f for f in self.schema.fields
                                   if f.name not in self.partition_by])
        for subdir, sub in _split_by(table, self.schema, self.partition_by):
            name = os.path.join(subdir, _file_name(split, self.job, self.fmt, self.codec))
            full = os.path.join(self.staging, name)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            _write_one(sub, sub_schema, self.fmt, full, self.options, self.codec)
            io.bytes_written += os.path.getsize(full)
            written.append(name)
        io.records_written += table.num_rows
        return written


def prepare_write(schema: T.StructType, fmt: str, path: str, mode: str,
                  options: dict[str, str], partition_by: list[str]) -> FileWrite | None:
    """Check the save mode against ``path``; the job to run, or None when there is nothing
    to write (``ignore`` over an existing path)."""
    mode = (mode or "errorifexists").lower()
    path = os.path.abspath(path[len("file:"):] if path.startswith("file:") else path)
    exists = os.path.exists(path)
    if exists and mode in ("error", "errorifexists", "default"):
        raise AnalysisException(
            f'[PATH_ALREADY_EXISTS] Path file:{path} already exists. Set mode as "overwrite" '
            "to overwrite the existing path. SQLSTATE: 42K04",
            errorClass="PATH_ALREADY_EXISTS", messageParameters={"outputPath": f"file:{path}"})
    if exists and mode == "ignore":
        return None
    if mode not in ("error", "errorifexists", "default", "ignore", "overwrite", "append"):
        raise AnalysisException(
            f"[INVALID_SAVE_MODE] The specified save mode \"{mode}\" is invalid. Valid save "
            'modes include "append", "overwrite", "ignore", "error", "errorifexists", and '
            '"default". SQLSTATE: 42000', errorClass="INVALID_SAVE_MODE")
    if fmt == "csv":
        check_csv_schema(T.StructType([f for f in schema.fields
                                       if f.name not in partition_by]))
    lower = {k.lower(): v for k, v in options.items()}
    codec = lower.get("compression") or lower.get("codec")
    job = FileWrite(path, exists, mode, schema, fmt, lower, codec.lower() if codec else None,
                    list(partition_by), str(uuid.uuid4()))
    os.makedirs(job.staging, exist_ok=True)
    return job


def commit_write(job: FileWrite, written: list[list[str]]) -> None:
    """Move the tasks' files into place (after removing the old ones for ``overwrite``),
    then ``_SUCCESS``."""
    try:
        if job.mode == "overwrite":
            for name in os.listdir(job.path):
                if name == "_temporary":
                    continue
                full = os.path.join(job.path, name)
                shutil.rmtree(full) if os.path.isdir(full) else os.remove(full)
        for rel in (r for files in written for r in files):
            dest = os.path.join(job.path, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(os.path.join(job.staging, rel), dest)
    except BaseException:
        abort_write(job)
        raise
    shutil.rmtree(os.path.join(job.path, "_temporary"), ignore_errors=True)
    open(os.path.join(job.path, "_SUCCESS"), "wb").close()


def abort_write(job: FileWrite) -> None:
    """Remove what the job wrote: its staging directory, and the path if it made it."""
    shutil.rmtree(os.path.join(job.path, "_temporary"), ignore_errors=True)
    if not job.existed:
        shutil.rmtree(job.path, ignore_errors=True)


def write_query(run: PartitionRunner, schema: T.StructType, fmt: str, path: str, mode: str,
                options: dict[str, str], partition_by: list[str]) -> None:
    """Write a query's result: ``run`` runs each partition's task (see PartitionRunner)."""
    job = prepare_write(schema, fmt, path, mode, options, partition_by)
    if job is None:
        return
    try:
        written = run(job.write_partition)
    except BaseException:
        abort_write(job)
        raise
    commit_write(job, written)


def write_files(partitions: list[list[Any]], schema: T.StructType, fmt: str, path: str,
                mode: str, options: dict[str, str], partition_by: list[str]) -> None:
    """:func:`write_query` over partitions already computed (lists of record batches)."""
    def run(func: Callable) -> list:
        return [func(i, iter(p), InputOutputMetrics()) for i, p in enumerate(partitions or [[]])]

    write_query(run, schema, fmt, path, mode, options, partition_by)


def _write_all(partitions: list[list[Any]], schema: T.StructType, fmt: str, staging: str,
               options: dict[str, str], partition_by: list[str], job: str) -> list[str]:
    """The files of ``partitions`` under ``staging`` (the streaming file sink's batches)."""
    import pyarrow as pa

    lower = {k.lower(): v for k, v in options.items()}
    codec = lower.get("compression") or lower.get("codec")
    codec = codec.lower() if codec else None
    written: list[str] = []
    index = 0
    arrow_schema = to_arrow_schema(schema)
    tables = []
    for part in partitions:
        batches = [b for b in part if b.num_rows]
        if batches:
            tables.append(pa.Table.from_batches(batches, schema=arrow_schema))
    if not tables and fmt == "parquet":
        tables = [arrow_schema.empty_table()]
    for table in tables:
        for subdir, sub in _split_by(table, schema, partition_by):
            sub_schema = T.StructType([f for f in schema.fields if f.name not in partition_by])
            name = os.path.join(subdir, _file_name(index, job, fmt, codec))
            full = os.path.join(staging, name)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            _write_one(sub, sub_schema, fmt, full, lower, codec)
            written.append(name)
        index += 1
    return written


def _split_by(table: Any, schema: T.StructType, cols: list[str]) -> list[tuple[str, Any]]:
    if not cols:
        return [("", table)]
    import pyarrow.compute as pc

    keys = table.select(cols).group_by(cols, use_threads=False).aggregate([])
    out = []
    for row in keys.to_pylist():
        mask = None
        parts = []
        for c in cols:
            v = row[c]
            m = pc.is_null(table.column(c)) if v is None else pc.equal(table.column(c), v)
            mask = m if mask is None else pc.and_(mask, m)
            text = "__HIVE_DEFAULT_PARTITION__" if v is None else \
                _escape_path_name(format_value(v, schema[c].dataType))
            parts.append(f"{_escape_path_name(c)}={text}")
        out.append((os.path.join(*parts), table.filter(mask).drop_columns(cols)))
    return out


_ESCAPED = set('"#%\'*/:=?\\\x7f{[]^')


def _escape_path_name(text: str) -> str:
    """Spark's ExternalCatalogUtils.escapePathName: characters unsafe in a directory name
    as %XX (``2024-01-02 03:04:05`` -> ``2024-01-02 03%3A04%3A05``)."""
    return "".join(f"%{ord(ch):02X}" if ch in _ESCAPED or ord(ch) < 0x20 else ch
                   for ch in text)


def _write_one(table: Any, schema: T.StructType, fmt: str, path: str, options: dict[str, str],
               codec: str | None) -> None:
    import pyarrow as pa

    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = {b"org.apache.spark.sql.parquet.row.metadata": schema.json().encode()}
        table = table.replace_schema_metadata(meta)
        pq.write_table(table, path, compression=(codec or "snappy")
                       if codec not in ("none", "uncompressed") else "none")
        return
    if fmt == "orc":
        import pyarrow.orc as po

        po.write_table(table, path, compression=(codec or "snappy")
                       if codec not in ("none", "uncompressed") else "uncompressed")
        return
    opener = _opener(path, codec)
    if fmt == "text":
        if len(schema.fields) != 1 or not isinstance(schema.fields[0].dataType, T.StringType):
            raise AnalysisException(
                "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource supports only a "
                "single column of string type.", errorClass="UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE")
        with opener as fh:
            for v in table.column(0).to_pylist():
                fh.write(("" if v is None else v).encode() + b"\n")
        return
    if fmt == "json":
        with opener as fh:
            for batch in table.to_batches():
                for row in batch_to_rows(batch, schema):
                    fh.write(_json.dumps(row_to_json(row, schema), separators=(",", ":"),
                                         ensure_ascii=False).encode() + b"\n")
        return
    if fmt == "csv":
        with opener as fh:
            write_csv(table, schema, fh, options)
        return
    raise AnalysisException(f"[DATA_SOURCE_NOT_FOUND] Failed to find the data source: {fmt}.",
                            errorClass="DATA_SOURCE_NOT_FOUND")
    del pa


def _opener(path: str, codec: str | None) -> Any:
    if codec == "gzip":
        import gzip

        return gzip.open(path, "wb")
    if codec == "bzip2":
        import bz2

        return bz2.open(path, "wb")
    return open(path, "wb")
