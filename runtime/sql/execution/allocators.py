"""Memory allocators of a process that runs SQL tasks: keep freed memory for the next batch.

A SQL task allocates and frees arrays of a few to a few hundred MB per batch (a decoded
row group, a ``take`` of it, numpy's hash and key arrays). With the defaults, nearly all
of that memory goes back to the kernel as soon as it is freed and is paged in again, zeroed,
by the next batch:

* glibc's ``malloc`` (numpy's arrays) serves blocks above ``M_MMAP_THRESHOLD`` (128 KiB,
  rising only as such blocks are freed) with a fresh ``mmap`` and unmaps them on ``free``,
  and trims the heap's free top above ``M_TRIM_THRESHOLD``;
* Arrow's default pool (mimalloc) purges freed pages 10 ms after they are freed.

On the 2-core VM this was measured on, page faults made 30-60% of a TPC-H query's CPU
time (its *system* time: 1-2 s for SF 1's Q3 of 1 s user time) and most of the
run-to-run spread, and a load on the machine made them slower still. :func:`tune` sets
``M_MMAP_THRESHOLD`` to its maximum (32 MiB: larger blocks are still mapped) and
``M_TRIM_THRESHOLD`` to ``TRIM_BYTES``, and makes Arrow allocate through the same malloc
(``pa.system_memory_pool()``), so freed memory is reused by the next batch instead of
being faulted in again: a process keeps up to ``TRIM_BYTES`` of free heap (its peak RSS
is unchanged: that is the peak of what it held). Measured with the in-process runner on
SF 1 (Q1, Q3, Q9, Q18; shared, loaded machine, guidance only): 7.9 s CPU before, 6.4 s
after, page faults a third.

Only on glibc (``mallopt`` through ctypes), once per process, and not when the
``SPARKCLI_ALLOCATOR_TUNING`` environment variable is ``0``. Executors call it before
their first SQL partition (lineage_runner.py); so does the driver when it runs SQL tasks
itself (the in-process runner).
"""

from __future__ import annotations

import os

__all__ = ["TRIM_BYTES", "tune"]

TRIM_BYTES = 256 << 20
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_MAX_THRESHOLD = 32 << 20  # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit

_done = False


def tune() -> bool:
    """Tune this process's allocators (see the module doc); True when they were, now or
    before."""
    global _done
    if _done:
        return True
    _done = True
    if os.environ.get("SPARKCLI_ALLOCATOR_TUNING", "1") == "0":
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        ok = libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_MAX_THRESHOLD) == 1 and \
            libc.mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES) == 1
    except (OSError, AttributeError):  # not glibc
        return False
    if ok:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
    return ok
