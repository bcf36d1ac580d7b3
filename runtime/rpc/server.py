"""A small threaded TCP server for daemons (master, worker, shuffle service) and its clients.

Wire format: the frames of :mod:`runtime.rpc.frames` (8-byte big-endian length + a pickled
dict with an ``op`` key: a typed message of runtime.protocol, encoded), preceded by the :mod:`runtime.rpc.auth` handshake when a secret is
set. Daemon messages only ever hold plain data (dict, list, tuple, str, bytes, numbers,
bools, None), so frames are read with a *restricted* unpickler that refuses every global:
even without authentication a pickled payload cannot name a callable, and so cannot run
code on a daemon. Garbage is dropped per connection:

    oversized frame (> max_frame, spark.rpc.message.maxSize)   -> connection dropped
    truncated frame, random bytes, a forbidden global           -> connection dropped
    a handler raising on a malformed message                    -> logged, connection dropped

and never takes the server down.

:class:`FrameServer` state: the listening socket, ``handlers`` (a runtime.protocol
HandlerTable: message class, or op string for an untyped dict, -> ``fn(conn, msg)``, whose
non-None return value is sent back as the reply; a frame whose op is a known message but
whose fields do not match drops the connection, as garbage does), ``connections`` (the live
:class:`Connection` objects; each has a reader thread), ``on_close(conn)`` (called once when
a connection ends, e.g. the master's "worker lost"). A :class:`Connection` is
bidirectional: daemons push messages on connections their peers opened (the master tells a
worker to launch an executor on the worker's registration connection); sends are
serialised by a per-connection lock.

Clients: :func:`connect` (socket + handshake), :func:`send_msg` (a message or a dict) /
:func:`recv_message` (the typed message; :func:`recv_msg` the raw dict), :func:`request`,
and :class:`Client`, a cache of request/reply connections (executors fetching shuffle
data); replies come back typed.
"""

from __future__ import annotations

import io
import logging
import pickle
import socket
import struct
import threading
from typing import Any, Callable

from runtime import protocol
from runtime.rpc import auth

_HDR = struct.Struct(">Q")
DEFAULT_MAX_FRAME = 128 << 20  # Spark's spark.rpc.message.maxSize default (128 MiB)
UNLIMITED = 1 << 40


class FrameError(Exception):
    """A malformed frame: oversized, truncated or not a plain-data dict."""


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"forbidden global {module}.{name} in a daemon message")


def loads_plain(data: bytes) -> Any:
    """Unpickle plain data only (no globals: nothing can be called)."""
    return _PlainUnpickler(io.BytesIO(data)).load()


def dumps(msg: Any) -> bytes:
    """A frame for ``msg``: a runtime.protocol message (encoded) or an op dict."""
    data = pickle.dumps(protocol.encode(msg), protocol=pickle.HIGHEST_PROTOCOL)
    return _HDR.pack(len(data)) + data


def send_msg(sock: socket.socket, msg: Any) -> None:
    sock.sendall(dumps(msg))


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], min(n - got, 1 << 20))
        if k == 0:
            return None
        got += k
    return bytes(buf)


def recv_msg(sock: socket.socket, max_frame: int = UNLIMITED) -> dict | None:
    """One plain-data message, None on a clean EOF; FrameError on garbage."""
    hdr = _recv_exact(sock, _HDR.size)
    if hdr is None:
        return None
    (n,) = _HDR.unpack(hdr)
    if n > max_frame:
        raise FrameError(f"frame of {n} bytes exceeds the maximum of {max_frame}")
    data = _recv_exact(sock, n)
    if data is None:
        raise FrameError("truncated frame")
    try:
        msg = loads_plain(data)
    except Exception as e:  # noqa: BLE001 - any garbage
        raise FrameError(f"undecodable frame: {type(e).__name__}: {e}") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
        raise FrameError("a frame must be a dict with an 'op' key")
    return msg


def decode(frame: dict) -> Any:
    """The typed message of a received frame (a dict when no message class claims its op);
    FrameError when its fields do not match its class."""
    try:
        return protocol.decode(frame)
    except protocol.ProtocolError as e:
        raise FrameError(str(e)) from None


def recv_message(sock: socket.socket, max_frame: int = UNLIMITED) -> Any:
    """One typed message (see :func:`decode`), None on a clean EOF; FrameError on garbage."""
    frame = recv_msg(sock, max_frame)
    return None if frame is None else decode(frame)


def connect(address: str | tuple[str, int], secret: bytes | None = None,
            timeout: float | None = 10.0) -> socket.socket:
    """A connected (and, with a secret, authenticated) socket; raises OSError/AuthError."""
    if isinstance(address, str):
        host, port = address.rsplit(":", 1)
        address = (host.strip("[]"), int(port))
    sock = socket.create_connection(address, timeout=timeout)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if secret is not None:
            auth.client_handshake(sock, secret)
        sock.settimeout(None)
    except BaseException:
        sock.close()
        raise
    return sock


