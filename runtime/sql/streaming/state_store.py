"""Versioned per-partition state of stateful streaming operators, kept in the executors.

Every stateful operator (``<op>``, its index in the query) splits its state into partitions
by a hash of the key columns (:class:`StatePartitioner`; the number of partitions is
recorded in the checkpoint and never changes for a query). Partition ``p``'s state is an
Arrow table of rows, the key columns first (``key_count`` of them), then the values.

Files, under the query's checkpoint (Spark's HDFSBackedStateStoreProvider layout)::

    state/<op>/<p>/<v>.delta       the rows batch v - 1 put (whole rows) or removed (keys,
                                   ``__deleted`` true); Arrow IPC, one per version
    state/<op>/<p>/<v>.snapshot    the whole state at version v; written when at least
                                   ``min_deltas_for_snapshot`` deltas follow the last one

Versions: the state after batch N is version N + 1 (0 is the empty state). A task of batch N
gets its partition's :class:`StateStore` at version N from :meth:`StateStoreProvider.get_store`,
updates it (put/remove a row, or upsert/remove whole Arrow tables) and ``commit()``s version
N + 1: the delta is written to a temporary name and renamed, so a version exists entirely or
not at all. Loading version v reads the newest snapshot at or below v and applies the deltas
after it in order (the last write of a key wins). Maintenance after a snapshot removes the
files no version of the last ``min_batches_to_retain`` needs (Spark's cleanup: everything
older than the snapshot that the earliest retained version is loaded from). A version
that cannot be rebuilt (a delta missing) is Spark's ``CANNOT_LOAD_STATE_STORE`` error.

In memory: one :class:`StateStoreProvider` per (operator directory, partition) lives in the
process that ran the partition's last task (an executor; the driver for in-process runs),
in :data:`PROVIDERS`, the process's cache. It keeps the last two committed versions
(Spark's maxBatchesToRetainInMemory), so the next batch's task on the same executor starts
without reading a file; the driver sends that task there (the state RDD's preferred
executors). A provider belongs to one query run (``StateStoreId.run_id``): a restarted
query, or a task arriving on an executor that did not run the version before, loads from
the files, which is also how state survives the loss of an executor. This cache is the
one piece of process-global state of the streaming engine: it is what an executor is for.

Fields: StateStoreProvider ``id`` (StateStoreId), ``schema`` (the Arrow schema of a row),
``key_count``, ``conf`` (StateStoreConf), ``loaded`` (version -> table, at most two),
``_snapshot`` (the newest snapshot version on disk, known once files were listed).
StateStore: ``version`` (the version it was loaded at), ``_base`` (that version's table),
``_changes`` (delta-shaped tables, in order), ``_rows`` (row-wise puts/removes not yet
turned into a table), ``committed``.
"""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

from runtime.shuffle.partitioner import RowHashPartitioner
from runtime.sql.errors import SparkRuntimeException

__all__ = ["PROVIDERS", "ProviderCache", "StateStore", "StateStoreConf", "StateStoreId",
           "StatePartitioner", "StateStoreProvider", "last_rows"]

DELETED = "__deleted"


@dataclass(frozen=True)
class StateStoreConf:
    """spark.sql.streaming.stateStore.minDeltasForSnapshot and
    spark.sql.streaming.minBatchesToRetain."""

    min_deltas_for_snapshot: int = 10
    min_batches_to_retain: int = 100

    @classmethod
    def from_conf(cls, get: Any) -> StateStoreConf:
        """From a ``get(key) -> str | None`` of the session's settings."""
        d = get("spark.sql.streaming.stateStore.minDeltasForSnapshot")
        r = get("spark.sql.streaming.minBatchesToRetain")
        return cls(int(d) if d else 10, int(r) if r else 100)


@dataclass(frozen=True)
class StateStoreId:
    root: str  # the operator's directory: <checkpoint>/state/<op>
    partition: int
    run_id: str = ""  # the query run the provider serves

    @property
    def directory(self) -> str:
        return os.path.join(self.root, str(self.partition))


