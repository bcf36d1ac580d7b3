"""The smallest application: parallelize, map, sum.

    sparkcli submit --master 'local[2]' examples/hello.py
"""

from pyspark import SparkConf, SparkContext

if __name__ == "__main__":
    sc = SparkContext(conf=SparkConf().setAppName("hello"))
    total = sc.parallelize(range(1000), 2).map(lambda x: x * 2).sum()
    print(f"sum = {total}")
    sc.stop()
