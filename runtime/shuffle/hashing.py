"""Key hashing for hash partitioning, bit-for-bit PySpark's.

:func:`portable_hash` is ``pyspark.rdd.portable_hash``: ``None`` hashes to 0, tuples are
combined with the CPython 2 tuple-hash recurrence (so a tuple's partition does not depend
on the interpreter's tuple hash), everything else is ``hash(x)``. ``hash(str)`` is salted
per process unless PYTHONHASHSEED is set, and map tasks in different executor processes
must agree on where a key goes, so -- like PySpark -- it refuses to run without it.

The check reads ``os.environ`` on every call, which costs more than the hash itself.
The shuffle writer therefore calls :func:`check_hash_seed` once per task and then hashes
through :func:`portable_hash_unchecked` (or inlines it) when the spec's partition function
*is* :func:`portable_hash`.
"""

from __future__ import annotations

import os
import sys

from runtime.errors import python_hash_seed_not_set

_MAXSIZE = sys.maxsize


def portable_hash(x) -> int:
    """PySpark's portable_hash.

    >>> portable_hash(None)
    0
    >>> portable_hash((None, None)) == portable_hash((None, None))
    True
    """
    check_hash_seed()
    return portable_hash_unchecked(x)


def portable_hash_unchecked(x) -> int:
    """:func:`portable_hash` without the environment check (call :func:`check_hash_seed`)."""
    if x is None:
        return 0
    if isinstance(x, tuple):
        h = 0x345678
        for i in x:
            h ^= portable_hash_unchecked(i)
            h *= 1000003
            h &= _MAXSIZE
        h ^= len(x)
        if h == -1:
            h = -2
        return int(h)
    return hash(x)


def check_hash_seed() -> None:
    """Raise PySpark's ``[PYTHON_HASH_SEED_NOT_SET]`` PySparkRuntimeError unless this process hashes strings unsalted: the variable
    must be set, and must have been set when the interpreter started (a driver whose own
    hashing is salted sets it for its executors only)."""
    if "PYTHONHASHSEED" not in os.environ or sys.flags.hash_randomization:
        raise python_hash_seed_not_set()  # PySpark's PySparkRuntimeError


def fast_partition_func(func):
    """The function the writer should call per key, and whether it is portable_hash.

    Returns ``(func, True)`` with the unchecked variant when ``func`` is :func:`portable_hash`
    (after checking the seed once), else ``(func, False)``.
    """
    if func is portable_hash:
        check_hash_seed()
        return portable_hash_unchecked, True
    return func, False
