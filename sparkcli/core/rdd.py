"""``pyspark.core.rdd``."""

from runtime.lineage.partitioner import Partitioner
from runtime.shuffle.hashing import portable_hash
from sparkcli.rdd import RDD, PipelinedRDD
from sparkcli.rdd_actions import RDDBarrier
from sparkcli.rdd_stats import BoundedFloat

__all__ = ["BoundedFloat", "Partitioner", "PipelinedRDD", "RDD", "RDDBarrier", "portable_hash"]
