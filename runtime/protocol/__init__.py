"""Every message between driver, executors, workers and master, as a dataclass.

Neutral ground: the scheduler (driver side), the executor and the deploy daemons all import
this package and never each other. A message class is declared once, with its op name, by
:func:`message`; both ends use the same class, so an op string or a field name cannot drift
between sender and receiver (the old code repeated ``"launch"`` on both sides and kept a
constant in the driver that "mirrored" one in the executor).

Wire format. The RPC layer (runtime/rpc/frames.py) sends length-prefixed frames, each holding
one pickled dict with an ``"op"`` key (STYLE.md item 9). :func:`encode` turns a message into
that dict (``{"op": OP, **fields}``, a shallow copy, no deep conversion: payloads that are
already bytes stay bytes) and :func:`decode` turns a received dict back into its class. A
dict whose op no class claims is returned unchanged: those are extension messages a task
sends mid-run (a streaming receiver's ``stream_block``), routed by op string. A dict whose
fields do not match its class is a :class:`ProtocolError` (the caller drops that peer).
Authentication (spark.authenticate) happens in the RPC layer before the first frame is
unpickled, so nothing from an unauthenticated peer reaches :func:`decode`.

Dispatch. :class:`HandlerTable` maps a message class (or, for extension messages, an op
string) to a handler; ``table.dispatch(msg, *args)`` calls it and returns its result, or
returns :data:`UNHANDLED` when nothing is registered.

Modules: ``executor`` (driver <-> executor: registration, launches, status updates, cache
and shuffle clean-up, the stage-binary cache both sides share).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, ClassVar, TypeVar

__all__ = ["HandlerTable", "Message", "ProtocolError", "UNHANDLED", "decode", "encode",
           "message"]

_REGISTRY: dict[str, type] = {}
T = TypeVar("T")
UNHANDLED = object()


class ProtocolError(ValueError):
    """A frame that claims a known op but does not carry that message's fields."""


class Message:
    """Base of every message class; ``OP`` is the name on the wire."""

    OP: ClassVar[str] = ""

    def __repr__(self) -> str:  # one shared repr: no generated one per class (start-up time)
        return "%s(%s)" % (type(self).__name__,
                           ", ".join(f"{k}={v!r}" for k, v in vars(self).items()))


def message(op: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: make ``cls`` a dataclass sent as ``{"op": op, **fields}``."""

    def wrap(cls: type[T]) -> type[T]:
        if op in _REGISTRY:
            raise ValueError(f"op {op!r} is already {_REGISTRY[op].__name__}")
        cls = dataclasses.dataclass(cls, repr=False)
        cls.OP = op  # type: ignore[attr-defined]
        _REGISTRY[op] = cls
        return cls

    return wrap


def encode(msg: Any) -> dict:
    """The frame dict for ``msg`` (a dict passes through: an extension message)."""
    if isinstance(msg, dict):
        return msg
    frame = dict(msg.__dict__)
    frame["op"] = msg.OP
    return frame


def decode(frame: dict) -> Any:
    """The message a received frame dict stands for (a dict when no class claims its op)."""
    cls = _REGISTRY.get(frame.get("op"))  # type: ignore[arg-type]
    if cls is None:
        return frame
    fields = dict(frame)
    del fields["op"]
    try:
        return cls(**fields)
    except TypeError as e:
        raise ProtocolError(f"bad {frame['op']!r} message: {e}") from None


def op_of(msg: Any) -> str:
    return msg["op"] if isinstance(msg, dict) else msg.OP


class HandlerTable:
    """Message class (or extension op string) -> handler."""

    def __init__(self, handlers: dict | None = None) -> None:
        self._table: dict[Any, Callable] = dict(handlers or {})

    def __setitem__(self, key: Any, fn: Callable) -> None:
        self._table[key] = fn

    def __getitem__(self, key: Any) -> Callable:
        return self._table[key]

    def __delitem__(self, key: Any) -> None:
        del self._table[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._table

    def get(self, key: Any, default: Any = None) -> Any:
        return self._table.get(key, default)

    def pop(self, key: Any, default: Any = None) -> Any:
        return self._table.pop(key, default)

    def dispatch(self, msg: Any, *args: Any) -> Any:
        fn = self._table.get(msg["op"] if isinstance(msg, dict) else type(msg))
        if fn is None:
            return UNHANDLED
        return fn(*args, msg)
