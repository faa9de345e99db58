"""The runbook model: strictness, durations, helpers, round trips."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drp_console.runbook.model import DecisionStep, GcpStep, Runbook, duration_text


def runbook(**extra) -> Runbook:
    doc = {
        "format": "drp/v1", "id": "t", "title": "T",
        "steps": [
            {"id": "a", "title": "A", "type": "manual", "timeout": "5m"},
            {"id": "b", "title": "B", "type": "gcp", "call": "sql.instances.get",
             "with": {"project": "p", "instance": "i"},
             "retry": {"attempts": 3, "delay": "10s", "backoff": 2}},
            {"id": "c", "title": "C", "type": "decision", "needs": [],
             "options": {"go": "d", "stop": "e"}},
            {"id": "d", "title": "D", "type": "manual", "needs": ["c"], "on_failure": "e"},
            {"id": "e", "title": "E", "type": "manual", "needs": ["c"]},
        ],
    }
    doc.update(extra)
    return Runbook.model_validate(doc)


def test_durations_are_seconds_and_serialise_back_to_text() -> None:
    rb = runbook(objectives={"rto": "1h30m", "rpo": "0s"})
    assert rb.objectives.rto == 5400.0 and rb.objectives.rpo == 0.0
    step = rb.step("b")
    assert isinstance(step, GcpStep)
    assert step.retry.delay == 10.0 and step.retry.attempts == 3 and step.retry.backoff == 2.0
    assert rb.to_doc()["objectives"] == {"rto": "1h30m", "rpo": "0s"}


def test_to_doc_round_trips_with_the_with_alias() -> None:
    rb = runbook()
    doc = rb.to_doc()
    assert doc["steps"][1]["with"] == {"project": "p", "instance": "i"}
    again = Runbook.from_doc(doc, "abc")
    assert again.model_dump() == rb.model_dump() and again.source_hash == "abc"


def test_needs_default_to_the_previous_step() -> None:
    rb = runbook()
    assert rb.needs("a") == ()
    assert rb.needs("b") == ("a",)
    assert rb.needs("c") == ()
    assert rb.needs("d") == ("c",)


def test_conditional_targets_are_options_and_failure_paths() -> None:
    assert runbook().conditional_targets() == {"d", "e"}


def test_step_lookup() -> None:
    rb = runbook()
    assert isinstance(rb.step("c"), DecisionStep)
    assert rb.has_step("a") and not rb.has_step("z")
    with pytest.raises(KeyError):
        rb.step("z")


def test_strict_types_and_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        runbook(version="3")
    with pytest.raises(ValidationError):
        runbook(colour="blue")
    with pytest.raises(ValidationError):
        runbook(objectives={"rto": 30})


def test_models_are_frozen() -> None:
    rb = runbook()
    with pytest.raises(ValidationError):
        rb.title = "other"  # type: ignore[misc]


def test_retry_attempts_count_the_first_try() -> None:
    with pytest.raises(ValidationError):
        Runbook.model_validate({"format": "drp/v1", "id": "t", "title": "T", "steps": [
            {"id": "a", "title": "A", "type": "manual", "retry": {"attempts": 0}}]})


def test_parameter_without_default_is_required() -> None:
    rb = runbook(parameters={"a": {}, "b": {"default": "x"}, "c": {"required": False}})
    assert rb.parameters["a"].is_required
    assert not rb.parameters["b"].is_required
    assert not rb.parameters["c"].is_required


def test_scenario_path_is_relative_to_the_runbook(tmp_path) -> None:
    from drp_console.runbook.loader import load_document

    path = tmp_path / "rb.yaml"
    path.write_text("format: drp/v1\nid: t\ntitle: T\nscenario: scenarios/calm.yaml\n"
                    "steps:\n  - {id: a, title: A, type: manual}\n")
    rb = load_document(path, Runbook)
    assert rb.scenario_path() == (tmp_path / "scenarios" / "calm.yaml").resolve()
    import hashlib
    assert rb.source_hash == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("seconds,text", [(0, "0s"), (90, "1m30s"), (5400, "1h30m"),
                                          (172800, "2d"), (93784, "1d2h3m4s")])
def test_duration_text(seconds: float, text: str) -> None:
    assert duration_text(seconds) == text
