"""Event log writer and reader: Spark's file names and renames, redaction on disk, replay of
what was written gives Spark's answers, crashed (in-progress, cut) logs, zstd."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from status_fixtures import LOG, SPARK_ANSWERS, strip

from runtime.eventlog.reader import EventLogError, list_logs, read_events, replay
from runtime.eventlog.writer import EventLogWriter, log_name
from runtime.status.store import AppStatusStore

APP = "local-1796288042100"


def fixture_events():
    return list(read_events(str(LOG)))


def write_log(tmp_path, events, **conf):
    conf = {"spark.eventLog.dir": f"file://{tmp_path}", **conf}
    writer = EventLogWriter(APP, conf, home=str(tmp_path), spark_version="4.3.0")
    for e in events:
        if e["Event"] != "SparkListenerLogStart":
            writer.write(e)
    return writer


def test_written_log_is_renamed_on_stop_and_replays_as_spark(tmp_path):
    writer = write_log(tmp_path, fixture_events())
    assert os.path.basename(writer.path) == APP + ".inprogress"
    assert [i.completed for i in list_logs(str(tmp_path))] == [False]
    final = writer.stop()
    assert final == str(tmp_path / APP) and not os.path.exists(writer.path)
    [info] = list_logs(str(tmp_path))
    assert info.completed and info.app_id_hint == APP
    store = replay(final, AppStatusStore(live=False))
    assert strip(store.jobs()) == strip(SPARK_ANSWERS["applications/APP/jobs"])
    assert strip(store.stages()) == strip(SPARK_ANSWERS["applications/APP/stages"])
    first = json.loads(Path(final).read_text().splitlines()[0])
    assert first == {"Event": "SparkListenerLogStart", "Spark Version": "4.3.0"}


def test_secrets_never_reach_the_disk(tmp_path):
    env = {"Event": "SparkListenerEnvironmentUpdate", "JVM Information": {},
           "Spark Properties": {"spark.db.password": "hunter2", "spark.app.name": "x"},
           "System Properties": {"mykey": "hunter3"}}
    job = {"Event": "SparkListenerJobStart", "Job ID": 0, "Submission Time": 1,
           "Stage Infos": [], "Properties": {"spark.some.password": "hunter4"}}
    writer = write_log(tmp_path, [env, job],
                       **{"spark.redaction.regex": "(?i)password|mykey"})
    text = Path(writer.stop()).read_text()
    assert "hunter" not in text
    assert text.count("*********(redacted)") == 3


def test_block_updates_are_left_out_unless_asked(tmp_path):
    update = {"Event": "SparkListenerBlockUpdated", "Block Updated Info": {}}
    plain = write_log(tmp_path / "a", [update])
    assert "BlockUpdated" not in Path(plain.stop()).read_text()
    asked = write_log(tmp_path / "b", [update],
                      **{"spark.eventLog.logBlockUpdates.enabled": "true"})
    assert "BlockUpdated" in Path(asked.stop()).read_text()


def test_default_dir_is_under_home(tmp_path):
    writer = EventLogWriter("app-1", {}, home=str(tmp_path))
    assert writer.stop() == str(tmp_path / "spark-events" / "app-1")
    assert log_name("App 1:x", "1.2") == "app-1-x_1_2"


def test_crashed_application_lists_incomplete_and_replays_up_to_the_cut(tmp_path):
    events = fixture_events()
    writer = write_log(tmp_path, events[:40])
    writer._stream.write(b'{"Event":"SparkListenerTaskEnd","Stage ID":')  # killed mid-line
    writer._stream.flush()
    [info] = list_logs(str(tmp_path))
    assert not info.completed
    store = replay(info.path, AppStatusStore(live=False))
    assert store.application()["attempts"][0]["completed"] is False
    assert store.jobs()  # everything before the cut is there


def test_a_bad_line_in_the_middle_is_an_error_naming_it(tmp_path):
    path = tmp_path / "app-2"
    path.write_text('{"Event":"SparkListenerLogStart"}\nnot json\n{"Event":"X"}\n')
    with pytest.raises(EventLogError, match="app-2:2"):
        list(read_events(str(path)))


def test_zstd_logs_round_trip(tmp_path):
    pytest.importorskip("zstandard", reason="zstd event logs need the zstandard package")
    writer = write_log(tmp_path, fixture_events(), **{"spark.eventLog.compress": "true"})
    final = writer.stop()
    assert final.endswith(APP + ".zstd")
    [info] = list_logs(str(tmp_path))
    assert info.completed and info.app_id_hint == APP
    store = replay(final, AppStatusStore(live=False))
    assert len(store.jobs()) == 4


def test_unreadable_codec_says_so(tmp_path):
    (tmp_path / "app-3.lz4").write_bytes(b"\x04\x22\x4d\x18")
    with pytest.raises(EventLogError, match="lz4"):
        list(read_events(str(tmp_path / "app-3.lz4")))
