"""Runbook parameters: given values checked and typed, defaults applied, secrets known."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drp_console.runbook.model import Parameter, Runbook


class ParameterError(Exception):
    """A parameter value is missing, unknown or not allowed; the message says what to do."""

    def __init__(self, name: str, message: str):
        self.name = name
        """The parameter concerned."""
        super().__init__(message)


def shown(spec: Parameter, text: str) -> str:
    """A given value as an error message may quote it: `***` for a secret parameter."""
    return "***" if spec.secret else repr(text)


def _typed(name: str, spec: Parameter, text: str) -> Any:
    if isinstance(spec.default, bool):
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ParameterError(name, f"parameter '{name}' is true or false, got "
                                 f"{shown(spec, text)}: give -p {name}=true or -p {name}=false")
        return lowered == "true"
    if isinstance(spec.default, int):
        try:
            return int(text.strip())
        except ValueError:
            raise ParameterError(name, f"parameter '{name}' is a whole number, got "
                                 f"{shown(spec, text)}: give -p {name}=<number>") from None
    return text


def check_value(name: str, spec: Parameter, value: Any) -> None:
    """ParameterError when a value breaks the parameter's pattern or choices."""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    allowed = [str(c) for c in spec.choices] if spec.choices is not None else None
    if allowed is not None and text not in allowed:
        raise ParameterError(name, f"parameter '{name}' is {shown(spec, text)}; choose one of "
                             f"{', '.join(allowed)}")
    if spec.pattern is not None and re.fullmatch(spec.pattern, text) is None:
        raise ParameterError(name, f"parameter '{name}' is {shown(spec, text)}, which does not "
                             f"match {spec.pattern}: give a value that does")


def resolve_params(runbook: Runbook, given: Mapping[str, str]) -> dict[str, object]:
    """Every parameter's value: given (typed like its default), else its default.

    ParameterError names the parameter and says what to do when a value is unknown, missing or
    not allowed.
    """
    unknown = sorted(set(given) - set(runbook.parameters))
    if unknown:
        known = ", ".join(runbook.parameters) or "no parameters"
        raise ParameterError(unknown[0], f"unknown parameter '{unknown[0]}': this runbook takes "
                             f"{known}")
    values: dict[str, object] = {}
    for name, spec in runbook.parameters.items():
        if name in given:
            value: Any = _typed(name, spec, given[name])
        elif spec.default is not None:
            value = spec.default
        elif spec.is_required:
            about = f" ({spec.description})" if spec.description else ""
            raise ParameterError(name, f"parameter '{name}'{about} is required: give it with "
                                 f"-p {name}=VALUE")
        else:
            values[name] = ""
            continue
        check_value(name, spec, value)
        values[name] = value
    return values


def secret_values(runbook: Runbook, params: Mapping[str, object]) -> list[str]:
    """The values of secret parameters, for redaction (empty ones left out)."""
    return [str(params[name]) for name, spec in runbook.parameters.items()
            if spec.secret and name in params and str(params[name])]


def masked(runbook: Runbook, params: Mapping[str, object]) -> dict[str, object]:
    """The parameters with secret values shown as `***`."""
    return {name: ("***" if runbook.parameters.get(name) is not None
                   and runbook.parameters[name].secret and str(value) else value)
            for name, value in params.items()}
