"""The launcher's form: mode, scenario, parameters, the live confirmation; its widgets and checks.

The launcher mounts these widgets after its first frame (which shows the runbook list), so the
list is on screen before the form's widgets are styled and laid out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from drp_console.ui.form_text import pattern_error, value_text

MODES = ("simulate", "training", "live")


class ModeButton(RadioButton):
    """A radio button whose state is a glyph too (● chosen, ○ not), not only a colour."""

    @property
    def BUTTON_INNER(self) -> str:  # the name Textual's ToggleButton reads
        return "●" if self.value else "○"

    @BUTTON_INNER.setter
    def BUTTON_INNER(self, _glyph: str) -> None:
        """The glyph follows the value; Textual's class default is not used."""


@dataclass
class FormValues:
    """What the operator filled in to start a run."""

    mode: str = "simulate"
    """simulate, training or live."""
    scenario: str | None = None
    """Scenario path (simulated modes)."""
    params: dict[str, str] = field(default_factory=dict)
    """Parameter name -> text typed (only those that differ from empty)."""
    typed_project: str = ""
    """Live mode: the project id as typed to confirm."""


def form_widgets() -> list[Widget]:
    """The form's widgets, in order (the parameters' fields go into `#param-fields`)."""
    return [
        Static("Select a runbook on the left.", id="runbook-info"),
        Label("Mode", classes="form-label"),
        RadioSet(ModeButton("simulate", value=True), ModeButton("training"),
                 ModeButton("live (real Google Cloud)"), id="mode"),
        Label("Scenario", classes="form-label", id="scenario-label"),
        Select[str]([], id="scenario", prompt="choose a scenario"),
        Vertical(id="param-fields"),
        Label("Type the project id to confirm a LIVE run", classes="form-label",
              id="live-label"),
        Input(placeholder="project id", id="live-project"),
        Static("", classes="field-error", id="form-error"),
        Button("Start", variant="primary", id="start"),
    ]


def param_widgets(name: str, spec: dict, still: bool) -> list[Widget]:
    """The label, help, field and error line of one parameter, whatever its spec holds
    (`still`: no cursor blink, for tests and snapshots)."""
    from drp_console.ui.dialogs.modals import reflow

    need = " (required)" if spec.get("required") else ""
    secret = " (secret)" if spec.get("secret") else ""
    out: list[Widget] = [Label(escape(f"{name}{need}{secret}"), classes="form-label")]
    help_text = reflow(str(spec.get("description") or ""))
    if spec.get("choices"):
        help_text += ("; " if help_text else "") + "one of " + \
            ", ".join(value_text(c) for c in spec["choices"])
    if help_text:
        out.append(Static(escape(help_text), classes="form-help"))
    default = spec.get("default")
    box = Input("" if default is None else value_text(default),
                placeholder=str(spec.get("pattern") or name),
                password=bool(spec.get("secret")), id=f"param-{name}")
    if still:
        box.cursor_blink = False
    out.append(box)
    out.append(Static("", classes="field-error", id=f"error-{name}"))
    return out


def form_errors(runbook: Any, values: FormValues) -> dict[str, str]:
    """Inline errors: field name (a parameter, `scenario`, `project`, `form`) -> message, for
    starting `runbook` (None: no valid runbook picked) with `values`."""
    if runbook is None:
        return {"form": "Pick a valid runbook first."}
    from drp_console.runbook.params import ParameterError, check_value, resolve_params

    errors: dict[str, str] = {}
    given = {k: v for k, v in values.params.items() if v != ""}
    for name, spec in runbook.parameters.items():
        if name not in given:
            if spec.is_required and spec.default is None:
                errors[name] = f"'{name}' is required: type a value."
            continue
        try:
            check_value(name, spec, given[name])
        except ParameterError as exc:
            pattern = spec.pattern
            if pattern is not None and "does not match" in str(exc):
                errors[name] = pattern_error(name, given[name], pattern, spec.secret)
            else:
                errors[name] = str(exc)
    if not errors:
        try:
            resolved = resolve_params(runbook, given)
        except ParameterError as exc:
            errors[exc.name] = str(exc)
            resolved = {}
        if values.mode == "live":
            project = str(resolved.get("project") or "")
            if not project:
                errors["project"] = "A live run needs a project parameter."
            elif values.typed_project.strip() != project:
                errors["project"] = f"Type the project id {project!r} exactly to go live."
    if values.mode != "live" and not values.scenario:
        errors["scenario"] = "Choose a scenario for the simulated cloud."
    return errors
