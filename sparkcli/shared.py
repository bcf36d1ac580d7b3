"""Broadcast variables and accumulators (PySpark's pyspark.broadcast / pyspark.accumulators).

Broadcast: the driver pickles the value once into the application's local dir; a Broadcast
object pickles as (id, path) only, and each executor process loads the file on first
``.value`` and keeps it in ``_loaded`` — the value reaches each executor once, however many
tasks use it.

Accumulator: on the driver it holds the running value. Pickled into a task it becomes a
zero-valued copy registered in ``runtime.task_env.accumulator_registry``; the executor
resets it before each task and ships its value back with the task's successful result, and
the driver merges it (``_apply_updates``) — once per successful task.
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Any, Generic, TypeVar

from runtime import task_env

T = TypeVar("T")

_loaded: dict[int, Any] = {}
_driver_accumulators: dict[int, "Accumulator"] = {}
_lock = threading.Lock()


class Broadcast(Generic[T]):
    def __init__(self, bid: int, path: str, value: Any = None, on_driver: bool = False):
        self._id = bid
        self._path = path
        if on_driver:
            _loaded[bid] = value

    @property
    def id(self) -> int:
        return self._id

    @property
    def value(self) -> T:
        if self._id not in _loaded:
            if not os.path.exists(self._path):
                raise RuntimeError(f"Broadcast {self._id} was destroyed or its application "
                                   "stopped; it can no longer be used")
            with open(self._path, "rb") as f:
                _loaded[self._id] = pickle.load(f)
        return _loaded[self._id]

    def unpersist(self, blocking: bool = False) -> None:
        pass  # executors load lazily; the file stays until destroy()/stop()

    def destroy(self, blocking: bool = False) -> None:
        _loaded.pop(self._id, None)
        try:
            os.unlink(self._path)
        except OSError:
            pass

    def __reduce__(self):
        return (_rebuild_broadcast, (self._id, self._path))

    def __repr__(self) -> str:
        return f"<pyspark.core.broadcast.Broadcast object at {id(self):#x}>"


def _rebuild_broadcast(bid: int, path: str) -> Broadcast:
    return Broadcast(bid, path)


class AccumulatorParam(Generic[T]):
    def zero(self, value: T) -> T:
        raise NotImplementedError

    def addInPlace(self, value1: T, value2: T) -> T:
        raise NotImplementedError


class AddingAccumulatorParam(AccumulatorParam):
    def __init__(self, zero_value: Any):
        self.zero_value = zero_value

    def zero(self, value: Any) -> Any:
        return self.zero_value

    def addInPlace(self, value1: Any, value2: Any) -> Any:
        value1 += value2
        return value1


INT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0)
FLOAT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0)
COMPLEX_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0j)


class Accumulator(Generic[T]):
    def __init__(self, aid: int, value: T, accum_param: AccumulatorParam, on_driver=True):
        self.aid = aid
        self._value = value
        self.accum_param = accum_param
        self._deserialized = not on_driver
        self._touched = False
        if on_driver:
            _driver_accumulators[aid] = self

    @property
    def value(self) -> T:
        if self._deserialized:
            raise RuntimeError("Accumulator.value cannot be accessed inside tasks")
        return self._value

    @value.setter
    def value(self, value: T) -> None:
        if self._deserialized:
            raise RuntimeError("Accumulator.value cannot be accessed inside tasks")
        self._value = value

    def add(self, term: T) -> None:
        self._value = self.accum_param.addInPlace(self._value, term)
        self._touched = True

    def __iadd__(self, term: T) -> "Accumulator[T]":
        self.add(term)
        return self

    def __reduce__(self):
        return (_rebuild_accumulator, (self.aid, self.accum_param.zero(self._value),
                                       self.accum_param))

    # executor side -------------------------------------------------------------------------
    def _reset_for_task(self) -> None:
        self._value = self.accum_param.zero(self._value)
        self._touched = False

    def _task_value(self) -> T:
        return self._value

    def __str__(self) -> str:
        return str(self._value)

    def __repr__(self) -> str:
        return f"Accumulator<id={self.aid}, value={self._value}>"


def _rebuild_accumulator(aid: int, zero: Any, param: AccumulatorParam) -> Accumulator:
    acc = Accumulator(aid, zero, param, on_driver=False)
    task_env.accumulator_registry[aid] = acc
    return acc


def forget_accumulator(aid: int) -> None:
    """The driver stops merging updates into accumulator ``aid`` (a finished query's SQL
    metrics: late updates are ignored)."""
    with _lock:
        _driver_accumulators.pop(aid, None)


def _apply_updates(updates: dict[int, Any]) -> None:
    with _lock:
        for aid, value in updates.items():
            acc = _driver_accumulators.get(aid)
            if acc is not None:
                acc._value = acc.accum_param.addInPlace(acc._value, value)
