"""Web UIs of the master (:8080) and worker (:8081): server-rendered HTML, no external assets.

Pages (all read-only; nothing here changes cluster state):

    master  /                       URL, REST-less summary (alive workers, cores and memory
                                    total/used, applications and drivers running/completed,
                                    status), workers table, running and completed
                                    applications, running and completed drivers
            /json                   the same as JSON (Spark's MasterStateResponse field names;
                                    runtime.deploy.master_json builds it from the MasterState;
                                    every page is rendered from that document)
            /app/?appId=ID          one application: summary + executor table with links to
                                    each executor's stdout/stderr on its worker's UI
    worker  /                       id, master, cores/memory used, running and finished
                                    executors and drivers with log links
            /json                   the same as JSON
            /logPage/?appId=A&executorId=E&logType=stdout|stderr   an executor's log
            /logPage/?driverId=D&logType=stdout|stderr             a driver's log
                                    (&offset=N&byteLength=M as Spark's; plain text with
                                    &format=raw)

:func:`start` binds ``ThreadingHTTPServer``; a busy port moves to the next free one with
Spark's warning ("Service 'MasterUI' could not bind on port 8080. Attempting port 8081.").
A route is ``fn(query: dict) -> (status, content_type, body)``; escaping is done by
:func:`esc` everywhere a value is interpolated. ``product`` (the program name the command
line passes in, :class:`~runtime.deploy.common.Program`) is shown next to "Spark" in every
page's header and sent as the HTTP Server header.
"""

from __future__ import annotations

import html
import json
import logging
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from runtime.deploy.common import format_mb

Route = Callable[[dict], tuple]
MAX_RETRIES = 16  # spark.port.maxRetries

