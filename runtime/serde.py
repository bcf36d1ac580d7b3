"""Serialization on every process boundary.

* Closures and RDD lineage travel with cloudpickle (functions defined in ``__main__`` and
  lambdas included); plain data travels with pickle protocol 5, which is several times faster.
* Records never cross a boundary one pickle each: :func:`dump_batches` writes a stream of
  pickled *lists* of records (BATCH records per frame) and :func:`load_batches` streams them
  back, so per-record overhead is a list append, not a pickle call.
* Exceptions raised in a task travel as :class:`RemoteError` payloads (see
  :func:`pack_exception` / :func:`unpack_exception`): the original class when it pickles,
  plus the executor's formatted traceback, so ``except ValueError`` works on the driver. An
  engine error with an error class (PySparkException: ``[DIVIDE_BY_ZERO] ...``) comes back
  whole, condition and parameters included, without the executor's (engine-only) frames.
"""

from __future__ import annotations

import io
import pickle
import types
from collections import ChainMap
from typing import IO, Iterable, Iterator

import cloudpickle

from runtime.errors import PySparkException, SparkException
from runtime.tracebacks import format_user_exception

PROTOCOL = pickle.HIGHEST_PROTOCOL
BATCH = 1024

dumps = pickle.dumps
loads = pickle.loads


def _code_reduce_keeping_filename(code):
    """cloudpickle's reduction of a code object, with the real ``co_filename`` put back:
    cloudpickle 3.1 writes ``<dynamic-code>`` there, and an executor's traceback would then
    show neither the user's file nor the source line."""
    ctor, args = _CLOUDPICKLE_CODE_REDUCE(code)
    return ctor, tuple(code.co_filename if a == "<dynamic-code>" else a for a in args)


_CLOUDPICKLE_CODE_REDUCE = cloudpickle.Pickler.dispatch_table[types.CodeType]


class ClosurePickler(cloudpickle.Pickler):
    """cloudpickle's pickler; functions keep the name of the file they were defined in."""

    dispatch_table = ChainMap({types.CodeType: _code_reduce_keeping_filename},
                              cloudpickle.Pickler.dispatch_table)


def dumps_closure(obj) -> bytes:
    """``obj`` (functions, lambdas, lineage) pickled by value where needed."""
    buf = io.BytesIO()
    ClosurePickler(buf, protocol=PROTOCOL).dump(obj)
    return buf.getvalue()


def dump_batches(records: Iterable, f: IO[bytes], batch: int = BATCH) -> int:
    """Write ``records`` to ``f`` as pickled lists of up to ``batch`` records; returns the count."""
    n = 0
    buf: list = []
    dump = pickle.dump
    for r in records:
        buf.append(r)
        if len(buf) >= batch:
            dump(buf, f, PROTOCOL)
            n += len(buf)
            buf = []
    if buf:
        dump(buf, f, PROTOCOL)
        n += len(buf)
    return n


def load_batches(f: IO[bytes]) -> Iterator:
    """Stream back what :func:`dump_batches` wrote (until EOF)."""
    load = pickle.load
    while True:
        try:
            batch = load(f)
        except EOFError:
            return
        yield from batch


def load_batches_from_bytes(data: bytes) -> Iterator:
    return load_batches(io.BytesIO(data))


def pack_exception(exc: BaseException) -> dict:
    tb = format_user_exception(exc)
    try:
        blob = dumps_closure(exc)
        pickle.loads(blob)  # must also load on the other side
    except Exception:
        blob = None
    return {"type": f"{type(exc).__module__}.{type(exc).__qualname__}", "msg": str(exc),
            "traceback": tb, "pickled": blob}


def unpack_exception(payload: dict, context: str = "") -> BaseException:
    """Rebuild the task's exception with its original class; the message gains the executor's
    traceback (once: it is not chained again as a cause, so it prints once)."""
    exc = None
    if payload.get("pickled"):
        try:
            exc = pickle.loads(payload["pickled"])
        except Exception:
            exc = None
    detail = f"\n{context}\n\nExecutor traceback:\n{payload['traceback']}"
    if isinstance(exc, PySparkException):
        exc.__cause__ = None
        exc.__suppress_context__ = True
        return exc
    if exc is not None:
        try:
            new = type(exc)(*exc.args)
            if len(exc.args) <= 1:
                new.args = (payload["msg"] + detail,)
            elif hasattr(new, "add_note"):
                new.add_note(detail.strip("\n"))
            exc = new
        except Exception:
            if hasattr(exc, "add_note"):
                exc.add_note(detail.strip("\n"))
        exc.__cause__ = None
        exc.__suppress_context__ = True
        return exc
    return SparkException(f"{payload['type']}: {payload['msg']}{detail}")
