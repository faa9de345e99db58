"""A Cloud Monitoring incident notification, read from its webhook JSON (schema version 1.2).

The payload is `{"version": "1.2", "incident": {...}}`; the fields used here are
`incident.started_at` (epoch seconds), `policy_name`, `condition_name`, `state` (`open` or
`closed`), `ended_at`, `url`, `incident_id`, `summary`, `resource.labels` and `metric.labels`
(see https://cloud.google.com/monitoring/support/notification-options#webhooks).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MAX_BYTES = 1024 * 1024
"""A larger file is not a notification."""


class AlertError(ValueError):
    """An alert file that cannot be used; the message is one sentence saying what to do."""


@dataclass(frozen=True)
class Incident:
    """The parts of a Cloud Monitoring incident a run needs; `payload` keeps all of it."""

    policy_name: str
    """The alerting policy's display name (matched against runbooks' `triggers:`)."""
    started_at: datetime
    """When the incident began (UTC): the run's incident start and milestone `detected`."""
    state: str
    """`open` or `closed`."""
    payload: dict[str, Any]
    """The whole notification, as received."""
    source: str
    """The file it was read from (`-` for stdin)."""

    @property
    def body(self) -> dict[str, Any]:
        """`payload["incident"]`."""
        return self.payload["incident"]

    @property
    def incident_id(self) -> str:
        """`incident.incident_id`."""
        return str(self.body.get("incident_id") or "")

    @property
    def condition_name(self) -> str:
        """`incident.condition_name`."""
        return str(self.body.get("condition_name") or "")

    @property
    def url(self) -> str:
        """`incident.url`: the incident in the Cloud console."""
        return str(self.body.get("url") or "")

    def value(self, path: str) -> Any:
        """The value at a dotted path under `incident` (`resource.labels.database_id`), or None.
        A Cloud SQL `database_id` (`PROJECT:INSTANCE`) gives the instance name."""
        node: Any = self.body
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        if path.endswith("database_id") and isinstance(node, str) and ":" in node:
            node = node.rsplit(":", 1)[1]
        return node

    def summary_line(self) -> str:
        """One line: policy, state, start time."""
        return (f"incident {self.incident_id or '?'} of policy {self.policy_name!r} "
                f"({self.state}, started {self.started_at.isoformat()})")


def read_alert(source: str) -> Incident:
    """Read and check a notification file (`-`: standard input); AlertError otherwise."""
    name = "standard input" if source == "-" else source
    try:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1) if source == "-" else \
            Path(source).read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise AlertError(f"cannot read the alert file {name}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise AlertError(f"{name} is larger than 1 MiB: give one Cloud Monitoring notification")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise AlertError(f"{name} is not UTF-8 text: give the webhook's JSON body") from None
    except json.JSONDecodeError as exc:
        raise AlertError(f"{name}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}): give the "
                         "webhook's JSON body") from None
    return parse_alert(payload, source)


def parse_alert(payload: Any, source: str = "<alert>") -> Incident:
    """Check a decoded notification; AlertError naming the missing or wrong field."""
    name = "standard input" if source == "-" else source
    body = payload.get("incident") if isinstance(payload, dict) else None
    if not isinstance(body, dict):
        raise AlertError(f"{name} has no 'incident' object: it is not a Cloud Monitoring "
                         "incident notification (webhook, schema version 1.2)")
    version = str(payload.get("version") or "")
    if version and not version.startswith("1."):
        raise AlertError(f"{name}: notification schema version {version} is not supported: "
                         "configure the webhook channel for schema version 1.2")
    policy = body.get("policy_name")
    if not isinstance(policy, str) or not policy.strip():
        raise AlertError(f"{name}: incident.policy_name is missing: the notification cannot "
                         "be matched to a runbook")
    started = body.get("started_at")
    if isinstance(started, bool) or not isinstance(started, (int, float)) or started <= 0:
        raise AlertError(f"{name}: incident.started_at must be the incident's start in epoch "
                         f"seconds, got {started!r}")
    try:
        when = datetime.fromtimestamp(started, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise AlertError(f"{name}: incident.started_at {started!r} is not a time") from None
    state = str(body.get("state") or "open").lower()
    if state not in ("open", "closed"):
        raise AlertError(f"{name}: incident.state is {state!r}: expected open or closed")
    return Incident(policy.strip(), when, state, payload, source)
