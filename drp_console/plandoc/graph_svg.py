"""The step graph drawn as SVG: one box per step, rows by what must run before what.

A step's row is one below the lowest of the steps it waits for (`needs`, and for the targets of a
decision or an `on_failure`, the step that chooses them: `runbook.graph.Ancestry`), so steps in
one row may run in parallel. Arrows: solid for `needs`, dashed and labelled for a decision's
options, red dashed for `on_failure`. Steps that run only when chosen have a dashed border.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.graph import Ancestry
from drp_console.runbook.model import DecisionStep, GcpStep, Runbook, Step, WaitStep

BOX_W, BOX_H = 210, 54
GAP_X, GAP_Y = 24, 40
MARGIN = 12
_LINE_CHARS = 34


@dataclass(frozen=True)
class Box:
    """Where a step is drawn."""

    id: str
    x: float
    y: float
    kind: str
    conditional: bool


@dataclass(frozen=True)
class Edge:
    """An arrow from one step to another."""

    source: str
    target: str
    kind: str  # needs, option, failure
    label: str = ""


def effect_of(step: Step) -> str:
    """What a step does to the project: `people`, `read`, `mutating`, `destructive`, `local`."""
    if isinstance(step, (GcpStep, WaitStep)):
        call = CATALOG.get(step.call)
        if call is None or not call.mutating:
            return "read"
        return "destructive" if call.destructive else "mutating"
    return "local" if step.type == "shell" else "people"


def rows_of(runbook: Runbook) -> list[list[str]]:
    """Step ids by row: a step sits one row below the lowest step it must come after."""
    ancestry = Ancestry(runbook)
    row: dict[str, int] = {}
    for sid in ancestry.topo or [s.id for s in runbook.steps]:
        row[sid] = 1 + max((row.get(d, -1) for d in ancestry.deps.get(sid, ())), default=-1)
    rows: list[list[str]] = [[] for _ in range(max(row.values(), default=-1) + 1)]
    for step in runbook.steps:  # file order inside a row
        rows[row[step.id]].append(step.id)
    return rows


def edges_of(runbook: Runbook) -> list[Edge]:
    """Every arrow: needs, decision options and on_failure (an option or on_failure arrow
    stands for the needs arrow between the same two steps)."""
    chosen: list[Edge] = []
    for step in runbook.steps:
        if isinstance(step, DecisionStep):
            chosen += [Edge(step.id, target, "option", label)
                       for label, target in step.options.items() if runbook.has_step(target)]
        if step.on_failure not in ("abort", "continue") and runbook.has_step(step.on_failure):
            chosen.append(Edge(step.id, step.on_failure, "failure", "on failure"))
    pairs = {(e.source, e.target) for e in chosen}
    needs = [Edge(n, s.id, "needs") for s in runbook.steps for n in runbook.needs(s.id)
             if runbook.has_step(n) and (n, s.id) not in pairs]
    return needs + chosen


def layout(runbook: Runbook) -> tuple[list[Box], int, int]:
    """(boxes, width, height) of the drawing."""
    rows = rows_of(runbook)
    conditional = runbook.conditional_targets()
    widest = max((len(r) for r in rows), default=1)
    width = 2 * MARGIN + widest * BOX_W + (widest - 1) * GAP_X
    boxes = []
    for r, ids in enumerate(rows):
        used = len(ids) * BOX_W + (len(ids) - 1) * GAP_X
        left = (width - used) / 2
        for k, sid in enumerate(ids):
            boxes.append(Box(sid, left + k * (BOX_W + GAP_X), MARGIN + r * (BOX_H + GAP_Y),
                             effect_of(runbook.step(sid)), sid in conditional))
    height = 2 * MARGIN + len(rows) * BOX_H + max(len(rows) - 1, 0) * GAP_Y
    return boxes, width, height


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _lines(title: str) -> list[str]:
    """A title on at most two lines of a box, cut at words; `…` when it is longer."""
    lines = [""]
    for word in title.split():
        joined = f"{lines[-1]} {word}".strip()
        if len(joined) <= _LINE_CHARS or not lines[-1]:
            lines[-1] = joined
        elif len(lines) == 1:
            lines.append(word)
        else:
            lines[-1] = _short(lines[-1] + " " + word, _LINE_CHARS)
            break
    return [_short(line, _LINE_CHARS) for line in lines]


def _arrow(a: Box, b: Box, edge: Edge) -> str:
    if b.y > a.y:
        x1, y1, x2, y2 = a.x + BOX_W / 2, a.y + BOX_H, b.x + BOX_W / 2, b.y
        bend = (y2 - y1) / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"
    else:  # back or sideways (a cycle-free graph draws none; kept visible all the same)
        x1, y1, x2, y2 = a.x + BOX_W, a.y + BOX_H / 2, b.x + BOX_W, b.y + BOX_H / 2
        d = f"M{x1:.1f},{y1:.1f} C{x1 + 40:.1f},{y1:.1f} {x2 + 40:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    label = ""
    if edge.label:  # just above where the arrow ends: labels of one decision never meet
        label = (f'<text class="edge-label" x="{x2:.1f}" y="{y2 - 9:.1f}" '
                 f'text-anchor="middle">{escape(_short(edge.label, 32))}</text>')
    return (f'<path class="edge {edge.kind}" data-from="{escape(edge.source)}" '
            f'data-to="{escape(edge.target)}" d="{d}" marker-end="url(#arrow)"/>{label}')


def step_graph_svg(runbook: Runbook) -> str:
    """The step graph as an inline SVG element (every text escaped)."""
    boxes, width, height = layout(runbook)
    at = {b.id: b for b in boxes}
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" class="step-graph" role="img" '
         f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'),
        f"<title>Step graph of {escape(runbook.id)}</title>",
        ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>'
         "</defs>"),
    ]
    parts += [_arrow(at[e.source], at[e.target], e) for e in edges_of(runbook)
              if e.source in at and e.target in at]
    for box in boxes:
        step = runbook.step(box.id)
        classes = f"step {box.kind}" + (" conditional" if box.conditional else "")
        parts.append(
            f'<g class="{classes}" data-step="{escape(box.id)}">'
            f"<title>{escape(box.id)}: {escape(step.title)}</title>"
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="5"/>'
            f'<text class="id" x="{box.x + 8:.1f}" y="{box.y + 16:.1f}">'
            f"{escape(_short(box.id, _LINE_CHARS - 2))}</text>"
            + "".join(f'<text class="title" x="{box.x + 8:.1f}" y="{box.y + 31 + 13 * k:.1f}">'
                      f"{escape(line)}</text>" for k, line in enumerate(_lines(step.title)))
            + "</g>")
    parts.append("</svg>")
    return "\n".join(parts)
