"""The Streaming tab's charts, drawn on the server as SVG: a timeline and a histogram per metric.

Spark's Streaming page shows, for input rate, scheduling delay, processing time and total
delay, a line over the batches' times (with a dashed line at the average) beside a
histogram of the same values. Each function returns one ``<svg>`` string; values are the
numbers of the retained completed batches (None = not known, skipped). Everything printed
comes from numbers, and the labels are escaped anyway. :func:`multi_timeline` draws several
named lines on one chart (the Structured Streaming page's operation durations).
"""

from __future__ import annotations

import html

from runtime.ui.formatting import date

WIDTH, HEIGHT, PAD = 420, 150, 36
BINS = 10


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _ticks(top: float) -> str:
    return f"{top:.0f}" if top >= 10 else f"{top:.2f}"


def timeline(points: list[tuple[int, float | None]], unit: str, label: str) -> str:
    """A line of ``(time ms, value)`` with the average dashed; empty when no values."""
    pts = [(t, v) for t, v in points if v is not None]
    out = [f'<svg class="stream-timeline" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
           f'height="{HEIGHT}" role="img" aria-label="{_e(label)} timeline">']
    if not pts:
        out.append(f'<text x="{PAD}" y="{HEIGHT / 2:.0f}" class="tl-axis">no batches yet</text>')
        return "".join(out) + "</svg>"
    t0, t1 = pts[0][0], pts[-1][0]
    top = max(v for _t, v in pts) or 1.0
    avg = sum(v for _t, v in pts) / len(pts)

    def x(t: int) -> float:
        return PAD + (WIDTH - PAD - 8) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(v: float) -> float:
        return HEIGHT - PAD + 8 - (HEIGHT - PAD - 8) * v / top

    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in pts)
    out.append(f'<line x1="{PAD}" y1="{HEIGHT - PAD + 8}" x2="{WIDTH - 8}" '
               f'y2="{HEIGHT - PAD + 8}" stroke="#999"/>')
    out.append(f'<text x="2" y="16" class="tl-axis">{_e(_ticks(top))} {_e(unit)}</text>')
    out.append(f'<polyline class="stream-line" points="{line}" fill="none" stroke="#3a87ad" '
               f'stroke-width="1.5"/>')
    for t, v in pts:
        out.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="2" fill="#3a87ad"><title>'
                   f'{_e(date(t))}: {_e(f"{v:.2f}")} {_e(unit)}</title></circle>')
    out.append(f'<line class="stream-avg" x1="{PAD}" y1="{y(avg):.1f}" x2="{WIDTH - 8}" '
               f'y2="{y(avg):.1f}" stroke="#d9534f" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{PAD}" y="{HEIGHT - 4}" class="tl-axis">{_e(date(t0))}</text>')
    out.append(f'<text x="{WIDTH - 8}" y="{HEIGHT - 4}" text-anchor="end" class="tl-axis">'
               f'{_e(date(t1))}</text>')
    return "".join(out) + "</svg>"


def histogram(values: list[float | None], unit: str, label: str) -> str:
    """``BINS`` horizontal bars of how many batches fell in each range of the value."""
    vals = [v for v in values if v is not None]
    out = [f'<svg class="stream-histogram" xmlns="http://www.w3.org/2000/svg" '
           f'width="{WIDTH // 2}" height="{HEIGHT}" role="img" '
           f'aria-label="{_e(label)} histogram">']
    if not vals:
        return "".join(out) + "</svg>"
    lo, hi = min(vals), max(vals)
    step = (hi - lo) / BINS or 1.0
    counts = [0] * BINS
    for v in vals:
        counts[min(BINS - 1, int((v - lo) / step))] += 1
    most = max(counts)
    bar_h = (HEIGHT - 20) / BINS
    for i, n in enumerate(counts):
        w = (WIDTH // 2 - 60) * n / most
        y = 4 + (BINS - 1 - i) * bar_h
        out.append(f'<rect class="stream-bin" x="50" y="{y:.1f}" width="{w:.1f}" '
                   f'height="{bar_h - 2:.1f}" fill="#3a87ad"><title>{n} batches between '
                   f'{_e(f"{lo + i * step:.2f}")} and {_e(f"{lo + (i + 1) * step:.2f}")} '
                   f'{_e(unit)}</title></rect>')
    out.append(f'<text x="2" y="{HEIGHT - 6}" class="tl-axis">{_e(_ticks(lo))}</text>')
    out.append(f'<text x="2" y="14" class="tl-axis">{_e(_ticks(hi))}</text>')
    return "".join(out) + "</svg>"


SERIES_COLORS = ("#3a87ad", "#5cb85c", "#f0ad4e", "#d9534f", "#9467bd", "#8c564b", "#17becf",
                 "#7f7f7f")


def multi_timeline(series: dict[str, list[tuple[int, float | None]]], unit: str,
                   label: str) -> str:
    """One line per named series of ``(time ms, value)`` (Structured Streaming's operation
    durations), with a legend; empty when no values."""
    pts = {k: [(t, v) for t, v in s if v is not None] for k, s in series.items()}
    pts = {k: s for k, s in pts.items() if s}
    height = HEIGHT + 14 * ((len(pts) + 2) // 3)
    out = [f'<svg class="stream-timeline multi" xmlns="http://www.w3.org/2000/svg" '
           f'width="{WIDTH}" height="{height}" role="img" aria-label="{_e(label)} timeline">']
    if not pts:
        out.append(f'<text x="{PAD}" y="{HEIGHT / 2:.0f}" class="tl-axis">no batches yet</text>')
        return "".join(out) + "</svg>"
    times = [t for s in pts.values() for t, _v in s]
    t0, t1 = min(times), max(times)
    top = max(v for s in pts.values() for _t, v in s) or 1.0

    def x(t: int) -> float:
        return PAD + (WIDTH - PAD - 8) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)

    def y(v: float) -> float:
        return HEIGHT - PAD + 8 - (HEIGHT - PAD - 8) * v / top

    out.append(f'<line x1="{PAD}" y1="{HEIGHT - PAD + 8}" x2="{WIDTH - 8}" '
               f'y2="{HEIGHT - PAD + 8}" stroke="#999"/>')
    out.append(f'<text x="2" y="16" class="tl-axis">{_e(_ticks(top))} {_e(unit)}</text>')
    for i, (name, s) in enumerate(sorted(pts.items())):
        color = SERIES_COLORS[i % len(SERIES_COLORS)]
        line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in s)
        out.append(f'<polyline class="stream-line" data-series="{_e(name)}" points="{line}" '
                   f'fill="none" stroke="{color}" stroke-width="1.5"><title>{_e(name)}'
                   f'</title></polyline>')
        lx, ly = PAD + (i % 3) * 125, HEIGHT + 10 + 14 * (i // 3)
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="8" height="8" fill="{color}"/>'
                   f'<text x="{lx + 11}" y="{ly}" class="tl-axis">{_e(name)}</text>')
    out.append(f'<text x="{PAD}" y="{HEIGHT - 4}" class="tl-axis">{_e(date(t0))}</text>')
    out.append(f'<text x="{WIDTH - 8}" y="{HEIGHT - 4}" text-anchor="end" class="tl-axis">'
               f'{_e(date(t1))}</text>')
    return "".join(out) + "</svg>"
