"""wordcount: textFile -> flatMap(split) -> map((w, 1)) -> reduceByKey(add), then two actions
(count, takeOrdered) that share the one shuffle.

    sparkcli submit --master 'local[2]' bench/workloads/wordcount.py TEXT_FILE
"""

import sys
from operator import add

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-wordcount").getOrCreate()
    sc = spark.sparkContext
    counts = (
        sc.textFile(sys.argv[1])
        .flatMap(lambda line: line.split())
        .map(lambda w: (w, 1))
        .reduceByKey(add)
    )
    distinct = counts.count()
    top = counts.takeOrdered(5, key=lambda kv: -kv[1])
    print("RESULT", distinct, top)
    spark.stop()
