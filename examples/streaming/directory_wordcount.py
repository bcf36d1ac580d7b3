"""Counts words in the new text files of a directory (PySpark's hdfs_wordcount.py).

    sparkcli submit examples/streaming/directory_wordcount.py [<directory>] [--seconds N]
        [--batch S]

Only files that appear after the start are read, each once. Write a file elsewhere and
move it in (mv is atomic). Without a directory, a built-in feeder drops a file every batch
interval (--batch, default 1 s) into a temporary one.
"""

import os
import sys
import tempfile
import threading
import time

from network_wordcount import parse_args
from pyspark import SparkContext
from pyspark.streaming import StreamingContext


def start_file_feeder(directory, interval=1.0):
    staging = tempfile.mkdtemp(prefix="staging-")

    def feed():
        n = 0
        while True:
            time.sleep(interval)
            tmp = os.path.join(staging, f"part-{n}.txt")
            with open(tmp, "w") as f:
                f.write("spark streaming reads new files\nfile %d\n" % n)
            os.replace(tmp, os.path.join(directory, f"part-{n}.txt"))  # atomic move
            n += 1

    threading.Thread(target=feed, daemon=True).start()


if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:])
    directory = args[0] if args else tempfile.mkdtemp(prefix="wordcount-in-")
    sc = SparkContext("local[2]", "PythonStreamingDirectoryWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)

    lines = ssc.textFileStream(directory)
    counts = lines.flatMap(lambda line: line.split(" ")) \
        .map(lambda x: (x, 1)) \
        .reduceByKey(lambda a, b: a + b)
    counts.pprint()

    ssc.start()
    if not args:  # files older than the start are not new: feed only now
        start_file_feeder(directory, opts.batch)
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
