"""``pyspark.core.broadcast``."""

from sparkcli.shared import Broadcast

__all__ = ["Broadcast"]
