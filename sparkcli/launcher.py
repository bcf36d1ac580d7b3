"""The ``sparkcli`` console script: make string hashing deterministic, then run the CLI.

Python salts ``hash(str)`` per process unless PYTHONHASHSEED is set, and hash partitioning
(reduceByKey, groupByKey) must agree between the driver and every executor. If
PYTHONHASHSEED is not "0" we set it and re-execute, as PySpark's launcher does — before any
heavy import. The re-executed interpreter runs with ``-S`` (no site: its .pth hooks cost tens
of milliseconds) and gets this interpreter's whole sys.path through PYTHONPATH instead, so it
imports exactly the same packages; ``exit()``/``quit()``/``help()`` are restored by hand.
"""

from __future__ import annotations

import os
import sys


def _reexec() -> None:
    os.environ["PYTHONHASHSEED"] = "0"
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [here] + [p for p in sys.path if p and os.path.isdir(p)]
    old = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(old + paths))
    os.environ["SPARKCLI_NO_SITE"] = "1"
    os.execv(sys.executable, [sys.executable, "-S", "-m", "sparkcli", *sys.argv[1:]])


def _restore_site_builtins() -> None:
    import site

    site.setquit()
    site.setcopyright()
    site.sethelper()


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        _reexec()
    if os.environ.pop("SPARKCLI_NO_SITE", None):
        _restore_site_builtins()
    from sparkcli.cli.main import cli

    cli(prog_name="sparkcli")
