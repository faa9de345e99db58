"""The RTO trend of one runbook as SVG: RTO achieved per drill against the target line.

Only drills at the real pace count (`Drill.real_time`: live, or simulated at speed 1): an
accelerated simulation's clock says nothing about how long recovery takes. Drills are spaced
evenly left to right, oldest first, each labelled with its date; the y axis starts at zero.
"""

from __future__ import annotations

from html import escape

from drp_console.plandoc.drills import Drill
from drp_console.runbook.durations import duration_text, format_duration

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 16, 44
_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def trend_points(drills: list[Drill]) -> list[Drill]:
    """The drills the trend shows: real pace and an RTO measured, oldest first."""
    return [d for d in drills if d.real_time and d.rto_achieved is not None]


def _tick(top: float) -> int:
    for step in _STEPS:
        if top / step <= 6:
            return step
    return _STEPS[-1]


def trend_svg(drills: list[Drill], target: float | None, name: str = "") -> str:
    """The chart as an inline SVG element (every text escaped)."""
    points = trend_points(drills)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [d.rto_achieved or 0.0 for d in points] + ([target] if target else [])
    top = max(values + [60.0]) * 1.15

    def y_of(seconds: float) -> float:
        return round(TOP + plot_h - seconds / top * plot_h, 1)

    def x_of(i: int) -> float:
        return round(LEFT + (i + 0.5) * plot_w / max(len(points), 1), 1)

    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="rto-trend" role="img" '
            f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'),
           f"<title>RTO achieved per drill{': ' + escape(name) if name else ''}</title>",
           (f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
            f'y2="{TOP + plot_h}"/>'),
           f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>']
    step = _tick(top)
    for k in range(int(top // step) + 1):
        y = y_of(k * step)
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">'
                   f"{format_duration(k * step)}</text>")
    if target:
        y = y_of(target)
        out.append(f'<line class="target" data-seconds="{target:g}" x1="{LEFT}" y1="{y}" '
                   f'x2="{WIDTH - RIGHT}" y2="{y}"/>')
        out.append(f'<text class="target-label" x="{WIDTH - RIGHT}" y="{y - 4}" '
                   f'text-anchor="end">RTO target {duration_text(target)}</text>')
    if not points:
        out.append(f'<text class="empty" x="{LEFT + 10}" y="{TOP + plot_h / 2}">No drill at '
                   "speed 1 has measured the RTO yet.</text>")
    coords = [(x_of(i), y_of(d.rto_achieved or 0.0)) for i, d in enumerate(points)]
    if len(coords) > 1:
        out.append('<polyline class="trend" points="'
                   + " ".join(f"{x},{y}" for x, y in coords) + '"/>')
    every = -(-len(points) // 10)  # at most about ten date labels under the axis
    for i, ((x, y), drill) in enumerate(zip(coords, points, strict=True)):
        rto = drill.rto_achieved or 0.0
        missed = target is not None and rto > target
        date = drill.started.strftime("%Y-%m-%d") if drill.started else "?"
        out.append(
            f'<circle class="point{" missed" if missed else ""}" cx="{x}" cy="{y}" r="4" '
            f'data-run="{escape(drill.run_id)}" data-seconds="{rto:g}">'
            f"<title>{escape(date)} {escape(drill.kind)}: RTO {format_duration(rto)}"
            f"{' (missed)' if missed else ''}</title></circle>")
        if i % every == 0 or i == len(points) - 1:
            out.append(f'<text class="date" x="{x}" y="{TOP + plot_h + 16}" '
                       f'text-anchor="middle">{escape(date)}</text>')
    out.append("</svg>")
    return "\n".join(out)
