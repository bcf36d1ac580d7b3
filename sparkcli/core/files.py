"""``pyspark.core.files``."""

from sparkcli.files import SparkFiles

__all__ = ["SparkFiles"]
