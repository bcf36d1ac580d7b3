"""The programs of examples/structured/ run as examples/README.md shows, under
``sparkcli submit --master local[2]``, fed by the test: a text server on 127.0.0.1 (port 0)
that sends its lines to each connection, or CSV files the test writes. Each program stops
on its own after ``--seconds``; the tests read the console sink's ``Batch: N`` tables."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
from test_examples import submit

from tests.line_server import LineServer

pytestmark = pytest.mark.timeout(180)

HEADER = "-" * 43


@pytest.fixture
def server(request):
    servers = []

    def make(lines):
        s = LineServer(lines)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


def batches(out: str) -> list[tuple[int, list[list[str]]]]:
    """(batch id, table rows as cells) of each console sink block in ``out``."""
    found = []
    for m in re.finditer(rf"{HEADER}\nBatch: (\d+)\n{HEADER}\n((?:[+|].*\n)*)", out):
        lines = [ln for ln in m.group(2).splitlines() if ln.startswith("|")]
        rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[1:]]
        found.append((int(m.group(1)), rows))
    return found


def test_socket_filter(tmp_path, server):
    srv = server(["I like Scala", "Python is fun", "Scala and Spark", "Java too"])
    out = submit(tmp_path, "structured/socket_filter.py", "127.0.0.1", str(srv.port),
                 "--trigger", "0.5 seconds", "--seconds", "4").stdout
    got = batches(out)
    assert got and [b for b, _ in got] == list(range(len(got))), out
    assert "|value          |" not in out and "|          value|" in out, out
    assert sorted(r[0] for _, rows in got for r in rows) == ["I like Scala", "Scala and Spark"]


def test_structured_wordcount(tmp_path, server):
    lines = ["to be or not to be", "that is the question"]
    srv = server(lines)
    out = submit(tmp_path, "structured/structured_wordcount.py", "127.0.0.1", str(srv.port),
                 "--seconds", "4").stdout
    got = batches(out)
    assert got, out
    final = {w: int(n) for w, n in got[-1][1]}
    assert final == dict(Counter(" ".join(lines).split(" "))), out


def test_windowed_wordcount(tmp_path, server):
    lines = ["spark streaming spark", "windows of spark"]
    srv = server(lines)
    out = submit(tmp_path, "structured/windowed_wordcount.py", "127.0.0.1", str(srv.port),
                 "--window", "10 seconds", "--slide", "5 seconds", "--seconds", "4").stdout
    got = batches(out)
    assert got, out
    best: dict[str, int] = {}
    windows = set()
    for _, rows in got:
        for win, word, n in rows:
            assert re.fullmatch(r"\{\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \d{4}-\d\d-\d\d "
                                r"\d\d:\d\d:\d\d\}", win), win
            windows.add(win)
            best[word] = max(best.get(word, 0), int(n))
    assert best == dict(Counter(" ".join(lines).split(" "))), out
    assert len(windows) >= 2  # every row falls in two sliding windows


def test_flights_streaming(tmp_path):
    folder = tmp_path / "flights"
    folder.mkdir()
    header = "Year,Month,DayofMonth,DepTime,Carrier,FlightNum,Origin,Dest,ArrDelay,Distance"
    routes = [[("SFO", "LAX")] * 3 + [("JFK", "BOS")], [("SFO", "LAX"), ("ATL", "ORD")],
              [("JFK", "BOS")] * 2]
    for i, rs in enumerate(routes):
        (folder / f"part{i}.csv").write_text(header + "\n" + "".join(
            f"2008,1,1,900,AA,1,{o},{d},5,300\n" for o, d in rs))
    out = submit(tmp_path, "structured/flights_streaming.py", str(folder)).stdout
    assert "+------+----+-----+\n|Origin|Dest|count|\n+------+----+-----+\n" \
           "|   SFO| LAX|    4|\n|   JFK| BOS|    3|\n|   ATL| ORD|    1|\n" in out, out
    assert "8 flights in 3 batches" in out, out


def test_file_etl_processes_each_file_once(tmp_path):
    folder, out, cp = tmp_path / "flights", tmp_path / "flights_parquet", tmp_path / "cp"
    folder.mkdir()
    header = "Year,Month,DayofMonth,DepTime,Carrier,FlightNum,Origin,Dest,ArrDelay,Distance"

    def write(i, carriers_delays):
        (folder / f"part{i}.csv").write_text(header + "\n" + "".join(
            f"2008,1,{i + 1},900,{c},{n},SFO,LAX,{d},300\n"
            for n, (c, d) in enumerate(carriers_delays)))

    write(0, [("AA", 5), ("AA", 30), ("DL", "")])  # a cancelled flight: no ArrDelay
    write(1, [("DL", 20), ("UA", -3)])
    run1 = submit(tmp_path, "structured/file_etl.py", str(folder), str(out), str(cp)).stdout
    assert "this run: 5 new rows in 2 batches\nthe output holds 4 flights\n" in run1, run1
    assert "+-------+-----+\n|Carrier|count|\n+-------+-----+\n|     AA|    2|\n" \
           "|     DL|    1|\n|     UA|    1|\n+-------+-----+\n" in run1, run1
    write(2, [("UA", 40)])
    run2 = submit(tmp_path, "structured/file_etl.py", str(folder), str(out), str(cp)).stdout
    assert "this run: 1 new rows in 1 batches\nthe output holds 5 flights\n" in run2, run2
    assert "|     UA|    2|\n" in run2, run2
    assert sorted(os.listdir(out)) == ["Carrier=AA", "Carrier=DL", "Carrier=UA",
                                       "_spark_metadata"]
