"""df_wordcount: the DataFrame word count: read.text -> split -> explode -> groupBy -> count
-> orderBy desc -> limit 5.

    sparkcli submit --master 'local[2]' bench/workloads/df_wordcount.py TEXT_FILE
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-df-wordcount").getOrCreate()
    words = spark.read.text(sys.argv[1]).select(
        F.explode(F.split(F.col("value"), r"\s+")).alias("word")).filter(F.col("word") != "")
    top = (words.groupBy("word").count()
           .orderBy(F.col("count").desc(), F.col("word")).limit(5).collect())
    print("RESULT", [(r["word"], r["count"]) for r in top])
    spark.stop()
