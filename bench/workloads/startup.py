"""startup: hello world, measured as a whole cold process (interpreter, context, executors, stop).

sparkcli submit --master 'local[2]' bench/workloads/startup.py
"""

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-startup").getOrCreate()
    sc = spark.sparkContext
    print("RESULT", sc.parallelize(range(1000), 2).map(lambda x: x * 2).sum())
    spark.stop()
