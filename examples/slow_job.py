"""A job of a few seconds whose tasks print as they work: watch the console progress bar,
and follow the executors' output from another terminal with ``sparkcli logs --latest -f``.

    sparkcli submit --master 'local[2]' examples/slow_job.py [--tasks 8] [--records 5]
        [--delay 0.2] [--fail]

TASKS tasks (partitions) handle RECORDS records each, sleeping DELAY seconds per record
(8 x 5 x 0.2 s on 2 cores: about 4 s). Each task prints ``task T: record R of N`` to its
executor's stdout as it goes (flushed, so ``sparkcli logs -f`` shows each line at once) and
``task T: done`` to its stderr. The driver prints the sum of the records. With --fail the
last task raises ValueError on its last record: the job fails, the driver prints the
traceback and exits 1, and ``sparkcli logs`` lists the application as FAILED.
"""

import argparse
import sys
import time

from pyspark.sql import SparkSession


def main(argv=None):
    parser = argparse.ArgumentParser(prog="slow_job.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=8, help="number of tasks (8)")
    parser.add_argument("--records", type=int, default=5, help="records per task (5)")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per record (0.2)")
    parser.add_argument("--fail", action="store_true", help="make the last task fail")
    args = parser.parse_args(argv)
    tasks, records, delay, fail = args.tasks, args.records, args.delay, args.fail

    def work(index, values):
        values = list(values)
        for n, value in enumerate(values, 1):
            time.sleep(delay)
            if fail and index == tasks - 1 and n == len(values):
                raise ValueError(f"task {index}: record {n} is bad (--fail)")
            print(f"task {index}: record {n} of {len(values)}", flush=True)
        print(f"task {index}: done", file=sys.stderr, flush=True)
        return values

    spark = SparkSession.builder.appName("SlowJob").getOrCreate()
    try:
        numbers = spark.sparkContext.parallelize(range(tasks * records), tasks)
        total = numbers.mapPartitionsWithIndex(work).sum()
        print(f"{tasks} tasks x {records} records: sum = {total}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
