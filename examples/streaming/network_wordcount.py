"""Counts words in text received from a TCP socket every second (PySpark's
examples/src/main/python/streaming/network_wordcount.py).

    sparkcli submit examples/streaming/network_wordcount.py [<hostname> <port>] [--seconds N]

Without hostname/port a built-in feeder serves lines on 127.0.0.1 (no `nc -lk` needed);
the example stops after --seconds (default 6; 0 = run until Ctrl-C).
"""

import socket
import sys
import threading
import time

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

LINES = ["to be or not to be", "that is the question", "hello spark streaming"]


def start_feeder(lines, interval=0.1):
    """A tiny `nc -lk`: a local TCP server sending ``lines`` over and over."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve():
        while True:
            conn, _ = server.accept()
            try:
                while True:
                    for line in lines:
                        conn.sendall((line + "\n").encode())
                        time.sleep(interval)
            except OSError:
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return "127.0.0.1", server.getsockname()[1]


def parse_args(argv):
    seconds = 6.0
    if "--seconds" in argv:
        i = argv.index("--seconds")
        seconds = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    return argv, seconds


if __name__ == "__main__":
    args, seconds = parse_args(sys.argv[1:])
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "PythonStreamingNetworkWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, 1)

    lines = ssc.socketTextStream(host, port)
    counts = lines.flatMap(lambda line: line.split(" ")) \
        .map(lambda word: (word, 1)) \
        .reduceByKey(lambda a, b: a + b)
    counts.pprint()

    ssc.start()
    ssc.awaitTermination(seconds or None)
    ssc.stop()
