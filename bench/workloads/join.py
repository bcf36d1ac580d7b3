"""join: N pairs (i % K, i) generated inside the job, joined with a K-row table, and grouped with
groupByKey; count both.

    sparkcli submit --master 'local[2]' bench/workloads/join.py 5000000 100000
"""

import sys

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-join").getOrCreate()
    sc = spark.sparkContext
    n, k = int(sys.argv[1]), int(sys.argv[2])
    pairs = sc.range(n).map(lambda i: (i % k, i))
    table = sc.range(k).map(lambda key: (key, key * 2))
    joined = pairs.join(table).count()
    groups = pairs.groupByKey().mapValues(len)
    print("RESULT", joined, groups.count(), groups.values().max())
    spark.stop()
