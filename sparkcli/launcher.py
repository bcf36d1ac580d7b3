"""The ``sparkcli`` console script.

Hash partitioning (reduceByKey, groupByKey...) must agree between executors, so every
executor starts with PYTHONHASHSEED=0; the launcher puts it in the environment that child
processes inherit. The driver itself is not re-executed (that would cost a whole interpreter
start-up per command): it never hash-partitions records itself, ``lookup`` asks an executor
for a key's partition when the driver's own string hashing is salted, and
``portable_hash`` called in such a driver raises PySpark's "Randomness of hash of string
should be disabled via PYTHONHASHSEED" instead of returning a value executors would not
agree with.

For ``submit`` and ``shell`` it also starts the executor zygote before importing anything
else, so executors cost a fork, not an interpreter start, when the application asks (not
with ``--master spark://``: there the workers start the executors).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ["PYTHONHASHSEED"] = "0"
    if (len(sys.argv) > 1 and sys.argv[1] in ("submit", "shell") and not _asks_help(sys.argv)
            and not _on_cluster(sys.argv)):
        # executors will be forked from a pre-imported zygote: start it now, so its
        # imports run while this process is still starting (runtime/executor/zygote_process.py)
        from runtime.scheduler import zygote_client

        zygote_client.start()
    from sparkcli.cli.main import cli

    cli(prog_name="sparkcli")


def _on_cluster(argv: list[str]) -> bool:
    """``--master spark://...`` on the command line: workers start the executors."""
    for i, a in enumerate(argv):
        if a.endswith(".py"):  # the application: what follows is its own arguments
            return False
        if a == "--master" and i + 1 < len(argv):
            return argv[i + 1].startswith("spark://")
        if a.startswith("--master="):
            return a[len("--master="):].startswith("spark://")
    return False


def _asks_help(argv: list[str]) -> bool:
    return any(a in ("-h", "--help", "--version") for a in argv[2:3])
