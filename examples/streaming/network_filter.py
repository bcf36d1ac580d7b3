"""Prints the lines that contain "Scala" from a TCP text stream (the course's filter example).

    sparkcli submit examples/streaming/network_filter.py [<hostname> <port>] [--seconds N]
        [--batch S]
"""

import sys

from network_wordcount import parse_args, start_feeder
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

LINES = ["I like Scala", "Python is fun", "Scala and Spark", "Java too"]

if __name__ == "__main__":
    args, opts = parse_args(sys.argv[1:])
    host, port = (args[0], int(args[1])) if len(args) == 2 else start_feeder(LINES)
    sc = SparkContext("local[2]", "NetworkFilter")
    sc.setLogLevel("WARN")
    ssc = StreamingContext(sc, opts.batch)
    ssc.socketTextStream(host, port).filter(lambda line: "Scala" in line).pprint()
    ssc.start()
    ssc.awaitTermination(opts.seconds or None)
    ssc.stop()
