"""Every program in examples/streaming/ runs as examples/streaming/README.md shows, under
``sparkcli submit --master local[2]``, with small settings (batches of a half or a quarter
second, a few seconds), stops on its own, and prints what its feeder sent.

The socket examples' built-in feeder sends LINES over and over, from the first one on each
connection, so everything counted up to a batch is the first m lines sent, for some m: only
the batch boundaries vary from run to run. ``fed_lines`` reads a pprint block of word counts
(PySpark's format, cut after ``num`` records) back into how many times each line was
counted, checking every printed count against that; ``first_lines(m)`` is what the feeder
sent first. The windowed and stateful counts are checked the same way, the recoverable one
across a SIGKILL, the directory one against the files its feeder left.

The socket examples run until their output shows what the test checks (``run_until``: a
number of batches, lines counted, lines leaving a window), not for a fixed time, so a slow
machine only makes them take longer. Each test polls (never sleeps to wait) and reaps what
it starts: every process of a run
(driver, executor zygote, executors) carries the test's SPARKCLI_HOME in its environment,
and ``no_leftovers`` fails a test that leaves one behind. A new example without a
``test_<name>`` here fails ``test_every_streaming_example_is_checked``.
"""

from __future__ import annotations

import ast
import contextlib
import os
import re
import signal
import subprocess
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from waiting import wait_for as poll
from test_examples import EXAMPLES, submit, submit_command

pytestmark = pytest.mark.timeout(120)

STREAMING = EXAMPLES / "streaming"
LINES = ("to be or not to be", "that is the question", "hello spark streaming")  # the feeder's
LINE_WORDS = [Counter(line.split(" ")) for line in LINES]
HEADER = "-" * 43
BATCH = "0.5"  # seconds


def processes_of(home: Path) -> dict[int, str]:
    """pid -> command line of the processes whose environment has SPARKCLI_HOME=home."""
    mark = f"\0SPARKCLI_HOME={home}\0".encode()
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark in b"\0" + (proc / "environ").read_bytes():
                found[int(proc.name)] = (proc / "cmdline").read_text().replace("\0", " ")
        except OSError:  # gone, or not ours
            pass
    return found


@pytest.fixture(autouse=True)
def no_leftovers(tmp_path):
    """Fails a test whose runs leave a process behind (and kills those)."""
    yield
    if not Path("/proc/self/environ").exists():
        return
    try:
        poll(lambda: not processes_of(tmp_path), 15, "the runs' processes to end")
    except AssertionError:
        left = processes_of(tmp_path)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise AssertionError(f"left running: {left}") from None


# -- reading pprint output -----------------------------------------------------------------


def pprint_blocks(out: str) -> list[tuple[datetime, list[str]]]:
    """(batch time, lines printed) of each of PySpark's pprint() blocks that make up ``out``:
    a header (dashes, ``Time: ...``, dashes), the records, "..." if there were more, a blank
    line."""
    blocks = []
    for block in out.split("\n\n")[:-1]:
        lines = block.split("\n")
        assert lines[0] == HEADER and lines[1].startswith("Time: "), out
        assert lines[2] == HEADER, out
        blocks.append((datetime.fromisoformat(lines[1][len("Time: ") :]), lines[3:]))
    assert out.endswith("\n\n") and blocks, out
    return blocks


def assert_every(times: list[datetime], seconds: float) -> None:
    step = timedelta(seconds=seconds)
    assert [b - a for a, b in zip(times, times[1:])] == [step] * (len(times) - 1), times