@dataclass(frozen=True)
class StatePartitioner:
    """Rows to state partitions by the hash of their key columns (positions; the
    shuffle's row hash, stable across processes and runs); no keys: partition 0."""

    columns: tuple[int, ...]

    def partition_ids(self, batch: Any, num_partitions: int) -> Any:
        import numpy as np

        import pyarrow as pa
        import pyarrow.compute as pc

        if not self.columns or num_partitions == 1:
            return np.zeros(batch.num_rows, dtype=np.int64)
        keys = []
        for i in self.columns:  # a struct key (a window) hashes by its fields
            col = batch.column(i)
            if pa.types.is_struct(col.type):
                keys.extend(pc.struct_field(col, [j]) for j in range(col.type.num_fields))
            else:
                keys.append(col)
        flat = pa.RecordBatch.from_arrays(keys, names=[f"k{i}" for i in range(len(keys))])
        return RowHashPartitioner(list(range(len(keys)))).partition_ids(flat, num_partitions)


# -- tables -----------------------------------------------------------------------------------
def _group_columns(table: Any, key_count: int) -> dict[str, Any]:
    """The key columns as groupable arrays (a struct key: its validity and its fields)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[str, Any] = {}
    for i in range(key_count):
        col = table.column(i).combine_chunks()
        if pa.types.is_struct(col.type):
            out[f"k{i}__valid"] = col.is_valid()
            for j in range(col.type.num_fields):
                out[f"k{i}__{j}"] = pc.struct_field(col, [j])
        else:
            out[f"k{i}"] = col
    return out


def last_rows(table: Any, key_count: int) -> Any:
    """The last row of ``table`` for each key (in the order of those rows)."""
    import numpy as np
    import pyarrow as pa

    if table.num_rows <= 1:
        return table
    if key_count == 0:
        return table.slice(table.num_rows - 1)
    cols = _group_columns(table, key_count)
    cols["__row"] = pa.array(np.arange(table.num_rows, dtype=np.int64))
    keys = [k for k in cols if k != "__row"]
    grouped = pa.table(cols).group_by(keys, use_threads=False).aggregate([("__row", "max")])
    idx = np.sort(grouped.column("__row_max").to_numpy())
    return table.take(pa.array(idx))


def _delta_schema(schema: Any) -> Any:
    import pyarrow as pa

    return pa.schema([f.with_nullable(True) for f in schema] + [pa.field(DELETED, pa.bool_())])


def _as_delta(table: Any, schema: Any, deleted: bool) -> Any:
    """``table`` (whole rows, or only the key columns when ``deleted``) in the delta's shape."""
    import pyarrow as pa

    dschema = _delta_schema(schema)
    n = table.num_rows
    arrays = []
    for i, f in enumerate(schema):
        if i < table.num_columns:
            arrays.append(table.column(i).cast(f.type))
        else:
            arrays.append(pa.nulls(n, f.type))
    arrays.append(pa.repeat(pa.scalar(deleted), n) if n else pa.array([], pa.bool_()))
    return pa.Table.from_arrays(arrays, schema=dschema)


