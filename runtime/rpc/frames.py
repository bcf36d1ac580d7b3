"""Length-prefixed frames carrying one pickled dict each.

Frame = 8-byte big-endian length + pickle (protocol 5) of a dict with an ``op`` key. Large
payloads (task results, stage binaries) are already bytes inside the dict, so pickling the
frame costs one copy. ``recv`` returns None on a clean EOF (the peer closed or died).
Authentication (cluster mode) happens before the first frame is unpickled.
"""

from __future__ import annotations

import pickle
import socket
import struct

_HDR = struct.Struct(">Q")


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


def recv(sock: socket.socket) -> dict | None:
    try:
        hdr = _recv_exact(sock, _HDR.size)
        if hdr is None:
            return None
        (n,) = _HDR.unpack(hdr)
        data = _recv_exact(sock, n)
    except (ConnectionResetError, OSError):
        return None
    if data is None:
        return None
    return pickle.loads(data)