def fed_lines(records: list[str], base: Counter | None = None, num: int = 10) -> tuple:
    """How many times each of LINES went into a pprint block of (word, count) records, on
    top of ``base`` (an initial state). Fails unless the block shows exactly those counts:
    the first ``num``, then "..." if there are more."""
    base = base or Counter()
    cut = records[-1:] == ["..."]
    shown = dict(ast.literal_eval(r) for r in records[: len(records) - cut])
    assert len(shown) == len(records) - cut, records  # no word twice
    n = []
    for words in LINE_WORDS:
        word = next((w for w in words if w in shown), None)
        assert word or not cut, f"no word of {list(words)} shown: {records}"
        n.append((shown[word] - base[word]) // words[word] if word else 0)
    expected = base + sum(
        (Counter({w: k * c for w, c in words.items()}) for words, k in zip(LINE_WORDS, n)),
        Counter(),
    )
    assert shown == {w: expected[w] for w in shown}, (records, n)
    assert len(shown) == min(num, len(expected)) and cut == (len(expected) > num), records
    return tuple(n)


def first_lines(m: int) -> tuple:
    """How many times each of LINES is among the first ``m`` lines the feeder sends."""
    return tuple(len(range(i, m, len(LINES))) for i in range(len(LINES)))


def add(*counts: tuple) -> tuple:
    return tuple(map(sum, zip(*counts)))


def submit_batches(home: Path, example: str, *args: str) -> list[tuple[datetime, list[str]]]:
    """Runs a streaming example with BATCH-second batches: its pprint blocks, one a batch."""
    blocks = pprint_blocks(submit(home, f"streaming/{example}", *args, "--batch", BATCH).stdout)
    assert_every([t for t, _ in blocks], float(BATCH))
    assert len(blocks) >= 4, blocks
    return blocks


def complete(out: str) -> str:
    """``out`` up to its last complete pprint block ("" before the first one)."""
    return out[: out.rindex("\n\n") + 2] if "\n\n" in out else ""


def run_checked(home: Path, name: str, args: tuple[str, ...], check, what: str):
    """Runs a streaming example until ``check(its complete blocks so far)`` -- which asserts
    what must hold of any prefix of the output and returns a truthy value once the output
    shows everything the test wants -- then stops it (``run_until``); ``check``'s value."""
    out = run_until(home, name, args, lambda out: complete(out) and check(complete(out)), what)
    result = check(complete(out))
    assert result, out
    return result


# -- one test per example ------------------------------------------------------------------


def test_every_streaming_example_is_checked():
    found = sorted(p.stem for p in STREAMING.glob("*.py"))
    assert found, STREAMING
    missing = [name for name in found if f"test_{name}" not in globals()]
    assert not missing, f"add test_<name> to tests/test_streaming_examples.py for {missing}"


def test_network_wordcount(tmp_path):
    """A pprint block per batch with that batch's word counts; added up batch after batch
    they are the counts of the first lines the feeder sent: none lost, none twice."""

    def check(out: str) -> bool:
        blocks = pprint_blocks(out)
        assert_every([t for t, _ in blocks], float(BATCH))
        total = (0, 0, 0)
        for _, records in blocks:
            total = add(total, fed_lines(records))
            assert total == first_lines(sum(total)), total
        return len(blocks) >= 4 and sum(total) >= 10  # the feeder sends 10 lines a second

    run_checked(tmp_path, "run", ("streaming/network_wordcount.py", "--batch", BATCH), check,
                "4 batches and 10 lines counted")


def test_network_filter(tmp_path):
    """Only the lines containing "Scala", all of them, in the order sent."""

    def check(out: str) -> bool:
        blocks = pprint_blocks(out)
        assert_every([t for t, _ in blocks], float(BATCH))
        printed = [line for _, records in blocks for line in records]
        assert printed == (["I like Scala", "Scala and Spark"] * len(printed))[: len(printed)]
        return len(blocks) >= 4 and len(printed) >= 4

    run_checked(tmp_path, "run", ("streaming/network_filter.py", "--batch", BATCH), check,
                "4 batches and 4 lines printed")


def test_stateful_wordcount(tmp_path):
    """The running totals start from the initial ('hello', 1), ('world', 1) and are, batch
    after batch, those plus the counts of the first lines fed: they only grow."""
    initial = Counter(hello=1, world=1)

    def check(out: str) -> bool:
        blocks = pprint_blocks(out)
        assert_every([t for t, _ in blocks], float(BATCH))
        fed = []
        for _, records in blocks:
            n = fed_lines(records, initial)
            assert n == first_lines(sum(n)), records
            fed.append(sum(n))
            assert "('world', 1)" in records, records  # the initial keys come first
        assert fed == sorted(fed), fed
        return len(blocks) >= 4 and fed[-1] >= 10

    run_checked(tmp_path, "run", ("streaming/stateful_wordcount.py", "--batch", BATCH), check,
                "4 batches and a total of 10 lines")


def test_windowed_wordcount(tmp_path):
    """Every window (1 s, sliding by 0.5 s, of 0.25 s batches) prints the same table twice
    (window().reduceByKey and the incremental reduceByKeyAndWindow). A window is the sum of
    its last two slides, so slide k = window k - window k-1 + slide k-2: every slide comes
    out non-negative, and slides 1..k are the first lines the feeder sent."""

    def check(out: str) -> bool:
        blocks = pprint_blocks(out)
        blocks = blocks[: len(blocks) // 2 * 2]  # both tables of each window
        form1, form2 = blocks[0::2], blocks[1::2]
        assert [t for t, _ in form1] == [t for t, _ in form2], out
        assert_every([t for t, _ in form1], 0.5)
        windows, slides, fed = [], [], (0, 0, 0)
        for (_, records), (_, again) in zip(form1, form2):
            assert sorted(records) == sorted(again), (records, again)
            windows.append(fed_lines(records, num=20))
        for k, window in enumerate(windows):
            previous = windows[k - 1] if k else (0, 0, 0)
            leaving = slides[k - 2] if k >= 2 else (0, 0, 0)
            slides.append(tuple(w - p + s for w, p, s in zip(window, previous, leaving)))
            fed = add(*slides)
            assert min(slides[-1]) >= 0 and fed == first_lines(sum(fed)), (windows, slides)
        return len(windows) >= 4 and sum(windows[-1]) < sum(fed)  # lines left the window

    run_checked(tmp_path, "run", ("streaming/windowed_wordcount.py", "--batch", "0.25",
                                  "--window", "1", "--slide", "0.5", "--num", "20"),
                check, "4 windows, and lines leaving the window")


def test_directory_wordcount(tmp_path):
    """The feeder drops part-N.txt ("spark streaming reads new files", "file N") into a new
    directory under TMPDIR, one a batch: each batch counts the words of the files that
    arrived in it, every file once, in order, all but those newer than the last batch."""
    blocks = submit_batches(tmp_path, "directory_wordcount.py", "--seconds", "2.5")
    (inbox,) = tmp_path.glob("wordcount-in-*")
    dropped = {int(p.stem.split("-")[1]): p for p in inbox.glob("part-*.txt")}
    counted = []
    for _, records in blocks:
        counts = dict(ast.literal_eval(r) for r in records)
        assert len(counts) == len(records), records  # all shown, no word twice
        files = sorted(int(w) for w in counts if w.isdigit())
        text = "".join(dropped[n].read_text() for n in files)
        assert counts == Counter(w for line in text.splitlines() for w in line.split(" "))
        counted += files
    assert counted == list(range(len(counted))) and len(counted) >= 2, blocks
    last = blocks[-1][0] - timedelta(seconds=0.1)
    older = [n for n, p in dropped.items() if datetime.fromtimestamp(p.stat().st_mtime) < last]
    assert sorted(older) == counted[: len(older)], (older, counted)


def run_until(home: Path, name: str, args: tuple[str, ...], done, what: str) -> str:
    """Runs the example (for at most 60 s) until ``done(its stdout so far)``, then SIGKILLs it;
    returns that stdout. Fails if it exits first."""
    cmd, env = submit_command(home, *args, "--seconds", "60")
    out_path, err_path = home / f"{name}.out", home / f"{name}.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=out, stderr=err)
    try:
        poll(lambda: proc.poll() is not None or done(out_path.read_text()), 60, what)
        assert proc.poll() is None, err_path.read_text()
    finally:
        proc.kill()  # SIGKILL
        proc.wait()
    assert "Traceback" not in err_path.read_text(), err_path.read_text()
    return out_path.read_text()


def test_recoverable_wordcount(tmp_path):
    """The first run is SIGKILLed after 5 batches; run again on the same checkpoint
    directory it says "Recovered", and its totals are, batch after batch, the newest totals
    the first run saved plus the counts of the first lines of the new run's feeder. Totals
    are saved every 2 batches: those of the 2nd, 4th ... batch (the first batch is one batch
    interval after zero time), so the lines of a 5th batch printed before the kill are lost,
    as without a write-ahead log in Spark."""
    cp = tmp_path / "checkpoint"
    args = ("streaming/recoverable_wordcount.py", str(cp), "--batch", BATCH)
    first = run_until(tmp_path, "first", args, lambda out: out.count("\n\n") >= 5,
                      "5 batches of the first run")
    assert first.startswith("Creating new context\n"), first
    blocks = pprint_blocks(first[len("Creating new context\n") : first.rindex("\n\n") + 2])
    assert_every([t for t, _ in blocks], float(BATCH))
    totals = [fed_lines(records, num=20) for _, records in blocks]
    assert all(n == first_lines(sum(n)) for n in totals), totals
    last_saved = len(totals) // 2 * 2 - 1  # the newest even batch (counting from 1)
    saved = totals[last_saved]
    assert sum(saved) > 0, totals

    recovered = f"Recovered from checkpoint {cp}\n"

    def new_lines(out: str) -> list[int]:
        """Lines of the new run's feeder counted in each complete batch after recovery."""
        if not out.startswith(recovered) or "\n\n" not in out:
            return []
        again = pprint_blocks(out[len(recovered) : out.rindex("\n\n") + 2])
        return [sum(fed_lines(r, num=20)) - sum(saved) for _, r in again]

    # under load recovery can take seconds: run until 5 new lines are counted, not for a time
    second = run_until(tmp_path, "second", args, lambda out: max(new_lines(out), default=0) >= 5,
                       "5 new lines counted after recovery")
    assert second.startswith(recovered), second
    again = pprint_blocks(second[len(recovered) : second.rindex("\n\n") + 2])
    assert_every([t for t, _ in again], float(BATCH))
    assert again[0][0] > blocks[last_saved][0], (again[0][0], blocks)
    fed = []
    for _, records in again:
        new = tuple(a - b for a, b in zip(fed_lines(records, num=20), saved))
        assert new == first_lines(sum(new)), (records, totals)
        fed.append(sum(new))
    assert fed == sorted(fed) and fed[-1] >= 5, fed


TRENDING = re.compile(
    r"^Trending hashtags at \S+ \S+ \(last 1 s: (\d+) tweets\)\n((?: .*\n)*)", re.MULTILINE
)
TRENDING_ROW = re.compile(r"^ +(\d+)  (#\w+) +(\d+)$", re.MULTILINE)


def trending_windows(out: str) -> list[tuple[int, list[tuple[int, str, int]]]]:
    """(tweets in the window, [(rank, hashtag, count)]) per plain-text dashboard."""
    return [
        (int(m.group(1)), [(int(r), t, int(n)) for r, t, n in TRENDING_ROW.findall(m.group(2))])
        for m in TRENDING.finditer(out)
    ]


def test_trending_hashtags(tmp_path):
    """Piped, the dashboard prints one table per window. The feeder's first trend (#spark in
    60% of the tweets, #bigdata in 30%) leads the first full window in proportion; later
    phases (#worldcup, then #python ...) take over in the feeder's order. The tweets are
    seeded, so only the window boundaries vary from run to run: with seed 42 every run of 60
    or more consecutive tweets among the first 1,000 is led by the main tag of a phase it
    overlaps, and those starting in the first 100 and ending before tweet 220 rank #spark
    (44-63%) then #bigdata (23-40%) above a tail of at most 14%."""
    proc = submit(
        tmp_path,
        "streaming/trending_hashtags.py",
        *("--batch", "0.2", "--window", "1", "--slide", "0.2", "--top", "5"),
        *("--rate", "200", "--phase", "1", "--batches", "20", "--seconds", "60"),
    )
    windows = trending_windows(proc.stdout)
    assert len(windows) == 20, proc.stdout
    for tweets, rows in windows:
        assert [rank for rank, _, _ in rows] == list(range(1, len(rows) + 1)), proc.stdout
        counts = [n for _, _, n in rows]
        assert counts == sorted(counts, reverse=True), proc.stdout
        assert all(0 < n <= tweets for n in counts), proc.stdout  # a tag at most once a tweet
    full = [(tweets, rows) for tweets, rows in windows if tweets >= 60]
    assert full, proc.stdout
    tweets, rows = full[0]
    assert [tag for _, tag, _ in rows[:2]] == ["#spark", "#bigdata"], proc.stdout
    assert 0.4 <= rows[0][2] / tweets <= 0.8, proc.stdout
    assert 0.15 <= rows[1][2] / tweets <= 0.45, proc.stdout
    assert all(n / tweets <= 0.2 for _, _, n in rows[2:]), proc.stdout  # the long tail
    leaders = list(dict.fromkeys(rows[0][1] for _, rows in full))  # in order of first lead
    assert len(leaders) >= 2, proc.stdout
    assert leaders == ["#spark", "#worldcup", "#python", "#eclipse"][: len(leaders)], proc.stdout


def example_module(name: str):
    """examples/streaming/<name>.py imported (not run) with the pyspark alias on."""
    import importlib.util
    import sys

    from sparkcli import compat

    installed = compat.is_installed()
    compat.install()
    sys.path.insert(0, str(STREAMING))
    try:
        spec = importlib.util.spec_from_file_location(f"example_{name}", STREAMING / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(STREAMING))
        sys.modules.pop("network_wordcount", None)
        if not installed:
            compat.uninstall()
    return module


def test_access_log_analytics(tmp_path):
    """Every window (1 s, sliding by 0.5 s, of 0.25 s batches) prints three blocks: the
    requests (countByWindow), the requests per status (countByValueAndWindow, by status)
    and per country (the join with the static IP table, most first). The feeder sends its
    40 generated lines over and over, so a window of n requests holds n consecutive lines
    of that cycle: the three blocks must agree with one such run of lines."""
    example = example_module("access_log_analytics")
    cycle = [example.parse(line) for line in example.generate_log()]
    assert all(cycle) and len(cycle) == 40

    def counts_of(start: int, n: int) -> tuple[Counter, Counter]:
        run = [cycle[i % len(cycle)] for i in range(start, start + n)]
        return (Counter(r[3] for r in run), Counter(example.COUNTRIES[r[0]] for r in run))

    def check(out: str) -> bool:
        blocks = pprint_blocks(out)
        windows = list(zip(blocks[0::3], blocks[1::3], blocks[2::3]))  # complete windows
        assert_every([t for (t, _), _, _ in windows], 0.5)
        # under load the feeder's first lines may arrive after the first window closed: a
        # window before any data is three empty blocks, as in Spark; the windows after it
        # must all count
        while windows and not any(rows for (_, rows) in windows[0]):
            windows.pop(0)
        sizes = []
        for (t1, total), (t2, statuses), (t3, countries) in windows:
            assert t1 == t2 == t3, out
            (line,) = total
            n = int(re.fullmatch(r"requests in the last 1 s: (\d+)", line).group(1))
            by_status = dict(ast.literal_eval(r) for r in statuses)
            by_country = [ast.literal_eval(r) for r in countries]
            assert list(by_status) == sorted(by_status), statuses
            assert [c for _, c in by_country] == sorted((c for _, c in by_country),
                                                        reverse=True)
            shown = (Counter(by_status), Counter(dict(by_country)))
            assert any(counts_of(a, n) == shown for a in range(len(cycle))), (n, shown)
            sizes.append(n)
        # 50 lines a second: a full window holds about 50
        return len(windows) >= 4 and max(sizes) >= 20

    run_checked(tmp_path, "run", ("streaming/access_log_analytics.py", "--batch", "0.25",
                                  "--window", "1", "--slide", "0.5"),
                check, "4 windows with data, one of 20 requests or more")
