"""Functions that read the execution context or return a constant shape:
monotonically_increasing_id, spark_partition_id, rand/randn (seeded per partition)."""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup


def _lazy_nullary(name: str, dtype: T.DataType, deterministic: bool = False):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        return make_call(lookup(name), list(args), dtype, False)
    return bind


def _mono_id(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import pyarrow as pa

    base = (ectx.partition_index << 33) + ectx.row_offset
    return pa.array(range(base, base + batch.num_rows), pa.int64())


def _partition_id(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return pa.scalar(ectx.partition_index, pa.int32())


def _rand(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import random

    import pyarrow as pa

    seed = call.children[0].value if call.children else 0
    rng = random.Random(hash((seed, ectx.partition_index, ectx.row_offset)))
    return pa.array([rng.random() for _ in range(batch.num_rows)], pa.float64())


def _bind_rand(args: list[Expression], ctx: Any) -> Expression:
    import random

    arity("rand", args, 0, 1)
    seed = args[0] if args else Literal(random.randrange(2**63), T.LongType())
    return make_call(lookup("rand"), [seed], T.DoubleType(), False)


for _spec in (
        simple("monotonically_increasing_id", _lazy_nullary("monotonically_increasing_id",
                                                            T.LongType()), _mono_id,
               lambda c: "monotonically_increasing_id()", lazy=True),
        simple("spark_partition_id", _lazy_nullary("spark_partition_id", T.IntegerType()),
               _partition_id, lambda c: "SPARK_PARTITION_ID()", lazy=True),
        simple("rand", _bind_rand, _rand,
               lambda c: f"rand({c.children[0].sql()})", lazy=True)):
    _spec.deterministic = False
