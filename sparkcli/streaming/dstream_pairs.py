"""Key-value DStream operators (PySpark's DStream pair methods) and updateStateByKey.

Every operator here is a per-batch RDD function (``transform``/``transformWith``), except
``updateStateByKey`` which derives a stream with a :class:`~sparkcli.streaming.state.StateRule`
(``self._derive(rule)``, defined by DStream): the state of batch t is ``reduceFunc(state of
t - slide, batch t)`` (PySpark's PythonStateDStream), so its RDDs form a chain that must be
checkpointed (hence the checkpoint-directory check at start()).
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.shuffle.hashing import portable_hash
from sparkcli.rdd import RDD
from sparkcli.streaming.state import StateRule

__all__ = ["PairOpsMixin"]


class PairOpsMixin:
    def _default_partitions(self, numPartitions: int | None) -> int:
        return numPartitions if numPartitions is not None else self._sc.defaultParallelism

    def reduceByKey(self, func: Callable, numPartitions: int | None = None):
        """Merge the values of each key in every batch with ``func``."""
        n = self._default_partitions(numPartitions)
        return self.combineByKey(lambda x: x, func, func, n)

    def combineByKey(self, createCombiner: Callable, mergeValue: Callable,
                     mergeCombiners: Callable, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transform(
            lambda rdd: rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, n))

    def partitionBy(self, numPartitions: int, partitionFunc: Callable = portable_hash):
        return self.transform(lambda rdd: rdd.partitionBy(numPartitions, partitionFunc))

    def groupByKey(self, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transform(lambda rdd: rdd.groupByKey(n))

    def mapValues(self, f: Callable):
        return self.transform(lambda rdd: rdd.mapValues(f))

    def flatMapValues(self, f: Callable):
        return self.transform(lambda rdd: rdd.flatMapValues(f))

    def cogroup(self, other: Any, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transformWith(lambda a, b: a.cogroup(b, n), other)

    def join(self, other: Any, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transformWith(lambda a, b: a.join(b, n), other)

    def leftOuterJoin(self, other: Any, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transformWith(lambda a, b: a.leftOuterJoin(b, n), other)

    def rightOuterJoin(self, other: Any, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transformWith(lambda a, b: a.rightOuterJoin(b, n), other)

    def fullOuterJoin(self, other: Any, numPartitions: int | None = None):
        n = self._default_partitions(numPartitions)
        return self.transformWith(lambda a, b: a.fullOuterJoin(b, n), other)

    def updateStateByKey(self, updateFunc: Callable, numPartitions: int | None = None,
                         initialRDD: Any = None):
        """Keep a state per key: ``updateFunc(new_values, last_state) -> new state``; a key
        whose new state is None is removed. Needs ``ssc.checkpoint(dir)``.

        ``initialRDD`` (an RDD or a list of (key, state) pairs) is the state before the
        first batch.
        """
        n = self._default_partitions(numPartitions)
        if initialRDD is not None and not isinstance(initialRDD, RDD):
            initialRDD = self._sc.parallelize(initialRDD)

        def reduceFunc(t: Any, a: Any, b: Any) -> Any:
            if a is None:
                g = b.groupByKey(n).mapValues(lambda vs: (list(vs), None))
            else:
                g = a.cogroup(b.partitionBy(n), n)
                g = g.mapValues(lambda ab: (list(ab[1]), list(ab[0])[0] if len(ab[0]) else None))
            state = g.mapValues(lambda vs_s: updateFunc(vs_s[0], vs_s[1]))
            return state.filter(lambda k_v: k_v[1] is not None)

        return self._derive(StateRule(reduceFunc, initialRDD))
