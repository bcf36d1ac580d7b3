"""The history server: completed and incomplete (crashed) applications from a log directory,
their pages and the REST API as Spark's; ``sparkcli history start``/``stop``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request

import pytest
from status_fixtures import LOG, SPARK_ANSWERS, strip

from runtime.eventlog.reader import read_events
from runtime.ui.history import HistoryProvider, routes
from runtime.ui.server import bind
from tests.waiting import wait_for

APP = "local-1796288042100"


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    d = tmp_path_factory.mktemp("spark-events")
    shutil.copy(LOG, d / APP)
    # a crashed application: its log stops in the middle of its second job, no rename
    lines = LOG.read_text().splitlines()
    events = [json.loads(x) for x in lines]
    cut = next(i for i, e in enumerate(events) if e["Event"] == "SparkListenerJobStart"
               and e["Job ID"] == 1)
    crashed = []
    for e in events[:cut + 3]:
        if e["Event"] == "SparkListenerApplicationStart":
            e = {**e, "App ID": "app-crashed", "App Name": "crashed"}
        crashed.append(json.dumps(e))
    (d / "app-crashed.inprogress").write_text("\n".join(crashed) + '\n{"Event":"Spark')
    (d / "unreadable.lz4").write_bytes(b"\x04\x22")
    return d


@pytest.fixture(scope="module")
def server(logs):
    ui = bind("127.0.0.1", 0, "HistoryServerUI", routes(HistoryProvider(str(logs))))
    yield ui
    ui.stop()


def get(server, path):
    with urllib.request.urlopen(server.url + path, timeout=10) as r:
        body = r.read().decode()
        return json.loads(body) if path.startswith("/api/") else body


def test_listing_has_completed_and_incomplete_applications(server):
    apps = {a["id"]: a["attempts"][0] for a in get(server, "/api/v1/applications")}
    assert set(apps) == {APP, "app-crashed"}
    assert apps[APP]["completed"] is True and apps["app-crashed"]["completed"] is False
    assert [a["id"] for a in get(server, "/api/v1/applications?status=running")] == \
        ["app-crashed"]
    page = get(server, "/")
    assert '<span id="completed-count">1</span>' in page
    assert '<span id="incomplete-count">1</span>' in page
    assert f'href="/history/{APP}/jobs/"' in page


@pytest.mark.parametrize("path", ["applications/APP/jobs", "applications/APP/stages",
                                  "applications/APP/stages/1/0/taskSummary",
                                  "applications/APP/environment"])
def test_api_answers_as_sparks_history_server(server, path):
    assert strip(get(server, "/api/v1/" + path.replace("APP", APP))) == \
        strip(SPARK_ANSWERS[path])


def test_application_pages_under_history(server):
    page = get(server, f"/history/{APP}/jobs/")
    assert '<span id="completed-count">3</span>' in page
    assert f'href="/history/{APP}/jobs/job/?id=0"' in page
    assert "Back to history" in page
    stage = get(server, f"/history/{APP}/stages/stage/?id=0&attempt=0")
    assert "Summary Metrics for" in stage
    crashed = get(server, "/history/app-crashed/jobs/")
    assert '<span id="active-count">1</span>' in crashed


def test_changed_logs_are_replayed_again(tmp_path):
    events = list(read_events(str(LOG)))
    path = tmp_path / (APP + ".inprogress")
    end = next(i for i, e in enumerate(events) if e["Event"] == "SparkListenerJobStart"
               and e["Job ID"] == 2)
    path.write_text("".join(json.dumps(e) + "\n" for e in events[:end]))
    provider = HistoryProvider(str(tmp_path))
    assert len(provider.store(APP).jobs()) == 2
    with open(path, "a") as f:
        f.write("".join(json.dumps(e) + "\n" for e in events[end:]))
    os.utime(path, (1, 2_000_000_000))
    assert len(provider.store(APP).jobs()) == 4


@pytest.mark.cluster
def test_history_start_and_stop_as_a_daemon(tmp_path, logs):
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path))
    cmd = [sys.executable, "-m", "sparkcli", "history"]
    started = subprocess.run(cmd + ["start", "--port", "0", "--conf",
                                    f"spark.history.fs.logDirectory={logs}"],
                             env=env, capture_output=True, text=True, timeout=60, check=False)
    try:
        assert started.returncode == 0, started.stderr
        url = re.search(r"HistoryServer web UI at (\S+)", started.stdout).group(1)
        with urllib.request.urlopen(url + "/api/v1/applications", timeout=10) as r:
            assert {a["id"] for a in json.loads(r.read())} == {APP, "app-crashed"}
    finally:
        stopped = subprocess.run(cmd + ["stop"], env=env, capture_output=True, text=True,
                                 timeout=60, check=False)
    assert stopped.returncode == 0, stopped.stderr


def test_cleaner_deletes_expired_logs_then_the_oldest_completed_over_max_num(tmp_path):
    from runtime import config as rconfig
    from runtime.ui.history import start_cleaner

    day = 86_400_000
    now = 100 * day
    ages = {"app-old": 9, "app-mid": 3, "app-new": 1, "app-run.inprogress": 2,
            "app-stale.inprogress": 8}
    for name, age_days in ages.items():
        path = tmp_path / name
        path.write_text("{}\n")
        os.utime(path, ((now - age_days * day) / 1000, (now - age_days * day) / 1000))
    provider = HistoryProvider(str(tmp_path))
    deleted = provider.clean(now, 7 * day)
    assert sorted(os.path.basename(p) for p in deleted) == ["app-old", "app-stale.inprogress"]
    deleted = provider.clean(now, 7 * day, max_num=2)  # the oldest completed one goes
    assert [os.path.basename(p) for p in deleted] == ["app-mid"]
    assert sorted(os.listdir(tmp_path)) == ["app-new", "app-run.inprogress"]

    conf = rconfig.Config()
    assert start_cleaner(provider, conf, threading.Event()) is None  # off by default
    conf.set("spark.history.fs.cleaner.enabled", "true", "submit")
    conf.set("spark.history.fs.cleaner.maxAge", "1h", "submit")
    stopped = threading.Event()
    thread = start_cleaner(provider, conf, stopped)
    try:
        wait_for(lambda: not os.listdir(tmp_path), 10, "the cleaner's first pass")
    finally:
        stopped.set()
        thread.join(10)
    assert not thread.is_alive()
