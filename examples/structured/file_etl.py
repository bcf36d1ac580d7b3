"""File-to-file ETL with a checkpoint: the flight CSV files of a folder, cleaned and written
as Parquet partitioned by carrier. Each run processes only the files that arrived since the
last one (the checkpoint remembers them), then stops (trigger availableNow); the sink's
_spark_metadata log makes the output exactly once, even if a run is killed.

    python examples/flights_data.py flights/ --files 3 --rows 2000
    sparkcli submit examples/structured/file_etl.py flights/ flights_parquet/ etl_checkpoint/
"""

import sys

from pyspark.sql import SparkSession
from pyspark.sql.functions import col
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

flightsSchema = StructType([
    StructField("Year", IntegerType(), True),
    StructField("Month", IntegerType(), True),
    StructField("DayofMonth", IntegerType(), True),
    StructField("DepTime", IntegerType(), True),
    StructField("Carrier", StringType(), True),
    StructField("FlightNum", IntegerType(), True),
    StructField("Origin", StringType(), True),
    StructField("Dest", StringType(), True),
    StructField("ArrDelay", IntegerType(), True),
    StructField("Distance", IntegerType(), True),
])

if __name__ == "__main__":
    source, output, checkpoint = sys.argv[1:4]
    spark = SparkSession.builder.appName("FlightsFileETL").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    flights = spark.readStream.schema(flightsSchema) \
        .option("header", "true") \
        .option("maxFilesPerTrigger", 1) \
        .csv(source)

    cleaned = flights \
        .filter(col("ArrDelay").isNotNull()) \
        .select("Year", "Month", "DayofMonth", "Carrier", "FlightNum", "Origin", "Dest",
                "ArrDelay", (col("ArrDelay") > 15).alias("Delayed"))

    query = cleaned.writeStream \
        .format("parquet") \
        .option("path", output) \
        .option("checkpointLocation", checkpoint) \
        .partitionBy("Carrier") \
        .trigger(availableNow=True) \
        .start()
    query.awaitTermination()

    progress = query.recentProgress
    rows = sum(p["numInputRows"] for p in progress)
    print(f"this run: {rows} new rows in {len(progress)} batches")
    out = spark.read.parquet(output)
    print(f"the output holds {out.count()} flights")
    out.groupBy("Carrier").count().orderBy("Carrier").show()
    spark.stop()
