"""Issue 11's acceptance, local half: a two-stage job built from runtime/ alone -- lineage
nodes, an ARROW shuffle with the vectorized row-hash partitioner and a map-side combiner,
results collected as Arrow -- with no ``sparkcli`` import in the driver or the executors
(the job is tests/runtime/arrow_two_stage_job.py; the standalone-cluster half is in
tests/cluster/test_arrow_job.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

JOB = os.path.join(os.path.dirname(__file__), "arrow_two_stage_job.py")


def run_job(work: str, master: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, JOB, work, master], capture_output=True, text=True,
                          timeout=240, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("OK ")]
    assert line, proc.stdout + proc.stderr
    return json.loads(line[-1][3:])


def test_two_stage_arrow_job_from_the_runtime_alone_in_local_mode(tmp_path):
    out = run_job(str(tmp_path), "local[2]")
    assert out["groups"] > 1000 and len(out["rows"]) == 3 and min(out["rows"]) > 0
    assert out["executors"] == ["0", "1"]
    assert os.listdir(tmp_path / "local" / "shuffle")  # the map outputs were files
