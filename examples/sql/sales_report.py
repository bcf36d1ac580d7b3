"""A Spark SQL application: a sales report over two CSV files, in SQL.

Temp views over the CSV files, a join (sales and stores), an aggregate per region and month,
a window function (each store's best product) and a Python UDF registered for SQL
(``price_band``). Runs unchanged with ``sparkcli submit`` and with Spark's ``spark-submit``.

    sparkcli submit examples/sql/sales_report.py [DATA_DIR]

DATA_DIR holds sales.csv and stores.csv (default: examples/data next to this file).
"""

import sys
from pathlib import Path

from pyspark.sql import SparkSession

data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "data"

spark = SparkSession.builder.appName("sales-report").getOrCreate()

spark.read.csv(str(data / "sales.csv"), header=True,
               schema="order_id INT, order_date DATE, store STRING, product STRING, "
                      "qty INT, unit_price DECIMAL(10,2)").createOrReplaceTempView("sales")
spark.read.csv(str(data / "stores.csv"), header=True,
               schema="store STRING, city STRING, region STRING").createOrReplaceTempView("stores")


def price_band(price):
    if price is None:
        return None
    return "premium" if price >= 500 else "standard" if price >= 100 else "budget"


spark.udf.register("price_band", price_band, "string")

print("Revenue per region and month")
spark.sql("""
    SELECT st.region, date_format(s.order_date, 'yyyy-MM') AS month,
           count(*) AS orders, sum(s.qty * s.unit_price) AS revenue
    FROM sales s JOIN stores st ON s.store = st.store
    GROUP BY st.region, date_format(s.order_date, 'yyyy-MM')
    ORDER BY region, month
""").show()

print("Best product of each store")
spark.sql("""
    SELECT store, product, revenue FROM (
        SELECT store, product, sum(qty * unit_price) AS revenue,
               rank() OVER (PARTITION BY store ORDER BY sum(qty * unit_price) DESC) AS r
        FROM sales GROUP BY store, product)
    WHERE r = 1
    ORDER BY store
""").show()

print("Units per price band")
spark.sql("""
    SELECT price_band(unit_price) AS band, sum(qty) AS units
    FROM sales GROUP BY price_band(unit_price) ORDER BY units DESC
""").show()

spark.stop()
