"""The two data formats of the engine, and the tag that travels with data.

Data crosses a process boundary (task result -> driver, cached block -> memory or disk,
shuffle segment -> reducer) in one of two formats, named by a short tag:

``PICKLE`` ("pickle")
    Python objects, pickled (cloudpickle for what plain pickle refuses). RDD records.
``ARROW`` ("arrow")
    An Arrow IPC *stream* (schema, record batches, end-of-stream marker): what DataFrame
    partitions are. A result or block in this format is never turned into Python rows.

A task result is Arrow when the result function returns a ``pyarrow.Table`` or
``pyarrow.RecordBatch``; the driver decodes it as a ``pyarrow.Table``. A cached partition is
Arrow when it is a non-empty list of record batches (tables are split into their batches);
it reads back as that list. Everything else is PICKLE, exactly as before.

pyarrow is imported lazily, and never on the PICKLE path: whether a value is Arrow is asked
only when pyarrow is already imported (``sys.modules``), since a value cannot be an Arrow
object otherwise. An RDD-only application therefore never loads it.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from runtime import serde

PICKLE = "pickle"
ARROW = "arrow"
FORMATS = (PICKLE, ARROW)


def _loaded_pyarrow():
    """The pyarrow module if something in this process imported it, else None."""
    return sys.modules.get("pyarrow")


def is_arrow_result(value: Any) -> bool:
    pa = _loaded_pyarrow()
    return pa is not None and isinstance(value, (pa.Table, pa.RecordBatch))


def is_arrow_partition(data: list) -> bool:
    """True for a non-empty list of record batches (a DataFrame partition)."""
    pa = _loaded_pyarrow()
    if pa is None or not data:
        return False
    return all(isinstance(x, pa.RecordBatch) for x in data)


def ipc_bytes(batches: list, schema=None) -> bytes:
    """Record batches (or one table) as the bytes of one Arrow IPC stream."""
    import pyarrow as pa

    if isinstance(batches, pa.Table):
        schema = batches.schema
        batches = batches.to_batches()
    elif isinstance(batches, pa.RecordBatch):
        schema = batches.schema
        batches = [batches]
    if schema is None:
        schema = batches[0].schema
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as w:
        for b in batches:
            w.write_batch(b)
    return sink.getvalue().to_pybytes()


def read_ipc(data) -> list:
    """The record batches of one IPC stream (bytes, a pyarrow Buffer, or a file path)."""
    import pyarrow as pa

    if isinstance(data, str):
        source = pa.memory_map(data, "r")
    else:
        source = pa.py_buffer(data) if not isinstance(data, pa.Buffer) else data
    return list(pa.ipc.open_stream(source))


def read_ipc_table(data):
    """One IPC stream as a ``pyarrow.Table``."""
    import pyarrow as pa

    source = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
    return pa.ipc.open_stream(source).read_all()


def encode_result(value: Any) -> tuple[bytes, str]:
    """A task's return value as ``(bytes, format tag)``."""
    if is_arrow_result(value):
        return ipc_bytes(value), ARROW
    try:
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL), PICKLE
    except Exception:  # noqa: BLE001 -- what pickle refuses, cloudpickle may take
        return serde.dumps_closure(value), PICKLE


def decode_result(data: bytes, fmt: str | None = PICKLE) -> Any:
    """The driver's side of :func:`encode_result` (a missing tag means PICKLE)."""
    if fmt == ARROW:
        return read_ipc_table(data)
    if fmt not in (None, PICKLE):
        raise ValueError(f"unknown result format {fmt!r} (expected one of {FORMATS})")
    return pickle.loads(data)
