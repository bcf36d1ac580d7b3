"""Structured word count: running counts of the words of a TCP text stream, the whole table
printed after every batch (complete mode).

    nc -lk 9999 &
    sparkcli submit examples/structured/structured_wordcount.py localhost 9999 [--seconds N]
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql.functions import explode, split

if __name__ == "__main__":
    args = sys.argv[1:]
    seconds = None
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = float(args[i + 1])
        del args[i:i + 2]
    host, port = (args[0], int(args[1])) if len(args) == 2 else ("localhost", 9999)

    spark = SparkSession.builder.appName("StructuredNetworkWordCount").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    lines = spark.readStream.format("socket").option("host", host).option("port", port).load()
    words = lines.select(explode(split(lines.value, " ")).alias("word"))
    wordCounts = words.groupBy("word").count()

    query = wordCounts.writeStream.outputMode("complete").format("console").start()
    query.awaitTermination(seconds)
    query.stop()
    spark.stop()
