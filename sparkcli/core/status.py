"""``pyspark.core.status``."""

from sparkcli.status import SparkJobInfo, SparkStageInfo, StatusTracker

__all__ = ["SparkJobInfo", "SparkStageInfo", "StatusTracker"]
