"""Geometry of the HTML report's SVG Gantt chart: one row per step, time left to right."""

from __future__ import annotations

from dataclasses import dataclass

from drp_console.report.model import Report
from drp_console.report.step_rows import time_scale
from drp_console.runbook.durations import format_duration

WIDTH = 1100
LABEL_W = 250
ROW_H = 18
BAR_H = 12
TOP = 62
_LABEL_LEVELS = 3  # rows of milestone labels above the ticks
_CHAR_W = 6.6  # rough width of a bold 11 px character, to keep labels apart
PLOT_W = WIDTH - LABEL_W - 20
_NICE = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
         86400)


@dataclass(frozen=True, slots=True)
class Bar:
    """One step's row: its label and, if it ran, its bar and the spans inside it."""

    y: float
    label: str
    title: str
    status: str
    x: float = 0.0
    w: float = 0.0
    ran: bool = False
    critical: bool = False
    overrun: tuple[float, float] | None = None
    budget_x: float | None = None
    waits: tuple[tuple[float, float], ...] = ()
    polls: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Line:
    """A milestone's vertical line, or an axis tick, with its label."""

    x: float
    label: str
    label_y: float = 0.0
    anchor: str = "start"


@dataclass(frozen=True, slots=True)
class Chart:
    """Everything the SVG template draws."""

    width: int
    height: int
    plot_top: int
    plot_bottom: int
    label_w: int
    bars: tuple[Bar, ...]
    ticks: tuple[Line, ...]
    milestones: tuple[Line, ...]


def _tick_step(total: float) -> int:
    for step in _NICE:
        if total / step <= 10:
            return step
    return _NICE[-1]


def layout(report: Report) -> Chart:
    """Where every bar, tick and milestone line goes."""
    total = max(report.header.duration_s, 1.0)
    scale = PLOT_W / total

    def x_of(t: float) -> float:
        return round(LABEL_W + min(max(t, 0.0), total) * scale, 1)

    def span(a: float, b: float) -> tuple[float, float]:
        x = x_of(a)
        return x, round(max(x_of(b) - x, 1.0), 1)

    bars = []
    end_of_run = report.header.duration_s
    for row, step in enumerate(report.steps):
        y = TOP + row * ROW_H + (ROW_H - BAR_H) / 2
        label = step.id if len(step.id) <= 36 else step.id[:35] + "…"
        title = f"{step.id}: {step.title}" if step.title else step.id
        if step.start is None:
            bars.append(Bar(y=y, label=label, title=f"{title} ({step.status})", status=step.status))
            continue
        start = step.start.t
        end = step.end.t if step.end is not None else end_of_run
        x, w = span(start, end)
        duration = ("≥" if step.unfinished else "") + format_duration(end - start)
        overrun = budget_x = None
        if step.budget_s is not None:
            budget = step.budget_s / time_scale(step.type, report.header.speed)
            budget_x = x_of(start + budget) if start + budget <= end_of_run else None
            if step.overrun_s > 0:
                overrun = span(start + budget, end)
        bars.append(Bar(
            y=y, label=label, status=step.status, ran=True, critical=step.critical,
            title=f"{title} ({step.status}, {duration}"
                  + (f", {format_duration(step.overrun_s)} over budget" if step.overrun_s else "")
                  + ")",
            x=x, w=w, overrun=overrun, budget_x=budget_x,
            waits=tuple(span(i.start, i.end) for i in step.waits if i.end > i.start),
            polls=tuple(span(i.start, i.end) for i in step.polls if i.end > i.start),
        ))
    plot_bottom = TOP + len(report.steps) * ROW_H
    tick = _tick_step(total)
    ticks = tuple(
        Line(x=x_of(k * tick), label="T+" + format_duration(k * tick), label_y=TOP - 6)
        for k in range(int(total // tick) + 1)
    )
    marks = []
    level_end = [float("-inf")] * _LABEL_LEVELS  # right edge of the last label on each level
    reached = sorted(((m, m.at) for m in report.milestones if m.at is not None),
                     key=lambda pair: pair[1].t)
    for milestone, at in reached:
        x = x_of(at.t)
        width = len(milestone.name) * _CHAR_W
        anchor = "end" if x + width > WIDTH - 4 else "start"
        left = x - width - 3 if anchor == "end" else x + 3
        level = next((k for k in range(_LABEL_LEVELS) if level_end[k] < left),
                     min(range(_LABEL_LEVELS), key=lambda k: level_end[k]))
        level_end[level] = left + width + 4
        marks.append(Line(x=x, label=milestone.name, label_y=12 + level * 12, anchor=anchor))
    return Chart(width=WIDTH, height=plot_bottom + 12, plot_top=TOP, plot_bottom=plot_bottom,
                 label_w=LABEL_W, bars=tuple(bars), ticks=ticks, milestones=tuple(marks))


TEXT_WIDTH = 60
"""Character cells of the plain-text chart's time axis."""


def text_chart(report: Report, width: int = TEXT_WIDTH) -> list[str]:
    """The timeline as plain-text rows for Markdown: `#` critical path, `=` other steps, `!` time
    over budget, digits under the axis marking the milestones listed after the chart."""
    total = max(report.header.duration_s, 1.0)
    id_w = min(30, max([len(s.id) for s in report.steps] + [4]))

    def cell(t: float) -> int:
        return min(width - 1, max(0, int(t / total * width)))

    lines = []
    for step in report.steps:
        name = step.id[:id_w].replace("`", "'").ljust(id_w)
        if step.start is None:
            status = "(" + step.status.replace("`", "'") + ")"
            lines.append(f"{name} |{status[:width].ljust(width)}|")
            continue
        start = step.start.t
        end = step.end.t if step.end is not None else report.header.duration_s
        row = [" "] * width
        first, last = cell(start), max(cell(start), cell(end) - (1 if end > start else 0))
        for k in range(first, last + 1):
            row[k] = "#" if step.critical else "="
        if step.overrun_s and step.budget_s is not None:
            budget_end = start + step.budget_s / time_scale(step.type, report.header.speed)
            for k in range(max(first, cell(budget_end)), last + 1):
                row[k] = "!"
        duration = ("≥" if step.unfinished else "") + format_duration(end - start)
        lines.append(f"{name} |{''.join(row)}| {duration}")
    axis = [" "] * width
    reached = sorted(((m, m.at) for m in report.milestones if m.at is not None),
                     key=lambda pair: pair[1].t)
    legend = []
    for number, (milestone, at) in enumerate(reached, start=1):
        k = cell(at.t)
        axis[k] = str(number % 10) if axis[k] == " " else "+"
        legend.append(f"{number % 10} {milestone.name.replace('`', chr(39))} {at.t_text}")
    left, right = "T+0s", "T+" + format_duration(report.header.duration_s)
    lines.append(f"{'':{id_w}} |{''.join(axis)}|")
    lines.append(f"{'':{id_w}}  {left}{right.rjust(width - len(left))}")
    lines.append("")
    lines.append("# critical path   = other steps   ! over budget   digits: milestones (+ several)")
    lines.extend(legend)
    return lines
