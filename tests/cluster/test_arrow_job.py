"""Issue 11's acceptance, cluster half: the runtime-only two-stage Arrow job
(tests/runtime/arrow_two_stage_job.py) on a standalone master and two workers started here;
its reducers fetch Arrow IPC segments from the other worker's shuffle service."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "runtime"))
from test_arrow_acceptance import run_job

pytestmark = pytest.mark.cluster


def test_two_stage_arrow_job_from_the_runtime_alone_on_a_cluster(make_cluster, tmp_path):
    c = make_cluster(workers=2)
    out = run_job(str(tmp_path), c.url, env=c.env)
    assert out["groups"] > 1000 and len(out["rows"]) == 3
    assert len(out["executors"]) == 2
