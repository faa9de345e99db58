"""Parameters: defaults, types, required values, patterns, choices and secrets."""

from __future__ import annotations

import pytest

from drp_console.runbook.model import Runbook
from drp_console.runbook.params import ParameterError, masked, resolve_params, secret_values


def runbook(parameters) -> Runbook:
    return Runbook.model_validate({"format": "drp/v1", "id": "t", "title": "T",
                                   "parameters": parameters,
                                   "steps": [{"id": "a", "title": "A", "type": "manual"}]})


RB = runbook({
    "project": {"default": "acme-prod", "pattern": "^[a-z][a-z0-9-]+$"},
    "size": {"default": 3, "choices": ["2", "3", "4"]},
    "dr": {"default": False},
    "token": {"secret": True, "description": "webhook token"},
})


def test_defaults_and_typed_values() -> None:
    values = resolve_params(RB, {"token": "s3cr3t", "size": "4", "dr": "true"})
    assert values == {"project": "acme-prod", "size": 4, "dr": True, "token": "s3cr3t"}


def test_required_parameter_names_itself_and_the_fix() -> None:
    with pytest.raises(ParameterError) as err:
        resolve_params(RB, {})
    assert err.value.name == "token"
    assert str(err.value) == ("parameter 'token' (webhook token) is required: give it with "
                              "-p token=VALUE")


def test_unknown_parameter() -> None:
    with pytest.raises(ParameterError, match="unknown parameter 'projet': this runbook takes "
                                             "project, size, dr, token"):
        resolve_params(RB, {"projet": "x", "token": "t"})


def test_pattern_and_choices() -> None:
    with pytest.raises(ParameterError, match="does not match"):
        resolve_params(RB, {"project": "Acme Prod", "token": "t"})
    with pytest.raises(ParameterError, match="choose one of 2, 3, 4"):
        resolve_params(RB, {"size": "5", "token": "t"})
    with pytest.raises(ParameterError, match="whole number"):
        resolve_params(RB, {"size": "three", "token": "t"})
    with pytest.raises(ParameterError, match="true or false"):
        resolve_params(RB, {"dr": "yes", "token": "t"})


def test_secret_pattern_failure_does_not_echo_the_value() -> None:
    rb = runbook({"key": {"secret": True, "pattern": "^k-[0-9]+$"}})
    with pytest.raises(ParameterError) as err:
        resolve_params(rb, {"key": "hunter2"})
    assert "hunter2" not in str(err.value)


def test_secrets_are_known_and_masked() -> None:
    values = resolve_params(RB, {"token": "s3cr3t"})
    assert secret_values(RB, values) == ["s3cr3t"]
    assert masked(RB, values)["token"] == "***"
    assert masked(RB, values)["project"] == "acme-prod"


def test_optional_parameter_without_default_is_empty() -> None:
    rb = runbook({"note": {"required": False}})
    assert resolve_params(rb, {}) == {"note": ""}
