"""`drp export`'s work: load runbooks, find their last drills, write plan documents and the index.

Files are written through a temporary file and a rename, so a failed export never leaves half a
document behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drp_console.plandoc.document import PlanDoc, build_plan_doc
from drp_console.plandoc.drills import Drill, last_finished
from drp_console.runbook.diagnostics import Diagnostic
from drp_console.runbook.model import Runbook
from drp_console.runbook.validate import validate_file

_SCENARIO = re.compile(r"^format:\s*[\"']?drp-sim/", re.MULTILINE)
EXTENSIONS = {"md": ".md", "html": ".html", "pdf": ".pdf"}
"""File extension per export format."""


def runbook_files(folder: Path) -> list[Path]:
    """The runbook files of a directory: its *.yaml and *.yml files that are not scenarios."""
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        try:
            head = path.read_bytes()[:4096].decode("utf-8", "replace")
        except OSError:
            head = ""
        if not _SCENARIO.search(head):
            out.append(path)
    return out


def load(path: Path) -> tuple[Runbook | None, list[Diagnostic]]:
    """A valid runbook, or None with the errors that make it invalid (warnings dropped)."""
    runbook, diagnostics = validate_file(path)
    errors = [d for d in diagnostics if d.is_error]
    return (None if errors else runbook), errors


def source_of(runbook: Runbook) -> str:
    """The runbook's file as the plan names it: its directory's name and its file name."""
    path = runbook.source_path
    if path is None:
        return ""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def plan_doc(runbook: Runbook, drills: list[Drill]) -> PlanDoc:
    """The plan document of a runbook with its last finished drill among `drills`."""
    return build_plan_doc(runbook, last_finished(drills, runbook.id), source_of(runbook))


def plan_text(runbook: Runbook, fmt: str, drills: list[Drill]) -> str:
    """The plan as Markdown or HTML (PDF prints the HTML)."""
    from drp_console.plandoc.graph_svg import step_graph_svg
    from drp_console.plandoc.render import render_plan

    html = fmt in ("html", "pdf")
    graph = step_graph_svg(runbook) if html else ""
    return render_plan(plan_doc(runbook, drills), "html" if html else "md", graph)


def write_text(path: Path, text: str) -> Path:
    """Write a file atomically (the report's writer: temp file, fsync, rename); the path."""
    from drp_console.report.writer import write_atomic

    write_atomic(path, text)
    return path


def write_plan(runbook: Runbook, fmt: str, out: Path, drills: list[Drill]) -> Path:
    """Write one plan document at `out` in `fmt` (md, html or pdf)."""
    text = plan_text(runbook, fmt, drills)
    if fmt == "pdf":
        from drp_console.plandoc.pdf import print_pdf

        return print_pdf(text, out)
    return write_text(out, text)


@dataclass(frozen=True)
class IndexEntry:
    """One line of the plans index."""

    id: str
    title: str
    owner: str
    version: str
    rto: str
    rpo: str
    review_every: str
    last: str
    file: str


def index_entry(runbook: Runbook, drills: list[Drill], file: str) -> IndexEntry:
    """The index line of an exported runbook."""
    doc = plan_doc(runbook, drills)
    last = doc.last_drill
    said = f"{last.date}, {last.kind}, {last.result}" if last else "never drilled"
    return IndexEntry(doc.id, doc.title, doc.owner, doc.version, doc.rto, doc.rpo,
                      doc.review_every, said, file)


def write_index(entries: list[IndexEntry], fmt: str, folder: Path) -> Path:
    """Write `index.<fmt>` listing the exported plans."""
    from drp_console.plandoc.render import render_index

    rows: list[dict[str, Any]] = [vars(e) for e in entries]
    text = render_index(rows, "md" if fmt == "md" else "html")
    out = folder / f"index{EXTENSIONS[fmt]}"
    if fmt == "pdf":
        from drp_console.plandoc.pdf import print_pdf

        return print_pdf(text, out)
    return write_text(out, text)
