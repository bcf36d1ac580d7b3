"""Pictures drawn on the server as SVG: the event timeline and the DAG visualisations.

No JavaScript layout library (nothing is loaded from the internet; nothing vendored): the
pictures are small, so a simple layout done here is enough, and they show without scripts.
Every text that comes from the application is escaped here (the templates insert the result
with ``|safe``).

* :func:`timeline` — one row per job (a bar from submission to completion or now, coloured by
  status, titled with its description) under a row of executor add/remove markers, on a time
  axis from the application's start.
* :func:`stage_dag` — the RDDs of one stage as boxes ("PythonRDD [5]" with the call site),
  placed in layers by their depth from the stage's inputs, with an edge per parent inside
  the stage; cached RDDs are drawn green. As in Spark's DAG visualization, the RDDs made by
  one operation (their ``Scope``: ``{"id":"4","name":"reduceByKey"}``) are drawn inside one
  dashed box labelled with the operation's name.
* :func:`job_dag` — the stages of a job side by side (skipped ones grey), each drawn as a
  :func:`stage_dag` cluster, with an edge from each parent stage to its child.
* :func:`plan_graph` — a SQL execution's physical operators as a tree (scans on top), each
  box with its metrics.
"""

from __future__ import annotations

import html
import json

from runtime.ui.formatting import date, duration

COLORS = {"SUCCEEDED": "#5cb85c", "COMPLETE": "#5cb85c", "RUNNING": "#3a87ad",
          "ACTIVE": "#3a87ad", "FAILED": "#d9534f", "SKIPPED": "#bbbbbb", "PENDING": "#f0ad4e"}
