"""The driver UI: events posted while the application runs show on its pages and API at once,
go to the event log, and the stopped application's log replays to the same answers."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path

from status_fixtures import LOG

from runtime.eventlog.reader import list_logs, read_events, replay
from runtime.status.store import AppStatusStore
from runtime.ui.driver import DriverUI

APP_EVENTS = {"SparkListenerLogStart", "SparkListenerApplicationStart",
              "SparkListenerApplicationEnd", "SparkListenerEnvironmentUpdate"}


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def make_ui(tmp_path, **props):
    props = {"spark.app.name": "live", "spark.ui.port": "0", "spark.eventLog.enabled": "true",
             "spark.eventLog.dir": str(tmp_path / "events"), "spark.db.password": "hunter2",
             **props}
    sources = {k: "from code (SparkConf/builder)" for k in props}
    return DriverUI("app-20261203091500-0000", "live", props, sources, str(tmp_path), "0.1.0",
                    logger=logging.getLogger("test.SparkUI"))


def test_live_events_show_at_once_and_the_log_replays_the_same(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="test.SparkUI"):
        ui = make_ui(tmp_path)
        ui.start()
        url = ui.url
    assert url is not None and url.startswith("http://127.0.0.1:")
    assert f"Bound SparkUI to 127.0.0.1, and started at {url}" in caplog.text
    try:
        base = f"{url}/api/v1/applications/app-20261203091500-0000"
        [app] = get_json(f"{url}/api/v1/applications")
        assert app["name"] == "live" and app["attempts"][0]["completed"] is False
        for event in read_events(str(LOG)):
            if event["Event"] not in APP_EVENTS:
                ui.post(event)
        assert [j["jobId"] for j in get_json(f"{base}/jobs")] == [3, 2, 1, 0]
        props = dict(get_json(f"{base}/environment")["sparkProperties"])
        assert props["spark.db.password"] == "*********(redacted)"
        with urllib.request.urlopen(f"{url}/environment/") as r:
            page = r.read().decode()
        assert "from code (SparkConf/builder)" in page and "hunter2" not in page
        live_stages = get_json(f"{base}/stages")
    finally:
        ui.stop(0)
    [info] = list_logs(str(tmp_path / "events"))
    assert info.completed
    assert "hunter2" not in Path(info.path).read_text()
    store = replay(info.path, AppStatusStore(live=False))
    assert store.stages() == live_stages
    assert store.application()["attempts"][0]["completed"] is True


def test_disabled_ui_has_no_url_but_still_keeps_status(tmp_path):
    ui = make_ui(tmp_path, **{"spark.ui.enabled": "false", "spark.eventLog.enabled": "false"})
    ui.start()
    assert ui.url is None
    assert ui.store.application()["name"] == "live"
    ui.stop()
    assert not (tmp_path / "events").exists()


class Event:
    """A bus event: the handle posts its to_json()."""

    def __init__(self, payload):
        self.payload = payload

    def to_json(self):
        return self.payload


def handle_for(tmp_path, **props):
    from runtime import config as rconfig
    from runtime.ui.launch import start_driver_ui

    conf = rconfig.Config({"code": {"spark.app.name": "h", "spark.ui.port": "0", **props}})
    return start_driver_ui("app-h", "h", conf, str(tmp_path), "0.1.0", 1000)


def test_a_short_application_never_starts_its_ui(tmp_path):
    handle = handle_for(tmp_path)
    handle.onJobStart(Event({"Event": "SparkListenerJobStart", "Job ID": 0,
                             "Submission Time": 1, "Stage Infos": []}))
    handle.stop(0)
    handle._thread.join(5)
    assert handle._ui is None and handle.url is None


def test_events_before_the_start_arrive_in_order_with_the_sources(tmp_path):
    handle = handle_for(tmp_path, **{"spark.eventLog.enabled": "true"})
    handle.onApplicationStart(Event({"Event": "SparkListenerApplicationStart",
                                     "App Name": "h", "App ID": "app-h", "Timestamp": 1000,
                                     "User": "u"}))
    handle.onEnvironmentUpdate(Event({"Event": "SparkListenerEnvironmentUpdate",
                                      "Spark Properties": {"spark.app.name": "h"}}))
    for j in range(3):
        handle.onJobStart(Event({"Event": "SparkListenerJobStart", "Job ID": j,
                                 "Submission Time": 2, "Stage Infos": []}))
    url = handle.url  # asking for it starts the UI at once
    assert url is not None
    assert [j["jobId"] for j in get_json(f"{url}/api/v1/applications/app-h/jobs")] == [2, 1, 0]
    assert handle.ui.store.property_sources() == {"spark.app.name": "from code "
                                                                    "(SparkConf/builder)"}
    handle.stop(0)
    [info] = list_logs(str(tmp_path / "spark-events"))
    assert info.completed


def test_executor_log_links_serve_the_work_dir(tmp_path):
    app_dir = tmp_path / "work" / "app-1"
    (app_dir / "1").mkdir(parents=True)
    (app_dir / "1" / "stdout").write_text("hello from executor 1\n")
    props = {"spark.app.name": "logs", "spark.ui.port": "0", "spark.eventLog.enabled": "true",
             "spark.eventLog.dir": str(tmp_path / "events")}
    ui = DriverUI("app-1", "logs", props, {}, str(tmp_path), "0.1.0", app_dir=str(app_dir),
                  logger=logging.getLogger("test.SparkUI"))
    ui.start(background=False)
    try:
        ui.post({"Event": "SparkListenerExecutorAdded", "Timestamp": 5, "Executor ID": "1",
                 "Executor Info": {"Host": "127.0.0.1", "Total Cores": 1, "Log Urls": {}}})
        [ex] = [e for e in get_json(f"{ui.url}/api/v1/applications/app-1/executors")
                if e["id"] == "1"]
        assert ex["executorLogs"]["stdout"] == "/logPage/?executorId=1&logType=stdout"
        with urllib.request.urlopen(ui.url + ex["executorLogs"]["stdout"]) as r:
            assert r.read().decode() == "hello from executor 1\n"
        with urllib.request.urlopen(ui.url + "/executors/") as r:
            assert 'href="/logPage/?executorId=1&amp;logType=stderr"' in r.read().decode()
        for bad in ("/logPage/?executorId=..&logType=stdout",
                    "/logPage/?executorId=1&logType=passwd", "/logPage/?executorId=2"):
            try:
                urllib.request.urlopen(ui.url + bad)
                raise AssertionError(bad)
            except urllib.error.HTTPError as e:
                assert e.code == 404
    finally:
        ui.stop(0)
    [info] = list_logs(str(tmp_path / "events"))
    assert "/logPage" not in Path(info.path).read_text()
