"""The course's Structured Streaming filter: the lines that contain "Scala" from a TCP text
stream, printed by the console sink every 5 seconds.

    nc -lk 9999 &
    sparkcli submit examples/structured/socket_filter.py localhost 9999 \\
        [--trigger "5 seconds"] [--seconds N]
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql.functions import col

if __name__ == "__main__":
    args = sys.argv[1:]
    trigger, seconds = "5 seconds", None
    if "--trigger" in args:
        i = args.index("--trigger")
        trigger = args[i + 1]
        del args[i:i + 2]
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    host, port = (args[0], int(args[1])) if len(args) == 2 else ("localhost", 9999)

    spark = SparkSession.builder.appName("SocketFilter").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    lines = spark.readStream.format("socket") \
        .option("host", host) \
        .option("port", port) \
        .load()

    filtered = lines.filter(col("value").contains("Scala"))

    query = filtered.writeStream \
        .trigger(processingTime=trigger) \
        .outputMode("append") \
        .format("console") \
        .start()

    query.awaitTermination(seconds)
    query.stop()
    spark.stop()
