"""The read-only view of the world served at /_sim/state and printed by `drp sim state`."""

from __future__ import annotations

from typing import Any

from drp_console.sim import (
    compute_api,
    monitoring_api,  # noqa: F401  (registers its route)
    operations,
    sql_api,
)
from drp_console.sim.world import World, parse_time, public, rfc3339, short


def _sql_extra(w: World, inst: dict[str, Any], now: float) -> dict[str, Any]:
    sim = inst.get("_sim", {})
    corrupted_at = w.corruption_time(sim.get("clonedFrom", {}).get("instance") or inst["name"]) \
        if sim.get("clonedFrom") else w.corruption_time(inst["name"])
    data_as_of = sim.get("dataAsOf")
    if corrupted_at is None or now < corrupted_at:
        corrupted = False
    else:
        corrupted = data_as_of is None or parse_time(data_as_of) >= corrupted_at
    return {"dataAsOf": data_as_of or "live", "dataCorrupted": corrupted,
            "corruptedAt": rfc3339(corrupted_at) if corrupted_at is not None else None,
            "restoredFrom": sim.get("restoredFrom"), "clonedFrom": sim.get("clonedFrom"),
            "promotedFrom": sim.get("promotedFrom")}


def world_snapshot(w: World, now: float) -> dict[str, Any]:
    """Every resource as the API shows it now, plus mutations, requestIds and call counts."""
    d = w.data
    outages = sorted({f["zone_down"] or f["region_down"] for f in d["scenario"]["faults"]
                      if (f["zone_down"] or f["region_down"])
                      and w.outage(now, zone=f["zone_down"], region=f["region_down"])})
    sql = []
    for name in sorted(d["sql"]):
        view = sql_api.instance_view(w, d["sql"][name], now)
        view["simulation"] = _sql_extra(w, d["sql"][name], now)
        view["backupRuns"] = len(d["backupRuns"].get(name, []))
        sql.append(view)
    return {
        "scenario": {k: d["scenario"][k] for k in ("id", "title", "project", "speed")},
        "now": rfc3339(now), "startedAt": rfc3339(w.started_at),
        "elapsedSeconds": round(now - w.started_at, 3), "outages": outages,
        "compute": {
            "instances": [compute_api.instance_view(w, i, now) for _, i in sorted(d["instances"].items())],
            "disks": [public(x) for _, x in sorted(d["disks"].items())],
            "snapshots": [public(x) for _, x in sorted(d["snapshots"].items())],
            "machineImages": [public(x) for _, x in sorted(d["machineImages"].items())],
            "instanceGroupManagers": [compute_api.igm_view(w, g, now) for _, g in sorted(d["igms"].items())],
        },
        "sql": {"instances": sql,
                "backupRuns": {k: [public(r) for r in v] for k, v in sorted(d["backupRuns"].items())}},
        "operations": [
            {"name": op["name"], "call": op["method"], "target": op["target"],
             "status": operations.status(op, now), "error": op["error"],
             "requestId": op["requestId"], "insertTime": rfc3339(op["insertTime"])}
            for op in sorted(d["operations"].values(), key=lambda o: o["insertTime"])],
        "mutations": d["mutations"],
        "requestIds": d["requestIds"],
        "calls": d["calls"],
        "faultHits": d["fault_hits"],
    }


def render_table(state: dict[str, Any]) -> str:
    """A readable plain-text summary of a state snapshot."""
    lines = [f"scenario {state['scenario']['id']} ({state['scenario']['title']}), "
             f"speed {state['scenario']['speed']:g}x, {state['elapsedSeconds']:.0f}s since start",
             f"outages: {', '.join(state['outages']) or 'none'}", "", "Compute instances:"]
    for i in state["compute"]["instances"]:
        lines.append(f"  {i['name']:<28} {short(i['zone']):<16} {i['status']:<12} "
                     f"{short(i['machineType'])}")
    lines.append("Instance groups:")
    for g in state["compute"]["instanceGroupManagers"]:
        where = short(g.get("zone") or g.get("region") or "")
        lines.append(f"  {g['name']:<28} {where:<16} target {g['targetSize']:<3} "
                     f"creating {g['currentActions']['creating']}")
    lines.append(f"Snapshots: {len(state['compute']['snapshots'])}, machine images: "
                 f"{len(state['compute']['machineImages'])}")
    lines.append("Cloud SQL instances:")
    for s in state["sql"]["instances"]:
        role = f"replica of {s['masterInstanceName']}" if s.get("masterInstanceName") else "primary"
        sim = s["simulation"]
        lines.append(f"  {s['name']:<28} {s['gceZone']:<16} {s['state']:<10} {role}; "
                     f"{s['settings']['availabilityType']}; data {sim['dataAsOf']}"
                     f"{' CORRUPTED' if sim['dataCorrupted'] else ''}")
    lines.append("Operations:")
    for op in state["operations"][-20:]:
        lines.append(f"  {op['call']:<44} {op['target']:<50} {op['status']}"
                     f"{' ' + op['error'] if op['error'] else ''}")
    lines.append("Mutations applied:")
    for resource, muts in sorted(state["mutations"].items()):
        lines.append(f"  {resource}: " + ", ".join(m["method"].rsplit(".", 1)[-1] for m in muts))
    return "\n".join(lines)
