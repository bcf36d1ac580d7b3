"""pyspark.resultiterable: the values of a grouped key."""

from sparkcli.rdd_pairs import ResultIterable

__all__ = ["ResultIterable"]