def request(address: str, msg: Any, secret: bytes | None = None,
            timeout: float = 30.0) -> Any:
    """One request, one (typed) reply, on a fresh connection."""
    sock = connect(address, secret, timeout)
    try:
        sock.settimeout(timeout)
        send_msg(sock, msg)
        reply = recv_message(sock)
        if reply is None:
            raise ConnectionError(f"{address} closed the connection without replying")
        return reply
    finally:
        sock.close()


class Client:
    """Cached request/reply connections, one per address (not thread-safe: one per thread)."""

    def __init__(self, secret: bytes | None = None, timeout: float = 60.0):
        self.secret = secret
        self.timeout = timeout
        self._socks: dict[str, socket.socket] = {}

    def call(self, address: str, msg: Any) -> Any:
        for attempt in (0, 1):  # a cached connection may have gone stale: retry once fresh
            sock = self._socks.get(address)
            fresh = sock is None
            if fresh:
                sock = connect(address, self.secret, self.timeout)
                sock.settimeout(self.timeout)
                self._socks[address] = sock
            try:
                send_msg(sock, msg)
                reply = recv_message(sock)
                if reply is None:
                    raise ConnectionError(f"{address} closed the connection")
                return reply
            except (OSError, FrameError):
                self.drop(address)
                if fresh or attempt:
                    raise
        raise ConnectionError(address)  # unreachable

    def drop(self, address: str) -> None:
        sock = self._socks.pop(address, None)
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    def close(self) -> None:
        for address in list(self._socks):
            self.drop(address)


class Connection:
    """One accepted connection. ``info`` is free for handlers (e.g. "worker_id")."""

    def __init__(self, sock: socket.socket, peer: str):
        self.sock = sock
        self.peer = peer
        self.info: dict[str, Any] = {}
        self.closed = False
        self._lock = threading.Lock()

    def send(self, msg: Any) -> bool:
        data = dumps(msg)
        with self._lock:
            if self.closed:
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                return False

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


Handler = Callable[[Connection, Any], Any]


class FrameServer:
    """Accept connections on ``host:port`` (0 = any free port), one reader thread each."""

    def __init__(self, host: str, port: int, handlers: dict[Any, Handler], *,
                 secret: bytes | None = None, name: str = "rpc",
                 max_frame: int = DEFAULT_MAX_FRAME,
                 on_close: Callable[[Connection], None] | None = None,
                 logger: logging.Logger | None = None):
        self.handlers = protocol.HandlerTable(handlers)
        self.secret = secret
        self.name = name
        self.max_frame = max_frame
        self.on_close = on_close
        self.log = logger or logging.getLogger(name)
        self.connections: set[Connection] = set()
        self._lock = threading.Lock()
        self._stopped = False
        self._sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                                   socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._sock.bind((host, port))
        except OSError:
            self._sock.close()
            raise
        self._sock.listen(128)
        self.host = host
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name=f"{name}-accept",
                                        daemon=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> FrameServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped = True
        try:
            self._sock.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self.connections)
        for c in conns:
            c.close()

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                sock, addr = self._sock.accept()
            except OSError:
                if self._stopped:
                    return
                continue
            peer = "{}:{}".format(*addr[:2])
            threading.Thread(target=self._serve, args=(sock, peer), daemon=True,
                             name=f"{self.name}-conn").start()

    def _serve(self, sock: socket.socket, peer: str) -> None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.secret is not None:
            why = auth.server_handshake(sock, self.secret)
            if why is not None:
                self.log.warning("Refused connection from %s: authentication failed: %s",
                                 peer, why)
                sock.close()
                return
        conn = Connection(sock, peer)
        with self._lock:
            self.connections.add(conn)
        try:
            while not self._stopped:
                try:
                    msg = recv_message(sock, self.max_frame)
                except FrameError as e:
                    self.log.warning("Dropping connection from %s: %s", peer, e)
                    return
                except OSError:
                    return
                if msg is None:
                    return
                op = protocol.op_of(msg)[:40]
                try:
                    reply = self.handlers.dispatch(msg, conn)
                except Exception as e:
                    self.log.warning("Dropping connection from %s: bad %r message: %s: %s",
                                     peer, op, type(e).__name__, e,
                                     exc_info=self.log.isEnabledFor(logging.DEBUG))
                    return
                if reply is protocol.UNHANDLED:
                    self.log.warning("Dropping connection from %s: unknown op %r", peer, op)
                    return
                if reply is not None and not conn.send(reply):
                    return
        finally:
            with self._lock:
                self.connections.discard(conn)
            conn.close()
            if self.on_close is not None:
                try:
                    self.on_close(conn)
                except Exception:
                    self.log.exception("error while closing the connection from %s", peer)
