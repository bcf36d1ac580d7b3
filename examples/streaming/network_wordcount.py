"""Counts words in text received from a TCP socket every second (PySpark's
examples/src/main/python/streaming/network_wordcount.py).

    sparkcli submit examples/streaming/network_wordcount.py [<hostname> <port>] [--seconds N]
        [--batch S]

Without hostname/port a built-in feeder serves lines on 127.0.0.1 (no `nc -lk` needed);
the example stops after --seconds (default 6; 0 = run until Ctrl-C). --batch is the batch
interval in seconds (default 1).
"""

import socket
import sys
import threading
import time
from types import SimpleNamespace

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

LINES = ["to be or not to be", "that is the question", "hello spark streaming"]


def start_feeder(lines, interval=0.1):
    """A tiny `nc -lk`: a local TCP server sending ``lines`` over and over, one every
    ``interval`` seconds on average (a late line is caught up, not skipped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve():
        while True:
            conn, _ = server.accept()
            due = time.monotonic()
            try:
                while True:
                    for line in lines:
                        conn.sendall((line + "\n").encode())
                        due += interval
                        time.sleep(max(0.0, due - time.monotonic()))
            except OSError:
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return "127.0.0.1", server.getsockname()[1]


def parse_args(argv, **options):
    """Split ``--name value`` options off ``argv``: (the other arguments, the options).
    Every example takes --seconds (default 6) and --batch (1); ``options`` adds more, or
    other defaults (a value is converted to its default's type)."""
    options = {"seconds": 6.0, "batch": 1.0, **options}
    argv = list(argv)
    for name, default in options.items():
        if "--" + name in argv:
            i = argv.index("--" + name)
            options[name] = type(default)(argv[i + 1])
            del argv[i:i + 2]
    return argv, SimpleNamespace(**options)


if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:])
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "PythonStreamingNetworkWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)

    lines = ssc.socketTextStream(host, port)
    counts = lines.flatMap(lambda line: line.split(" ")) \
        .map(lambda word: (word, 1)) \
        .reduceByKey(lambda a, b: a + b)
    counts.pprint()

    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
