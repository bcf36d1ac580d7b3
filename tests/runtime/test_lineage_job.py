"""The engine runs a two-stage job built from runtime.lineage nodes, with no API import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def test_two_stage_job_from_lineage_nodes_on_local_executors(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, HERE]))
    proc = subprocess.run([sys.executable, os.path.join(HERE, "lineage_job.py"),
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["counts"] == [[f"w{k}", len(range(k, 1000, 7))] for k in range(7)]
    assert out["driver_api_modules"] == []
    assert out["executor_api_modules"] == []
    assert out["map_stages"] == ["PipelinedRDD 1"]  # one map stage, named after its node
