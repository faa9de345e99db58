"""The report of a run (so far), as the report package renders it in Markdown."""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static

from drp_console.journal.state import RunState
from drp_console.ui.app import DrpApp


def report_markdown(events: list[dict], tz: str = "UTC", in_progress: bool = False) -> str:
    """The Markdown report of these events, or a sentence saying why there is none."""
    if not events:
        return "No events yet: the report appears once the run has started."
    try:
        from zoneinfo import ZoneInfo

        from drp_console.report.model import build_report
        from drp_console.report.render import render

        return tables_as_lists(render(build_report(events, ZoneInfo(tz), in_progress=in_progress),
                                      "md"))
    except Exception as exc:  # noqa: BLE001 - the console must not die on a report problem
        return (f"The report could not be built: {exc}\n\n"
                "Run `drp report RUN` from a shell to see the full error.")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def tables_as_lists(md: str) -> str:
    """Markdown tables as one bullet per row (`Header: value · ...`): a narrow screen wraps them.

    Wide tables squeezed into 120 columns cut every cell (`Stat…`, `23:2…`).
    """
    out: list[str] = []
    lines = md.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        is_table = (line.lstrip().startswith("|") and i + 1 < len(lines)
                    and set(lines[i + 1].replace("|", "").strip()) <= set("-: ")
                    and "-" in lines[i + 1])
        if not is_table:
            out.append(line)
            i += 1
            continue
        header = _cells(line)
        i += 2
        while i < len(lines) and lines[i].lstrip().startswith("|"):
            values = _cells(lines[i])
            first, *rest = list(zip(header, values, strict=False)) or [("", "")]
            bits = [f"**{first[1]}**" if first[1] else ""]
            bits += [f"{h}: {v}" if h else v for h, v in rest if v and v not in ("—", "-")]
            out.append("- " + " · ".join(b for b in bits if b))
            i += 1
        out.append("")
    return "\n".join(out)


class ReportScreen(ModalScreen[None]):
    """A scrollable Markdown view of the report."""

    app = getters.app(DrpApp)

    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close")]

    def __init__(self, state: RunState, events: list[dict], run_dir: object = None) -> None:
        super().__init__()
        self.state = state
        self.events = events
        self.run_dir = run_dir

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-box") as box:
            box.border_title = f"Report · {self.state.run_id}  (escape closes)"
            if self.run_dir is not None:
                where = (f"Full report (tables, HTML): {self.run_dir}/report.md and report.html"
                         if self.state.finished else
                         f"Written when the run ends, to {self.run_dir}/report.md (.html, .json,"
                         f" .csv); `drp report {self.state.run_id}` makes it at any time.")
                yield Static(where, id="report-where", markup=False)
            live = self.run_dir is not None and not self.state.finished  # this console runs it
            yield Markdown(report_markdown(self.events, self.app.tz_name, in_progress=live))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
