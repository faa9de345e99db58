"""The simulator against real recorded Google Cloud responses: field paths, types and formats.

`tests/sim/recorded/*.json` are response bodies recorded against Google Cloud by Google's Config
Connector end-to-end tests (repository, path and commit in each file). Per resource kind, every
field path a real response carried must be in the simulator's answers with the same JSON type,
unless it is in `OMISSIONS` with the reason; the share of real paths present is printed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from shapes import RFC3339, is_fingerprint, recorded, shapes
from sim_clients import PROJECT, start_sim

from drp_console.sim.scenario import Backups, Scenario, SqlInstance

C = f"/compute/v1/projects/{PROJECT}"
S = f"/sql/v1beta4/projects/{PROJECT}"

NOT_SERVED = {
    "compute#address": "the simulator has no addresses: DR runbooks do not reserve IPs",
    "compute#healthCheck": "no health checks: a group's health is its instances' status",
    "compute#image": "no public images: VMs are rebuilt from snapshots, machine images and "
                     "instance templates",
    "compute#network": "no networks: every VM is on the default network",
    "compute#zone": "no zones.get: a zone is down or up by the scenario's faults",
    "compute#autoscaler": "no autoscalers: a DR runbook resizes its groups explicitly",
    "compute#instanceGroup": "no unmanaged instance groups: only managed ones (the IGM)",
    "compute#instanceGroupsListInstances": "no instanceGroups.listInstances: runbooks read a "
                                           "managed group's status, not its members",
}
"""Recorded kinds the simulator does not serve at all (not counted in the share)."""

_INIT = ("an insert-time input some recorded GETs echo back; the simulator describes a "
         "VM's disks by what is attached (source, boot, size), not how they were made")
OMISSIONS: dict[str, dict[str, str]] = {
    "compute#disk": {
        "description": "optional, set only by whoever creates the disk; the scenario sets none",
        "sourceDisk": "the simulator makes disks from snapshots and images, not by copying "
                      "another disk (no DR runbook clones a disk in place)",
        "sourceDiskId": "as sourceDisk",
    },
    "compute#instance": {
        "disks[].initializeParams": _INIT,
        "disks[].initializeParams.diskType": _INIT,
        "disks[].initializeParams.sourceImage": _INIT,
        "params": "resource-manager tags given at insert; the simulator has no tags API",
    },
}
"""kind -> real field path -> why the simulator leaves it out (counted as missing)."""


def _drive(base: str) -> None:
    """Make every kind of call the comparison needs, over plain HTTP."""
    http = requests.Session()

    def call(method: str, path: str, body: dict | None = None, **query: str) -> Any:
        return http.request(method, base + path, json=body, params=query, timeout=10).json()

    def wait_compute(op: dict, where: str) -> None:
        while op.get("status") != "DONE":
            op = call("POST", f"{C}/{where}/operations/{op['name']}/wait")

    def wait_sql(op: dict) -> None:
        while op.get("status") != "DONE":
            time.sleep(0.01)
            op = call("GET", f"{S}/operations/{op['name']}")

    z = "zones/europe-west1-b"
    call("GET", f"{C}/{z}/instances/web-1")
    call("GET", f"{C}/{z}/instances")
    call("GET", f"{C}/{z}/disks/web-1")
    snap = call("GET", f"{C}/global/snapshots")["items"][0]["name"]
    wait_compute(call("POST", f"{C}/{z}/disks", {"name": "big", "sizeGb": "200",
                                                 "sourceSnapshot": f"global/snapshots/{snap}"}), z)
    call("GET", f"{C}/{z}/disks/big")
    call("GET", f"{C}/{z}/instances/nope")
    wait_compute(call("POST", f"{C}/{z}/instances/web-2/stop"), z)
    wait_compute(call("POST", f"{C}/{z}/instances", {"name": "from-tpl"},
                      sourceInstanceTemplate="global/instanceTemplates/web-mig-ew4-template"), z)
    call("GET", f"{C}/{z}/instances/from-tpl")
    call("GET", f"{C}/global/instanceTemplates")
    call("GET", f"{C}/global/instanceTemplates/web-mig-ew4-template")
    call("GET", f"{C}/regions/europe-west4/instanceGroupManagers/web-mig-ew4")
    call("GET", f"{C}/zones/europe-west1-c/instanceGroupManagers/web-standby-ew1c")
    wait_compute(call("POST", f"{C}/regions/europe-west4/instanceGroupManagers/web-mig-ew4/"
                              "resize", size="1"), "regions/europe-west4")
    call("GET", f"{S}/instances/orders-db")
    call("GET", f"{S}/instances/orders-db-replica-ew4")
    call("GET", f"{S}/instances/legacy-mysql")
    call("GET", f"{S}/instances/nope")
    wait_sql(call("POST", f"{S}/instances/orders-db/clone",
                  {"cloneContext": {"destinationInstanceName": "orders-db-copy"}}))
    wait_sql(call("POST", f"{S}/instances/orders-db-replica-ew4/switchover"))
    call("GET", f"{S}/instances")


@pytest.fixture
def driven(calm: Scenario, responses_match_discovery: list) -> Iterator[list]:
    """Every body the simulator answered the calls of `_drive` with (calm + a MySQL instance)."""
    mysql = SqlInstance(name="legacy-mysql", region="europe-west1", databaseVersion="MYSQL_8_0",
                        backups=Backups(daily_at="01:00"))
    sql = calm.sql.model_copy(update={"instances": [*calm.sql.instances, mysql]})
    server = start_sim(calm.model_copy(update={"sql": sql}))
    try:
        _drive(server.endpoint)
    finally:
        server.stop()
    yield [body for _, _, _, body in responses_match_discovery]


def test_shares_of_real_field_paths(driven: list, capsys: pytest.CaptureFixture) -> None:
    real, _ = recorded()
    ours = shapes(driven)
    problems, lines, total, present = [], [], 0, 0
    for kind in sorted(set(real) - set(NOT_SERVED)):
        omitted = OMISSIONS.get(kind, {})
        have = ours.get(kind, {})
        missing = sorted(p for p in real[kind] if p not in have)
        problems += [f"{kind} {p}: missing and not listed in OMISSIONS" for p in missing
                     if p not in omitted]
        problems += [f"{kind} {p}: type {sorted(have[p])}, real {sorted(real[kind][p])}"
                     for p in real[kind] if p in have and not have[p] <= real[kind][p] | {"null"}]
        problems += [f"{kind} {p}: listed in OMISSIONS but present" for p in omitted if p in have]
        total += len(real[kind])
        present += len(real[kind]) - len(missing)
        lines.append(f"{kind}: {len(real[kind]) - len(missing)}/{len(real[kind])}")
    share = present / total
    with capsys.disabled():
        print(f"\nreal field paths present: {present}/{total} = {share:.1%} ({'; '.join(lines)})")
    assert not problems, "\n".join(problems)
    assert share >= 0.95


def test_formats_match_real_ones(driven: list) -> None:
    """Fingerprints and etags are base64 of 8 bytes; times are RFC 3339."""
    from shapes import paths

    bad = []
    for body in driven:
        for path, _ in paths(body):
            leaf = path.rsplit(".", 1)[-1].removesuffix("[]")
            value = _get(body, path)
            for v in value:
                if leaf in ("fingerprint", "labelFingerprint", "etag") and not is_fingerprint(v):
                    bad.append(f"{path} = {v!r} is not base64 of 8 bytes")
                if leaf.endswith(("Time", "Timestamp")) and leaf != "startTime" \
                        and isinstance(v, str) and not RFC3339.match(v):
                    bad.append(f"{path} = {v!r} is not RFC 3339")
    assert not bad, "\n".join(sorted(set(bad))[:30])


def _get(body: Any, path: str) -> list[Any]:
    values = [body]
    for part in path.split("."):
        name, arrays = part.split("[")[0], part.count("[]")
        values = [v.get(name) for v in values if isinstance(v, dict)]
        for _ in range(arrays):
            values = [x for v in values if isinstance(v, list) for x in v]
    return values
