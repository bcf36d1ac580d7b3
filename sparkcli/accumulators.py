"""``pyspark.accumulators``: Accumulator and AccumulatorParam (``from pyspark.accumulators
import AccumulatorParam`` to write a custom one)."""

from sparkcli.shared import Accumulator, AccumulatorParam, AddingAccumulatorParam

__all__ = ["Accumulator", "AccumulatorParam", "AddingAccumulatorParam"]