CSS = """
body{font-family:Helvetica,Arial,sans-serif;font-size:14px;margin:0;color:#333}
.nav{background:#f5f5f5;border-bottom:1px solid #ddd;padding:8px 16px;display:flex;gap:12px;
 align-items:center}
.brand{font-weight:bold;color:#e25a1c;font-size:18px}.brand span{color:#333;font-weight:normal}
.content{padding:8px 24px}h3{margin:18px 0 8px}
ul.summary{list-style:none;padding:0;margin:8px 0}ul.summary li{margin:3px 0}
table{border-collapse:collapse;width:100%;margin-bottom:12px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}tr:nth-child(even) td{background:#fafafa}
.ALIVE,.RUNNING,.FINISHED{color:#2a7a2a}.DEAD,.FAILED,.ERROR,.KILLED,.LOST{color:#b02020}
pre{background:#f8f8f8;border:1px solid #ddd;padding:8px;white-space:pre-wrap}
a{color:#0b62a4;text-decoration:none}a:hover{text-decoration:underline}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, product: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body><div class='nav'><span class='brand'>Spark"
            f" <span>{esc(product)}</span></span><span>{esc(title)}</span></div>"
            f"<div class='content'>{body}</div></body></html>")


def table(headers: list[str], rows: list[list[str]], empty: str = "None") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    if not rows:
        return f"<table><tr>{head}</tr><tr><td colspan='{len(headers)}'>{esc(empty)}</td>" \
               "</tr></table>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def mb(value: Any) -> str:
    return format_mb(float(value or 0))


def when(ms: Any) -> str:
    if not ms:
        return ""
    return time.strftime("%Y/%m/%d %H:%M:%S", time.localtime(ms / 1000))


def duration(ms: Any) -> str:
    s = (ms or 0) / 1000
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def state(s: Any) -> str:
    return f"<span class='{esc(s)}'>{esc(s)}</span>"


def link(url: str, text: str) -> str:
    return f"<a href='{esc(url)}'>{esc(text)}</a>"


def log_url(webui: str, app_id: str, exec_id: Any, kind: str) -> str:
    q = urllib.parse.urlencode({"appId": app_id, "executorId": exec_id, "logType": kind})
    return f"{webui}/logPage/?{q}"


# -- master pages ---------------------------------------------------------------------------------
def render_master(j: dict, product: str) -> str:
    alive = j["aliveworkers"]
    summary = (
        "<ul class='summary'>"
        f"<li><strong>URL:</strong> {esc(j['url'])}</li>"
        f"<li><strong>Alive Workers:</strong> {alive}</li>"
        f"<li><strong>Cores in use:</strong> {j['cores']} Total, {j['coresused']} Used</li>"
        f"<li><strong>Memory in use:</strong> {mb(j['memory'])} Total, "
        f"{mb(j['memoryused'])} Used</li>"
        f"<li><strong>Applications:</strong> {len(j['activeapps'])} "
        f"<a href='#running-app'>Running</a>, {len(j['completedapps'])} "
        f"<a href='#completed-app'>Completed</a></li>"
        f"<li><strong>Drivers:</strong> {len(j['activedrivers'])} Running, "
        f"{len(j['completeddrivers'])} Completed</li>"
        f"<li><strong>Status:</strong> {esc(j['status'])}</li></ul>")
    workers = table(
        ["Worker Id", "Address", "State", "Cores", "Memory"],
        [[link(w["webuiaddress"], w["id"]) if w["webuiaddress"] else esc(w["id"]),
          esc(f"{w['host']}:{w['port']}"), state(w["state"]),
          f"{w['cores']} ({w['coresused']} Used)",
          f"{mb(w['memory'])} ({mb(w['memoryused'])} Used)"] for w in j["workers"]])

    def apps(rows: list[dict]) -> str:
        return table(
            ["Application ID", "Name", "Cores", "Memory per Executor", "Submitted Time",
             "User", "State", "Duration"],
            [[link(f"/app/?appId={urllib.parse.quote(a['id'])}", a["id"]), esc(a["name"]),
              str(a["cores"]), mb(a["memoryperexecutor"]), esc(a["submitdate"]),
              esc(a["user"]), state(a["state"]), duration(a["duration"])] for a in rows])

    def drivers(rows: list[dict]) -> str:
        return table(
            ["Submission ID", "Submitted Time", "Worker", "State", "Cores", "Memory",
             "Main Class", "Logs"],
            [[esc(d["id"]), when(d["starttime"]), esc(d["worker"] or ""), state(d["state"]),
              str(d["cores"]), mb(d["memory"]), esc(d["mainclass"]),
              (link(f"{d['workerwebui']}/logPage/?driverId={d['id']}&logType=stdout",
                    "stdout") + " " +
               link(f"{d['workerwebui']}/logPage/?driverId={d['id']}&logType=stderr",
                    "stderr")) if d.get("workerwebui") else ""] for d in rows])

    body = (f"<h3>Spark Master at {esc(j['url'])}</h3>{summary}"
            f"<h3>Workers ({len(j['workers'])})</h3>{workers}"
            f"<h3 id='running-app'>Running Applications ({len(j['activeapps'])})</h3>"
            f"{apps(j['activeapps'])}"
            f"<h3>Running Drivers ({len(j['activedrivers'])})</h3>{drivers(j['activedrivers'])}"
            f"<h3 id='completed-app'>Completed Applications ({len(j['completedapps'])})</h3>"
            f"{apps(j['completedapps'])}"
            f"<h3>Completed Drivers ({len(j['completeddrivers'])})</h3>"
            f"{drivers(j['completeddrivers'])}")
    return page(f"Spark Master at {j['url']}", body, product)


def render_app(a: dict, product: str) -> str:
    summary = (
        "<ul class='summary'>"
        f"<li><strong>ID:</strong> {esc(a['id'])}</li>"
        f"<li><strong>Name:</strong> {esc(a['name'])}</li>"
        f"<li><strong>User:</strong> {esc(a['user'])}</li>"
        f"<li><strong>Cores:</strong> {esc(a['coresmax'] if a['coresmax'] is not None else 'Unlimited')}"
        f" ({a['cores']} Granted)</li>"
        f"<li><strong>Executor Memory:</strong> {mb(a['memoryperexecutor'])}</li>"
        f"<li><strong>Submit Date:</strong> {esc(a['submitdate'])}</li>"
        f"<li><strong>State:</strong> {state(a['state'])}</li>"
        f"<li><strong>Driver:</strong> {esc(a['driver'])}</li></ul>")

    def rows(execs: list[dict]) -> list[list[str]]:
        return [[str(e["id"]), esc(e["worker"]), str(e["cores"]), mb(e["memory"]),
                 state(e["state"]),
                 (link(log_url(e["webuiaddress"], a["id"], e["id"], "stdout"), "stdout") + " "
                  + link(log_url(e["webuiaddress"], a["id"], e["id"], "stderr"), "stderr"))
                 if e["webuiaddress"] else ""] for e in execs]

    headers = ["ExecutorID", "Worker", "Cores", "Memory", "State", "Logs"]
    body = (f"<h3>Application: {esc(a['name'])}</h3>{summary}"
            f"<h3>Executor Summary ({len(a['executors'])})</h3>"
            f"{table(headers, rows(a['executors']))}"
            f"<h3>Removed Executors ({len(a['removedexecutors'])})</h3>"
            f"{table(headers, rows(a['removedexecutors']))}"
            "<p><a href='/'>Back to Master</a></p>")
    return page(f"Application: {a['name']}", body, product)


def master_routes(master: Any, product: str) -> dict[str, Route]:
    def index(q: dict) -> tuple:
        return 200, "text/html", render_master(master.json(), product)

    def as_json(q: dict) -> tuple:
        return 200, "application/json", json.dumps(master.json(), indent=2)

    def app(q: dict) -> tuple:
        j = master.json()
        app_id = q.get("appId", "")
        for a in j["activeapps"] + j["completedapps"]:
            if a["id"] == app_id:
                return 200, "text/html", render_app(a, product)
        return 404, "text/html", page("Not found", f"<p>Unknown application {esc(app_id)}</p>",
                                      product)

    return {"/": index, "/json": as_json, "/app": app}


# -- worker pages ----------------------------------------------------------------------------------
def render_worker(j: dict, product: str) -> str:
    summary = (
        "<ul class='summary'>"
        f"<li><strong>ID:</strong> {esc(j['id'])}</li>"
        f"<li><strong>Master URL:</strong> {esc(j['masterurl'])}</li>"
        f"<li><strong>Cores:</strong> {j['cores']} ({j['coresused']} Used)</li>"
        f"<li><strong>Memory:</strong> {mb(j['memory'])} ({mb(j['memoryused'])} Used)</li>"
        f"<li><strong>State:</strong> {state(j['state'])}</li>"
        + (f"<li><a href='{esc(j['masterwebuiurl'])}'>Back to Master</a></li>"
           if j.get("masterwebuiurl") else "") + "</ul>")

    def execs(rows: list[dict]) -> str:
        return table(
            ["ExecutorID", "State", "Cores", "Memory", "Job Details", "Logs"],
            [[str(e["id"]), state(e["state"]), str(e["cores"]), mb(e["memory"]),
              f"ID: {esc(e['appid'])}<br>Name: {esc(e['appname'])}",
              link(log_url("", e["appid"], e["id"], "stdout"), "stdout") + " " +
              link(log_url("", e["appid"], e["id"], "stderr"), "stderr")] for e in rows])

    def drivers(rows: list[dict]) -> str:
        return table(
            ["Submission ID", "Main Class", "State", "Cores", "Memory", "Logs"],
            [[esc(d["id"]), esc(d["mainclass"]), state(d["state"]), str(d["cores"]),
              mb(d["memory"]),
              link(f"/logPage/?driverId={d['id']}&logType=stdout", "stdout") + " " +
              link(f"/logPage/?driverId={d['id']}&logType=stderr", "stderr")] for d in rows])

    body = (f"<h3>Spark Worker at {esc(j['host'])}:{j['port']}</h3>{summary}"
            f"<h3>Running Executors ({len(j['executors'])})</h3>{execs(j['executors'])}"
            f"<h3>Running Drivers ({len(j['drivers'])})</h3>{drivers(j['drivers'])}"
            f"<h3>Finished Executors ({len(j['finishedexecutors'])})</h3>"
            f"{execs(j['finishedexecutors'])}"
            f"<h3>Finished Drivers ({len(j['finisheddrivers'])})</h3>"
            f"{drivers(j['finisheddrivers'])}")
    return page(f"Spark Worker at {j['host']}:{j['port']}", body, product)


def read_log(path: str, offset: int | None, length: int) -> tuple[str, int, int, int]:
    """(text, start, end, total) of ``path``; the last ``length`` bytes by default."""
    try:
        total = os.path.getsize(path)
    except OSError:
        return "", 0, 0, 0
    start = max(0, total - length) if offset is None else max(0, min(offset, total))
    end = min(total, start + length)
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    return data.decode("utf-8", "replace"), start, end, total


def worker_routes(worker: Any, product: str) -> dict[str, Route]:
    def index(q: dict) -> tuple:
        return 200, "text/html", render_worker(worker.json(), product)

    def as_json(q: dict) -> tuple:
        return 200, "application/json", json.dumps(worker.json(), indent=2)

    def log_page(q: dict) -> tuple:
        kind = q.get("logType", "stderr")
        path = worker.log_file(q.get("appId"), q.get("executorId"), q.get("driverId"), kind)
        if path is None:
            return 404, "text/plain", ("no such log (unknown application, executor or driver, " \
                                      "or logType is not stdout/stderr)\n")
        try:
            offset = int(q["offset"]) if "offset" in q else None
            length = int(q.get("byteLength", 1 << 20))
        except ValueError:
            return 400, "text/plain", "offset and byteLength must be integers\n"
        text, start, end, total = read_log(path, offset, max(0, length))
        if q.get("format") == "raw":
            return 200, "text/plain; charset=utf-8", text
        who = (f"driver {q['driverId']}" if q.get("driverId")
               else f"executor {q.get('executorId')} of {q.get('appId')}")
        body = (f"<h3>{esc(kind)} log page for {esc(who)}</h3>"
                f"<p>Showing {end - start} Bytes: {start} - {end} of {total}</p>"
                f"<pre>{esc(text)}</pre><p><a href='/'>Back to Worker</a></p>")
        return 200, "text/html", page(f"{kind} log page for {who}", body, product)

    return {"/": index, "/json": as_json, "/logPage": log_page, "/log": log_page}


# -- server ------------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}  # noqa: RUF012 - set per server by start()

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        route = self.routes.get(path)
        try:
            if route is None:
                status, ctype, body = 404, "text/plain", "not found\n"
            else:
                status, ctype, body = route(query)
        except Exception as e:  # noqa: BLE001 - a UI bug must not kill the daemon
            status, ctype, body = 500, "text/plain", f"internal error: {type(e).__name__}\n"
        data = body.encode("utf-8")
        self.send_response(status)
        if "charset" not in ctype:
            ctype += "; charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def start(host: str, port: int, name: str, routes: dict[str, Route], logger: logging.Logger,
          product: str) -> ThreadingHTTPServer | None:
    """Serve ``routes`` on ``host:port``, moving to the next ports when busy (port 0 = any);
    ``product`` is the Server header."""
    handler = type(f"{name}Handler", (_Handler,), {"routes": routes, "server_version": product})
    for attempt in range(MAX_RETRIES + 1):
        try_port = port + attempt if port else 0
        try:
            server = ThreadingHTTPServer((host, try_port), handler)
        except OSError:
            if port == 0 or attempt == MAX_RETRIES:
                logger.error("Service '%s' could not bind on a port after %d retries; the "
                             "web UI is disabled", name, attempt)
                return None
            logger.warning("Service '%s' could not bind on port %d. Attempting port %d.",
                           name, try_port, try_port + 1)
            continue
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, name=f"{name}-http",
                         daemon=True).start()
        return server
    return None


def start_web_ui(host: str, port: int, role: str, routes: dict[str, Route],
                 logger: logging.Logger, product: str) -> tuple[Any, str]:
    """Start the ``<role>UI`` web server; returns it and its URL, or (None, "") when no port
    could be bound."""
    server = start(host, port, f"{role}UI", routes, logger, product)
    if server is None:
        return None, ""
    url = f"http://{host}:{server.server_port}"
    logger.info("Bound %sWebUI to %s, and started at %s", role, host, url)
    return server, url


def stop_web_ui(server: Any) -> None:
    if server is not None:
        server.shutdown()
        server.server_close()
