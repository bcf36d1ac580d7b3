"""Running a stateful operator's partitions as tasks next to their state (Spark's StateStoreRDD).

A stateful operator (a streaming aggregation, and the other operators built the same way)
gives :func:`run_stateful` the physical plan of its input for this batch, the positions of
its key columns, its number of state partitions and an ``update`` callable. The input is
hash-partitioned into exactly that many partitions by :class:`StatePartitioner` (never
coalesced: partition ``p`` of every batch must meet state partition ``p``), and partition
``p`` runs as one task::

    update(p, batches, executor_id) -> pyarrow.Table

which loads its state store (state_store.py: the executor's cached provider, or the files),
applies the batch's rows, commits the next version and returns the rows the operator emits,
with :func:`with_info` metadata: the executor that ran it and the store's metrics.

``locations`` (partition -> executor id, the driver's record of where each partition's last
task ran) becomes the state RDD's preferred executors, so the next batch's task runs where
the state is already loaded (the task scheduler waits spark.locality.wait for it, and runs
anywhere at once when that executor is gone: the state is then loaded from the files).

On the in-process runner the same ``update`` runs in the driver, partition by partition,
over the input split by the same partitioner.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Callable, Iterator

from runtime.dataformat import ARROW
from runtime.lineage.dependency import OneToOneDependency
from runtime.lineage.node import Node
from runtime.lineage.shuffled import Shuffled
from runtime.shuffle.spec import ShuffleSpec
from runtime.sql.execution import operators as P
from runtime.sql.execution.lineage_runner import LineageRunner
from runtime.sql.execution.operators import schema_of
from runtime.sql.streaming.state_store import PROVIDERS, StatePartitioner

__all__ = ["StateStoreRDD", "StatefulOperator", "UnloadStateRDD", "info_of", "run_stateful",
           "unload_state", "with_info"]

_INFO = b"state_store.info"
DRIVER = "driver"


class StatefulOperator:
    """What every stateful operator of a query keeps between batches: where its state lives,
    how many state partitions it has, the version the next batch starts from, where each
    partition's last task ran (the next one prefers that executor) and its progress metrics."""

    key_count: int

    def _init_state(self, state_dir: str, num_partitions: int, conf: Any) -> None:
        self.state_dir = state_dir
        self.num_partitions = num_partitions
        self.conf = conf
        self.version = 0  # the state version the next batch starts from
        self.run_id = str(uuid.uuid4())
        self.locations: dict[int, str] = {}  # state partition -> executor of its last task
        self.metrics: dict[str, int] = {}

    @property
    def partitions(self) -> int:
        """State partitions: one for a keyless operator (Spark's AllTuples)."""
        return self.num_partitions if self.key_count else 1

    @property
    def has_watermark(self) -> bool:
        """Whether the operator evicts state (or drops late rows) by the watermark."""
        return False

    def runs_no_data_batch(self, mode: str) -> bool:
        """Whether a watermark that moved calls for a batch without new data (Spark's
        shouldRunAnotherBatch): yes when the operator evicts by the watermark; an aggregation
        in complete mode never evicts."""
        return self.has_watermark

    def load(self, version: int) -> None:
        """The next batch starts from state ``version``."""
        self.version = version

    def recorded_schema(self) -> Any:
        """The state schema written to (and checked against) the checkpoint."""
        return self.schema

    def state_roots(self) -> list[str]:
        """The directories of the operator's state stores (one per kind of state)."""
        return [self.state_dir]

    def unload(self, runner: Any = None) -> None:
        """The query stopped: forget this run's state store providers, in this process and
        in the executors that ran the operator's partitions (:func:`unload_state`)."""
        unload_state(runner, self.state_roots(), self.run_id, set(self.locations.values()))


def with_info(table: Any, executor_id: str, metrics: dict) -> Any:
    """``table`` carrying where it was computed and the state store's metrics."""
    info = json.dumps({"executor": executor_id, "metrics": metrics})
    return table.replace_schema_metadata({_INFO: info.encode()})


def info_of(table: Any) -> dict:
    meta = table.schema.metadata or {}
    raw = meta.get(_INFO)
    return json.loads(raw) if raw else {"executor": None, "metrics": {}}


