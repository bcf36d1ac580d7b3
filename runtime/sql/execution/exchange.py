"""Exchanges: where a physical plan is cut into stages.

``ShuffleExchangeExec(partitioning, child)`` redistributes its child's rows:
* ``HashPartitioning(keys, n)``: rows with equal keys meet in one partition (aggregation,
  shuffled joins, ``repartition(n, cols)``);
* ``RangePartitioning(orders, n)``: partition i holds rows ordering before partition i+1's
  (global sort);
* ``RoundRobinPartitioning(n)`` (``repartition(n)``) and ``SinglePartition`` (global
  aggregates and limits).

``BroadcastExchangeExec(child)`` gathers its child whole for a broadcast hash join's build
side. ``spark.sql.adaptive.enabled`` lets the runner coalesce small shuffle outputs (Spark's
AQE ``coalescePartitions``): it decides the partition count from the data it saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.sql.execution.operators import PhysicalPlan, _attrs
from runtime.sql.plan.logical import _order

__all__ = ["BroadcastExchangeExec", "HashPartitioning", "RangePartitioning",
           "RoundRobinPartitioning", "ShuffleExchangeExec", "SinglePartition"]


@dataclass(frozen=True)
class HashPartitioning:
    keys: tuple
    num_partitions: int

    def describe(self) -> str:
        return f"hashpartitioning({_attrs(list(self.keys))[1:-1]}, {self.num_partitions})"


@dataclass(frozen=True)
class RangePartitioning:
    orders: tuple
    num_partitions: int

    def describe(self) -> str:
        return f"rangepartitioning({', '.join(_order(o) for o in self.orders)}, " \
            f"{self.num_partitions})"


@dataclass(frozen=True)
class RoundRobinPartitioning:
    num_partitions: int

    def describe(self) -> str:
        return f"RoundRobinPartitioning({self.num_partitions})"


@dataclass(frozen=True)
class SinglePartition:
    num_partitions: int = 1

    def describe(self) -> str:
        return "SinglePartition"


@dataclass(eq=False)
class ShuffleExchangeExec(PhysicalPlan):
    partitioning: Any
    children: tuple
    reason: str = "ENSURE_REQUIREMENTS"
    kind = "exchange"

    def node_name(self) -> str:
        return "Exchange"

    def arg_string(self) -> str:
        return f"{self.partitioning.describe()}, {self.reason}, [plan_id={id(self) % 1000}]"


@dataclass(eq=False)
class BroadcastExchangeExec(PhysicalPlan):
    children: tuple
    kind = "broadcast"

    def node_name(self) -> str:
        return "BroadcastExchange"

    keys: tuple = ()  # the build side's join keys (for the mode's text)

    def arg_string(self) -> str:
        out = self.children[0].output
        pos = {a.expr_id: i for i, a in enumerate(out)}
        keys = ", ".join(f"input[{pos.get(k.expr_id, 0)}, {k.dtype.simpleString()}, "
                         f"{str(k.nullable).lower()}]" if hasattr(k, "expr_id") else _attrs([k])
                         for k in self.keys)
        mode = f"HashedRelationBroadcastMode(List({keys}),false)" if self.keys \
            else "IdentityBroadcastMode"
        return f"{mode}, [plan_id={id(self) % 1000}]"
