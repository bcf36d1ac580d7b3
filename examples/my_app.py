"""The Spark course's first application: build a session, look at its configuration, compute.

    sparkcli submit --master 'local[2]' examples/my_app.py

The master is left to the command line (``--master``): a ``.master(...)`` in code would beat
it, because settings made in code have the highest precedence. Spark resolves every property
from four places, highest first:

    1. code            SparkSession.builder.config(...), SparkConf().set(...)
    2. the command line --conf k=v and the flags (--master, --executor-memory, ...)
    3. a defaults file  conf/spark-defaults.conf (or --properties-file)
    4. built-in defaults

so the same script prints a different configuration under a different conf directory:

    SPARKCLI_CONF_DIR=examples/conf_demo sparkcli submit --master 'local[2]' examples/my_app.py

(see examples/README.md). ``sparkcli submit --verbose`` also prints where each value came from.
The script is plain PySpark and runs unchanged with ``spark-submit``.
"""

from operator import add

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = (
        SparkSession.builder.appName("MyApp")
        .config("spark.executor.memory", "1g")  # a Spark property, set in code
        .config("spark.myapp.owner", "builder")  # a custom key: any spark.* name works
        .getOrCreate()
    )
    sc = spark.sparkContext

    # A runtime (session-level) setting, changeable while the application runs.
    spark.conf.set("spark.sql.shuffle.partitions", "4")

    # The configuration the SparkContext started with, all layers resolved.
    print("SparkContext configuration (sc.getConf().getAll()):")
    for key, value in sorted(sc.getConf().getAll()):
        print(f"  {key} = {value}")
    print(
        "Runtime setting: spark.sql.shuffle.partitions =",
        spark.conf.get("spark.sql.shuffle.partitions"),
    )
    print(f"master = {sc.master}, defaultParallelism = {sc.defaultParallelism}")

    # A tiny RDD computation: the sum of squares, and the numbers 1..100 by last digit.
    numbers = sc.parallelize(range(1, 101))
    print(f"partitions = {numbers.getNumPartitions()}")
    print("sum of squares 1..100 =", numbers.map(lambda x: x * x).reduce(add))
    by_digit = numbers.map(lambda x: (x % 10, 1)).reduceByKey(add).sortByKey().collect()
    print("count by last digit =", by_digit)

    spark.stop()
