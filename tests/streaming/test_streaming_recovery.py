"""Driver recovery under SIGKILL (issue 6): a stateful word count run with ``sparkcli
submit``, killed at random points (seeded) and restarted through
``StreamingContext.getOrCreate`` five times.

* textFileStream: every file dropped after the first start -- while a driver runs, while
  it is being recovered, while it is dead -- is counted exactly once.
* socket receiver with the write-ahead log: every line the driver logged before a kill is
  counted exactly once after recovery; only lines still in flight (in the socket, or
  received but not yet logged) may be lost. A fast test pins the bug this found: block
  ids repeating across driver runs.

The apps write their running totals atomically to a json file after every batch; the test
polls that file (never sleeping to wait). The random delays before each kill and while the
driver is down come from a seeded ``random.Random`` and are only there to let a random
amount of processing happen.
"""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading

import pytest
from waiting import wait_for

WAL = "spark.streaming.receiver.writeAheadLog.enable"

KILLS = 5

COMMON = '''
import json, os, sys
from pyspark import SparkConf, SparkContext
from pyspark.streaming import StreamingContext

def update(values, state):
    return (state or 0) + sum(values)

def writer(out):
    def write_totals(rdd):
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(dict(rdd.collect()), f)
        os.replace(tmp, out)
    return write_totals
'''

FILE_APP = COMMON + '''
inbox, cp, out = sys.argv[1:4]

def setup():
    ssc = StreamingContext(SparkContext("local[2]", "file-recovery"), 0.5)
    words = ssc.textFileStream(inbox).flatMap(str.split).map(lambda w: (w, 1))
    totals = words.updateStateByKey(update)
    totals.checkpoint(0.5)
    totals.foreachRDD(writer(out))
    return ssc

ssc = StreamingContext.getOrCreate(cp, setup)
ssc.start()
ssc.awaitTermination()
'''

SOCKET_APP = COMMON + '''
port, cp, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]

def setup():
    conf = (SparkConf().setMaster("local[2]").setAppName("socket-recovery")
            .set("spark.streaming.receiver.writeAheadLog.enable", "true")
            .set("spark.streaming.blockInterval", "100ms"))
    ssc = StreamingContext(SparkContext(conf=conf), 0.5)
    ssc.checkpoint(cp)  # the write-ahead log lives under the checkpoint directory
    ids = ssc.socketTextStream("127.0.0.1", port).map(lambda line: (line, 1))
    totals = ids.updateStateByKey(update)
    totals.checkpoint(0.5)
    totals.foreachRDD(writer(out))
    return ssc

ssc = StreamingContext.getOrCreate(cp, setup)
ssc.start()
ssc.awaitTermination()
'''


# -- helpers ------------------------------------------------------------------------------
def _poll(cond, timeout: float, what: str, proc=None):
    """``cond()``'s first truthy value; fails naming ``what`` after ``timeout`` seconds, at once
    if the driver ``proc`` exits meanwhile (with its stderr either way)."""
    def driver_alive_and_cond():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the driver exited ({proc.returncode}) while waiting for "
                                 f"{what}:\n{_stderr(proc)}")
        return cond()

    try:
        return wait_for(driver_alive_and_cond, timeout, what, interval=0.05)
    except AssertionError as e:
        if proc is None or not str(e).startswith("timed out"):
            raise
        raise AssertionError(f"{e}\n{_stderr(proc)}") from None


def _stderr(proc) -> str:
    path = getattr(proc, "stderr_path", None)
    if not path:
        return ""
    with open(path, errors="replace") as f:
        return f.read()[-4000:]


def _read_totals(path) -> dict | None:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _has_checkpoint(cp) -> bool:
    from sparkcli.streaming.checkpoint import checkpoint_files

    return os.path.isdir(cp) and bool(checkpoint_files(str(cp)))


class Driver:
    """Starts ``sparkcli submit app args`` in its own process group; ``kill()`` SIGKILLs
    the group and reaps the driver."""

    def __init__(self, tmp_path, app_text: str, args: list[str]):
        self.tmp_path = tmp_path
        self.app = tmp_path / "app.py"
        self.app.write_text(app_text)
        self.args = [str(a) for a in args]
        self.env = dict(os.environ, PYTHONHASHSEED="0", SPARKCLI_HOME=str(tmp_path))
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> subprocess.Popen:
        self.runs += 1
        err = self.tmp_path / f"driver-{self.runs}.err"
        cmd = [sys.executable, "-m", "sparkcli", "submit", str(self.app), *self.args]
        with open(err, "wb") as f:
            self.proc = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL,
                                         stderr=f, start_new_session=True)
        self.proc.stderr_path = str(err)  # type: ignore[attr-defined]
        return self.proc

    def kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


