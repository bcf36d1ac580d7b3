"""The file a task is reading right now (Spark's InputFileBlockHolder).

A file scan announces each file while it yields that file's batches (:func:`reading`), and
``input_file_name()``, ``input_file_block_start()`` and ``input_file_block_length()`` read it
back (:func:`current`). Operators run as pipelined generators on the task's thread, so the
batch an expression sees was produced while its file was announced: the scan's generator is
suspended inside ``reading`` exactly while the operators above it process the batch it
yielded. State: one ``(uri, start, length)`` per thread (tasks of one process run on
separate threads in the in-process runner), ``("", -1, -1)`` outside a scan, as Spark
answers after a shuffle or for rows that come from no file. Leaving ``reading`` (the file's
last batch consumed, or the generator closed early by a ``limit``) restores the previous
value, so nested or consecutive scans are announced correctly.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator
from urllib.parse import quote

__all__ = ["NO_FILE", "current", "file_uri", "quote_path", "reading"]

# the characters java.net.URI leaves as they are in a path (Hadoop's Path.toUri)
_URI_SAFE = "/!$&'()*+,;=:@~"

NO_FILE = ("", -1, -1)
_state = threading.local()


def current() -> tuple[str, int, int]:
    """(``file://`` URI, block start, block length) of the file being read, or NO_FILE."""
    return getattr(_state, "block", NO_FILE)


def quote_path(path: str) -> str:
    """A path as java.net.URI prints it: ``/dir/k=1/a%20b.csv``."""
    return quote(path, safe=_URI_SAFE)


def file_uri(path: str) -> str:
    """Spark's ``input_file_name()`` form of a local path: ``file:///dir/a%20b.csv``."""
    return "file://" + quote_path(path)


@contextmanager
def reading(path: str, start: int, length: int) -> Iterator[None]:
    previous = current()
    _state.block = (file_uri(path), start, length)
    try:
        yield
    finally:
        _state.block = previous
