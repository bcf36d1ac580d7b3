"""The standalone cluster's pages: the master's UI (:8080) and each worker's (:8081).

They live on the same web layer as the application UIs (:mod:`runtime.ui.server`, jinja2
templates with autoescaping extending ``cluster_layout.html``, the shared CSS and scripts
under ``/static/``). Every page renders from the daemon's ``json()`` document (Spark's
MasterStateResponse / WorkerStateResponse field names, also served as ``/json``), so a page
and the JSON never disagree. Nothing here changes cluster state.

    master  /                       URL, alive workers, cores and memory total/used,
                                    applications and drivers running/completed, status;
                                    workers, running and completed applications and drivers
            /json                   the same as JSON
            /app/?appId=ID          one application: summary and its executors, with links to
                                    each executor's stdout/stderr on its worker's UI
    worker  /                       id, master, cores/memory used, running and finished
                                    executors and drivers with log links
            /json                   the same as JSON
            /logPage/?appId=A&executorId=E&logType=stdout|stderr   an executor's log
            /logPage/?driverId=D&logType=stdout|stderr             a driver's log
                                    (&offset=N&byteLength=M as Spark's; plain text with
                                    &format=raw)

The daemons are duck-typed: a master has ``json()``; a worker has ``json()`` and
``log_file(app_id, executor_id, driver_id, kind)`` (a path or None for an unknown or unsafe
request). ``product`` is the program name the command line passes in, shown in the header.
"""

from __future__ import annotations

import json
import os
from typing import Any

from runtime.ui import pages
from runtime.ui.server import Response, text_response

LOG_PAGE_BYTES = 1 << 20


def _render(template: str, **context: Any) -> Response:
    return Response(200, pages.environment().get_template(template).render(**context))


def _json(doc: dict) -> Response:
    return Response(200, json.dumps(doc, indent=2), "application/json")


def _one(query: dict, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def master_routes(master: Any, product: str) -> list:
    def index(m, q) -> Response:
        return _render("master.html", m=master.json(), product=product)

    def app(m, q) -> Response:
        doc = master.json()
        app_id = _one(q, "appId", "")
        for a in doc["activeapps"] + doc["completedapps"]:
            if a["id"] == app_id:
                return _render("master_app.html", a=a, product=product,
                               back_link="/", back_label="Back to Master")
        return text_response(f"Unknown application {app_id}\n", 404)

    return [("/", index), ("/json", lambda m, q: _json(master.json())), ("/app", app)]


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


def worker_routes(worker: Any, product: str) -> list:
    def index(m, q) -> Response:
        doc = worker.json()
        return _render("worker.html", w=doc, product=product,
                       back_link=doc.get("masterwebuiurl") or None,
                       back_label="Back to Master")

    def log_page(m, q) -> Response:
        kind = _one(q, "logType", "stderr")
        app_id, exec_id, driver_id = (_one(q, "appId"), _one(q, "executorId"),
                                      _one(q, "driverId"))
        path = worker.log_file(app_id, exec_id, driver_id, kind)
        if path is None:
            return text_response("no such log (unknown application, executor or driver, or "
                                 "logType is not stdout/stderr)\n", 404)
        try:
            offset = int(q["offset"][-1]) if "offset" in q else None
            length = int(_one(q, "byteLength", str(LOG_PAGE_BYTES)))
        except ValueError:
            return text_response("offset and byteLength must be integers\n", 400)
        text, start, end, total = read_log(path, offset, max(0, length))
        if _one(q, "format") == "raw":
            return text_response(text)
        who = f"driver {driver_id}" if driver_id else f"executor {exec_id} of {app_id}"
        return _render("log_page.html", kind=kind, who=who, text=text, start=start, end=end,
                       total=total, product=product, back_link="/",
                       back_label="Back to Worker")

    return [("/", index), ("/json", lambda m, q: _json(worker.json())),
            ("/logPage", log_page), ("/log", log_page)]