def _apply(base: Any, changes: list[Any], schema: Any, key_count: int) -> Any:
    """``base`` (state rows) with the delta-shaped ``changes`` applied in order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    changes = [c for c in changes if c.num_rows]
    if not changes:
        return base
    both = pa.concat_tables([_as_delta(base, schema, False)] + changes)
    last = last_rows(both, key_count)
    kept = last.filter(pc.invert(last.column(DELETED)))
    return kept.drop_columns([DELETED]).cast(schema)


def _write_ipc(path: str, table: Any) -> None:
    import pyarrow as pa

    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    tmp = os.path.join(d, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    with pa.OSFile(tmp, "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as w:
            w.write_table(table)
    os.replace(tmp, path)


def _read_ipc(path: str) -> Any:
    import pyarrow as pa

    with pa.memory_map(path) as src:
        return pa.ipc.open_file(src).read_all()


# -- the provider ------------------------------------------------------------------------------
class StateStoreProvider:
    """One state partition's files and its recently committed versions in memory."""

    def __init__(self, sid: StateStoreId, schema: Any, key_count: int,
                 conf: StateStoreConf = StateStoreConf()):
        self.id = sid
        self.schema = schema
        self.key_count = key_count
        self.conf = conf
        self.loaded: dict[int, Any] = {}
        self._snapshot: int | None = None

    def get_store(self, version: int) -> StateStore:
        """A store holding the state at ``version``, to be updated to ``version + 1``."""
        table = self.loaded.get(version)
        if table is None:
            table = self._load(version)
            self._remember(version, table)
        return StateStore(self, version, table)

    def _remember(self, version: int, table: Any) -> None:
        self.loaded[version] = table
        for v in sorted(self.loaded)[:-2]:
            del self.loaded[v]

    def _files(self) -> tuple[list[int], list[int]]:
        """(delta versions, snapshot versions) on disk."""
        d = self.id.directory
        if not os.path.isdir(d):
            return [], []
        deltas, snaps = [], []
        for n in os.listdir(d):
            v, _, ext = n.partition(".")
            if not v.isdigit():
                continue
            if ext == "delta":
                deltas.append(int(v))
            elif ext == "snapshot":
                snaps.append(int(v))
        return sorted(deltas), sorted(snaps)

    def _load(self, version: int) -> Any:
        if version <= 0:
            return self.schema.empty_table()
        deltas, snaps = self._files()
        self._snapshot = snaps[-1] if snaps else None
        usable = [s for s in snaps if s <= version]
        start = usable[-1] if usable else 0
        base = _read_ipc(self._path(start, "snapshot")).cast(self.schema) if start \
            else self.schema.empty_table()
        have = set(deltas)
        changes = []
        for v in range(start + 1, version + 1):
            if v not in have:
                raise SparkRuntimeException(
                    f"[CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS] An error "
                    f"occurred during loading state. Cannot read {self._path(v, 'delta')}: "
                    f"the file does not exist (state version {version} of partition "
                    f"{self.id.partition}). SQLSTATE: 58030",
                    errorClass="CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS")
            changes.append(_read_ipc(self._path(v, "delta")))
        return _apply(base, changes, self.schema, self.key_count)

    def _path(self, version: int, ext: str) -> str:
        return os.path.join(self.id.directory, f"{version}.{ext}")

    def commit(self, version: int, base: Any, changes: list[Any]) -> Any:
        """Write ``version`` (base + changes); returns its table."""
        import pyarrow as pa

        dschema = _delta_schema(self.schema)
        delta = last_rows(pa.concat_tables(changes), self.key_count) if changes \
            else dschema.empty_table()
        table = _apply(base, [delta], self.schema, self.key_count)
        _write_ipc(self._path(version, "delta"), delta)
        if self._snapshot is None:
            snaps = self._files()[1]
            self._snapshot = snaps[-1] if snaps else 0
        if version - self._snapshot >= self.conf.min_deltas_for_snapshot:
            _write_ipc(self._path(version, "snapshot"), table)
            self._snapshot = version
            self._maintain(version)
        self._remember(version, table)
        return table

    def _maintain(self, latest: int) -> None:
        """Remove the files no version of the last ``min_batches_to_retain`` needs."""
        earliest = latest - self.conf.min_batches_to_retain
        if earliest <= 0:
            return
        deltas, snaps = self._files()
        base = max((s for s in snaps if s <= earliest), default=None)
        if base is None:
            return
        for v in deltas:
            if v <= base:  # the snapshot at ``base`` includes it
                _remove(self._path(v, "delta"))
        for v in snaps:
            if v < base:
                _remove(self._path(v, "snapshot"))


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


