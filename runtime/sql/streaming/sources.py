"""Streaming sources: what is new since the last batch, as offsets, and the rows in between.

A source has a fixed ``schema`` and answers three questions for the micro-batch loop:

* ``latest_offset()``: the offset of everything available now (JSON-able; None: nothing
  yet). The loop records it in ``offsets/N`` before the batch runs;
* ``batch(start, end, attrs, parts)``: the logical leaf with the rows in ``(start, end]``,
  producing ``attrs`` (the StreamingRelation's attributes, so the analyzed query plan stays
  valid); the same offsets give the same rows again after a restart (replay);
* ``commit(end)``: everything up to ``end`` is in the sink; buffered rows can go.

Here: :class:`MemoryStream` (rows added by the program or a test; internal, as Spark's), the
``rate`` and ``rate-micro-batch`` generators, the ``socket`` text reader. The file source is
in file_source.py. Offsets of rate and rate-micro-batch are computed from the clock and the
options alone, so they replay exactly; socket and memory rows live in the driver (a socket
source is not replayable across a driver restart, as in Spark).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import rows_to_batch, to_arrow_schema
from runtime.sql.errors import AnalysisException
from runtime.sql.local_data import _slices
from runtime.sql.plan.logical import LocalRelation

__all__ = ["MemoryStream", "RateMicroBatchSource", "RateSource", "SocketSource", "Source",
           "int_option"]


def int_option(options: dict, key: str, default: int, minimum: int | None = None) -> int:
    raw = options.get(key.lower(), options.get(key))
    if raw is None:
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"Invalid value '{raw}' for option '{key}', must be an integer") \
            from None
    if minimum is not None and value < minimum:
        raise ValueError(f"Invalid value '{raw}'. The option '{key}' must be "
                         f"{'positive' if minimum == 1 else f'>= {minimum}'}")
    return value


class Source:
    schema: T.StructType

    def latest_offset(self) -> Any:
        raise NotImplementedError

    def batch(self, start: Any, end: Any, attrs: tuple, parts: int) -> Any:
        raise NotImplementedError

    def commit(self, end: Any) -> None:
        pass

    def stop(self) -> None:
        pass

    def fresh(self) -> Source:
        """The instance a new query reads (each start() of a DataFrame reads its source
        afresh, as Spark's: its own connection, clock or listing)."""
        return self

    def description(self) -> str:
        return type(self).__name__

    def num_rows(self, start: Any, end: Any) -> int | None:
        return None


def _relation(batch: Any, attrs: tuple, parts: int) -> LocalRelation:
    return LocalRelation(attrs, tuple(_slices(batch, parts)))


class _RowBuffer(Source):
    """Rows appended over time; offset = the index of the last row (a long, as Spark's)."""

    keep_committed = False  # True: rows stay for other queries reading the same stream

    def __init__(self, schema: T.StructType):
        self.schema = schema
        self._lock = threading.Lock()
        self._rows: list = []
        self._base = 0  # offset of self._rows[0] (committed rows are dropped)

    def _append(self, rows: list) -> None:
        with self._lock:
            self._rows.extend(rows)

    def latest_offset(self) -> Any:
        with self._lock:
            n = self._base + len(self._rows)
        return n - 1 if n else None

    def batch(self, start: Any, end: Any, attrs: tuple, parts: int) -> Any:
        lo = -1 if start is None else int(start)
        with self._lock:
            rows = self._rows[lo + 1 - self._base:int(end) + 1 - self._base]
        return _relation(rows_to_batch(rows, self.schema), attrs, parts)

    def num_rows(self, start: Any, end: Any) -> int:
        return int(end) - (-1 if start is None else int(start))

    def commit(self, end: Any) -> None:
        if not self.keep_committed:
            with self._lock:
                drop = int(end) + 1 - self._base
                if drop > 0:
                    del self._rows[:drop]
                    self._base += drop


class MemoryStream(_RowBuffer):
    """Rows added with :meth:`add_data` (tests and examples; Spark's MemoryStream). Every
    query started on it reads the same rows from the beginning."""

    keep_committed = True

    _ids = iter(range(1 << 30))

    def __init__(self, schema: T.StructType):
        super().__init__(schema)
        self.id = next(self._ids)

    def add_data(self, rows: list) -> Any:
        self._append(list(rows))
        return self.latest_offset()

    def description(self) -> str:
        return f"MemoryStream[{','.join(self.schema.names)}]"


class SocketSource(_RowBuffer):
    """Lines of text from a TCP server (``nc -lk 9999``): ``value`` and, with
    includeTimestamp, the ``timestamp`` each line arrived. Connects at the first trigger."""

    def __init__(self, options: dict):
        self.options = dict(options)
        host = options.get("host")
        port = options.get("port")
        if host is None:
            raise AnalysisException('Set a host to read from with option("host", ...).')
        if port is None:
            raise AnalysisException('Set a port to read from with option("port", ...).')
        try:
            self.port = int(port)
        except ValueError:
            raise AnalysisException('Port should be an integer') from None
        self.host = host
        self.with_ts = str(options.get("includetimestamp", options.get(
            "includeTimestamp", "false"))).lower() == "true"
        fields = [T.StructField("value", T.StringType(), True)]
        if self.with_ts:
            fields.append(T.StructField("timestamp", T.TimestampType(), True))
        super().__init__(T.StructType(fields))
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    def _connect(self) -> None:
        if self._sock is None:
            self._sock = socket.create_connection((self.host, self.port), timeout=10)
            self._sock.settimeout(None)
            self._thread = threading.Thread(target=self._read, name="socket-source",
                                            daemon=True)
            self._thread.start()

    def _read(self) -> None:
        import datetime as dt

        buf = b""
        sock = self._sock
        assert sock is not None
        while not self._stopped.is_set():
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            *lines, buf = buf.split(b"\n")
            if lines:
                now = dt.datetime.now(dt.timezone.utc)
                rows = [(ln.decode("utf-8", "replace").rstrip("\r"), now) if self.with_ts
                        else (ln.decode("utf-8", "replace").rstrip("\r"),) for ln in lines]
                self._append(rows)

    def latest_offset(self) -> Any:
        self._connect()
        return super().latest_offset()

    def fresh(self) -> SocketSource:
        return SocketSource(self.options)

    def stop(self) -> None:
        self._stopped.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._sock.close()

    def description(self) -> str:
        return f"TextSocketV2[host: {self.host}, port: {self.port}]"


def _value_at_second(seconds: int, rows_per_second: int, ramp_up: int) -> int:
    """Spark's RateStreamProvider.valueAtSecond: rows generated in the first ``seconds``."""
    delta = rows_per_second // (ramp_up + 1)
    if seconds <= ramp_up:
        if seconds % 2 == 1:
            return (seconds + 1) // 2 * delta * seconds
        return seconds // 2 * delta * (seconds + 1)
    return _value_at_second(ramp_up, rows_per_second, ramp_up) + \
        (seconds - ramp_up) * rows_per_second


_RATE_SCHEMA = T.StructType([T.StructField("timestamp", T.TimestampType(), True),
                             T.StructField("value", T.LongType(), True)])


def _rate_batch(values_lo: int, values_hi: int, ts_of: Any, parts: int, attrs: tuple) -> Any:
    """Values [lo, hi) spread round robin over ``parts`` slices, as Spark's rate source."""
    import numpy as np
    import pyarrow as pa

    schema = to_arrow_schema(_RATE_SCHEMA)
    slices = []
    for p in range(parts):
        v = np.arange(values_lo + ((p - values_lo) % parts), values_hi, parts, dtype=np.int64)
        ts = pa.array(ts_of(v), pa.timestamp("us", tz="UTC"))
        slices.append(pa.RecordBatch.from_arrays([ts, pa.array(v)], schema=schema))
    return LocalRelation(attrs, tuple(slices))


class RateSource(Source):
    """``rowsPerSecond`` rows per second (after ``rampUpTime``) with ``timestamp`` and a
    ``value`` counting from 0. Offset: whole seconds since the query started."""

    schema = _RATE_SCHEMA

    def __init__(self, options: dict, clock: Any = None):
        self.options = dict(options)
        self.rows_per_second = int_option(options, "rowsPerSecond", 1, 1)
        ramp = str(options.get("rampuptime", options.get("rampUpTime", "0"))).strip()
        self.ramp_up = int(ramp[:-1]) if ramp.endswith("s") else int(ramp)
        self.num_partitions = int_option(options, "numPartitions", 0, 1) or None
        if self.ramp_up < 0:
            raise ValueError(f"Invalid value '{ramp}'. The option 'rampUpTime' must not be "
                             "negative")
        self.clock = clock or time.time
        self.start_ms: int | None = None

    def fresh(self) -> RateSource:
        return RateSource(self.options, self.clock)

    def latest_offset(self) -> Any:
        now = int(self.clock() * 1000)
        if self.start_ms is None:
            self.start_ms = now
        return (now - self.start_ms) // 1000

    def batch(self, start: Any, end: Any, attrs: tuple, parts: int) -> Any:
        import numpy as np

        s, e = (0 if start is None else int(start)), int(end)
        lo = _value_at_second(s, self.rows_per_second, self.ramp_up)
        hi = _value_at_second(e, self.rows_per_second, self.ramp_up)
        base = (self.start_ms or 0) + s * 1000
        per = (e - s) * 1000 / (hi - lo) if hi > lo else 0

        def ts_of(v: Any) -> Any:
            return ((base + np.floor((v - lo) * per)).astype(np.int64) * 1000)
        return _rate_batch(lo, hi, ts_of, self.num_partitions or parts, attrs)

    def num_rows(self, start: Any, end: Any) -> int:
        s = 0 if start is None else int(start)
        return _value_at_second(int(end), self.rows_per_second, self.ramp_up) - \
            _value_at_second(s, self.rows_per_second, self.ramp_up)

    def restore(self, meta: dict) -> None:
        self.start_ms = meta.get("startTimeMs", self.start_ms)

    def description(self) -> str:
        return (f"RateStreamV2[rowsPerSecond={self.rows_per_second}, rampUpTimeSeconds="
                f"{self.ramp_up}, numPartitions={self.num_partitions or 'default'}")


class RateMicroBatchSource(Source):
    """``rowsPerBatch`` rows every batch; timestamps start at ``startTimestamp`` and advance
    ``advanceMillisPerBatch`` per batch. Offset: the number of batches generated."""

    schema = _RATE_SCHEMA

    def __init__(self, options: dict):
        self.options = dict(options)
        self.rows_per_batch = int_option(options, "rowsPerBatch", 0, 1)
        if not self.rows_per_batch:
            raise ValueError("Invalid value '0'. The option 'rowsPerBatch' must be positive")
        self.num_partitions = int_option(options, "numPartitions", 0, 1) or None
        self.start_ts = int_option(options, "startTimestamp", 0, 0)
        self.advance = int_option(options, "advanceMillisPerBatch", 1000, 0)
        self._next = 0

    def fresh(self) -> RateMicroBatchSource:
        return RateMicroBatchSource(self.options)

    def latest_offset(self) -> Any:
        self._next += 1
        return self._next

    def batch(self, start: Any, end: Any, attrs: tuple, parts: int) -> Any:
        import numpy as np

        s, e = (0 if start is None else int(start)), int(end)
        self._next = max(self._next, e)
        lo, hi = s * self.rows_per_batch, e * self.rows_per_batch

        def ts_of(v: Any) -> Any:
            return (self.start_ts + (v // self.rows_per_batch) * self.advance) * 1000
        return _rate_batch(lo, hi, ts_of, self.num_partitions or parts, attrs)

    def num_rows(self, start: Any, end: Any) -> int:
        return (int(end) - (0 if start is None else int(start))) * self.rows_per_batch

    def description(self) -> str:
        return (f"RatePerMicroBatchStream[rowsPerBatch={self.rows_per_batch}, numPartitions="
                f"{self.num_partitions or 'default'}, startTimestamp={self.start_ts}, "
                f"advanceMillisPerBatch={self.advance}]")
