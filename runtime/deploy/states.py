"""Lifecycle states of the standalone cluster, as Enums whose values are Spark's names.

The values are what users see and what travels: the master's /json and web UI, log lines,
RPC messages, recovery snapshots and `submit --status` all carry the plain string
(``str(state)`` or ``state.value``; frames and snapshots are unpickled as plain data, so
an Enum object itself must never be sent). Members compare equal to their string, so a
state received in a message can be compared before it is converted.

    MasterStatus    ALIVE, or RECOVERING after a restart with persisted state
    WorkerState     ALIVE, DEAD (lost), UNKNOWN (recovered, not re-registered yet)
    AppState        WAITING (no executor yet) -> RUNNING -> FINISHED | FAILED | KILLED;
                    UNKNOWN while a recovered master waits for the driver to reconnect
    DriverState     SUBMITTED -> RUNNING -> FINISHED | FAILED | KILLED | ERROR, RELAUNCHING
                    between two runs of a supervised driver (cluster deploy mode)
    ExecutorState   LAUNCHING, RUNNING -> EXITED | KILLED | FAILED | LOST
"""

from __future__ import annotations

from enum import Enum


class _State(str, Enum):
    """A state whose str() and format() are its value (Spark's name for it)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class MasterStatus(_State):
    ALIVE = "ALIVE"
    RECOVERING = "RECOVERING"


class WorkerState(_State):
    ALIVE = "ALIVE"
    DEAD = "DEAD"
    UNKNOWN = "UNKNOWN"


class AppState(_State):
    WAITING = "WAITING"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"
    UNKNOWN = "UNKNOWN"


class DriverState(_State):
    SUBMITTED = "SUBMITTED"
    RUNNING = "RUNNING"
    RELAUNCHING = "RELAUNCHING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"
    ERROR = "ERROR"


class ExecutorState(_State):
    LAUNCHING = "LAUNCHING"
    RUNNING = "RUNNING"
    EXITED = "EXITED"
    KILLED = "KILLED"
    FAILED = "FAILED"
    LOST = "LOST"


#: an application's or a driver's final states (Spark's isFinished)
FINISHED_STATES = frozenset({AppState.FINISHED, AppState.FAILED, AppState.KILLED,
                             DriverState.ERROR})
#: an executor that is gone
EXECUTOR_DONE = frozenset({ExecutorState.EXITED, ExecutorState.KILLED, ExecutorState.FAILED,
                           ExecutorState.LOST})


def plain(items: list[tuple[str, object]]) -> dict:
    """``dataclasses.asdict``'s dict_factory for messages and snapshots: states as strings."""
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in items}
