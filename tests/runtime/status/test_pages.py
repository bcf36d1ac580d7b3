"""The application pages, rendered from the replayed PySpark log and from synthetic events:
the numbers a reader looks for are on the page, application text is escaped, static assets
come from the package."""

from __future__ import annotations

import html
import urllib.error
import urllib.request

import pytest
from status_fixtures import replay

from runtime.status.store import AppStatusStore
from runtime.ui import formatting as fmt
from runtime.ui import pages
from runtime.ui.server import bind


def serve(store):
    routes = pages.static_routes() + pages.page_routes(lambda m: store)
    return bind("127.0.0.1", 0, "SparkUI", routes)


@pytest.fixture(scope="module")
def ui():
    server = serve(replay())
    yield server
    server.stop()


def get(ui, path):
    with urllib.request.urlopen(ui.url + path, timeout=10) as r:
        return r.status, html.unescape(r.read().decode())


def test_root_redirects_to_jobs(ui):
    status, body = get(ui, "/")
    assert status == 200 and "Spark Jobs" in body


def test_jobs_page(ui):
    _, body = get(ui, "/jobs/")
    assert '<span id="completed-count">3</span>' in body
    assert '<span id="failed-count">1</span>' in body
    assert "count at /tmp/ui-fixture/app.py:12" in body
    assert "my described job" in body and "sum at /tmp/ui-fixture/app.py:14" in body
    assert "3/3 (4 skipped)" in body  # job 1's tasks: 3 run, 4 skipped
    assert 'class="timeline"' in body and body.count('class="tl-job"') == 4
    assert "Scheduling Mode:</strong> FIFO" in body


def test_job_page_has_stages_and_dag(ui):
    _, body = get(ui, "/jobs/job/?id=1")
    assert "Details for Job 1" in body and 'id="skipped-stages"' in body
    assert 'class="dag"' in body and "PythonRDD [5]" in body
    assert urllib_status(ui, "/jobs/job/?id=42") == 404


def test_stages_page(ui):
    _, body = get(ui, "/stages/")
    assert '<span id="completed-count">4</span>' in body
    assert '<span id="skipped-count">1</span>' in body
    assert '<span id="failed-count">1</span>' in body
    assert "906.0 B" in body  # stage 0's shuffle write, stage 1's shuffle read
    assert "ZeroDivisionError" in body or "PYTHON_EXCEPTION" in body


def test_stage_page_summary_metrics(ui):
    _, body = get(ui, "/stages/stage/?id=1&attempt=0")
    assert '<span id="completed-tasks">3</span>' in body
    # durations 117, 507, 507 ms at min/25th/median/75th/max
    assert "<tr><td>Duration</td><td>0.1 s</td><td>0.1 s</td><td>0.5 s</td><td>0.5 s</td>" \
           "<td>0.5 s</td></tr>" in body
    assert '<span id="shuffle-read">906.0 B / 12</span>' in body
    assert body.count('class="task-row') == 3
    assert "PythonRDD [5]" in body


def test_environment_and_executors(ui):
    _, body = get(ui, "/environment/")
    assert "spark.my.secret.token" in body and "hunter2" not in body
    assert "*********(redacted)" in body
    _, body = get(ui, "/executors/")
    assert 'data-executor="driver"' in body and "192.0.2.2:33601" in body
    assert '<td class="complete">13</td>' in body


def test_static_assets_ship_in_the_package(ui):
    for name, kind in (("ui.css", "text/css"), ("ui.js", "javascript")):
        with urllib.request.urlopen(f"{ui.url}/static/{name}") as r:
            assert kind in r.headers["Content-Type"] and r.read()
    assert urllib_status(ui, "/static/..%2Fpages.py") == 404


def urllib_status(ui, path):
    try:
        return get(ui, path)[0]
    except urllib.error.HTTPError as e:
        return e.code


def test_application_text_is_escaped_and_storage_shows_cached_rdds():
    store = AppStatusStore()
    store.post({"Event": "SparkListenerApplicationStart", "App Name": "<script>x</script>",
                "App ID": "app-1", "Timestamp": 1000, "User": "u"})
    level = {"Use Disk": False, "Use Memory": True, "Deserialized": True, "Replication": 1}
    rdd = {"RDD ID": 7, "Name": "<b>cached</b>", "Storage Level": level,
           "Number of Partitions": 4, "Parent IDs": []}
    store.post({"Event": "SparkListenerStageSubmitted", "Stage Info": {
        "Stage ID": 0, "Stage Attempt ID": 0, "Stage Name": "x", "Number of Tasks": 4,
        "RDD Info": [rdd], "Submission Time": 1000}})
    for p in range(2):
        store.post({"Event": "SparkListenerBlockUpdated", "Block Updated Info": {
            "Block Manager ID": {"Executor ID": "1", "Host": "h", "Port": 1},
            "Block ID": f"rdd_7_{p}", "Storage Level": level, "Memory Size": 3000,
            "Disk Size": 0}})
    server = serve(store)
    try:
        with urllib.request.urlopen(server.url + "/storage/") as r:
            raw = r.read().decode()
        assert "<script>x</script>" not in raw and "&lt;script&gt;" in raw
        assert "<b>cached</b>" not in raw
        body = html.unescape(raw)
        assert '<td class="cached-partitions">2</td>' in body and "50%" in body
        assert "5.9 KiB" in body and "Memory Deserialized 1x Replicated" in body
    finally:
        server.stop()


@pytest.mark.parametrize(("ms", "text"), [(57, "57 ms"), (500, "0.5 s"), (9072, "9 s"),
                                          (72000, "1.2 min"), (900000, "15 min"),
                                          (7200000, "2.0 h")])
def test_durations_print_as_spark(ms, text):
    assert fmt.duration(ms) == text


@pytest.mark.parametrize(("n", "text"), [(906, "906.0 B"), (1500, "1500.0 B"),
                                         (2048, "2.0 KiB"), (3 << 30, "3.0 GiB")])
def test_sizes_print_as_spark(n, text):
    assert fmt.size(n) == text


def test_stage_task_table_pages_through_many_tasks():
    from test_status_store import stage_info, task_info

    store = AppStatusStore()
    store.post({"Event": "SparkListenerApplicationStart", "App Name": "paging",
                "App ID": "app-p", "Timestamp": 1, "User": "u"})
    store.post({"Event": "SparkListenerStageSubmitted",
                "Stage Info": stage_info(0, 1500, submitted=1)})
    for i in range(1500):
        store.post({"Event": "SparkListenerTaskStart", "Stage ID": 0, "Stage Attempt ID": 0,
                    "Task Info": task_info(i, i, 10)})
    server = serve(store)
    try:
        _, page = get(server, "/stages/stage/?id=0&attempt=0")
        assert 'id="task-total">1500<' in page and page.count('class="task-row') == 100
        assert "Showing 1 to 100 of 1500 tasks" in page
        _, page = get(server, "/stages/stage/?id=0&attempt=0&task.page=15&task.pageSize=100")
        assert "Showing 1401 to 1500 of 1500 tasks" in page
        assert '<strong class="current-page">15</strong>' in page
        _, page = get(server, "/stages/stage/?id=0&attempt=0&task.page=2&task.pageSize=1000")
        assert "Showing 1001 to 1500 of 1500 tasks" in page
        assert page.count('class="task-row') == 500
        _, page = get(server, "/stages/stage/?id=0&attempt=0&task.pageSize=5000")
        assert page.count('class="task-row') == 1000  # one page never exceeds 1000 rows
    finally:
        server.stop()
