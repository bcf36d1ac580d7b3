"""A gate that the processes a test starts block on until the test opens it: an event, no
sleeping on either side.

Test side::

    with Gate() as gate:
        p = start(app, str(gate.port))
        wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the app")  # at its gate
        ...                                                 # whatever must happen meanwhile
        gate.open()                                         # every waiter, now and later, goes

Process side: an app script includes :data:`PASS_GATE` and calls ``pass_gate(port)``, which
connects to 127.0.0.1:port, says its process id and blocks until the test closes that
connection (``open()``), at most ``timeout`` seconds. Arriving *is* the "ready" signal the test
waits for; ``gate.pids`` tells which processes are held (an executor to kill mid-task).
"""

from __future__ import annotations

import socket
import threading

PASS_GATE = '''
def pass_gate(port, timeout=120):
    """Block until the test opens gate ``port`` (tests/gate.py)."""
    import os, socket
    with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout) as s:
        s.sendall(b"%d\\n" % os.getpid())
        try:
            s.recv(1)
        except ConnectionResetError:  # an open gate closed us before reading our pid
            pass
'''


class Gate:
    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self.arrivals = 0
        self.pids: list[int] = []  # of the processes that said theirs (pass_gate does)
        self._opened = False
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True, name="gate").start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed
                return
            with self._lock:
                self.arrivals += 1
                if self._opened:
                    conn.close()
                    continue
                self._held.append(conn)
            threading.Thread(target=self._read_pid, args=(conn,), daemon=True).start()

    def _read_pid(self, conn: socket.socket) -> None:
        """The arriving process's id, if it says it (a bare connect says nothing)."""
        try:
            conn.settimeout(30)
            line = conn.makefile("rb").readline()
        except OSError:  # opened (closed by us) or the peer went away
            return
        if line.strip().isdigit():
            with self._lock:
                self.pids.append(int(line))

    def open(self) -> None:
        """Let every process at the gate, and every one that arrives later, through."""
        with self._lock:
            self._opened = True
            for conn in self._held:
                conn.close()
            self._held.clear()

    def close(self) -> None:
        self.open()
        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self._server.close()

    def __enter__(self) -> Gate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
