"""The ``sparkcli`` console script.

Hash partitioning (reduceByKey, groupByKey...) must agree between executors, so every
executor starts with PYTHONHASHSEED=0; the launcher puts it in the environment that child
processes inherit. The driver itself is not re-executed (that would cost a whole interpreter
start-up per command): it never hash-partitions records itself, ``lookup`` asks an executor
for a key's partition when the driver's own string hashing is salted, and
``portable_hash`` called in such a driver raises PySpark's "Randomness of hash of string
should be disabled via PYTHONHASHSEED" instead of returning a value executors would not
agree with.
"""

from __future__ import annotations

import os


def main() -> None:
    os.environ["PYTHONHASHSEED"] = "0"
    from sparkcli.cli.main import cli

    cli(prog_name="sparkcli")
