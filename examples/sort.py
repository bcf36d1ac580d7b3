"""Sort the integers of a file, one per line (Spark's examples/src/main/python/sort.py).

    sparkcli submit --master 'local[2]' examples/sort.py numbers.txt
"""

import sys
from typing import Tuple

from pyspark import RDD
from pyspark.sql import SparkSession

if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("Usage: sort <file>", file=sys.stderr)
        sys.exit(-1)

    spark = SparkSession.builder.appName("PythonSort").getOrCreate()
    lines = spark.read.text(sys.argv[1]).rdd.map(lambda r: r[0])
    sortedCount: RDD[Tuple[int, int]] = (
        lines.flatMap(lambda x: x.split(" ")).map(lambda x: (int(x), 1)).sortByKey()
    )
    output = sortedCount.collect()
    for (num, unitcount) in output:
        print(num)

    spark.stop()
