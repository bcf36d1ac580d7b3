"""The driver side of the executor zygote: asking for an executor does not wait for the fork
(the zygote may still be pre-importing pyarrow and the SQL engine while the driver imports its
own), and the process handle resolves once the zygote reports it."""

from __future__ import annotations

import os

from runtime.scheduler import zygote_client

# a preload module that blocks the zygote until the test opens the gate (a FIFO)
GATED = """
with open({fifo!r}) as f:
    f.read()
"""


def gated_zygote(tmp_path):
    """A new zygote (not one an in-process submit test left running) blocked in its preloads
    until the FIFO it returns is opened for writing."""
    zygote_client.shutdown()
    fifo = tmp_path / "gate"
    os.mkfifo(fifo)
    (tmp_path / "gated_preload.py").write_text(GATED.format(fifo=str(fifo)))
    zygote = zygote_client.start(preload=["gated_preload"], extra_paths=[str(tmp_path)])
    assert zygote is not None
    return zygote, fifo


def test_spawn_returns_before_the_zygote_is_ready(tmp_path):
    zygote, fifo = gated_zygote(tmp_path)
    try:
        # bad executor arguments: the forked child reports them and exits with code 1
        proc = zygote.spawn(["--bogus"], {}, str(tmp_path), str(tmp_path / "out"),
                            str(tmp_path / "err"), timeout=60)
        assert proc is not None
        assert proc.pid is None and proc.poll() is None  # asked, not forked: still pre-importing
        with open(fifo, "w") as gate:  # the zygote finishes its preloads, then forks
            gate.write("go")
        assert proc.wait(timeout=60) == 1
        assert isinstance(proc.pid, int)
        assert "expected --name value pairs" in (tmp_path / "err").read_text()
    finally:
        zygote_client.shutdown()


def test_an_executor_the_zygote_never_forks_exits_with_never_started(tmp_path):
    zygote, _ = gated_zygote(tmp_path)
    try:
        proc = zygote.spawn(["--bogus"], {}, str(tmp_path), str(tmp_path / "out"),
                            str(tmp_path / "err"), timeout=0)  # past its deadline at once
        assert proc.wait(timeout=60) == zygote_client.NEVER_STARTED
        assert proc.pid is None
        zygote.proc.wait(timeout=60)  # a zygote that did not fork in time is killed
        assert zygote_client.current() is None
    finally:
        zygote_client.shutdown()
