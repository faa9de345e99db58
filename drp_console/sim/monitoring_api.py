"""Cloud Monitoring v3: `projects.timeSeries.list` for a Cloud SQL replica's replication lag.

The lag is the scenario's `replicaLag` while the primary is up; once its zone or region is down
(a fault), the replica receives nothing more, so the lag grows by the time it has been down. A
primary (or a promoted replica) has no replica_lag series. Points are 60 s apart, newest first.
"""

from __future__ import annotations

import re
from typing import Any

from drp_console.sim.api import Request, route
from drp_console.sim.errors import bad_request
from drp_console.sim.world import World, master_of, parse_time, region_of, rfc3339

REPLICA_LAG = "cloudsql.googleapis.com/database/replication/replica_lag"
STEP = 60.0


def _down_since(w: World, inst: dict[str, Any], now: float) -> float | None:
    """Since when the primary of `inst` has been down at `now` (epoch seconds), else None."""
    master = w.data["sql"].get(master_of(inst) or "")
    if master is None:
        return None
    offset = now - w.started_at
    zone = master["gceZone"]
    for fault in w.data["scenario"]["faults"]:
        hit = fault.get("zone_down") == zone or fault.get("region_down") == region_of(zone)
        if hit and fault["at"] <= offset and (fault["until"] is None or fault["until"] > offset):
            return w.started_at + fault["at"]
    return None


def lag_at(w: World, name: str, at: float) -> float | None:
    """The replication lag of replica `name` at `at`, None when it is not a replica."""
    inst = w.data["sql"].get(name)
    if inst is None or inst.get("instanceType") != "READ_REPLICA_INSTANCE":
        return None
    spec: dict[str, Any] = next(
        (s for s in w.data["scenario"]["sql"]["instances"] if s["name"] == name), {})
    base = float(spec.get("replicaLag") or 0.5)
    since = _down_since(w, inst, at)
    return round(base + (at - since if since is not None else 0.0), 3)


@route("GET", "/v3/projects/{project}/timeSeries", "monitoring.timeSeries.list")
def list_time_series(req: Request, project: str) -> dict[str, Any]:
    w = req.world
    w.check_project(project, "compute")
    text = req.query.get("filter", "")
    if f'metric.type = "{REPLICA_LAG}"' not in text:
        raise bad_request("The simulator serves only the metric " + REPLICA_LAG + ".")
    wanted = re.search(r'resource\.labels\.database_id\s*=\s*"([^"]+)"', text)
    try:
        start = parse_time(req.query["interval.startTime"])
        end = min(parse_time(req.query["interval.endTime"]), req.now)
    except (KeyError, ValueError):
        raise bad_request("interval.startTime and interval.endTime (RFC 3339) are required.") \
            from None
    series = []
    for name, inst in sorted(w.data["sql"].items()):
        database = f"{w.project}:{name}"
        if wanted and wanted.group(1) != database:
            continue
        points: list[dict[str, Any]] = []
        t = end
        while t >= start and len(points) < 60:
            lag = lag_at(w, name, t)
            if lag is None:
                break
            points.append({"interval": {"startTime": rfc3339(t), "endTime": rfc3339(t)},
                           "value": {"doubleValue": lag}})
            t -= STEP
        if points:
            series.append({
                "metric": {"type": REPLICA_LAG, "labels": {}},
                "resource": {"type": "cloudsql_database", "labels": {
                    "project_id": w.project, "database_id": database,
                    "region": inst["region"]}},
                "metricKind": "GAUGE", "valueType": "DOUBLE", "unit": "s", "points": points})
    return {"timeSeries": series, "unit": "s"} if series else {}
