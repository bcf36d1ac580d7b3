"""Classes PySpark declares Generic are subscriptable here too (Spark's examples annotate
``def echo(time, rdd: RDD[Tuple[str, int]])``)."""

from __future__ import annotations

from typing import Tuple, get_type_hints

import pytest

from sparkcli.rdd import RDD, PipelinedRDD
from sparkcli.rdd_actions import RDDBarrier
from sparkcli.resultiterable import ResultIterable
from sparkcli.shared import Accumulator, AccumulatorParam, Broadcast
from sparkcli.streaming.dstream import DStream


@pytest.mark.parametrize("alias", [
    lambda: RDD[Tuple[str, int]], lambda: PipelinedRDD[int, str], lambda: RDDBarrier[int],
    lambda: ResultIterable[int], lambda: Broadcast[dict], lambda: Accumulator[int],
    lambda: AccumulatorParam[float], lambda: DStream[Tuple[str, int]],
])
def test_subscriptable(alias):
    assert alias().__args__


def test_annotated_function_runs_with_real_rdds(sc):
    seen = []

    def echo(time: int, rdd: RDD[Tuple[str, int]]) -> None:
        seen.append(sorted(rdd.collect()))

    assert get_type_hints(echo)["rdd"] == RDD[Tuple[str, int]]  # what Python does at def time

    echo(0, sc.parallelize([("a", 1), ("b", 2)]).reduceByKey(lambda a, b: a + b))
    assert seen == [[("a", 1), ("b", 2)]]
    assert isinstance(sc.parallelize([1]).map(str), RDD)
