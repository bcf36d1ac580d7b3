"""Running word counts across batches with updateStateByKey (PySpark's
stateful_network_wordcount.py).

    sparkcli submit examples/streaming/stateful_wordcount.py [<hostname> <port>] [--seconds N]
        [--batch S]
"""

import sys
import tempfile

from network_wordcount import LINES, parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext


def update_func(new_values, last_sum):
    return sum(new_values) + (last_sum or 0)


if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:])
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "PythonStreamingStatefulNetworkWordCount")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)
    ssc.checkpoint(tempfile.mkdtemp(prefix="stateful-wordcount-"))

    # the state starts with these counts
    initial = sc.parallelize([("hello", 1), ("world", 1)])
    lines = ssc.socketTextStream(host, port)
    running = lines.flatMap(lambda line: line.split(" ")) \
        .map(lambda word: (word, 1)) \
        .updateStateByKey(update_func, initialRDD=initial)
    running.pprint()

    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
