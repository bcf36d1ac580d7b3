"""Map-side combine without a Python call per record, for the commonest Spark idiom.

``rdd.map(lambda w: (w, 1)).reduceByKey(add)`` (word count, countByValue-style counting)
spends most of its time calling the pairing lambda and the merge function once per record.
When the plan is built (:func:`counting_map_side`, called by whoever builds the shuffle),
that shape is recognised: the shuffle's parent is a MapPartitions node whose last step is a
``map`` with a function *bytecode-identical* to ``lambda x: (x, C)`` for an int constant C
(no closure, no globals), and the shuffle's aggregator is reduceByKey's (identity create,
``+`` merge), with map-side combine on. The shuffle dependency then carries a
:class:`PreCombined` node as its ``map_side``: it computes the same partition already
combined, counting the keys with ``collections.Counter.update`` (a C loop) in bounded
chunks and emitting ``(key, n * C)`` -- the combiners the generic loop would build, since
adding C to itself n times is n * C for ints. A map task runs it instead of the parent
(ShuffleDependency.map_input), unless the parent was persisted or checkpointed since, so its
partitions can be stored. Anything else takes the generic path; results are identical.
"""

from __future__ import annotations

import operator
from collections import Counter
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from runtime.lineage.narrow import MapPartitions
from runtime.lineage.node import Node

_PAIR_CONST = (lambda x: (x, 1)).__code__
_ADD = (lambda a, b: a + b).__code__
_IDENTITY = (lambda x: x).__code__

CHUNK = 1 << 16  # keys counted per Counter.update call
MAX_KEYS = 1 << 17  # distinct keys held before the counts are handed to the shuffle writer


def _same_code(f: Any, template: Any) -> bool:
    code = getattr(f, "__code__", None)
    return (code is not None and code.co_code == template.co_code
            and code.co_argcount == template.co_argcount and not code.co_names
            and not getattr(f, "__closure__", None) and not code.co_kwonlyargcount)


def pair_constant(f: Callable) -> int | None:
    """C when ``f`` is ``lambda x: (x, C)`` with an int C, else None."""
    if not _same_code(f, _PAIR_CONST):
        return None
    consts = f.__code__.co_consts
    c = consts[1] if len(consts) > 1 else None
    return c if type(c) is int else None


def is_add(f: Callable) -> bool:
    return f is operator.add or _same_code(f, _ADD)


def is_identity(f: Callable) -> bool:
    return _same_code(f, _IDENTITY)


def counting_aggregator(agg: Any) -> bool:
    return (agg is not None and is_identity(agg.create_combiner) and is_add(agg.merge_value)
            and is_add(agg.merge_combiners))


def count_pairs(keys: Iterable, constant: int) -> Iterator[tuple[Any, int]]:
    """(key, count * constant) pairs for ``keys``. Counts accumulate until MAX_KEYS distinct
    keys are held (bounded memory; the writer's own spilling takes over from there), so a key
    may appear in several pairs: the shuffle merges them like any map-side combiners."""
    it = iter(keys)
    counts: Counter = Counter()
    while True:
        chunk = list(islice(it, CHUNK))
        counts.update(chunk)
        exhausted = not chunk
        if exhausted or len(counts) >= MAX_KEYS:
            if constant == 1:
                yield from counts.items()
            else:
                for k, n in counts.items():
                    yield k, n * constant
            if exhausted:
                return
            counts = Counter()


class PreCombined(Node):
    """The partitions of ``source`` (a MapPartitions node ending in ``map(lambda x: (x, C))``)
    as pre-combined ``(key, count * C)`` pairs. It stands for the same data as ``source``
    (same id and partitions) and reads ``source``'s parent."""

    rdd_class = "PreCombined"

    def __init__(self, source: MapPartitions, constant: int):
        super().__init__(source.id, list(source.dependencies), source.num_partitions)
        self.prev = source.prev
        self.head_func = source.head_func
        self.constant = constant

    def compute(self, split: int, tc: Any) -> Iterator:
        base = tc.iterate(self.prev, split)
        keys = self.head_func(split, base) if self.head_func is not None else base
        return count_pairs(keys, self.constant)


def counting_map_side(node: Node, spec: Any) -> PreCombined | None:
    """The pre-combined map side of a shuffle of ``node`` with ``spec`` (a ShuffleSpec), or
    None when the shuffle does not have the counting shape (see module doc)."""
    if not isinstance(node, MapPartitions) or node.op is None or node.op[0] != "map" \
            or not spec.map_side_combine or not counting_aggregator(spec.aggregator):
        return None
    constant = pair_constant(node.op[1])
    return PreCombined(node, constant) if constant is not None else None
