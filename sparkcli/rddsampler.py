"""``pyspark.rddsampler``."""

from sparkcli.rdd_actions import RDDRangeSampler, RDDSampler, RDDSamplerBase, RDDStratifiedSampler

__all__ = ["RDDRangeSampler", "RDDSampler", "RDDSamplerBase", "RDDStratifiedSampler"]
