"""The driver UI in a real headless browser (Chromium from the OS packages, driven by Selenium
with the OS's chromium-driver): a running application with a shuffle and a cached RDD; every
tab loads without JavaScript errors and shows the right numbers, the DAG and the timeline
render, and a screenshot of each page is saved in build/ui-screenshots/.

Skipped, saying why, where Chromium, chromium-driver or Selenium is missing (CI installs them:
.ci/run). Marked ``browser``: run with ``pytest -m browser``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from operator import add
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "ui-screenshots"


def _browser_binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    if not chromium or not driver:
        pytest.skip("no headless browser: install Debian's chromium and chromium-driver "
                    "(apt-get install -y chromium chromium-driver)")
    return chromium, driver


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = _browser_binaries()
    webdriver = pytest.importorskip("selenium.webdriver",
                                    reason="Selenium is not installed (pip install selenium)")
    profile = tempfile.mkdtemp(prefix="sparkcli-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=driver_path)
    drv = webdriver.Chrome(options=options, service=service)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    sc = SparkContext(conf=SparkConf().setMaster("local[2]").setAppName("browser-ui")
                      .set("spark.ui.port", "0"))
    try:
        counts = sc.parallelize(range(1000), 4).map(lambda x: (x % 10, 1)) \
            .reduceByKey(add, 3).cache()
        assert counts.count() == 10
        assert min(counts.collect()) == (0, 100)
        url = sc.uiWebUrl
        assert url is not None
        sc._driver.bus.wait_until_empty()
        yield sc, url
    finally:
        sc.stop()
        mp.undo()


def visit(browser, url: str, name: str) -> str:
    browser.get(url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == [], errors
    return browser.page_source


def text(browser, css: str) -> str:
    return browser.find_element("css selector", css).text


def test_every_tab_loads_without_errors_and_shows_the_numbers(browser, app):
    _sc, url = app
    visit(browser, f"{url}/jobs/", "jobs")
    assert text(browser, "#completed-count") == "2"
    rows = browser.find_elements("css selector", "#completed-jobs tr.job-row")
    assert len(rows) == 2
    assert f"count at {__file__}:" in browser.page_source
    assert browser.find_elements("css selector", "svg.timeline rect.tl-job")

    visit(browser, f"{url}/jobs/job/?id=1", "job")
    assert text(browser, "#job-status") == "SUCCEEDED"
    assert text(browser, "#skipped-stages-count") == "1"  # its map stage's output existed
    assert browser.find_elements("css selector", "svg.dag g.stage-cluster")

    visit(browser, f"{url}/stages/", "stages")
    assert text(browser, "#completed-count") == "3"
    assert browser.find_elements("css selector", "#completed-stages td.shuffle-write")

    visit(browser, f"{url}/stages/stage/?id=0&attempt=0", "stage")
    assert text(browser, "#completed-tasks") == "4"
    assert len(browser.find_elements("css selector", "#summary-metrics tbody tr")) == 14
    assert len(browser.find_elements("css selector", "#task-table tr.task-row")) == 4
    assert browser.find_elements("css selector", "svg.dag")

    visit(browser, f"{url}/storage/", "storage")
    assert text(browser, "#rdd-table td.cached-partitions") == "3"

    visit(browser, f"{url}/environment/", "environment")
    props = browser.find_element("css selector", "#spark-properties").text
    assert "spark.app.name browser-ui from code (SparkConf/builder)" in props

    visit(browser, f"{url}/executors/", "executors")
    # 4 + 3 tasks of the first job, 3 of the second (its map stage was skipped)
    assert text(browser, "tr.totals-total td.complete") == "10"


def test_collapsing_and_sorting_run_in_the_browser(browser, app):
    _sc, url = app
    visit(browser, f"{url}/stages/stage/?id=0&attempt=0", "stage-sorted")
    header = browser.find_element("css selector", "#task-table thead th:nth-child(2)")
    header.click()
    header.click()  # descending task ids
    ids = [int(r.find_elements("css selector", "td")[1].text) for r in
           browser.find_elements("css selector", "#task-table tr.task-row")]
    assert ids == sorted(ids, reverse=True)
    browser.find_element("css selector", "h4[data-target='task-table']").click()
    assert "hidden" in browser.find_element("css selector", "#task-table") \
        .get_attribute("class")


def test_streaming_tab_renders_charts_and_batches(browser, app):
    from sparkcli.streaming import StreamingContext
    from sparkcli.streaming.clock import ManualClock
    from tests.streaming.conftest import advance

    sc, url = app
    ssc = StreamingContext(sc, 1)
    ssc._clock = ManualClock()
    try:
        ssc.queueStream([sc.parallelize(range(n), 2) for n in (4, 6)]).count() \
            .foreachRDD(lambda rdd: rdd.collect())
        ssc.start()
        advance(ssc, 2)
        ssc._scheduler.listener_bus.wait_until_empty(10)
        sc._driver.bus.wait_until_empty()
        visit(browser, f"{url}/streaming/", "streaming")
        assert text(browser, "#completed-batches") == "2"
        assert len(browser.find_elements("css selector", "#stat-table tr.stat-row")) == 4
        assert browser.find_elements("css selector", "svg.stream-timeline polyline")
        assert browser.find_elements("css selector", "svg.stream-histogram rect.stream-bin")
        batches = browser.find_elements("css selector", "#completed-batches-table tr.batch-row")
        assert len(batches) == 2
        visit(browser, f"{url}/streaming/batch/?id=2000", "streaming-batch")
        assert browser.find_elements("css selector", "#output-ops tr.op-row")
        assert "Succeeded" in text(browser, "#output-ops")
    finally:
        ssc.stop(stopSparkContext=False)


def test_sql_structured_streaming_and_thread_dump_pages(browser, app):
    from sparkcli.sql import SparkSession
    from sparkcli.sql import functions as F

    sc, url = app
    spark = SparkSession.builder.getOrCreate()
    assert spark.sparkContext is sc
    rows = spark.range(100).filter("id > 10").groupBy((F.col("id") % 5).alias("k")) \
        .count().collect()
    assert sum(r["count"] for r in rows) == 89
    q = (spark.readStream.format("rate").option("rowsPerSecond", 10).load()
         .writeStream.format("memory").queryName("browser_rates").start())
    try:
        q.processAllAvailable()
        sc._driver.bus.wait_until_empty()
        visit(browser, f"{url}/SQL/", "sql")
        assert browser.find_elements("css selector", "#completed-queries tr.sql-row")
        [link] = [a for a in browser.find_elements(
            "css selector", "#completed-queries tr.sql-row a.name-link")
            if a.text.startswith(f"collect at {__file__}:")]
        execution = link.get_attribute("href").rsplit("=", 1)[-1]
        visit(browser, f"{url}/SQL/execution/?id={execution}", "sql-execution")
        assert text(browser, "#sql-status") == "COMPLETED"
        nodes = browser.find_elements("css selector", "svg.plan-graph g.plan-node")
        assert len(nodes) >= 5
        assert "number of output rows: 89" in browser.page_source
        assert browser.find_elements("css selector", "svg.plan-graph line.plan-edge")

        visit(browser, f"{url}/StreamingQuery/", "structured-streaming")
        assert q.runId in text(browser, "#active-queries")
        visit(browser, f"{url}/StreamingQuery/statistics/?id={q.runId}",
              "structured-streaming-query")
        assert len(browser.find_elements("css selector", "#stat-table tr.stat-row")) == 5
        assert browser.find_elements("css selector", "svg.stream-timeline polyline")
    finally:
        q.stop()
    visit(browser, f"{url}/executors/", "executors-thread-dump-links")
    browser.find_element("css selector", "a.thread-dump").click()
    assert "Thread dump for executor" in browser.page_source
    browser.save_screenshot(str(SCREENSHOTS / "thread-dump.png"))
    assert browser.find_elements("css selector", "#thread-table tr.thread-row")
