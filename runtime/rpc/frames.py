"""Length-prefixed frames carrying one pickled dict each.

Frame = 8-byte big-endian length + pickle (protocol 5) of a dict with an ``op`` key. Large
payloads (task results, stage binaries) are already bytes inside the dict, so pickling the
frame costs one copy. ``recv`` returns None on EOF (the peer closed or died) and also on
garbage — a length over ``max_frame`` or bytes that do not unpickle to a dict — so the
caller drops that one connection and nothing else. Authentication (cluster mode) happens
before the first frame is unpickled.
"""

from __future__ import annotations

import pickle
import socket
import struct

_HDR = struct.Struct(">Q")
MAX_FRAME = 4 << 30  # results up to spark.driver.maxResultSize pass; absurd lengths do not


def send(sock: socket.socket, msg: dict) -> None:
    data = pickle.dumps(msg, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HDR.pack(len(data)) + data if len(data) < 65536 else _HDR.pack(len(data)))
    if len(data) >= 65536:
        sock.sendall(data)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            return None
        got += k
    return bytes(buf)


def recv(sock: socket.socket, max_frame: int = MAX_FRAME) -> dict | None:
    try:
        hdr = _recv_exact(sock, _HDR.size)
        if hdr is None:
            return None
        (n,) = _HDR.unpack(hdr)
        if n > max_frame:
            return None
        data = _recv_exact(sock, n)
    except (ConnectionResetError, OSError, MemoryError):
        return None
    if data is None:
        return None
    try:
        msg = pickle.loads(data)
    except Exception:
        return None
    return msg if isinstance(msg, dict) and "op" in msg else None
