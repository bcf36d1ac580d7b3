"""df_startup: ``spark.range(10).show()`` as a whole cold process (issue 12's start-up target:
at most 0.4 s under sparkcli; about 9 s under PySpark 4.3): interpreter, session, the first
DataFrame's engine and pyarrow, executors, two small jobs, exit. The script stops nothing
itself, as the issue's measure does (submit stops the context at exit).

sparkcli submit --master 'local[2]' bench/workloads/df_startup.py
"""

import contextlib
import io

from pyspark.sql import SparkSession

if __name__ == "__main__":
    spark = SparkSession.builder.appName("bench-df-startup").getOrCreate()
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        spark.range(10).show()
    print(shown.getvalue(), end="")
    rows = [line.strip("| ") for line in shown.getvalue().splitlines() if line.startswith("|")]
    print("RESULT", " ".join(rows))
