"""Snapshots of the console's screens (clock frozen, animations and cursor blink off)."""

from __future__ import annotations

from pathlib import Path

from ui_recorded import HERE, Recorder, mid_run

from drp_console.journal.state import RunState
from drp_console.ui.clock import FrozenClock
from drp_console.ui.dialogs.modals import ApprovalDialog, ConfirmDialog, UnknownDialog
from drp_console.ui.factory import make_app
from drp_console.ui.screens.score_card import ScoreCardScreen


def _select(step: str):
    async def run_before(pilot) -> None:
        table = pilot.app.screen.query_one("StepTable")
        table.move_cursor(row=table.get_row_index(step))
        await pilot.pause()
    return run_before


def _launcher(monkeypatch, tmp_path):
    monkeypatch.chdir(HERE)
    return make_app(runbooks_dir=Path("runbooks"), runs_dir=tmp_path / "runs", operator="ana",
                    still=True, clock=FrozenClock(mid_run().at), theme="textual-dark",
                    tz_name="UTC")


async def _scanned(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_launcher(snap_compare, monkeypatch, tmp_path):
    assert snap_compare(_launcher(monkeypatch, tmp_path), terminal_size=(120, 40),
                        run_before=_scanned)


def test_parameter_form_with_an_error(snap_compare, monkeypatch, tmp_path):
    async def run_before(pilot) -> None:
        await _scanned(pilot)
        screen = pilot.app.screen
        screen.query_one("#param-replica").value = "Not_A_Name"
        screen.action_start()
        await pilot.pause()

    assert snap_compare(_launcher(monkeypatch, tmp_path), terminal_size=(120, 40),
                        run_before=run_before)


def test_run_screen_mid_run_with_parallel_steps(snap_compare, replay_app):
    assert snap_compare(replay_app(), terminal_size=(120, 40), run_before=_select("promote"))


def test_approval_dialog(snap_compare, replay_app):
    async def run_before(pilot) -> None:
        pilot.app.push_screen(ApprovalDialog("go-no-go", "Promote orders-db-replica-ew4?",
                                             "commander", "ana", still=True))
        await pilot.pause()

    assert snap_compare(replay_app(), terminal_size=(120, 40), run_before=run_before)


def _failed() -> Recorder:
    r = mid_run()
    r.add("attempt_failed", step="promote", attempt=2,
          error={"message": "Operation failed: ZONE_RESOURCE_POOL_EXHAUSTED", "http_status": None,
                 "code": "ZONE_RESOURCE_POOL_EXHAUSTED", "transient": False,
                 "hint": "The zone has no capacity: try another zone or a smaller machine type."},
          retry_in=None)
    r.add("waiting", after=0, step="promote", kind="failed", role="dba",
          prompt="promote failed: Operation failed: ZONE_RESOURCE_POOL_EXHAUSTED",
          options=["retry", "skip", "fail"], checklist=[], recommended=None)
    return r


def test_failed_step_with_its_error(snap_compare, replay_app):
    assert snap_compare(replay_app(_failed()), terminal_size=(120, 40),
                        run_before=_select("promote"))


def test_unknown_reconciliation(snap_compare, replay_app):
    r = mid_run()
    r.add("run_resumed", after=300, host="laptop", pid=2)
    r.add("step_unknown", step="promote", attempt=2,
          reason="the console stopped after the call was sent; Cloud SQL has no requestId")
    r.add("waiting", after=0, step="promote", kind="unknown", role="dba", prompt="",
          options=["verified", "rerun", "skip"], checklist=[], recommended=None)

    async def run_before(pilot) -> None:
        await _select("promote")(pilot)
        pilot.app.push_screen(UnknownDialog("promote", "the console stopped after the call was "
                                            "sent; Cloud SQL has no requestId", "ana", still=True))
        await pilot.pause()

    assert snap_compare(replay_app(r), terminal_size=(120, 40), run_before=run_before)


def test_live_confirmation(snap_compare, replay_app):
    async def run_before(pilot) -> None:
        pilot.app.push_screen(ConfirmDialog("promote: Promote the replica",
                                            "orders-db-replica-ew4", "ana", still=True))
        await pilot.pause()
        await pilot.press(*"orders-db")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(replay_app(mid_run("live")), terminal_size=(120, 40),
                        run_before=run_before)


def _training_finished() -> Recorder:
    r = Recorder("training").start()
    r.add("milestone", name="declared", step="declare", source="step")
    for step in ("declare", "check-primary", "go-no-go", "promote", "notify-dpo",
                 "wait-runnable"):
        r.add("step_started", step=step, attempt=1)
        r.add("step_finished", after=60, step=step, status="succeeded", reason=None,
              outputs={}, changed=False, attempts=1)
    r.add("milestone", after=0, name="restored", step="wait-runnable", source="step")
    r.add("answered", step="keep-or-fail-back", kind="decision", answer="fail back", by="ana",
          role=None, reason=None, checklist=[])
    r.add("step_finished", step="keep-or-fail-back", status="succeeded", reason=None,
          outputs={}, changed=False, attempts=1)
    r.add("step_finished", step="smoke-test", status="skipped", reason="not chosen",
          outputs={}, changed=False, attempts=0)
    r.add("answered", step="fail-back", kind="manual", answer="skip", by="ana", role=None,
          reason="no time", checklist=[])
    r.add("step_finished", step="fail-back", status="skipped",
          reason="skipped by ana: no time", outputs={}, changed=False, attempts=0)
    r.add("run_finished", status="succeeded", reason=None)
    return r


def test_training_score_card(snap_compare, replay_app):
    r = _training_finished()

    async def run_before(pilot) -> None:
        pilot.app.push_screen(ScoreCardScreen(RunState.fold(r.events)))
        await pilot.pause()

    assert snap_compare(replay_app(r), terminal_size=(120, 40), run_before=run_before)


def test_run_screen_at_80x24(snap_compare, replay_app):
    assert snap_compare(replay_app(), terminal_size=(80, 24), run_before=_select("notify-dpo"))


def test_run_screen_in_the_light_theme(snap_compare, replay_app):
    assert snap_compare(replay_app(_failed(), theme="textual-light"), terminal_size=(120, 40),
                        run_before=_select("notify-dpo"))
