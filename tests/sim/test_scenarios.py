"""Scenario files: they load, fit the example runbooks, and bad ones fail with positions."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from sim_clients import PROJECT, ROOT, Clients, start_sim

from drp_console.cli import cli
from drp_console.runbook.diagnostics import InvalidDocument
from drp_console.sim.scenario import load_scenario
from drp_console.sim.server import SimServer

SCENARIOS = sorted((ROOT / "runbooks" / "scenarios").glob("*.yaml"))
RUNBOOKS = sorted((ROOT / "runbooks").glob("*.yaml"))


def test_the_four_scenarios_load() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"calm", "ew1-primary-db-down", "orders-db-corrupted", "ew1b-zone-outage"} <= names
    for path in SCENARIOS:
        scenario = load_scenario(path)
        assert scenario.id == path.stem
        assert 30 <= scenario.speed <= 60


def _literal_targets(runbook_path: Path) -> list[tuple[str, dict[str, str], bool]]:
    """(call, args, created-earlier) for every gcp/wait step whose args need only parameters."""
    from drp_console.runbook.catalog import CATALOG
    from drp_console.runbook.loader import load_runbook
    from drp_console.runbook.params import resolve_params

    runbook = load_runbook(runbook_path)
    params = resolve_params(runbook, {})
    created: set[str] = set()
    out = []
    for step in runbook.steps:
        call = getattr(step, "call", None)
        if call is None:
            continue
        args = {}
        for key, value in (step.with_ or {}).items():
            if not isinstance(value, str) or "steps[" in value:
                continue
            args[key] = re.sub(r"\{\{\s*params\.(\w+)\s*\}\}", lambda m: str(params[m.group(1)]), value)
        entry = CATALOG[call]
        if entry.creates and entry.creates in args:
            created.add(args[entry.creates])
        name = args.get(entry.resource)
        out.append((call, args, name in created))
    return out


@pytest.mark.parametrize("runbook_path", RUNBOOKS, ids=lambda p: p.stem)
def test_every_resource_a_runbook_names_exists_in_its_scenario(runbook_path: Path) -> None:
    text = runbook_path.read_text(encoding="utf-8")
    match = re.search(r"^scenario:\s*(\S+)", text, re.MULTILINE)
    assert match, f"{runbook_path.name} names no scenario"
    scenario = load_scenario(runbook_path.parent / match.group(1))
    server = SimServer(scenario)
    world = server.world.data
    for call, args, created in _literal_targets(runbook_path):
        assert args.get("project", PROJECT) == scenario.project
        if created or "{{" in "".join(args.values()):
            continue
        if call.startswith("compute.instances.") and "instance" in args:
            assert f"{args['zone']}/{args['instance']}" in world["instances"], (call, args)
        elif call == "compute.disks.createSnapshot":
            assert f"{args['zone']}/{args['disk']}" in world["disks"], (call, args)
        elif call.endswith("nstanceGroupManagers.resize"):
            scope = f"zones/{args['zone']}" if "zone" in args else f"regions/{args['region']}"
            assert f"{scope}:{args['instanceGroupManager']}" in world["igms"], (call, args)
        elif call.startswith("sql.") and "instance" in args:
            assert args["instance"] in world["sql"], (call, args)
        if "sourceMachineImage" in args:
            assert args["sourceMachineImage"] in world["machineImages"]


BAD = {
    "unknown-key.yaml": ("format: drp-sim/v1\nid: x\ntitle: t\ncompute:\n  instances:\n"
                         "    - {name: web-1, zone: europe-west1-b, colour: red}\n",
                         r":6:\d+: compute\.instances\[0\]\.colour: "),
    "bad-fault.yaml": ("format: drp-sim/v1\nid: x\ntitle: t\nfaults:\n"
                       "  - {call: sql.instances.get, operation_error: X}\n",
                       r":5:5: faults\[0\]: .*read-only"),
    "duplicate.yaml": "format: drp-sim/v1\nid: x\nid: y\ntitle: t\n",
    "bad-duration.yaml": ("format: drp-sim/v1\nid: x\ntitle: t\nfaults:\n"
                          "  - {at: soon, zone_down: europe-west1-b}\n", r":5:\d+: faults\[0\]\.at"),
    "alias.yaml": "format: drp-sim/v1\nid: &a x\ntitle: *a\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_scenarios_give_positions_and_exit_3(tmp_path: Path, name: str) -> None:
    case = BAD[name]
    text, pattern = case if isinstance(case, tuple) else (case, r":\d+:\d+: ")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidDocument) as err:
        load_scenario(path)
    first = str(err.value.diagnostics[0])
    assert first.startswith(str(path)) and re.search(pattern, first), first
    result = CliRunner().invoke(cli, ["sim", "serve", "--scenario", str(path), "--port", "0"])
    assert result.exit_code == 3
    assert str(path) in result.output and "Traceback" not in result.output


def test_corrupted_data_is_shown_and_a_restore_cleans_it(google) -> None:
    sim = start_sim(load_scenario(ROOT / "runbooks/scenarios/orders-db-corrupted.yaml"))
    try:
        gc = Clients(google, sim.endpoint)
        s = gc.g.sql

        def orders() -> dict:
            return {i["name"]: i for i in sim.snapshot()["sql"]["instances"]}["orders-db"]["simulation"]

        assert orders()["dataCorrupted"] is True and orders()["dataAsOf"] == "live"
        newest = gc.backups.list(request=s.SqlBackupRunsListRequest(project=PROJECT,
                                                                    instance="orders-db")).items[0]
        gc.wait_sql(gc.sql.restore_backup(request=s.SqlInstancesRestoreBackupRequest(
            project=PROJECT, instance="orders-db", body=s.InstancesRestoreBackupRequest(
                restore_backup_context=s.RestoreBackupContext(backup_run_id=newest.id))), timeout=5))
        assert orders()["dataCorrupted"] is False
    finally:
        sim.stop()


def test_state_file_carries_operations_and_dedup_across_restarts(google, calm, tmp_path: Path) -> None:
    state = tmp_path / "world.json"
    sim = start_sim(calm, speed=100, state_file=state)
    gc = Clients(google, sim.endpoint)
    c = gc.g.compute
    req = c.StopInstanceRequest(project=PROJECT, zone="europe-west1-b", instance="web-1",
                                request_id="6f1c2b8e-0000-4000-8000-000000000001")
    first = gc.instances.stop_unary(request=req)
    sim.stop()
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    assert json.loads(state.read_text())["requestIds"][req.request_id] == first.name
    again = SimServer(calm, state_file=state)  # the saved world wins over the scenario
    again.start()
    try:
        gc = Clients(google, again.endpoint)
        resent = gc.instances.stop_unary(request=req)
        assert resent.name == first.name
        gc.wait_compute(resent)
        snap = again.snapshot()
        assert len(snap["mutations"]["zones/europe-west1-b/instances/web-1"]) == 1
        assert {i["name"]: i for i in snap["compute"]["instances"]}["web-1"]["status"] == "TERMINATED"
    finally:
        again.stop()
    result = CliRunner().invoke(cli, ["sim", "state", "--state-file", str(state)])
    assert result.exit_code == 0 and re.search(r"web-1\s+europe-west1-b\s+TERMINATED", result.output)
    result = CliRunner().invoke(cli, ["sim", "state", "--state-file", str(state), "--json"])
    assert json.loads(result.output)["mutations"]


def test_sim_serve_prints_endpoint_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "drp_console", "sim", "serve", "--scenario",
         str(ROOT / "runbooks/scenarios/calm.yaml"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ})
    try:
        endpoint = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", endpoint), endpoint
        health = json.loads(urllib.request.urlopen(endpoint + "/_sim/health", timeout=10).read())
        assert health == {"ok": True, "scenario": "calm", "speed": 60.0}
        result = CliRunner().invoke(cli, ["sim", "state", "--endpoint", endpoint])
        assert result.exit_code == 0 and "orders-db" in result.output
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_world_that_cannot_be_stored_answers_503_until_it_is(calm, tmp_path: Path) -> None:
    """`on_save` (a shared run's store in the database) sees every change before the call is
    answered; when it fails the call is a transient 503, and the resent request (same
    requestId) stores the world with the change made once."""
    from drp_console.sim.errors import ApiError

    sim = SimServer(calm, state_file=tmp_path / "world.json")
    stored: list[dict] = []
    down = [True]

    def on_save(data: bytes) -> None:
        if down[0]:
            raise OSError("the journal database is unreachable")
        stored.append(json.loads(data))

    sim.on_save = on_save
    path = f"/compute/v1/projects/{PROJECT}/zones/europe-west1-b/instances/web-1/stop"
    query = {"requestId": "6f1c2b8e-0000-4000-8000-000000000002"}
    with pytest.raises(ApiError) as refused:
        sim.dispatch("POST", path, query, {})
    assert refused.value.code == 503 and "could not be stored" in refused.value.message
    down[0] = False
    op = sim.dispatch("POST", path, query, {})
    assert stored and stored[-1]["requestIds"][query["requestId"]] == op["name"]
    assert len(stored[-1]["operations"]) == 1  # the refused call's change, made once
    assert json.loads((tmp_path / "world.json").read_text()) == stored[-1]
