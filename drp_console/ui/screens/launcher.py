"""The launcher: runbooks with their validation state, interrupted runs, mode and parameters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from drp_console.ui.app import DrpApp
from drp_console.ui.catalog_scan import (
    RunbookEntry,
    check_entry,
    resumable,
    resume_row,
    runbook_files,
    scan_runs,
    warm_clients,
)

if TYPE_CHECKING:
    from textual.widgets import RadioSet

    from drp_console.ui.screens.launcher_form import FormValues

__all__ = ["LauncherScreen"]
"""The form (`launcher_form`: its modes, values and checks) loads after the first frame, which
shows the list and not the form."""


class LauncherScreen(Screen[None]):
    """Pick a runbook (or an interrupted run), a mode and parameters, and start."""

    app = getters.app(DrpApp)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [Binding("ctrl+s", "start", "Start"), Binding("q", "quit", "Quit"),
                Binding("f5", "rescan", "Rescan")]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[RunbookEntry] = []
        """Runbooks found in the directory, valid or not."""
        self.runs: list[Any] = []
        """Interrupted runs that can be resumed."""
        self.current: RunbookEntry | None = None
        """The highlighted runbook."""
        self.checked = False
        """True once every listed runbook has been loaded and validated."""
        self.form_ready = False
        """True once the form is mounted (after the first frame)."""
        self._form_lock = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield Static(" drp-console", id="launcher-title")
        with Horizontal(id="launcher-body"):
            with Vertical(id="launcher-left"):
                yield OptionList(id="runbook-list")
                yield OptionList(id="resume-list")
            yield VerticalScroll(id="launcher-form")  # filled after the first frame

    def on_mount(self) -> None:
        self.query_one("#runbook-list").border_title = "Runbooks"
        self.query_one("#resume-list").border_title = "Interrupted runs (enter resumes)"
        self.query_one("#launcher-form").border_title = "Start a run"
        self.query_one("#runbook-list").focus()
        self._list_files()
        # The first frame shows the list; the form's widgets, the key bar and the checks
        # (pydantic, yaml imported in the worker) come after it, not to hold that frame back.
        self.call_after_refresh(self._build_form)

    async def _build_form(self) -> None:
        """Mount the form and the key bar, then check the runbooks in a worker."""
        from textual.widgets import Footer

        from drp_console.ui.screens.launcher_form import form_widgets

        self.app.load_later_css()
        await self.query_one("#launcher-form").mount_all(form_widgets())
        await self.mount(Footer())
        self.refresh_bindings()  # a key bar mounted late shows the keys once told they are set
        self._show_mode("simulate")
        self.form_ready = True
        if self.current is not None:  # highlighted before the form was there
            await self._select(self.current)
        self.scan(list(self.entries))

    def rescan(self) -> None:
        """List the runbook files now (no loading), then check them in a worker."""
        self._list_files()
        if self.form_ready:  # else the form's mounting starts the scan
            self.scan(list(self.entries))

    def _list_files(self) -> None:
        self.checked = False
        self.entries = runbook_files(self.app.runbooks_dir)
        self.current = None
        self._show_title()
        books = self.query_one("#runbook-list", OptionList)
        books.clear_options()
        if not self.entries:
            books.add_option(Option(f"No runbooks in {self.app.runbooks_dir}: give --runbooks "
                                    "DIR", disabled=True))
        books.add_options([Option(e.line(), id=e.path.as_posix()) for e in self.entries])

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def scan(self, listed: list[RunbookEntry]) -> None:
        """List the runs, then load and validate each runbook, off the event loop; each mark
        is shown as soon as its runbook is checked."""
        app = self.app
        runs = scan_runs(app.runs_dir)
        for entry in listed:
            show: Callable[[], Awaitable[None] | None] = partial(
                self._show_entry, check_entry(entry, runs))
            app.call_from_thread(show)
        done: Callable[[], Awaitable[None] | None] = partial(self._show_scan, runs)
        app.call_from_thread(done)
        self.warm_up()

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Import the Google clients now, so starting a run does not wait for them."""
        warm_clients()

    async def _show_entry(self, entry: RunbookEntry) -> None:
        """One runbook checked: its mark in the list, the title's count, the form if shown."""
        key = entry.path.as_posix()
        index = next((i for i, e in enumerate(self.entries) if e.path.as_posix() == key), None)
        if index is None:
            return  # listed by an older scan
        self.entries[index] = entry
        self.query_one("#runbook-list", OptionList).replace_option_prompt(key, entry.line())
        self._show_title()
        if self.current is not None and self.current.path.as_posix() == key:
            await self._select(entry)

    async def _show_scan(self, runs: list[Any]) -> None:
        self.runs = resumable(runs)
        self.checked = True
        self._show_title()
        books = self.query_one("#runbook-list", OptionList)
        resume = self.query_one("#resume-list", OptionList)
        resume.clear_options()
        resume.add_options([Option(resume_row(run), id=str(run.path)) for run in self.runs]
                           or [Option("none", disabled=True)])
        entries = self.entries
        if entries and books.highlighted in (None, 0):  # not moved by the operator meanwhile
            first = next((i for i, e in enumerate(entries) if e.runbook is not None), 0)
            books.highlighted = first
            await self._select(entries[first])

    def _show_title(self) -> None:
        """The title line: the runbook folder, how many runbooks are valid, the operator."""
        valid = sum(1 for e in self.entries if e.runbook is not None)
        waiting = sum(1 for e in self.entries if not e.checked)
        counts = f"{valid} valid" + (f", {waiting} being checked" if waiting else "")
        self.query_one("#launcher-title", Static).update(
            f" drp-console   runbooks: {escape(str(self.app.runbooks_dir))} "
            f"({len(self.entries)}, {counts})   operator: {escape(self.app.operator)}")

    # ---- the form -----------------------------------------------------------------------------
    async def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "runbook-list" and event.option.id:
            entry = next((e for e in self.entries if e.path.as_posix() == event.option.id), None)
            if entry is not None and entry is not self.current:
                await self._select(entry)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "resume-list" and event.option.id:
            self.resume(Path(event.option.id))
        elif event.option_list.id == "runbook-list":  # the mode first: it is never skipped
            self._focus(self.query_one("#mode"))

    def _focus(self, widget: Any) -> None:
        """Focus a field of the form and bring it on screen (the form scrolls at 80x24)."""
        widget.focus()
        self.call_after_refresh(widget.scroll_visible, animate=False)

    async def _select(self, entry: RunbookEntry) -> None:
        if not self.form_ready:  # shown once the form is mounted
            self.current = entry
            return
        async with self._form_lock:  # the form is rebuilt: one rebuild at a time
            if self.current is entry and self.query("#param-fields > *"):
                return
            await self._rebuild(entry)

    async def _rebuild(self, entry: RunbookEntry) -> None:
        self.current = entry
        self.query_one("#runbook-info", Static).update(entry.describe())
        scenarios = self.query_one("#scenario", Select)
        options = [(name, path) for name, path in entry.scenarios]
        scenarios.set_options(options)
        if entry.default_scenario:
            scenarios.value = entry.default_scenario
        fields = self.query_one("#param-fields", Vertical)
        await fields.remove_children()
        from drp_console.ui.screens.launcher_form import param_widgets

        widgets: list[Any] = []
        for name, spec in entry.parameters():
            widgets += param_widgets(name, spec, self.app.still)
        await fields.mount_all(widgets)
        self.query_one("#start", Button).disabled = entry.runbook is None
        self.query_one("#form-error", Static).update("")

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        from drp_console.ui.screens.launcher_form import MODES

        if event.radio_set.id == "mode":
            self._show_mode(MODES[event.index])

    def _show_mode(self, mode: str) -> None:
        simulated = mode != "live"
        for wid in ("#scenario", "#scenario-label"):
            self.query_one(wid).display = simulated
        for wid in ("#live-project", "#live-label"):
            self.query_one(wid).display = not simulated
        start = self.query_one("#start", Button)
        start.label = "Start LIVE run" if mode == "live" else "Start"
        start.variant = "error" if mode == "live" else "primary"

    def values(self) -> FormValues:
        """The form as filled in."""
        from textual.widgets import RadioSet

        from drp_console.ui.screens.launcher_form import MODES, FormValues

        index = self.query_one("#mode", RadioSet).pressed_index
        mode = MODES[index] if index >= 0 else "simulate"
        scenario = self.query_one("#scenario", Select).value
        params = {}
        for box in self.query("#param-fields Input").results(Input):
            params[str(box.id).removeprefix("param-")] = box.value
        return FormValues(mode=mode, scenario=scenario if isinstance(scenario, str) else None,
                          params=params, typed_project=self.query_one("#live-project", Input).value)

    def check(self, values: FormValues) -> dict[str, str]:
        """Inline errors: field name (a parameter, `scenario`, `project`) -> message."""
        from drp_console.ui.screens.launcher_form import form_errors

        entry = self.current
        return form_errors(entry.runbook if entry is not None else None, values)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for widget in self.query(".field-error").results(Static):
            name = str(widget.id or "").removeprefix("error-")
            widget.update(f"✘ {escape(errors[name])}" if name in errors else "")
        rest = [msg for name, msg in errors.items()
                if not self.query(f"#error-{name}") or name in ("project", "scenario", "form")]
        self.query_one("#form-error", Static).update("\n".join(f"✘ {escape(m)}" for m in rest))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field goes to the next one, then to Start: a run starts only from the
        Start button (or ctrl+s), never from an enter meant to finish a field."""
        fields = [f for f in self.query("#launcher-form Input").results(Input) if f.display]
        later = fields[fields.index(event.input) + 1:] if event.input in fields else []
        self._focus(later[0] if later else self.query_one("#start", Button))

    def action_start(self) -> None:
        """Check the form and open the run."""
        values = self.values()
        errors = self.check(values)
        self._show_errors(errors)
        if errors or self.current is None:
            return
        given = {k: v for k, v in values.params.items() if v != ""}
        path = self.current.path

        def named(_: str) -> None:
            self.query_one("#form-error", Static).update("Starting…")
            self.open_session(path, values, given)
        self._ask_operator(named)

    def _ask_operator(self, then: Any, run: str | None = None) -> None:
        """Ask who is at the keyboard (prefilled, enter accepts), remember it, then go on."""
        if not getattr(self.app, "ask_operator", False):
            then(self.app.operator)
            return
        from drp_console.ui.dialogs.operator_dialog import OperatorDialog

        def chosen(reply: Any) -> None:
            if reply is not None and reply.by:
                self.app.operator = reply.by
                self._show_title()
            then(self.app.operator)
        self.app.push_screen(OperatorDialog(self.app.operator, run, still=self.app.still),
                             chosen)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_session(self, path: Path, values: FormValues, given: dict[str, str]) -> None:
        """Open the run (starts the embedded simulator) off the event loop."""
        from drp_console.runner.session import RunSession

        try:
            session = RunSession.start(path, mode=values.mode, params=given,
                                       scenario_path=values.scenario if values.mode != "live"
                                       else None, operator=self.app.operator,
                                       runs_dir=self.app.runs_dir)
        except Exception as exc:  # noqa: BLE001 - shown in the form, never a traceback
            self.app.call_from_thread(self._show_errors, {"form": _describe(exc)})
            return
        self.app.call_from_thread(self.app.open_run, session, operator_confirmed=True,
                                  confirmed_project=values.mode == "live")

    def resume(self, run_dir: Path) -> None:
        """Resume an interrupted run: who is at the keyboard, its secret parameters typed
        again (they are not journaled), then open it."""
        from drp_console.journal.rundir import secret_names
        from drp_console.ui.dialogs.secrets_dialog import SecretsDialog

        names = secret_names(run_dir)

        def named(_: str) -> None:
            if not names:
                self.open_resumed(run_dir, {})
                return

            def typed(secrets: dict[str, str] | None) -> None:
                if secrets is not None:
                    self.open_resumed(run_dir, secrets)
            self.app.push_screen(SecretsDialog(run_dir.name, names, still=self.app.still),
                                 typed)
        self._ask_operator(named, run_dir.name)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_resumed(self, run_dir: Path, secrets: dict[str, str]) -> None:
        """Reopen an interrupted run off the event loop (`secrets`: its secret parameters)."""
        from drp_console.runner.session import RunSession

        try:
            session = RunSession.resume(run_dir, operator=self.app.operator,
                                        runs_dir=self.app.runs_dir, params=secrets)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._show_errors, {"form": _describe(exc)})
            return
        self.app.call_from_thread(self.app.open_run, session, operator_confirmed=True)

    def action_rescan(self) -> None:
        self.rescan()


def _describe(exc: Exception) -> str:
    """An error the operator can act on, from whatever opening a run raised."""
    name = type(exc).__name__
    if name == "RunLocked":
        return f"The run is locked: {exc}"
    if name == "InvalidDocument":
        return f"Invalid runbook or scenario:\n{exc}"
    return str(exc) or name
