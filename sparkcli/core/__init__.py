"""``pyspark.core``: PySpark 4's home of the classic API (context, rdd, broadcast, files, status).

The classes live in sparkcli's own modules; these modules give them PySpark 4's import paths
(``from pyspark.core.rdd import RDD``), the same objects as ``pyspark.RDD``.
"""
