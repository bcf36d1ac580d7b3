"""One contract, every backend: the RDD tests of test_rdd_basic.py and test_rdd_actions.py
run again here against local[2] (executor processes) and the synchronous in-process backend
(``spark.sparkcli.inProcess``: tasks run in this process, on the scheduler's thread).

The test functions are imported, so pytest collects them in this module, where the ``sc``
fixture below is parametrised over the backends.
"""

from __future__ import annotations

import os

import pytest

from test_rdd_actions import *  # noqa: F403 -- the contract: collected again here
from test_rdd_basic import *  # noqa: F403

BACKENDS = {"local[2]": {}, "in-process": {"spark.sparkcli.inProcess": "true"}}


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def sc(request, tmp_path_factory):
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    conf = SparkConf()
    for k, v in BACKENDS[request.param].items():
        conf.set(k, v)
    context = SparkContext("local[2]", "contract", conf=conf)
    try:
        yield context
    finally:
        context.stop()
        mp.undo()


def test_in_process_tasks_run_in_this_process(sc):
    pids = set(sc.parallelize(range(4), 4).map(lambda _: os.getpid()).collect())
    if sc.getConf().get("spark.sparkcli.inProcess") == "true":
        assert pids == {os.getpid()}
        assert sc._launcher.alive() == ["driver"]
    else:
        assert os.getpid() not in pids