# -- textFileStream -----------------------------------------------------------------------
class FileFeeder(threading.Thread):
    """Drops files into ``inbox`` continuously (written beside it, then renamed in): each
    file holds a few common words and one word naming the file, so a file counted twice
    or never shows in the totals by name."""

    def __init__(self, tmp_path, inbox, rng: random.Random):
        super().__init__(name="file-feeder", daemon=True)
        self.tmp_path, self.inbox, self.rng = tmp_path, inbox, rng
        self.stop_event = threading.Event()
        self.expected: collections.Counter = collections.Counter()
        self.dropped = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                n = self.dropped
                words = [f"f{n}"] + self.rng.choices("abcde", k=self.rng.randint(1, 6))
                tmp = self.tmp_path / f".drop-{n}"
                tmp.write_text("\n".join(" ".join(words[i:i + 3])
                                         for i in range(0, len(words), 3)) + "\n")
                os.replace(tmp, self.inbox / f"{n}.txt")
                self.expected.update(words)
                self.dropped += 1
                self.stop_event.wait(self.rng.uniform(0.01, 0.12))  # pacing, not waiting
        except BaseException as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def stop(self) -> collections.Counter:
        self.stop_event.set()
        self.join(10)
        assert not self.is_alive() and self.error is None, self.error
        return self.expected


def _no_double_count(totals: dict, expected: collections.Counter) -> None:
    over = {w: (c, expected.get(w, 0)) for w, c in totals.items() if c > expected.get(w, 0)}
    assert not over, f"counted more often than dropped (word: (counted, dropped)): {over}"


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_text_file_stream_survives_sigkill(tmp_path):
    """Five SIGKILLs at random points; files dropped while the driver runs, is being
    recovered or is dead are all counted, none twice."""
    rng = random.Random(6)
    inbox, cp, out = tmp_path / "in", tmp_path / "cp", tmp_path / "totals.json"
    inbox.mkdir()
    driver = Driver(tmp_path, FILE_APP, [inbox, cp, out])
    feeder = FileFeeder(tmp_path, inbox, rng)
    try:
        proc = driver.start()
        # files older than the first start are not new files: feed once the app runs,
        # and kill only after its first checkpoint (before it, a restart is a fresh start)
        _poll(lambda: _read_totals(out) == {}, 60, "the first batch", proc)
        feeder.start()
        _poll(lambda: _has_checkpoint(cp) and _read_totals(out), 30,
              "a checkpoint and a first count", proc)
        def files_counted() -> int:  # each file has one word naming it: f<n>
            return sum(1 for w in _read_totals(out) or {} if w.startswith("f"))

        for _ in range(KILLS):
            # kill after a random amount of processing: 0 more files (during recovery) to 40
            target = files_counted() + rng.randint(0, 40)
            _poll(lambda: files_counted() >= target, 60, f"{target} files counted", proc)
            _no_double_count(_read_totals(out) or {}, feeder.expected)
            driver.kill()
            down = feeder.dropped + rng.randint(0, 20)  # files dropped while the driver is down
            _poll(lambda: feeder.dropped >= down, 30, "files dropped while the driver is down")
            proc = driver.start()
        last = feeder.dropped + rng.randint(5, 30)
        _poll(lambda: feeder.dropped >= last, 30, "files dropped for the last run", proc)
        expected = dict(feeder.stop())
        assert feeder.dropped > 50, feeder.dropped

        def caught_up():
            totals = _read_totals(out)
            if totals is None:
                return False
            _no_double_count(totals, collections.Counter(expected))
            return totals == expected

        try:
            _poll(caught_up, 60, f"the totals over all {feeder.dropped} files", proc)
        except AssertionError:
            totals = _read_totals(out) or {}
            missing = sorted((w for w in expected if totals.get(w) != expected[w]),
                             key=lambda w: (len(w), w))
            raise AssertionError(f"{len(missing)} word(s) wrong after {KILLS} kills, e.g. "
                                 f"{[(w, totals.get(w), expected[w]) for w in missing[:20]]}"
                                 f"\n{_stderr(proc)}") from None
        print(f"{feeder.dropped} files over {driver.runs} runs, all counted once")
    finally:
        feeder.stop_event.set()
        driver.kill()


# -- the newest checkpoint is the latest state --------------------------------------------
GATES = {1000: threading.Event(), 2000: threading.Event()}  # module level: output
# functions are pickled by reference


def hold_batches(t, rdd):
    rdd.count()
    gate = GATES.get(round(t.timestamp() * 1000))
    if gate is not None:
        gate.wait(30)


