"""The driver UI: events posted while the application runs show on its pages and API at once,
go to the event log, and the stopped application's log replays to the same answers."""

from __future__ import annotations

import json
import logging
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
