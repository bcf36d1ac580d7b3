"""The DStream graph (Spark's DStreamGraph), input and output DStreams.

The graph keeps the input streams (sources, in creation order), the output streams (one
ForEachDStream per output operation: foreachRDD, pprint, saveAsTextFiles ...), the batch
duration, the zero time (the batch before the first one), and a lock that serializes
generation, clearing and user ``slice`` calls.

``start(zero)`` initializes every output's lineage (zero time, remember durations, checks),
``generate_jobs(t)`` asks each output for its RDD of batch t and returns one job (a thunk
that runs the output function on that RDD) per output that has one, and
``clear_metadata(t)`` drops RDDs no longer needed once batch t is done.
``update_checkpoint_data(t)`` / ``clear_checkpoint_data(t)`` surround the writing of a
metadata checkpoint: note the RDD checkpoints it saves, then delete the older ones.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from sparkcli.errors import IllegalArgumentException
from sparkcli.streaming.dstream import DStream

__all__ = ["DStreamGraph", "ForEachDStream", "InputDStream", "Job"]


class Job:
    """One output operation of one batch: ``run()`` calls the output function."""

    def __init__(self, time: int, output_id: int, func: Callable[[], None], name: str):
        self.time = time
        self.output_id = output_id
        self.func = func
        self.name = name
        self.error: BaseException | None = None
        self.started: float | None = None
        self.ended: float | None = None

    def __repr__(self) -> str:
        return f"streaming job {self.time}.{self.output_id}"


class DStreamGraph:
    def __init__(self, batch_ms: int | None):
        self.batch_ms = batch_ms
        self.input_streams: list[InputDStream] = []
        self.output_streams: list[ForEachDStream] = []
        self.zero_time: int | None = None
        self.remember_ms: int | None = None
        self.lock = threading.RLock()

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("lock")
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()

    def add_input(self, stream: InputDStream) -> int:
        self.input_streams.append(stream)
        return len(self.input_streams) - 1

    def add_output(self, parent: DStream, func: Callable[[int, Any], None],
                   user_func: Any) -> None:
        """Register an output operation: ``func(batch ms, rdd)`` on ``parent``'s RDDs."""
        stream = ForEachDStream(parent, func, user_func)
        stream._output_id = len(self.output_streams)
        self.output_streams.append(stream)

    def all_streams(self) -> list[DStream]:
        seen: dict[int, DStream] = {}
        for out in self.output_streams:
            for d in out._lineage():
                seen[id(d)] = d
        for d in self.input_streams:
            seen[id(d)] = d
        return list(seen.values())

    def validate(self) -> None:
        if not self.output_streams:
            raise IllegalArgumentException(
                "No output operations registered, so nothing to execute (add one: pprint(), "
                "foreachRDD(), saveAsTextFiles() ...)")

    def start(self, zero_time: int, restored: bool = False) -> None:
        with self.lock:
            self.zero_time = zero_time
            if not restored:
                for out in self.output_streams:
                    out._initialize(zero_time)
                for out in self.output_streams:
                    out._remember(self.remember_ms)
            for out in self.output_streams:
                out._validate_at_start()
            for stream in self.input_streams:
                stream._start()

    def stop(self) -> None:
        for stream in self.input_streams:
            stream._stop()

    def generate_jobs(self, t: int) -> list[Job]:
        with self.lock:
            jobs = []
            for out in self.output_streams:
                job = out._generate_job(t)
                if job is not None:
                    jobs.append(job)
            return jobs

    def clear_metadata(self, t: int) -> None:
        with self.lock:
            for out in self.output_streams:
                out._clear_metadata(t)

    def update_checkpoint_data(self, t: int) -> None:
        """Before pickling the metadata checkpoint of time t (under the lock)."""
        with self.lock:
            for d in self.all_streams():
                d._update_checkpoint_data(t)

    def clear_checkpoint_data(self, t: int) -> None:
        """After the checkpoint of t is written: delete the RDD checkpoints it no longer
        references."""
        with self.lock:
            for d in self.all_streams():
                d._cleanup_checkpoint_data(t)

    def attach(self, ssc: Any) -> None:
        for d in self.all_streams():
            d._attach(ssc)

    def max_input_remember_ms(self) -> int:
        return max([s._remember_ms or 0 for s in self.input_streams] or [0])


class InputDStream(DStream):
    """A source: no parents, the slide is the batch duration, registered with the graph."""

    def __init__(self, ssc: Any):
        super().__init__(ssc, ())
        self._id = ssc._graph.add_input(self)

    @property
    def _slide_ms(self) -> int:
        return self._ssc._graph.batch_ms

    def _start(self) -> None:
        pass

    def _stop(self) -> None:
        pass

    def _is_time_valid(self, t: int) -> bool:
        return super()._is_time_valid(t)


class ForEachDStream(DStream):
    """An output operation: ``func(batch ms, rdd)`` on the driver for every batch."""

    def __init__(self, parent: DStream, func: Callable[[int, Any], None], user_func: Any):
        super().__init__(parent._ssc, [parent])
        self.func = func
        self._output_id = -1
        self._name = _describe(user_func)

    def _compute(self, t: int) -> Any:
        return None

    def _generate_job(self, t: int) -> Job | None:
        rdd = self._parents[0]._get_or_compute(t)
        if rdd is None:
            return None
        func = self.func
        return Job(t, self._output_id, lambda: func(t, rdd), self._name)


def _describe(func: Any) -> str:
    name = getattr(func, "__qualname__", None) or type(func).__name__
    return f"foreachRDD at {name}"


