"""cached: the same filter/count, ITER times, over a cached RDD of N elements.

sparkcli submit --master 'local[2]' bench/workloads/cached.py 5000000 20
"""

import sys

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-cached").getOrCreate()
    sc = spark.sparkContext
    n, iterations = int(sys.argv[1]), int(sys.argv[2])
    data = sc.range(n).map(lambda i: i * 7919 % 10007).cache()
    counts = [data.filter(lambda x: x % 3 == 0).count() for _ in range(iterations)]
    print("RESULT", len(counts), set(counts))
    spark.stop()