class StateStoreRDD(Node):
    """Partition ``p``: ``update(p, <partition p of prev>, executor id)``, one table."""

    rdd_class = "StateStoreRDD"

    def __init__(self, id: int, prev: Node, update: Callable, locations: dict[int, str]):
        super().__init__(id, [OneToOneDependency(prev)], prev.num_partitions)
        self.prev = prev
        self.update = update
        self.locations = dict(locations)

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter([self.update(split, tc.iterate(self.prev, split), tc.executor_id)])

    def preferred_executors(self, split: int) -> list[str]:
        eid = self.locations.get(split)
        return [eid] if eid is not None and eid != DRIVER else []


class UnloadStateRDD(Node):
    """Partition ``i`` runs on ``executors[i]`` and forgets the providers of ``roots`` that
    serve ``run_id`` there (a stopped query's state leaves the executors' memory)."""

    rdd_class = "StateStoreRDD"

    def __init__(self, id: int, roots: list[str], run_id: str, executors: list[str]):
        super().__init__(id, [], len(executors))
        self.roots, self.run_id, self.executors = list(roots), run_id, list(executors)

    def compute(self, split: int, tc: Any) -> Iterator:
        for root in self.roots:
            PROVIDERS.unload(root, self.run_id)
        return iter(())

    def preferred_executors(self, split: int) -> list[str]:
        return [self.executors[split]]


def unload_state(runner: Any, roots: list[str], run_id: str, executors: set[str]) -> None:
    """Forget the providers of ``roots`` serving ``run_id``: here, and (with a lineage
    runner) in each of ``executors`` by a task sent there. Best effort: an executor that is
    gone, or a task placed elsewhere, leaves nothing wrong behind (a provider of an old run
    is never used again: a new run's task replaces it)."""
    for root in roots:
        PROVIDERS.unload(root, run_id)
    remote = sorted(e for e in executors if e != DRIVER)
    if not remote or not isinstance(runner, LineageRunner):
        return
    hooks = runner.hooks
    try:
        hooks.run_job(UnloadStateRDD(hooks.new_rdd_id(), roots, run_id, remote), _drain,
                      None)
    except Exception:  # noqa: BLE001 - the context is stopping; its executors go with it
        pass


def _drain(it: Iterator) -> None:
    for _ in it:
        pass


def _the_table(it: Iterator) -> Any:
    return next(iter(it))


def run_stateful(runner: Any, child: P.PhysicalPlan, keys: tuple[int, ...],
                 num_partitions: int, update: Callable,
                 locations: dict[int, str]) -> list[Any]:
    """Per state partition, the table ``update`` returned; ``locations`` is updated with
    the executor each partition ran on."""
    part = StatePartitioner(tuple(keys))
    if isinstance(runner, LineageRunner):
        hooks = runner.hooks
        spec = ShuffleSpec(hooks.new_shuffle_id(), num_partitions, data_format=ARROW,
                           partitioner=part)
        shuffled = Shuffled(hooks.new_rdd_id(), runner.build(child), spec)
        if hooks.on_shuffle is not None:
            hooks.on_shuffle(shuffled, spec.shuffle_id)
        node = StateStoreRDD(hooks.new_rdd_id(), shuffled, update, locations)
        tables = list(hooks.run_job(node, _the_table, None))
    else:
        tables = _run_in_process(runner, child, part, num_partitions, update)
    for p, t in enumerate(tables):
        eid = info_of(t)["executor"]
        if eid is not None:
            locations[p] = eid
    return tables


def _run_in_process(runner: Any, child: P.PhysicalPlan, part: StatePartitioner, n: int,
                    update: Callable) -> list[Any]:
    import numpy as np
    import pyarrow as pa

    schema = schema_of(child.output)
    batches = [b for p in runner.partitions(child) for b in p if b.num_rows]
    table = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
    ids = np.asarray(part.partition_ids(table.combine_chunks().to_batches()[0], n)) \
        if table.num_rows else np.zeros(0, dtype=np.int64)
    out = []
    for p in range(n):
        mine = table.filter(pa.array(ids == p)) if table.num_rows else table
        out.append(update(p, iter(mine.to_batches()), DRIVER))
    return out
