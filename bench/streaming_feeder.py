"""The data source of bench/workloads/streaming.py: a TCP server that sends timestamped lines.

    python bench/streaming_feeder.py MODE SECONDS [RATE]

Spark's socket receiver is a TCP *client*, so this is the server: it binds 127.0.0.1 port 0,
prints `PORT <n>` on stdout, accepts the receiver's connection and sends text lines to it for
SECONDS seconds, counted from the moment the receiver connected (so that the app's and the
receiver's start-up are not part of the measurement). Each line is

    ts=<send time, time.time() with 6 decimals> w1 w2 w3 w4 w5 w6

with six words from a fixed 1000-word vocabulary. The lines carry the send time so that the app
(on the same machine, same clock) can compute each line's end-to-end latency.

Modes:
- throughput: send as fast as the receiver reads (sendall blocks when the socket buffer is full,
  so the receiver's pace sets the rate). Lines go out in chunks of 500 that share one timestamp
  (the time the chunk was made), which keeps the number of distinct `ts=` words per batch small.
- latency: RATE lines/s (default 1000) at a fixed pace; every line gets its own timestamp, taken
  just before it is sent. TCP_NODELAY is on, so a lone line is not held back by Nagle.

When the time is up it prints `SENT <lines> <first ts> <last ts>` and keeps the connection open
(closing it would make the receiver reconnect) until the client closes it or the parent process
closes this process's stdin or kills it. Standard library only, so PySpark's python can run it.
"""

from __future__ import annotations

import os
import random
import socket
import sys
import threading
import time

CHUNK = 500  # lines per sendall in throughput mode
WORDS_PER_LINE = 6


def vocabulary(n: int = 1000) -> list[str]:
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def tails(n: int = 4096) -> list[str]:
    """Precomputed line bodies (the words after the timestamp), so sending is cheap."""
    rng = random.Random(1)
    vocab = vocabulary()
    return [" ".join(rng.choices(vocab, k=WORDS_PER_LINE)) for _ in range(n)]


def send_throughput(conn: socket.socket, seconds: float) -> tuple[int, float, float]:
    bodies = tails()
    sent, i = 0, 0
    first = time.time()
    deadline = time.monotonic() + seconds
    ts = first
    while time.monotonic() < deadline:
        ts = time.time()
        stamp = f"ts={ts:.6f} "
        chunk = "".join(stamp + bodies[(i + k) % len(bodies)] + "\n" for k in range(CHUNK))
        conn.sendall(chunk.encode())
        sent += CHUNK
        i += CHUNK
    return sent, first, ts


def send_latency(conn: socket.socket, seconds: float, rate: float) -> tuple[int, float, float]:
    bodies = tails()
    sent = 0
    start = time.monotonic()
    first = last = time.time()
    while True:
        now = time.monotonic()
        if now - start >= seconds:
            break
        due = int((now - start) * rate) + 1  # lines that should have gone out by now
        out = []
        while sent < due:
            last = time.time()
            out.append(f"ts={last:.6f} {bodies[sent % len(bodies)]}\n")
            sent += 1
        if out:
            conn.sendall("".join(out).encode())
        time.sleep(max(0.0, start + due / rate - time.monotonic()))
    return sent, first, last


def exit_on_eof() -> None:
    """The parent closing our stdin (or exiting) means: stop, whatever we are doing."""
    sys.stdin.read()
    os._exit(0)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("throughput", "latency"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    mode, seconds = argv[0], float(argv[1])
    rate = float(argv[2]) if len(argv) > 2 else 1000.0
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    print(f"PORT {server.getsockname()[1]}", flush=True)
    threading.Thread(target=exit_on_eof, daemon=True).start()
    conn, _ = server.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        if mode == "throughput":
            sent, first, last = send_throughput(conn, seconds)
        else:
            sent, first, last = send_latency(conn, seconds, rate)
    except OSError as e:  # the receiver went away
        print(f"ERROR {e!r}", flush=True)
        return 1
    print(f"SENT {sent} {first:.6f} {last:.6f}", flush=True)
    try:
        while conn.recv(4096):  # the receiver never writes: this waits for it to close
            pass
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
