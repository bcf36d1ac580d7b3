"""The master's and worker's pages on the shared web layer, rendered from their json()
documents (fakes here; tests/cluster runs them on real daemons)."""

from __future__ import annotations

import json
import logging

import pytest

from tests.webget import get

from runtime.deploy.ui import master_routes, start_web_ui, stop_web_ui, worker_routes

LOG = logging.getLogger("test.cluster-ui")


def executor(i, state="RUNNING"):
    return {"id": i, "worker": "worker-1", "webuiaddress": "http://127.0.0.1:8081",
            "cores": 1, "memory": 1024, "state": state, "appid": "app-1", "appname": "<b>x"}


APP = {"id": "app-20261203120000-0000", "starttime": 1_796_000_000_000, "name": "<script>",
       "cores": 2, "user": "ann", "memoryperexecutor": 1024, "memoryperslave": 1024,
       "submitdate": "2026/12/03 12:00:00", "state": "RUNNING", "duration": 90_000,
       "coresmax": None, "driver": "127.0.0.1:40000", "appuiurl": "http://127.0.0.1:4040",
       "executors": [executor(0), executor(1)], "removedexecutors": [executor(2, "KILLED")]}


class FakeMaster:
    def json(self):
        return {"url": "spark://127.0.0.1:7077", "aliveworkers": 1, "cores": 4, "coresused": 2,
                "memory": 4096, "memoryused": 2048, "status": "ALIVE",
                "workers": [{"id": "worker-1", "host": "127.0.0.1", "port": 40001,
                             "webuiaddress": "http://127.0.0.1:8081", "cores": 4,
                             "coresused": 2, "memory": 4096, "memoryused": 2048,
                             "state": "ALIVE"}],
                "activeapps": [APP], "completedapps": [], "activedrivers": [],
                "completeddrivers": [{"id": "driver-1", "starttime": 1_796_000_000_000,
                                      "state": "FINISHED", "cores": 1, "memory": 512,
                                      "worker": "worker-1",
                                      "workerwebui": "http://127.0.0.1:8081",
                                      "mainclass": "app.py"}]}


class FakeWorker:
    def __init__(self, log_path):
        self.log_path = log_path

    def json(self):
        return {"id": "worker-1", "host": "127.0.0.1", "port": 40001,
                "masterurl": "spark://127.0.0.1:7077", "masterwebuiurl": "http://127.0.0.1:8080",
                "cores": 4, "coresused": 1, "memory": 4096, "memoryused": 1024,
                "state": "ALIVE", "executors": [executor(0)], "finishedexecutors": [],
                "drivers": [], "finisheddrivers": []}

    def log_file(self, app_id, exec_id, driver_id, kind):
        ok = app_id == "app-1" and exec_id == "0" and kind in ("stdout", "stderr")
        return str(self.log_path) if ok else None


@pytest.fixture
def master_ui():
    server, url = start_web_ui("127.0.0.1", 0, "Master", master_routes(FakeMaster(), "sparkcli"),
                               LOG, "sparkcli")
    try:
        yield url
    finally:
        stop_web_ui(server)


def test_master_page_app_page_and_json(master_ui):
    status, page = get(master_ui + "/")
    assert status == 200
    for text in ("Spark Master at spark://127.0.0.1:7077", "URL:</strong> spark://127.0.0.1:7077",
                 "Alive Workers:</strong> 1", "Cores in use:</strong> 4 Total, 2 Used",
                 "Memory in use:</strong> 4.0 GiB Total, 2.0 GiB Used", "Status:</strong> ALIVE",
                 "Running Applications (1)", "Completed Drivers (1)", "1.5 min",
                 'href="/static/ui.css"'):
        assert text in page, text
    assert "<script>" not in page and "&lt;script&gt;" in page  # escaped
    assert '<a class="app-ui" href="http://127.0.0.1:4040">&lt;script&gt;</a>' in page
    assert json.loads(get(master_ui + "/json")[1])["activeapps"][0]["id"] == APP["id"]
    status, page = get(f"{master_ui}/app/?appId={APP['id']}")
    assert status == 200 and "Executor Summary (2)" in page and "Removed Executors (1)" in page
    assert ("http://127.0.0.1:8081/logPage/?appId=app-20261203120000-0000&amp;executorId=0"
            "&amp;logType=stdout") in page
    assert '<a id="app-ui" href="http://127.0.0.1:4040">Application Detail UI</a>' in page
    assert get(master_ui + "/app/?appId=nope")[0] == 404
    assert get(master_ui + "/static/ui.css")[0] == 200


def test_worker_page_and_logs(tmp_path):
    log = tmp_path / "stdout"
    log.write_text("hello <from> executor\n" * 3)
    server, url = start_web_ui("127.0.0.1", 0, "Worker",
                               worker_routes(FakeWorker(log), "sparkcli"), LOG, "sparkcli")
    try:
        status, page = get(url + "/")
        assert status == 200 and "Spark Worker at 127.0.0.1:40001" in page
        assert "Running Executors (1)" in page and "Name: &lt;b&gt;x" in page
        assert 'href="http://127.0.0.1:8080"' in page  # back to the master
        raw = get(url + "/logPage/?appId=app-1&executorId=0&logType=stdout&format=raw")
        assert raw == (200, "hello <from> executor\n" * 3)
        status, page = get(url + "/logPage/?appId=app-1&executorId=0&logType=stdout&offset=6"
                                 "&byteLength=6")
        assert "Showing 6 Bytes: 6 - 12 of 66" in page and "&lt;from&gt;" in page
        assert get(url + "/logPage/?appId=../../etc&executorId=0&logType=stdout")[0] == 404
        assert get(url + "/logPage/?appId=app-1&executorId=0&logType=stdout&offset=x")[0] == 400
    finally:
        stop_web_ui(server)


def test_the_master_learns_the_driver_ui_after_registration():
    """An application registers before its UI is bound; ``app_ui`` fills the link in, and a
    re-registration (master restart) carries it."""
    from runtime.deploy.master_json import master_json
    from runtime.deploy.master_state import MasterState
    from runtime.protocol.deploy import RegisterApplication

    state = MasterState()
    app_id, _ = state.register_app(RegisterApplication("a", driver_address="127.0.0.1:1"), 0)
    assert master_json(state, "spark://m:7077")["activeapps"][0]["appuiurl"] == ""
    state.app_ui(app_id, "http://127.0.0.1:4040")
    assert master_json(state, "spark://m:7077")["activeapps"][0]["appuiurl"] == \
        "http://127.0.0.1:4040"
    state.register_app(RegisterApplication("a", app_id=app_id, reconnect=True,
                                           ui_url="http://127.0.0.1:4041"), 1)
    assert state.apps[app_id].ui_url == "http://127.0.0.1:4041"
