"""The driver's stage binaries: each stage's lineage and function, cloudpickled once.

A task message names its stage binary by key (the stage id as a string); the bytes ride
along only with the first task of that stage an executor runs, and the executor caches
them. The driver keeps, per executor, a mirror of what that executor holds: a
:class:`~runtime.protocol.executor.StageBinaryCache` of keys, the same class the executor
uses for the binaries, so both apply the same bound and eviction order.

State:
    binaries   stage id -> bytes: ("result", rdd, func) or ("shuffle", rdd, shuffle spec)
    stages     stage id -> stage, to know which jobs still need a binary

A binary lives while an active job needs its stage (:meth:`release` drops the others and
returns their keys, which the loop sends to the executors that hold them in a
ForgetBinaries message); a stage that runs again later is pickled again.
"""

from __future__ import annotations

from typing import Any

from runtime import serde
from runtime.protocol.executor import StageBinaryCache


def key_of(stage_id: int) -> str:
    return str(stage_id)


class StageBinaries:
    def __init__(self) -> None:
        self.binaries: dict[int, bytes] = {}
        self.stages: dict[int, Any] = {}

    def __contains__(self, stage_id: int) -> bool:
        return stage_id in self.binaries

    def __len__(self) -> int:
        return len(self.binaries)

    def build(self, stage: Any, payload: tuple) -> None:
        """Pickle ``payload`` for ``stage`` unless done; raises what pickling raises."""
        if stage.id not in self.binaries:
            self.binaries[stage.id] = serde.dumps_closure(payload)
            self.stages[stage.id] = stage

    def for_executor(self, held: StageBinaryCache, stage_id: int) -> bytes | None:
        """The bytes to send with a task of ``stage_id`` to an executor holding ``held``
        (recorded there), or None when it has them already."""
        key = key_of(stage_id)
        if key in held:
            return None
        held.put(key)
        return self.binaries[stage_id]

    def release(self, live_jobs: set[int], only: int | None = None) -> set[str]:
        """Drop the binaries of stages no job in ``live_jobs`` needs (or just stage
        ``only``); returns their keys."""
        gone = [sid for sid, stage in self.stages.items()
                if (sid == only if only is not None else not stage.jobs & live_jobs)]
        for sid in gone:
            del self.binaries[sid], self.stages[sid]
        return {key_of(sid) for sid in gone}
