"""Word counts over the last 15 seconds, every 3 seconds: window() + reduceByKey and
reduceByKeyAndWindow with an inverse function (incremental).

    sparkcli submit examples/streaming/windowed_wordcount.py [<hostname> <port>] [--seconds N]
"""

import sys
import tempfile

from network_wordcount import LINES, parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

if __name__ == "__main__":
    args, seconds = parse_args(sys.argv[1:])
    seconds = seconds if "--seconds" in sys.argv else 16
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "WindowedWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, 1)
    ssc.checkpoint(tempfile.mkdtemp(prefix="windowed-wordcount-"))

    pairs = ssc.socketTextStream(host, port).flatMap(lambda l: l.split(" ")) \
        .map(lambda w: (w, 1))
    # form 1: a window of the stream, then an ordinary reduceByKey
    pairs.window(15, 3).reduceByKey(lambda a, b: a + b).pprint(3)
    # form 2: reduceByKeyAndWindow, adding new batches and subtracting the ones leaving
    pairs.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a - b, 15, 3,
                               filterFunc=lambda kv: kv[1] > 0).pprint(3)

    ssc.start()
    ssc.awaitTermination(seconds or None)
    ssc.stop()