class StateStore:
    """Partition ``provider.id.partition`` at ``version``, being updated to ``version + 1``.

    Row-wise: ``get(key)``, ``put(key, value)``, ``remove(key)``, ``iterate()`` with keys and
    values as tuples of Python values. Vectorized: ``table`` (the current rows),
    ``upsert(rows)`` and ``remove_rows(rows)`` with Arrow tables (keys first). Nothing is
    visible to another task until ``commit()``; ``abort()`` drops the changes.
    """

    def __init__(self, provider: StateStoreProvider, version: int, base: Any):
        self.provider = provider
        self.version = version
        self._base = base
        self._changes: list[Any] = []
        self._rows: list[tuple[tuple, tuple | None]] = []
        self._current: Any = base
        self._index: dict[tuple, int] | None = None
        self.committed = False
        self.num_updated = 0
        self.num_removed = 0

    @property
    def schema(self) -> Any:
        return self.provider.schema

    @property
    def key_count(self) -> int:
        return self.provider.key_count

    # -- vectorized ------------------------------------------------------------------------------
    @property
    def table(self) -> Any:
        self._flush_rows()
        if self._current is None:
            self._current = _apply(self._base, self._changes, self.schema, self.key_count)
        return self._current

    def upsert(self, rows: Any) -> None:
        """Put whole rows (the state's schema); a row replaces the row with its key."""
        if rows.num_rows:
            self._flush_rows()
            self._changes.append(_as_delta(rows, self.schema, False))
            self.num_updated += rows.num_rows
            self._dirty()

    def remove_rows(self, rows: Any) -> None:
        """Remove the keys of ``rows`` (its first ``key_count`` columns are read)."""
        if rows.num_rows:
            self._flush_rows()
            keys = rows.select(list(range(self.key_count)))
            self._changes.append(_as_delta(keys, self.schema, True))
            self.num_removed += rows.num_rows
            self._dirty()

    # -- row-wise --------------------------------------------------------------------------------
    def get(self, key: tuple) -> tuple | None:
        self._flush_rows()
        if self._index is None:
            keys = zip(*(self.table.column(i).to_pylist() for i in range(self.key_count)))
            self._index = {_hashable(k): i for i, k in enumerate(keys)}
        i = self._index.get(_hashable(tuple(key)))
        if i is None:
            return None
        row = self.table.slice(i, 1).to_pylist()[0]
        return tuple(row.values())[self.key_count:]

    def put(self, key: tuple, value: tuple) -> None:
        self._rows.append((tuple(key), tuple(value)))
        self.num_updated += 1

    def remove(self, key: tuple) -> None:
        self._rows.append((tuple(key), None))
        self.num_removed += 1

    def iterate(self) -> Iterator[tuple[tuple, tuple]]:
        names = self.schema.names
        k = self.key_count
        for row in self.table.to_pylist():
            vals = tuple(row[n] for n in names)
            yield vals[:k], vals[k:]

    def _flush_rows(self) -> None:
        import pyarrow as pa

        if not self._rows:
            return
        dschema = _delta_schema(self.schema)
        width = len(self.schema)
        k = self.key_count
        records = [key + (value if value is not None else (None,) * (width - k))
                   + (value is None,) for key, value in self._rows]
        cols = list(zip(*records))
        arrays = [pa.array(list(c), type=f.type) for c, f in zip(cols, dschema)]
        self._rows = []
        self._changes.append(pa.Table.from_arrays(arrays, schema=dschema))
        self._dirty()

    def _dirty(self) -> None:
        self._current = None
        self._index = None

    # -- end ------------------------------------------------------------------------------------
    def commit(self) -> int:
        """Write version + 1 and make it the provider's; returns the new version."""
        self._flush_rows()
        self._current = self.provider.commit(self.version + 1, self._base, self._changes)
        self.committed = True
        return self.version + 1

    def abort(self) -> None:
        self._changes, self._rows = [], []
        self._dirty()

    def metrics(self) -> dict[str, int]:
        return {"numRowsTotal": self.table.num_rows, "numRowsUpdated": self.num_updated,
                "numRowsRemoved": self.num_removed}


def _hashable(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return tuple(_hashable(x) for x in v)
    return v


class ProviderCache:
    """The state store providers loaded in this process, by (operator directory, partition).
    A provider of another query run, or of another row schema, is replaced."""

    def __init__(self) -> None:
        self._providers: dict[tuple[str, int], StateStoreProvider] = {}
        self._lock = threading.Lock()

    def get(self, sid: StateStoreId, schema: Any, key_count: int,
            conf: StateStoreConf = StateStoreConf()) -> StateStoreProvider:
        key = (sid.root, sid.partition)
        with self._lock:
            p = self._providers.get(key)
            if p is None or p.id != sid or p.schema != schema or p.conf != conf:
                p = StateStoreProvider(sid, schema, key_count, conf)
                self._providers[key] = p
            return p

    def unload(self, root: str, run_id: str | None = None) -> None:
        """Forget the providers of one operator directory (its query stopped); with
        ``run_id``, only those serving that run."""
        with self._lock:
            for key in [k for k, p in self._providers.items()
                        if k[0] == root and (run_id is None or p.id.run_id == run_id)]:
                del self._providers[key]

    def __len__(self) -> int:
        return len(self._providers)


#: this process's providers (an executor's; the driver's for in-process runs)
PROVIDERS = ProviderCache()
