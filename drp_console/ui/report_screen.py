"""The report of a run (so far), as the report package renders it in Markdown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from drp_console.ui.view_model import RunView


def report_markdown(events: list[dict], tz: str = "UTC") -> str:
    """The Markdown report of these events, or a sentence saying why there is none."""
    if not events:
        return "No events yet: the report appears once the run has started."
    try:
        from zoneinfo import ZoneInfo

        from drp_console.report.model import build_report
        from drp_console.report.render import render

        return render(build_report(events, ZoneInfo(tz)), "md")
    except Exception as exc:  # noqa: BLE001 - the console must not die on a report problem
        return (f"The report could not be built: {exc}\n\n"
                "Run `drp report RUN` from a shell to see the full error.")


class ReportScreen(ModalScreen[None]):
    """A scrollable Markdown view of the report."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close")]

    def __init__(self, view: RunView, events: list[dict]) -> None:
        super().__init__()
        self.view = view
        self.events = events

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-box") as box:
            box.border_title = f"Report · {self.view.run_id}  (escape closes)"
            yield Markdown(report_markdown(self.events, self.app.tz_name))
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
