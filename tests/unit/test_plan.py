"""`drp plan`: resolved parameters, order, parallel groups, effects and the critical path."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.runbook.loader import load_runbook
from drp_console.runbook.plan import make_plan

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rb.yaml"
    path.write_text("format: drp/v1\nid: plan-test\ntitle: Plan test\n"
                    "objectives: {rto: 30m}\nroles: {dba: DBA}\n" + body)
    return path


BODY = """parameters:
  project: {default: acme-prod}
  token: {secret: true}
steps:
  - {id: start, title: Start, type: manual, budget: 5m, timeout: 10m, role: dba}
  - id: read-a
    title: Read A
    type: gcp
    call: sql.instances.get
    with: {project: "{{ params.project }}", instance: a}
    outputs: {state: result.state}
    timeout: 2m
  - id: read-b
    title: Read B
    type: gcp
    needs: [start]
    call: sql.instances.get
    with: {project: "{{ params.project }}", instance: b}
    timeout: 7m
  - id: restart
    title: Restart A
    type: gcp
    role: dba
    needs: [read-a, read-b]
    call: sql.instances.restart
    with: {project: "{{ params.project }}", instance: "{{ steps['read-a'].outputs.state }}"}
    budget: 3m
  - id: back
    title: Wait for A
    type: wait
    role: dba
    call: sql.instances.get
    with: {project: "{{ params.project }}", instance: a}
    until: "result.state == 'RUNNABLE'"
    budget: 1m
    timeout: 10m
    milestone: restored
  - {id: rehearse, title: Rehearsal only, type: manual, needs: [], modes: [training], timeout: 1h}
"""


def test_groups_effects_and_critical_path(tmp_path: Path) -> None:
    rb = load_runbook(write(tmp_path, BODY))
    plan = make_plan(rb, {"project": "acme-prod", "token": "s3cr3t"}, mode="live")
    groups = {g: [s.id for s in steps] for g, steps in plan.groups.items()}
    assert groups == {1: ["start", "rehearse"], 2: ["read-a", "read-b"], 3: ["restart"],
                      4: ["back"]}
    effects = {s.id: s.effect for s in plan.steps}
    assert effects == {"start": "people", "rehearse": "people", "read-a": "read",
                       "read-b": "read", "restart": "mutating", "back": "read"}
    # start 5m -> read-b 7m (longer than read-a's 2m) -> restart 3m -> back 1m
    assert plan.critical_path == ["start", "read-b", "restart", "back"]
    assert plan.critical_seconds == 16 * 60
    assert plan.restored_seconds == 16 * 60
    assert plan.params["token"] == "***"
    rehearse = next(s for s in plan.steps if s.id == "rehearse")
    assert not rehearse.runs_in_mode
    restart = next(s for s in plan.steps if s.id == "restart")
    assert restart.action == ("sql.instances.restart(project=acme-prod, "
                              "instance=<read-a.state>)")


def test_plan_command_masks_secrets_and_marks_changes(tmp_path: Path) -> None:
    path = write(tmp_path, BODY)
    result = CliRunner().invoke(cli, ["plan", str(path), "-p", "token=s3cr3t"])
    assert result.exit_code == 0, result.output
    assert "s3cr3t" not in result.output
    assert "token   = ***" in result.output
    assert "  group 2 (in parallel)" in result.output
    assert "restart  gcp      CHANGES" in result.output
    assert "critical path: 16m00s (start -> read-b -> restart -> back)" in result.output
    assert "to milestone restored: 16m00s (within the RTO of 30m00s)" in result.output


def test_plan_command_errors(tmp_path: Path) -> None:
    path = write(tmp_path, BODY)
    runner = CliRunner()
    missing = runner.invoke(cli, ["plan", str(path)])
    assert missing.exit_code == 2
    assert "parameter 'token' is required: give it with -p token=VALUE" in missing.output
    bad_pair = runner.invoke(cli, ["plan", str(path), "-p", "token"])
    assert bad_pair.exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: drp/v1\nid: x\ntitle: X\nsteps: []\n")
    invalid = runner.invoke(cli, ["plan", str(broken)])
    assert invalid.exit_code == 3
    assert f"{broken}:4:8: steps: needs at least 1 item, has 0" in invalid.output


def test_destructive_steps_are_marked() -> None:
    rb = load_runbook(RUNBOOKS / "quarterly-restore-drill.yaml")
    plan = make_plan(rb, {"project": "acme-prod", "source": "orders-db",
                          "scratch": "orders-db-drill"})
    effects = {s.id: s.effect for s in plan.steps}
    assert effects["delete-scratch"] == "destructive"
    assert effects["restore"] == "destructive"
    assert effects["create-scratch"] == "mutating"


def test_decision_targets_are_conditional() -> None:
    rb = load_runbook(RUNBOOKS / "cloudsql-regional-failover.yaml")
    plan = make_plan(rb, {"project": "acme-prod", "primary": "orders-db",
                          "replica": "orders-db-replica-ew4"})
    conditional = {s.id for s in plan.steps if s.conditional}
    assert conditional == {"go-no-go", "wait-for-region"}
    order = [s.id for s in plan.steps]
    assert order.index("choose") < order.index("go-no-go") < order.index("promote")


def test_plan_assumes_simulate_like_drp_run_and_names_what_modes_leave_out(tmp_path: Path) -> None:
    path = write(tmp_path, BODY)
    default = CliRunner().invoke(cli, ["plan", str(path), "-p", "token=x"])
    assert default.exit_code == 0, default.output
    assert default.output.splitlines()[1].startswith("mode: simulate (the default")
    assert "left out in simulate mode by their modes: rehearse" in default.output
    live = CliRunner().invoke(cli, ["plan", str(path), "-p", "token=x", "--mode", "live"])
    assert live.output.splitlines()[1] == "mode: live"
    assert "[skipped in live mode (modes: training)]" in live.output
    assert "left out in live mode by their modes: rehearse" in live.output


def test_plan_spells_booleans_as_yaml_and_evaluates_when() -> None:
    runner = CliRunner()
    path = str(RUNBOOKS / "zone-outage-web.yaml")
    off = runner.invoke(cli, ["plan", path])
    assert off.exit_code == 0, off.output
    assert "scale_dr_region = false" in off.output and "False" not in off.output
    assert "when params.scale_dr_region -> false: skipped" in off.output
    assert "skipped: their when is false with these parameters: scale-dr-region" in off.output
    on = runner.invoke(cli, ["plan", path, "-p", "scale_dr_region=true"])
    assert "scale_dr_region = true" in on.output
    assert "when params.scale_dr_region -> true: runs" in on.output
    assert "skipped: their when" not in on.output


def test_plan_says_which_options_a_decision_will_not_offer() -> None:
    rb = load_runbook(RUNBOOKS / "cloudsql-restore-backup.yaml")
    base = {"project": "acme-prod", "instance": "orders-db"}
    without = make_plan(rb, {**base, "recover_to": ""})
    choose = next(s for s in without.steps if s.id == "choose")
    assert choose.not_offered == ("clone to a point in time",)
    with_time = make_plan(rb, {**base, "recover_to": "2026-11-27T09:41:00Z"})
    choose = next(s for s in with_time.steps if s.id == "choose")
    assert choose.not_offered == ()
    clone = next(s for s in with_time.steps if s.id == "clone-pitr")
    assert clone.when_value is True
    assert "pointInTime=2026-11-27T09:41:00Z" in clone.action
