"""File relations: finding the files of a read and deciding their schema.

``file_relation(fmt, paths, options, schema)`` lists the files (a path may be a file, a
directory or a glob; names starting with ``_`` or ``.`` are skipped, as Spark's
``_SUCCESS``/``.crc``), discovers Hive-style partition directories (``year=2024/``, names %-unescaped) as
trailing columns (typed int, bigint, double, boolean, date, timestamp, else string), and takes the schema given by the user or infers it:
* text: one ``value: string`` column;
* csv: column names from the header (or ``_c0, _c1, ...``); all strings unless
  ``inferSchema``, which types each column as Spark does (int, bigint, double, boolean, date,
  timestamp, else string);
* json: JSON Lines (or ``multiLine``) with fields sorted by name, integers as bigint;
* parquet: the footer's schema.
A directory written by a streaming file sink (it holds ``_spark_metadata``) gives only the
files that sink's log committed (sink_log.py), as Spark. A missing path is
``[PATH_NOT_FOUND]``.
"""

from __future__ import annotations

import datetime as _dt
import glob as _glob
import os
from urllib.parse import unquote
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import from_arrow
from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import AttributeReference
from runtime.sql.io.file_metadata import METADATA, metadata_type
from runtime.sql.local_data import attributes_for
from runtime.sql.plan.logical import FileRelation
from runtime.sql.io.readers import infer_schema
from runtime.sql.io.sink_log import committed_files

__all__ = ["file_relation", "list_files"]


def _visible(name: str) -> bool:
    return not (name.startswith("_") or name.startswith("."))


def list_files(paths: list[str]) -> list[tuple[str, int, tuple]]:
    """(path, size, partition values) of every data file under ``paths``."""
    out: list[tuple[str, int, tuple]] = []
    for p in paths:
        p = p[len("file:"):] if p.startswith("file:") else p
        matches = sorted(_glob.glob(p)) if any(c in p for c in "*?[") else [p]
        if not matches or not all(os.path.exists(m) for m in matches):
            shown = os.path.abspath(p)
            raise AnalysisException(
                f"[PATH_NOT_FOUND] Path does not exist: file:{shown}. SQLSTATE: 42K03",
                errorClass="PATH_NOT_FOUND", messageParameters={"path": f"file:{shown}"})
        for m in matches:
            logged = committed_files(m) if len(matches) == 1 and os.path.isdir(m) else None
            if logged is not None:  # a streaming file sink's output: what its log lists
                out.extend(_logged(m, logged))
            elif os.path.isdir(m):
                out.extend(_walk(m, ()))
            else:
                out.append((os.path.abspath(m), os.path.getsize(m), ()))
    return out


def _walk(root: str, parts: tuple) -> list[tuple[str, int, tuple]]:
    out = []
    for name in sorted(os.listdir(root)):
        full = os.path.join(root, name)
        if not _visible(name):
            continue
        if os.path.isdir(full):
            if "=" in name:
                k, v = name.split("=", 1)
                out.extend(_walk(full, parts + ((unquote(k), unquote(v)),)))
        else:
            out.append((os.path.abspath(full), os.path.getsize(full), parts))
    return out


def _logged(root: str, files: list[str]) -> list[tuple[str, int, tuple]]:
    """The logged files under ``root`` with their partition values (``k=v`` directories
    between ``root`` and the file); a listed file that is gone is skipped."""
    out = []
    for f in files:
        full = os.path.abspath(f if os.path.isabs(f) else os.path.join(root, f))
        if not os.path.isfile(full):
            continue
        dirs = os.path.relpath(os.path.dirname(full), os.path.abspath(root)).split(os.sep)
        parts = tuple((unquote(k), unquote(v)) for k, _, v in
                      (d.partition("=") for d in dirs if "=" in d))
        out.append((full, os.path.getsize(full), parts))
    return out


def _partition_schema(files: list) -> T.StructType:
    names: list[str] = []
    values: dict[str, list[str]] = {}
    for _, _, parts in files:
        for k, v in parts:
            if k not in values:
                names.append(k)
                values[k] = []
            values[k].append(v)
    fields = []
    for n in names:
        vs = [v for v in values[n] if v != "__HIVE_DEFAULT_PARTITION__"]
        try:
            [int(v) for v in vs]
            dt: T.DataType = T.IntegerType() if all(-2**31 <= int(v) < 2**31 for v in vs) \
                else T.LongType()
        except ValueError:
            try:
                [float(v) for v in vs]
                dt = T.DoubleType()
            except ValueError:
                dt = _partition_type_of_text(vs)
        fields.append(T.StructField(n, dt, True))
    return T.StructType(fields)


def _partition_type_of_text(vs: list[str]) -> T.DataType:
    """Spark's inference for non-numeric partition values: boolean, date, timestamp, else
    string."""
    if vs and all(v in ("true", "false") for v in vs):
        return T.BooleanType()
    for dtype, parse in ((T.DateType(), _dt.date.fromisoformat),
                         (T.TimestampType(), _dt.datetime.fromisoformat)):
        try:
            if vs and all(parse(v) is not None and (dtype != T.DateType() or len(v) == 10)
                          for v in vs):
                return dtype
        except ValueError:
            pass
    return T.StringType()


def file_relation(fmt: str, paths: list[str], options: dict[str, str],
                  schema: T.StructType | None) -> FileRelation:
    files = list_files(paths)
    if fmt in ("csv", "json", "text"):  # an empty file holds no rows (a write's partition 0)
        files = [f for f in files if f[1] > 0]
    part_schema = _partition_schema(files)
    if schema is None:
        data_schema = infer_schema(fmt, [f[0] for f in files], options)
        schema = T.StructType(data_schema.fields + [f for f in part_schema.fields
                                                    if f.name not in data_schema.names])
    meta = AttributeReference(METADATA, metadata_type(fmt), False)
    return FileRelation(fmt, tuple(paths), attributes_for(schema),
                        tuple(sorted(options.items())), tuple(files), meta_attr=meta)


def arrow_to_spark(at: Any, json_ints_long: bool = False) -> T.DataType:
    return from_arrow(at)
