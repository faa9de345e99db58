"""What the launcher lists: the runbooks of a directory (validated) and the runs on disk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.markup import escape


def _fmt(seconds: float | None) -> str:
    from drp_console.runbook.durations import format_duration

    return format_duration(seconds) if seconds is not None else ""


@dataclass
class RunbookEntry:
    """One runbook file, loaded or not."""

    path: Path
    """The file."""
    runbook: Any = None
    """The loaded Runbook, None when it is invalid."""
    errors: list[str] = field(default_factory=list)
    """Diagnostics, `file:line:col: where: message`."""
    last_run: Any = None
    """The newest RunSummary of this runbook, if any."""
    scenarios: list[tuple[str, str]] = field(default_factory=list)
    """(label, path) of the scenarios beside the runbooks."""
    default_scenario: str | None = None
    """The runbook's own scenario, as a path among `scenarios`."""
    checked: bool = True
    """False while the file is listed but not yet loaded and validated."""

    @property
    def ident(self) -> str:
        """The runbook id (the file name when it did not load)."""
        return self.runbook.id if self.runbook is not None else self.path.stem

    def line(self) -> str:
        """Its row in the list: validity, id, objectives."""
        if not self.checked:
            return f"… checking  {self.path.name}"
        if self.runbook is None:
            return f"✘ invalid  {self.path.name}"
        objectives = self.runbook.objectives
        bits = [f"RTO {_fmt(objectives.rto)}" if objectives.rto else "",
                f"RPO {_fmt(objectives.rpo)}" if objectives.rpo else "",
                "72h clock" if self.runbook.breach_clock else ""]
        return f"✔ {self.runbook.id}  " + "  ".join(b for b in bits if b)

    def parameters(self) -> list[tuple[str, dict]]:
        """Parameters with their description, default, required, secret, pattern, choices."""
        if self.runbook is None:
            return []
        out = []
        for name, spec in self.runbook.parameters.items():
            data = spec.model_dump()
            data["required"] = spec.is_required and spec.default is None
            out.append((name, data))
        return out

    def describe(self) -> str:
        """The info panel text (Rich markup)."""
        if not self.checked:
            return f"[b]{escape(self.path.name)}[/b]: being checked…"
        if self.runbook is None:
            shown = "\n".join(escape(e) for e in self.errors[:8])
            return f"[b]{escape(self.path.name)}[/b] is invalid: fix it, then F5.\n\n{shown}"
        rb = self.runbook
        version = f" (v{rb.version})" if rb.version is not None else ""
        lines = [f"[b]{escape(rb.title)}{version}[/b]"]
        meta = [f"owner {rb.owner}" if rb.owner else "", " · ".join(rb.tags),
                f"{len(rb.steps)} steps"]
        lines.append(escape(" · ".join(m for m in meta if m)))
        if rb.summary:
            from drp_console.ui.dialogs.modals import prompt_markup

            lines.append(prompt_markup(rb.summary.strip()))
        run = self.last_run
        if run is not None:
            lines.append(f"last run: {escape((run.started or '')[:16].replace('T', ' '))} "
                         f"{escape(str(run.mode))}, {escape(str(run.status))}, "
                         f"{run.steps_done}/{run.steps_total} steps")
        else:
            lines.append("last run: never")
        for warning in self.errors[:3]:
            lines.append(f"⚠ {escape(warning)}")
        return "\n".join(lines)


def scan_runs(runs_dir: Path | None) -> list[Any]:
    """Every run (newest first); empty when there is no runs directory yet."""
    try:
        from drp_console.journal.rundir import list_runs

        return list_runs(runs_dir)
    except Exception:  # noqa: BLE001 - the launcher still lists runbooks
        return []


def resumable(runs: list[Any]) -> list[Any]:
    """The runs the launcher offers to resume: interrupted, paused or running, and unheld."""
    return [r for r in runs if r.status in ("interrupted", "paused", "running")
            and r.holder is None]


def resume_row(run: Any) -> str:
    """A resumable run's row: when it started, its runbook, mode and progress."""
    started = (run.started or "")[:16].replace("T", " ")
    return f"{started}  {run.runbook_id}  {run.mode}  {run.steps_done}/{run.steps_total}"


def warm_clients() -> None:
    """Import every Google client module (the launcher does not know the runbook yet)."""
    try:
        from drp_console.gcp.clients import Cloud

        Cloud("http://127.0.0.1:9", None).warm_up()
    except Exception:  # noqa: BLE001 - a failed warm-up only costs time later
        pass


def _scenarios(folder: Path) -> list[tuple[str, str]]:
    found = []
    for path in sorted((folder / "scenarios").glob("*.y*ml")):
        found.append((path.stem, str(path.resolve())))
    return found


def runbook_files(folder: Path) -> list[RunbookEntry]:
    """Every `*.yaml`/`*.yml` of a directory, listed at once and not yet checked (no loading)."""
    scenarios = _scenarios(folder)
    paths = sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml")))
    return [RunbookEntry(path=path, scenarios=scenarios, checked=False) for path in paths]


def check_entry(listed: RunbookEntry, runs: list[Any]) -> RunbookEntry:
    """A listed file loaded and validated: a new entry (invalid ones carry their diagnostics)."""
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.runbook.loader import load_runbook

    path, scenarios = listed.path, listed.scenarios
    entry = RunbookEntry(path=path, scenarios=scenarios)
    try:
        entry.runbook = load_runbook(path)
    except InvalidDocument as exc:
        entry.errors = [str(d) for d in exc.diagnostics]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is shown, not raised
        entry.errors = [f"{path}: {exc}"]
    if entry.runbook is not None:
        entry.last_run = next((r for r in runs if r.runbook_id == entry.runbook.id), None)
        if entry.runbook.scenario:
            own = (path.parent / entry.runbook.scenario).resolve()
            if str(own) not in [p for _, p in scenarios]:
                entry.scenarios = scenarios + [(own.stem, str(own))]
            entry.default_scenario = str(own)
    return entry


def scan_runbooks(folder: Path, runs: list[Any]) -> list[RunbookEntry]:
    """Load every `*.yaml` of a directory; invalid ones carry their diagnostics."""
    return [check_entry(listed, runs) for listed in runbook_files(folder)]
