"""Cloud Monitoring reads: a Cloud SQL replica's replication lag, the measured RPO of a promotion.

The Admin API has no replication lag; Cloud Monitoring has it as
`cloudsql.googleapis.com/database/replication/replica_lag` (seconds, a GAUGE sampled every
60 s). google-cloud-monitoring's `MetricServiceClient` speaks gRPC only (no REST transport), so
the request goes out as plain REST (`projects.timeSeries.list`) through the cloud's authorised
session and endpoint, and the answer is parsed by the library's own `ListTimeSeriesResponse`
message: a field the real API does not define fails here as it would in the client.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from drp_console.actions.outcome import CallOutcome
from drp_console.gcp.clients import Cloud
from drp_console.gcp.messages import to_rest
from drp_console.gcp.rest import request_json

Adapter = Callable[[Cloud, dict[str, Any], "str | None"], CallOutcome]
REPLICA_LAG = "cloudsql.googleapis.com/database/replication/replica_lag"
"""The metric type of a Cloud SQL replica's replication lag, in seconds."""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def replica_lag(cloud: Cloud, project: str, instance: str, minutes: int = 10) -> dict[str, Any]:
    """The newest replica-lag point of `instance`: `{lagSeconds, at, timeSeries}`.

    `lagSeconds` and `at` are None when Monitoring has no point in the window (a primary, or
    a replica not yet reporting)."""
    from google.cloud import monitoring_v3

    end = datetime.now(UTC)
    params = {
        "filter": f'metric.type = "{REPLICA_LAG}" AND '
                  f'resource.labels.database_id = "{project}:{instance}"',
        "interval.startTime": _stamp(end - timedelta(minutes=minutes)),
        "interval.endTime": _stamp(end),
        "view": "FULL",
    }
    text = request_json(cloud, "monitoring", "GET", f"/v3/projects/{quote(project)}/timeSeries",
                        params=params)
    parsed = monitoring_v3.ListTimeSeriesResponse.from_json(text)
    series = to_rest(parsed).get("timeSeries") or []
    newest = None
    for one in series:
        for point in one.get("points") or []:  # newest first, as the API returns them
            at = point.get("interval", {}).get("endTime")
            if at and (newest is None or at > newest[0]):
                newest = (at, float(point.get("value", {}).get("doubleValue", 0.0)))
    return {"lagSeconds": newest[1] if newest else None, "at": newest[0] if newest else None,
            "timeSeries": series}


def time_series_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    return CallOutcome(result=replica_lag(cloud, a["project"], a["instance"],
                                          int(a.get("minutes") or 10)))


MONITORING_ADAPTERS: dict[str, Adapter] = {"monitoring.timeSeries.list": time_series_list}
"""Catalog call name -> adapter, for every `monitoring.*` call."""