BOX_W, BOX_H, GAP_Y, GAP_X = 200, 38, 22, 30
TOP = 44  # a stage cluster's title row (and its first scope box's label) above the RDDs


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def timeline(jobs: list[dict], executors: list[dict], start: int, end: int,
             width: int = 900) -> str:
    """``jobs``: dicts with id, label, status, start, end (ms); ``executors``: id, add,
    remove (ms or None)."""
    span = max(1, end - start)
    left, row_h = 120, 22
    height = 40 + row_h * (len(jobs) + 1)

    def x(ms: int) -> float:
        return left + (width - left - 10) * (min(max(ms, start), end) - start) / span

    out = [(f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" role="img" aria-label="Event timeline">')]
    out.append('<text x="4" y="18" class="tl-label">Executors</text>')
    for ex in executors:
        cx = x(ex.get("add") or start)
        out.append(f'<circle cx="{cx:.1f}" cy="14" r="5" fill="#5cb85c"><title>Executor '
                   f'{_e(ex["id"])} added at {_e(date(ex.get("add")))}</title></circle>')
        if ex.get("remove"):
            rx = x(ex["remove"])
            out.append(f'<circle cx="{rx:.1f}" cy="14" r="5" fill="#d9534f"><title>Executor '
                       f'{_e(ex["id"])} removed at {_e(date(ex["remove"]))}</title></circle>')
    for i, job in enumerate(jobs):
        y = 30 + i * row_h
        x0, x1 = x(job["start"]), x(job["end"])
        color = COLORS.get(job["status"], "#999")
        out.append(f'<text x="4" y="{y + 14}" class="tl-label">Job {_e(job["id"])}</text>')
        out.append(f'<rect class="tl-job" x="{x0:.1f}" y="{y}" width="{max(2.0, x1 - x0):.1f}" '
                   f'height="{row_h - 6}" fill="{color}"><title>{_e(job["label"])} '
                   f'({_e(job["status"])}, {_e(duration(job["end"] - job["start"]))})</title>'
                   f'</rect>')
    axis_y = height - 8
    out.append(f'<line x1="{left}" y1="{axis_y - 10}" x2="{width - 10}" y2="{axis_y - 10}" '
               f'stroke="#999"/>')
    out.append(f'<text x="{left}" y="{axis_y}" class="tl-axis">{_e(date(start))}</text>')
    out.append(f'<text x="{width - 10}" y="{axis_y}" text-anchor="end" class="tl-axis">'
               f'{_e(date(end))}</text>')
    out.append("</svg>")
    return "".join(out)


def _layers(rdds: list[dict]) -> list[list[dict]]:
    ids = {r["RDD ID"] for r in rdds}
    depth: dict[int, int] = {}

    def d(rid: int, seen: frozenset = frozenset()) -> int:
        if rid in depth:
            return depth[rid]
        rdd = next(r for r in rdds if r["RDD ID"] == rid)
        parents = [p for p in rdd.get("Parent IDs", []) if p in ids and p not in seen]
        depth[rid] = 1 + max((d(p, seen | {rid}) for p in parents), default=-1)
        return depth[rid]

    for r in rdds:
        d(r["RDD ID"])
    layers: list[list[dict]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for r in sorted(rdds, key=lambda r: r["RDD ID"]):
        layers[depth[r["RDD ID"]]].append(r)
    return layers


def _cached(rdd: dict) -> bool:
    level = rdd.get("Storage Level") or {}
    return bool(level.get("Use Memory") or level.get("Use Disk"))


def _stage_cluster(stage: dict, ox: int, oy: int) -> tuple[list[str], int, int]:
    layers = _layers(stage["rdds"])
    cols = max((len(layer) for layer in layers), default=1)
    w = cols * (BOX_W + 10) + 10
    h = TOP + len(layers) * (BOX_H + GAP_Y)
    color = COLORS.get(stage.get("status", ""), "#999")
    out = [f'<g class="stage-cluster" data-stage="{_e(stage["stageId"])}">',
           (f'<rect x="{ox}" y="{oy}" width="{w}" height="{h}" rx="6" fill="none" '
           f'stroke="{color}" stroke-width="2"/>'),
           (f'<text x="{ox + 8}" y="{oy + 18}" class="dag-stage">Stage {_e(stage["stageId"])}'
           f'</text>')]
    pos: dict[int, tuple[float, float]] = {}
    boxes = []
    for li, layer in enumerate(layers):
        for ci, rdd in enumerate(layer):
            bx, by = ox + 10 + ci * (BOX_W + 10), oy + TOP + li * (BOX_H + GAP_Y)
            pos[rdd["RDD ID"]] = (bx + BOX_W / 2, by)
            boxes.append((rdd, bx, by))
    out.extend(_scope_boxes(boxes))
    for rdd, bx, by in boxes:
        fill = "#c3e6c3" if _cached(rdd) else "#e8f0f8"
        out.append(f'<rect class="dag-rdd" x="{bx}" y="{by}" width="{BOX_W}" '
                   f'height="{BOX_H}" rx="4" fill="{fill}" stroke="#6c8ebf"/>')
        out.append(f'<text x="{bx + 6}" y="{by + 15}" class="dag-name">'
                   f'{_e(rdd.get("Name", "RDD"))} [{_e(rdd["RDD ID"])}]</text>')
        out.append(f'<text x="{bx + 6}" y="{by + 30}" class="dag-site">'
                   f'{_e((rdd.get("Callsite") or "")[:34])}</text>')
    for rdd in stage["rdds"]:
        for parent in rdd.get("Parent IDs", []):
            if parent in pos and rdd["RDD ID"] in pos:
                (px, py), (cx, cy) = pos[parent], pos[rdd["RDD ID"]]
                out.append(f'<line x1="{px:.0f}" y1="{py + BOX_H:.0f}" x2="{cx:.0f}" '
                           f'y2="{cy:.0f}" stroke="#555" marker-end="url(#arrow)"/>')
    out.append("</g>")
    return out, w, h


def _scope_of(rdd: dict) -> tuple[str, str] | None:
    """(id, name) of an RDD info's ``Scope`` JSON text, or None."""
    try:
        scope = json.loads(rdd.get("Scope") or "null")
        return (str(scope["id"]), str(scope["name"])) if scope else None
    except (ValueError, TypeError, KeyError):
        return None


def _scope_boxes(boxes: list[tuple[dict, int, int]]) -> list[str]:
    """A dashed box around the RDD boxes of each operation scope, labelled with its name."""
    groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for rdd, bx, by in boxes:
        scope = _scope_of(rdd)
        if scope is not None:
            groups.setdefault(scope, []).append((bx, by))
    out = []
    for (sid, name), members in groups.items():
        x0 = min(x for x, _ in members) - 4
        y0 = min(y for _, y in members) - 16
        x1 = max(x for x, _ in members) + BOX_W + 4
        y1 = max(y for _, y in members) + BOX_H + 4
        out.append(f'<g class="dag-scope" data-scope="{_e(sid)}"><rect x="{x0}" y="{y0}" '
                   f'width="{x1 - x0}" height="{y1 - y0}" rx="5" fill="none" stroke="#8fa8c8" '
                   f'stroke-dasharray="3 2"/><text x="{x0 + 4}" y="{y0 + 11}" '
                   f'class="dag-scope-name">{_e(name)}</text></g>')
    return out


ARROW = ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
         'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
         '</defs>')


def stage_dag(stage: dict) -> str:
    body, w, h = _stage_cluster(stage, 2, 2)
    return (f'<svg class="dag" xmlns="http://www.w3.org/2000/svg" width="{w + 4}" '
            f'height="{h + 4}" role="img" aria-label="DAG of stage {_e(stage["stageId"])}">'
            + ARROW + "".join(body) + "</svg>")


def job_dag(stages: list[dict]) -> str:
    parts, x, height, anchors = [], 2, 0, {}
    for stage in sorted(stages, key=lambda s: s["stageId"]):
        body, w, h = _stage_cluster(stage, x, 2)
        parts.extend(body)
        anchors[stage["stageId"]] = (x, x + w, 2 + h / 2)
        x += w + GAP_X
        height = max(height, h)
    for stage in stages:
        for parent in stage.get("parentIds", []):
            if parent in anchors and stage["stageId"] in anchors:
                _l, pr, py = anchors[parent]
                cl, _r, cy = anchors[stage["stageId"]]
                parts.append(f'<line x1="{pr:.0f}" y1="{py:.0f}" x2="{cl:.0f}" y2="{cy:.0f}" '
                             f'stroke="#555" stroke-dasharray="4 2" marker-end="url(#arrow)"/>')
    return (f'<svg class="dag" xmlns="http://www.w3.org/2000/svg" width="{max(x, 10)}" '
            f'height="{height + 4}" role="img" aria-label="DAG of the job">' + ARROW
            + "".join(parts) + "</svg>")


PLAN_W, PLAN_H, PLAN_GAP_X, PLAN_GAP_Y = 230, 52, 24, 34


def plan_graph(nodes: list[dict], edges: list[dict]) -> str:
    """A SQL execution's operator tree (nodes with ``nodeId``, ``nodeName``,
    ``simpleString``, ``metrics`` [{name, value}]; edges child -> parent), drawn as Spark's
    SQL page does: the scans on top, the root at the bottom, an arrow along each edge, each
    box with the operator's name and its metrics (the full operator text as its tooltip)."""
    if not nodes:
        return ""
    by_id = {n["nodeId"]: n for n in nodes}
    children: dict[int, list[int]] = {n["nodeId"]: [] for n in nodes}
    has_parent = set()
    for e in edges:
        if e["toId"] in children and e["fromId"] in by_id:
            children[e["toId"]].append(e["fromId"])
            has_parent.add(e["fromId"])
    roots = [n["nodeId"] for n in nodes if n["nodeId"] not in has_parent]
    depth: dict[int, int] = {}
    xs: dict[int, float] = {}
    next_leaf = [0]

    def place(node_id: int, d: int) -> float:
        depth[node_id] = d
        kids = sorted(children[node_id])
        if not kids:
            xs[node_id] = next_leaf[0]
            next_leaf[0] += 1
        else:
            xs[node_id] = sum(place(k, d + 1) for k in kids) / len(kids)
        return xs[node_id]

    for r in sorted(roots):
        place(r, 0)
    max_depth = max(depth.values())
    width = int(next_leaf[0] * (PLAN_W + PLAN_GAP_X) + PLAN_GAP_X)
    height = int((max_depth + 1) * (PLAN_H + PLAN_GAP_Y) + PLAN_GAP_Y)

    def box(node_id: int) -> tuple[float, float]:
        return (PLAN_GAP_X + xs[node_id] * (PLAN_W + PLAN_GAP_X),
                PLAN_GAP_Y / 2 + (max_depth - depth[node_id]) * (PLAN_H + PLAN_GAP_Y))

    out = [f'<svg class="plan-graph" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" role="img" aria-label="Plan of the query">', ARROW]
    for e in edges:
        if e["fromId"] in xs and e["toId"] in xs:
            (cx, cy), (px, py) = box(e["fromId"]), box(e["toId"])
            out.append(f'<line class="plan-edge" x1="{cx + PLAN_W / 2:.0f}" '
                       f'y1="{cy + PLAN_H:.0f}" x2="{px + PLAN_W / 2:.0f}" y2="{py:.0f}" '
                       f'stroke="#555" marker-end="url(#arrow)"/>')
    for n in nodes:
        x, y = box(n["nodeId"])
        out.append(f'<g class="plan-node" id="plan-node-{_e(n["nodeId"])}">'
                   f'<title>{_e(n.get("simpleString") or n["nodeName"])}</title>'
                   f'<rect x="{x:.0f}" y="{y:.0f}" width="{PLAN_W}" height="{PLAN_H}" rx="4" '
                   f'fill="#e8f0f8" stroke="#6c8ebf"/>'
                   f'<text x="{x + 8:.0f}" y="{y + 18:.0f}" class="dag-name">'
                   f'{_e(n["nodeName"][:30])}</text>')
        for i, m in enumerate(n.get("metrics", [])[:2]):
            out.append(f'<text x="{x + 8:.0f}" y="{y + 34 + 13 * i:.0f}" class="plan-metric">'
                       f'{_e(m["name"])}: {_e(m["value"])}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
