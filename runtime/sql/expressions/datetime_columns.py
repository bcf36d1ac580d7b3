"""Column helpers shared by the date/time kernels: Arrow <-> numpy with validity masks.

A date/time kernel receives Arrow arrays or scalars (literal arguments). ``width(args)`` is
the batch length (1 when every argument is a literal: constant folding evaluates on one
row); ``ints`` turns an argument into a numpy int64 array with NULLs as 0 and ``valid`` gives
the mask of rows where every argument is non-NULL. ``wall_micros`` is a date, timestamp or
timestamp_ntz column as wall-clock microseconds in the session time zone; ``out`` builds the
Arrow result from numpy values and a mask. Everything is whole-column numpy/Arrow work.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.expressions.datetime_patterns import DAY_US, from_local, to_local
from runtime.sql.expressions.evaluate import materialize

__all__ = ["column", "ints", "out", "valid", "wall_micros", "width"]


def width(args: list) -> int:
    import pyarrow as pa

    return max((len(a) for a in args if not isinstance(a, pa.Scalar)), default=1)


def column(a: Any, n: int) -> Any:
    return materialize(a, n)


def ints(a: Any, n: int) -> Any:
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column(a, n)
    if pa.types.is_date32(arr.type):
        arr = arr.cast(pa.int32())
    elif pa.types.is_timestamp(arr.type) or pa.types.is_duration(arr.type):
        arr = arr.cast(pa.int64())
    return pc.fill_null(arr.cast(pa.int64(), safe=False), 0).to_numpy(zero_copy_only=False)


def valid(n: int, *args: Any) -> Any:
    import numpy as np

    mask = np.ones(n, bool)
    for a in args:
        mask &= column(a, n).is_valid().to_numpy(zero_copy_only=False)
    return mask


def wall_micros(a: Any, dtype: T.DataType, n: int, tz: str) -> Any:
    """Date/timestamp/timestamp_ntz as numpy int64 wall-clock microseconds in ``tz``."""
    import numpy  # noqa: F401 - to_numpy() needs it loaded (runtime/arrow_numpy.py)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = column(a, n)
    if isinstance(dtype, T.DateType):
        return ints(arr, n) * DAY_US
    if isinstance(dtype, T.TimestampType):
        arr = to_local(arr, tz)
    return pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)


def out(values: Any, mask: Any, dtype: T.DataType, tz: str | None = None) -> Any:
    """An Arrow array of Spark type ``dtype`` from numpy ``values`` (wall-clock micros for a
    timestamp when ``tz`` is given, else UTC micros; days for a date)."""
    import numpy as np
    import pyarrow as pa

    target = to_arrow(dtype)
    if isinstance(dtype, T.DateType):
        return pa.array(np.asarray(values, np.int64).astype(np.int32), pa.int32(),
                        mask=~mask).cast(pa.date32())
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)):
        raw = pa.array(np.asarray(values, np.int64), pa.int64(), mask=~mask)
        naive = raw.cast(pa.timestamp("us"))
        if isinstance(dtype, T.TimestampType):
            return from_local(naive, tz) if tz else naive.cast(target)
        return naive
    if isinstance(dtype, T.StringType):
        return pa.array(values, pa.string(), mask=~mask)
    return pa.array(values, mask=~mask).cast(target)
