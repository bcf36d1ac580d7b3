"""The ContextCleaner's hand-off: objects the user can no longer reach, queued for the loop.

When a ShuffledRDD or a persisted RDD is garbage collected in the user's process, a weakref
finalizer calls :meth:`ContextCleaner.shuffle_unreachable` / :meth:`rdd_unreachable` on
whatever thread the collection happened. That may be the scheduler loop itself, in the
middle of a turn, so the cleaner only does a lock-free ``deque.append`` and a non-blocking
wake-up; the loop calls :meth:`drain` at the start of its next turn and then drops the
shuffle's map stage, binary and files, or the RDD's cached blocks (Spark's ContextCleaner:
doCleanupShuffle, doCleanupRDD).

State: ``pending``, a deque of (:class:`Unreachable`, id) in collection order.
"""

from __future__ import annotations

import collections
import enum
from typing import Callable, Iterator


class Unreachable(enum.Enum):
    SHUFFLE = "shuffle"
    RDD = "rdd"


class ContextCleaner:
    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self.pending: collections.deque = collections.deque()

    def shuffle_unreachable(self, shuffle_id: int) -> None:
        self.pending.append((Unreachable.SHUFFLE, shuffle_id))
        self._wake()

    def rdd_unreachable(self, rdd_id: int) -> None:
        self.pending.append((Unreachable.RDD, rdd_id))
        self._wake()

    def drain(self) -> Iterator[tuple[Unreachable, int]]:
        while self.pending:
            yield self.pending.popleft()
