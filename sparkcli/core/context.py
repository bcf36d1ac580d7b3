"""``pyspark.core.context``."""

from sparkcli.context import SparkContext

__all__ = ["SparkContext"]
