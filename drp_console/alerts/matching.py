"""Which runbooks an incident triggers, and the parameters it fills (`from_alert:`)."""

from __future__ import annotations

from typing import Any

from drp_console.alerts.incident import AlertError, Incident


def triggered_by(runbook: Any, incident: Incident) -> bool:
    """Whether the runbook lists the incident's policy in `triggers:`."""
    return incident.policy_name in (runbook.triggers or ())


def check_trigger(runbook: Any, incident: Incident) -> None:
    """A runbook that lists `triggers:` starts only for those policies (AlertError otherwise);
    one without `triggers:` accepts any alert."""
    if runbook.triggers and not triggered_by(runbook, incident):
        raise AlertError(f"policy {incident.policy_name!r} does not trigger runbook "
                         f"{runbook.id!r} (its triggers: {', '.join(runbook.triggers)}): start "
                         "the runbook the alert is for (`drp alerts match FILE`)")


def alert_params(runbook: Any, incident: Incident, given: dict[str, str]) -> dict[str, str]:
    """`given` plus the parameters whose `from_alert` path the incident has (as text); a value
    given with -p wins. AlertError for a required parameter the alert does not carry."""
    out = dict(given)
    for name, spec in runbook.parameters.items():
        if spec.from_alert is None or name in given:
            continue
        value = incident.value(spec.from_alert)
        if value is None or isinstance(value, (dict, list)) or value == "":
            if spec.is_required:
                raise AlertError(f"the alert has no incident.{spec.from_alert} for parameter "
                                 f"{name!r}: give it with -p {name}=VALUE")
            continue
        out[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def journal_view(incident: Incident) -> dict[str, Any]:
    """What `run_started.alert` keeps: the source, the parsed facts and the whole payload."""
    return {"source": incident.source, "policy_name": incident.policy_name,
            "incident_id": incident.incident_id, "condition_name": incident.condition_name,
            "state": incident.state, "started_at": incident.started_at.isoformat(),
            "url": incident.url, "payload": incident.payload}
