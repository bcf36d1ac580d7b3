"""The hidden ``_metadata`` column of a file scan: its type and its values for one file.

Spark gives every file-based relation a struct column ``_metadata`` that is not part of
``*`` nor of ``df.columns`` but can be selected by name (analysis/metadata_columns.py
decides when a query names it). Its fields, all non-null, in Spark 4.3's order:

    file_path               string     file:/dir/k=1/a%20b.csv (a URI, %-encoded)
    file_name               string     a%20b.csv
    file_size               bigint     bytes of the whole file
    file_block_start        bigint     first byte of the piece being read (0 for a whole file)
    file_block_length       bigint     bytes of the piece
    file_modification_time  timestamp  the file's mtime, to the millisecond as Hadoop's
    row_index               bigint     Parquet only: the row's index in its file

A scan that outputs the column builds it per batch from the piece it is reading
(``metadata_array``): constants for the file, plus the row indices Parquet reports.
"""

from __future__ import annotations

import os
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.input_file import quote_path

__all__ = ["METADATA", "ROW_INDEX", "metadata_array", "metadata_type"]

METADATA = "_metadata"
ROW_INDEX = "_tmp_metadata_row_index"  # the Parquet reader's extra column (Spark's name)

_FIELDS = [("file_path", T.StringType()), ("file_name", T.StringType()),
           ("file_size", T.LongType()), ("file_block_start", T.LongType()),
           ("file_block_length", T.LongType()), ("file_modification_time", T.TimestampType())]


def metadata_type(fmt: str) -> T.StructType:
    fields = list(_FIELDS) + ([("row_index", T.LongType())] if fmt == "parquet" else [])
    return T.StructType([T.StructField(n, t, False) for n, t in fields])


def metadata_array(dtype: T.StructType, path: str, size: int, start: int, length: int,
                   n: int, row_index: Any = None) -> Any:
    """The ``_metadata`` values of ``n`` rows read from ``path`` (bytes ``start`` to
    ``start + length``); ``row_index``: the Parquet rows' indices in the file."""
    import pyarrow as pa

    mtime_us = os.stat(path).st_mtime_ns // 1_000_000 * 1000
    values = {"file_path": "file:" + quote_path(path),
              "file_name": quote_path(os.path.basename(path)), "file_size": size,
              "file_block_start": start, "file_block_length": length,
              "file_modification_time": mtime_us}
    at = to_arrow(dtype)
    arrays = []
    for f in dtype.fields:
        if f.name == "row_index":
            arrays.append(row_index if row_index is not None
                          else pa.array(range(n), pa.int64()))
            continue
        ftype = to_arrow(f.dataType)
        value = values[f.name]
        if f.name == "file_modification_time":
            arrays.append(pa.repeat(pa.scalar(value, pa.int64()), n).cast(ftype))
        else:
            arrays.append(pa.repeat(pa.scalar(value, ftype), n))
    return pa.StructArray.from_arrays(arrays, fields=[at.field(i) for i in range(at.num_fields)])
