"""The course's flights folder as a stream: every CSV file dropped into the folder updates
the flight counts per route, kept in the memory sink "countsPerAirport" and queried with SQL
while the query runs.

    python examples/flights_data.py flights/ --files 4 --rows 2000
    sparkcli submit examples/structured/flights_streaming.py flights/ [--seconds N]
"""

import sys

from pyspark.sql import SparkSession
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
    folder = sys.argv[1]
    spark = SparkSession.builder.appName("FlightsStreaming").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")

    flights = spark.readStream.schema(flightsSchema) \
        .option("maxFilesPerTrigger", 1) \
        .option("header", "true") \
        .csv(folder)

    countsPerAirport = flights.groupBy("Origin", "Dest").count()

    query = countsPerAirport.writeStream \
        .queryName("countsPerAirport") \
        .format("memory") \
        .outputMode("complete") \
        .start()

    query.processAllAvailable()  # every file there now, one per batch
    spark.sql("select * from countsPerAirport order by count desc, Origin, Dest").show(5)
    total = spark.sql("select sum(count) as flights from countsPerAirport").first()[0]
    print(f"{total} flights in {query.lastProgress['batchId'] + 1} batches")
    query.stop()
    spark.stop()
