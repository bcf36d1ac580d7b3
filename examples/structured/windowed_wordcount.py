"""Windowed word count over event time with a watermark: words of a TCP text stream, each
stamped with its arrival time (includeTimestamp), counted per sliding window; windows more
than the watermark delay behind the latest event are final and leave the state.

    nc -lk 9999 &
    sparkcli submit examples/structured/windowed_wordcount.py localhost 9999 \\
        [--window "10 seconds"] [--slide "5 seconds"] [--watermark "10 seconds"] [--seconds N]
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql.functions import explode, split, window


def option(args, name, default):
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i:i + 2]
        return value
    return default


if __name__ == "__main__":
    args = sys.argv[1:]
    windowDuration = option(args, "--window", "10 seconds")
    slideDuration = option(args, "--slide", "5 seconds")
    delay = option(args, "--watermark", "10 seconds")
    seconds = option(args, "--seconds", None)
    host, port = (args[0], int(args[1])) if len(args) == 2 else ("localhost", 9999)

    spark = SparkSession.builder.appName("StructuredNetworkWordCountWindowed").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    lines = spark.readStream.format("socket").option("host", host).option("port", port) \
        .option("includeTimestamp", "true").load()
    words = lines.select(explode(split(lines.value, " ")).alias("word"), lines.timestamp)
    windowedCounts = words.withWatermark("timestamp", delay) \
        .groupBy(window(words.timestamp, windowDuration, slideDuration), words.word).count()

    query = windowedCounts.writeStream.outputMode("update").format("console") \
        .option("truncate", "false").start()
    query.awaitTermination(float(seconds) if seconds else None)
    query.stop()
    spark.stop()
