"""sort: sortByKey over "key value" lines; run with a low spark.executor.memory so the shuffle
and the sort spill to disk. One action walks the sorted partitions in order: it counts the
records, checks the order and prints the smallest and largest keys.

    sparkcli submit --master 'local[2]' --conf spark.executor.memory=64m \
        bench/workloads/sort.py KV_FILE
"""

import sys

from pyspark.sql import SparkSession


def summary(records):
    """(count, first key, last key, in order?) of one partition."""
    n, first, last, ordered = 0, None, None, True
    for key, _ in records:
        if n == 0:
            first = key
        elif key < last:
            ordered = False
        last, n = key, n + 1
    yield n, first, last, ordered


if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-sort").getOrCreate()
    sc = spark.sparkContext
    pairs = sc.textFile(sys.argv[1]).map(lambda line: tuple(line.split(" ", 1)))
    parts = [p for p in pairs.sortByKey().mapPartitions(summary).collect() if p[0]]
    ordered = all(p[3] for p in parts) and all(a[2] <= b[1] for a, b in zip(parts, parts[1:]))
    print("RESULT", sum(p[0] for p in parts), parts[0][1], parts[-1][2], ordered)
    spark.stop()
