"""A local TCP text server for the tests of socket sources (DStreams and Structured
Streaming): bound to 127.0.0.1 port 0, it sends its lines to each client that connects."""

from __future__ import annotations

import socket
import threading


class LineServer:
    """A local TCP server (port 0) that sends ``lines`` to each client that connects."""

    def __init__(self, lines, close=False):
        self.lines = lines
        self.close_after = close
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.clients = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.clients.append(conn)
            conn.sendall("".join(line + "\n" for line in self.lines).encode())
            if self.close_after:
                conn.close()

    def close(self):
        self.sock.close()
        for c in self.clients:
            c.close()
