"""Word counts over the last 15 seconds, every 3 seconds: window() + reduceByKey and
reduceByKeyAndWindow with an inverse function (incremental).

    sparkcli submit examples/streaming/windowed_wordcount.py [<hostname> <port>] [--seconds N]
        [--batch 1] [--window 15] [--slide 3] [--num 3]

It stops after --seconds (default 16; 0 = at Ctrl-C). --window and --slide (seconds) must
be multiples of the batch interval --batch; --num records of each window are printed.
"""

import sys
import tempfile

from network_wordcount import LINES, parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:], seconds=16.0, window=15.0, slide=3.0, num=3)
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "WindowedWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)
    ssc.checkpoint(tempfile.mkdtemp(prefix="windowed-wordcount-"))

    pairs = ssc.socketTextStream(host, port).flatMap(lambda l: l.split(" ")) \
        .map(lambda w: (w, 1))
    # form 1: a window of the stream, then an ordinary reduceByKey
    pairs.window(opts.window, opts.slide).reduceByKey(lambda a, b: a + b).pprint(opts.num)
    # form 2: reduceByKeyAndWindow, adding new batches and subtracting the ones leaving
    pairs.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a - b,
                               opts.window, opts.slide,
                               filterFunc=lambda kv: kv[1] > 0).pprint(opts.num)

    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