def test_newest_checkpoint_name_holds_the_latest_state(ssc, tmp_path):
    """Batches generated together (a restart's down time, a slow batch) are checkpointed
    as checkpoint-1000, -2000, -3000 listing [1000, 2000, 3000] as pending; once batch
    1000 completed, recovery (which reads the newest name) must not rerun it: its blocks
    may already be cleaned from the write-ahead log, and rerunning it would then lose
    them (found by the socket test: a block allocated to a rerun batch was gone)."""
    from sparkcli.streaming.checkpoint import checkpoint_files, read_checkpoint

    cp, inbox = str(tmp_path / "cp"), tmp_path / "in"
    inbox.mkdir()
    ssc.checkpoint(cp)
    ssc.textFileStream(str(inbox)).foreachRDD(hold_batches)
    for gate in GATES.values():
        gate.clear()
    ssc.start()
    try:
        ssc._clock.advance(3000)  # batches 1000, 2000, 3000 generated while 1000 runs
        _poll(lambda: [t for t, _ in checkpoint_files(cp)][:1] == [3000], 30,
              "batch 3000 generated")
        assert read_checkpoint(cp).pending_times == [1000, 2000, 3000]
        GATES[1000].set()

        def pending():
            return read_checkpoint(cp).pending_times == [2000, 3000]

        _poll(pending, 15, "a checkpoint without the completed batch 1000")
    finally:
        for gate in GATES.values():
            gate.set()
    assert ssc._scheduler.wait_for_batch(3000)


# -- socket receiver + write-ahead log ----------------------------------------------------
def test_replayed_blocks_keep_their_records_when_block_ids_repeat(ssc, tmp_path):
    """Receivers name blocks input-<stream>-<task id>-<n> and task ids restart at 0 in a
    new driver: a new block named like one replayed from the log must not stand in for
    it (the logged records would be lost and the new ones counted twice)."""
    from sparkcli.streaming.receiver_tracker import ReceiverTracker

    from .test_streaming_sources import CountingReceiver

    sc = ssc.sparkContext
    sc._config.set(WAL, "true")
    try:
        ssc.checkpoint(str(tmp_path / "cp"))
        stream = ssc.receiverStream(CountingReceiver(1))
        sid = stream._id

        def block(records):
            return {"op": "stream_block", "stream_id": sid, "block_id": f"input-{sid}-0-0",
                    "records": records}

        before = ReceiverTracker(ssc, [stream])  # the killed driver
        before._add_block(block(["logged"]))
        before.close()
        after = ReceiverTracker(ssc, [stream])  # the recovered one
        after.recover_from_wal()
        after._add_block(block(["new"]))
        after.allocate(1000)
        assert sorted(after.blocks_of(1000, sid)) == [["logged"], ["new"]]
        after.close()
    finally:
        sc._config.set(WAL, "false")


class LineServer(threading.Thread):
    """A TCP server on 127.0.0.1 (port 0) sending numbered lines, one id once, to the
    newest connection (the receiver of the running driver). Records which ids went out
    on which connection."""

    def __init__(self, rng: random.Random):
        super().__init__(name="line-server", daemon=True)
        self.rng = rng
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.stop_event = threading.Event()
        # (socket, ids sent, ids maybe sent: a send that failed part way)
        self.connections: list[tuple[socket.socket, list[int], list[int]]] = []
        self.next_id = 0
        self.lock = threading.Lock()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                try:
                    conn, _ = self.server.accept()
                    conn.settimeout(2.0)  # a receiver that stopped reading is dead
                    with self.lock:
                        self.connections.append((conn, [], []))
                except TimeoutError:
                    pass
                with self.lock:
                    if not self.connections:
                        continue
                    conn, sent, partial = self.connections[-1]
                    if conn.fileno() < 0:
                        continue
                    batch = list(range(self.next_id, self.next_id + self.rng.randint(1, 8)))
                    self.next_id += len(batch)
                    try:
                        conn.sendall("".join(f"{i}\n" for i in batch).encode())
                    except OSError:  # the driver (receiver) died: its socket is gone
                        partial.extend(batch)
                        conn.close()
                        continue
                    sent.extend(batch)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            self.error = e

    def accepted(self) -> int:
        with self.lock:
            return len(self.connections)

    def newest_connection_closed(self) -> bool:
        """The newest receiver's connection failed a send and was closed (its driver died)."""
        with self.lock:
            return bool(self.connections) and self.connections[-1][0].fileno() < 0

    def last_connection_ids(self, since: int) -> set[int]:
        """Ids sent on the newest connection if it is open and was accepted as number
        ``since`` or later."""
        with self.lock:
            n = len(self.connections)
            if n <= since or self.connections[-1][0].fileno() < 0:
                return set()
            return set(self.connections[-1][1])

    def all_ids(self) -> set[int]:
        with self.lock:
            return {i for _, sent, partial in self.connections for i in sent + partial}

    def stop(self) -> None:
        self.stop_event.set()
        self.join(10)
        assert self.error is None, self.error

    def close(self) -> None:
        self.stop_event.set()
        with self.lock:
            for conn, _, _ in self.connections:
                conn.close()
        self.server.close()


