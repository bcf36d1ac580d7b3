"""Two versions: sparkcli's own, and the PySpark API level it implements.

PySpark scripts compare ``spark.version``, ``sc.version`` and ``pyspark.__version__`` with
Spark versions (``if spark.version < "3.4"``), so those report the PySpark API level
sparkcli implements. sparkcli's own release number is what ``sparkcli --version``, the shell
banner and the driver log show (and what pyproject.toml builds).
"""

from __future__ import annotations

SPARKCLI_VERSION = "0.1.0"
PYSPARK_API_VERSION = "4.3.0"

__version__ = PYSPARK_API_VERSION  # pyspark.version.__version__
