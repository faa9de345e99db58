"""`drp history`'s output: every run of each runbook as a text table, and the HTML page with
an RTO trend chart per runbook and the drills register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drp_console.plandoc.document import against, duration, written
from drp_console.plandoc.drills import Drill, KnownRunbook, RegisterEntry

TEST_RULE = ("a test is a run that reached its end (succeeded or failed), live or as a game-day "
             "(simulate or training at speed 1); accelerated simulations are rehearsals")
"""What the register counts, as printed under it."""
TREND_RULE = "only runs at speed 1 (live, or simulated at the real pace) count toward RTO trends"
"""Which runs the RTO trend shows, as printed with it."""

_COLUMNS = ("DATE (UTC)", "MODE", "KIND", "RESULT", "RTO ACHIEVED", "RPO ACHIEVED", "PEOPLE")


def _date(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else "?"


def run_row(drill: Drill) -> dict[str, Any]:
    """One run as the table and the page show it."""
    rto = against(drill.rto_achieved, drill.rto_target)
    if drill.rto_achieved is not None and not drill.real_time:
        rto = f"{duration(drill.rto_achieved)} at x{drill.speed:g} (not comparable)"
    return {
        "run_id": drill.run_id, "date": _date(drill.started), "mode": drill.mode,
        "kind": drill.kind, "result": drill.result, "rto": rto,
        "rpo": against(drill.rpo_achieved, drill.rpo_target),
        "people": ", ".join(drill.people) or "—",
        "skipped": list(drill.skipped), "actions": list(drill.actions),
    }


def register_row(entry: RegisterEntry) -> dict[str, Any]:
    """One runbook of the drills register as the table and the page show it."""
    last = entry.last_test
    if entry.review_every is None:
        status = "no review_every set"
    elif last is None:
        status = "OVERDUE: never tested"
    else:
        status = "OVERDUE" if entry.overdue else "ok"
    return {
        "id": entry.runbook_id, "title": entry.title, "every": written(entry.review_every),
        "last": f"{_date(last.started)} ({last.kind}, {last.result})" if last else "never",
        "due": entry.due.strftime("%Y-%m-%d") if entry.due else "—",
        "status": status, "overdue": entry.overdue,
    }


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in [header, *rows]]


def _runbook_lines(rb: KnownRunbook, drills: list[Drill]) -> list[str]:
    runs = [d for d in drills if d.runbook_id == rb.id]
    rto = rb.rto if rb.rto is not None or not runs else runs[-1].rto_target
    rpo = rb.rpo if rb.rpo is not None or not runs else runs[-1].rpo_target
    said = [f"RTO {written(rto)}", f"RPO {written(rpo)}"]
    if rb.review_every:
        said.append(f"tested every {written(rb.review_every)}")
    lines = [f"{rb.id}: {rb.title} ({', '.join(said)})"]
    if not runs:
        return lines + ["  no runs"]
    rows = [run_row(d) for d in runs]
    lines += _table(_COLUMNS, [(r["date"], r["mode"], r["kind"], r["result"], r["rto"],
                                r["rpo"], r["people"]) for r in rows])
    for row in rows:
        lines += [f"    {row['date']} skipped by a person: {s}" for s in row["skipped"]]
        lines += [f"    {row['date']} open action: {a}" for a in row["actions"]]
    trend = [d for d in runs if d.real_time and d.rto_achieved is not None]
    if trend:
        lines.append("  RTO trend: " + " -> ".join(duration(d.rto_achieved) for d in trend)
                     + f" ({TREND_RULE})")
    return lines


def history_text(runbooks: list[KnownRunbook], drills: list[Drill],
                 register: list[RegisterEntry], as_of: datetime) -> str:
    """The history as text: a table of runs per runbook, then the drills register."""
    lines: list[str] = []
    for rb in runbooks:
        lines += _runbook_lines(rb, drills) + [""]
    lines.append(f"Drills register as of {as_of.strftime('%Y-%m-%d %H:%M')} UTC ({TEST_RULE}):")
    rows = [register_row(e) for e in register]
    lines += _table(("RUNBOOK", "EVERY", "LAST TEST", "NEXT DUE", "STATUS"),
                    [(r["id"], r["every"], r["last"], r["due"], r["status"]) for r in rows])
    overdue = [r["id"] for r in rows if r["overdue"]]
    lines.append(f"overdue: {', '.join(overdue)}" if overdue else "overdue: none")
    return "\n".join(lines) + "\n"


def history_context(runbooks: list[KnownRunbook], drills: list[Drill],
                    register: list[RegisterEntry], as_of: datetime) -> dict[str, Any]:
    """What the history page's template prints."""
    from drp_console.plandoc.trend import trend_svg

    sections = []
    for rb in runbooks:
        runs = [d for d in drills if d.runbook_id == rb.id]
        target = rb.rto if rb.rto is not None or not runs else runs[-1].rto_target
        sections.append({"id": rb.id, "title": rb.title, "rows": [run_row(d) for d in runs],
                         "chart": trend_svg(runs, target, rb.id) if runs else ""})
    return {"sections": sections, "register": [register_row(e) for e in register],
            "as_of": as_of.strftime("%Y-%m-%d %H:%M"), "test_rule": TEST_RULE,
            "trend_rule": TREND_RULE}
