"""Flights per route: the course's batch example over a folder of CSV files.

Reads every CSV file of a folder with an explicit schema (no inference pass), counts the
flights of each (Origin, Dest) route and prints the busiest routes. The same DataFrame code
becomes the Structured Streaming example (readStream over the folder) later.

    python examples/flights_data.py flights/ --files 4 --rows 2000
    sparkcli submit --master 'local[2]' examples/flights.py flights/
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
    if len(sys.argv) != 2:
        print("Usage: flights.py <folder of CSV files>", file=sys.stderr)
        sys.exit(-1)

    spark = SparkSession.builder.appName("FlightsPerRoute").getOrCreate()
    flights = spark.read.schema(flightsSchema).option("header", "true").csv(sys.argv[1])
    countsPerAirport = flights.groupBy("Origin", "Dest").count()
    countsPerAirport.orderBy(countsPerAirport["count"].desc(), "Origin", "Dest").show(10)
    print(f"{flights.count()} flights on {countsPerAirport.count()} routes")

    spark.stop()