def _logged_ids(cp) -> set[int]:
    """Ids of the blocks the driver logged as received (block metadata log, read back
    with the data log's handles): what recovery must not lose. Run on a dead driver."""
    from sparkcli.streaming.wal import FileWriteAheadLog

    meta_dir = os.path.join(cp, "receivedBlockMetadata")
    if not os.path.isdir(meta_dir):
        return set()
    ids: set[int] = set()
    for event in FileWriteAheadLog(meta_dir).read_all():
        if event[0] == "add" and event[1].handle is not None:
            try:
                ids.update(int(x) for x in FileWriteAheadLog.read(event[1].handle))
            except OSError:  # a segment cleaned after its batches completed
                pass
    return ids


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_socket_receiver_with_wal_survives_sigkill(tmp_path):
    """What is guaranteed with spark.streaming.receiver.writeAheadLog.enable=true (as in
    Spark): a record the driver wrote to the write-ahead log (data, then the block's entry
    in the block metadata log) before it was killed is counted after recovery, exactly
    once. A socket is not a replayable source, so lines still in the socket or in the
    receiver's current block when the driver dies are lost; lines sent on the connection
    of the last run (never killed) all arrive. No id is ever counted twice."""
    rng = random.Random(66)
    cp, out = tmp_path / "cp", tmp_path / "totals.json"
    server = LineServer(rng)
    server.start()
    driver = Driver(tmp_path, SOCKET_APP, [server.port, cp, out])
    must_count: set[int] = set()
    try:
        proc = driver.start()
        _poll(lambda: _has_checkpoint(cp) and len(_read_totals(out) or {}) > 0, 60,
              "a checkpoint and a first count", proc)
        def ids_counted() -> int:
            return len(_read_totals(out) or {})

        for _ in range(KILLS):
            # kill after a random amount of processing: 0 more ids (during recovery) to 150
            target = ids_counted() + rng.randint(0, 150)
            _poll(lambda: ids_counted() >= target, 60, f"{target} ids counted", proc)
            driver.kill()
            before = _read_totals(out) or {}
            assert all(c == 1 for c in before.values()), \
                {i: c for i, c in before.items() if c != 1}
            must_count |= _logged_ids(str(cp))  # (older segments may be cleaned by now)
            counted = {int(i) for i in before}
            assert counted <= must_count, \
                f"counted but never logged: {sorted(counted - must_count)[:20]}"
            if rng.random() < 0.5:  # restart at once, or once the source saw the receiver die
                _poll(server.newest_connection_closed, 30, "the server to see the kill")
            first_new = server.accepted()  # receivers of the killed drivers connected before
            proc = driver.start()
        _poll(lambda: server.last_connection_ids(first_new), 30, "the last run's receiver",
              proc)
        last = rng.randint(40, 180)
        _poll(lambda: len(server.last_connection_ids(first_new)) >= last, 30,
              f"{last} ids sent to the last run", proc)
        server.stop()
        last_run = server.last_connection_ids(first_new)
        assert last_run, "the last run's receiver lost its connection"
        must_count |= last_run
        sent = server.all_ids()

        def caught_up():
            totals = _read_totals(out)
            if totals is None:
                return False
            twice = {i: c for i, c in totals.items() if c != 1}
            assert not twice, f"ids counted more than once: {twice}"
            counted = {int(i) for i in totals}
            assert counted <= sent, f"ids never sent: {sorted(counted - sent)[:20]}"
            return must_count <= counted

        try:
            _poll(caught_up, 60, f"the {len(must_count)} logged or last-run ids", proc)
        except AssertionError as e:
            counted = {int(i) for i in _read_totals(out) or {}}
            missing = sorted(must_count - counted)
            raise AssertionError(f"{len(missing)} of {len(must_count)} ids lost, e.g. "
                                 f"{missing[:30]}: {e}") from None
        assert len(must_count) > 100, len(must_count)
        counted = {int(i) for i in _read_totals(out) or {}}
        print(f"{len(sent)} ids sent over {driver.runs} runs, {len(must_count)} logged or "
              f"sent to the last run, {len(counted)} counted once, "
              f"{len(sent - counted)} lost in flight")
    finally:
        server.close()
        driver.kill()
