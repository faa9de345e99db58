"""Drives real simulated runs through the console's keys, as an operator would."""

from __future__ import annotations

from pathlib import Path

from drp_console.runner.session import RunSession
from drp_console.ui.factory import make_app


OPENED: list[RunSession] = []
"""Sessions the tests opened; the conftest closes them after each test."""


def start_session(runbook: Path, runs_dir: Path, *, mode: str = "simulate",
                  scenario: Path | None = None, params: dict | None = None) -> RunSession:
    """A real run session: embedded simulator, journal, lock."""
    session = RunSession.start(runbook, mode=mode, params=params or {}, scenario_path=scenario,
                               operator="ana", runs_dir=runs_dir)
    OPENED.append(session)
    return session


def resume_session(run_dir: Path, runs_dir: Path) -> RunSession:
    """Reopen a run, as `drp resume` does."""
    session = RunSession.resume(run_dir, operator="ana", runs_dir=runs_dir)
    OPENED.append(session)
    return session


def console_for(session: RunSession):
    """The console on that session, clock real (the engine runs), animations off."""
    return make_app(session=session, still=True, operator="ana")


async def until(pilot, condition, what: str, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds (an AssertionError naming `what` if never)."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if condition():
            return
    screen = pilot.app.screen
    view = getattr(screen, "view", None)
    steps = [(s.id, s.status) for s in view.steps.values()] if view else []
    raise AssertionError(f"timed out waiting for {what}; screen {screen}; steps {steps}")


def question(screen, step: str | None = None, kind: str | None = None):
    """The first open question (of a step / kind), or None."""
    if screen.responder is None:
        return None
    for q, _ in list(screen.responder.pending.values()):
        if (step is None or q.step == step) and (kind is None or q.kind == kind):
            return q
    return None


async def select(pilot, screen, step: str) -> None:
    """Move the table's cursor to a step with the arrow keys."""
    table = screen.query_one("StepTable")
    table.focus()
    target = table.get_row_index(step)
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")


async def click_button(pilot, selector: str) -> None:
    """Click a dialog button and let its press effect pass."""
    await pilot.click(selector)
    await pilot.pause(0.25)


async def answer_everything(pilot, screen, *, decide: str = "recommended") -> list[str]:
    """Answer each question as it comes, with the keys, until the run finishes; what was done."""
    done: list[str] = []
    while screen.view.finished is None:
        await until(pilot, lambda: screen.view.finished is not None or question(screen),
                    "a question or the end", timeout=60)
        q = question(screen)
        if q is None:
            continue
        await select(pilot, screen, q.step)
        if q.kind == "manual":
            await pilot.press(*["x"] * len(q.checklist), "enter")
        elif q.kind == "approval":
            await pilot.press("a")
            await until(pilot, lambda: bool(pilot.app.screen.query("#approve")), "approval dialog")
            await click_button(pilot, "#approve")
        elif q.kind == "decision":
            options = list(q.options)
            index = options.index(q.recommended) if q.recommended in options else 0
            await pilot.press("d")
            await until(pilot, lambda: bool(pilot.app.screen.query("#opt-0")), "decision dialog")
            await pilot.press(str(index + 1))
        elif q.kind == "failed":
            await pilot.press("r")
        elif q.kind == "unknown":
            await pilot.press("u")
            await until(pilot, lambda: bool(pilot.app.screen.query("#verified")), "unknown")
            await click_button(pilot, "#rerun")
        else:
            raise AssertionError(f"cannot answer {q.kind} for {q.step}")
        done.append(f"{q.kind}:{q.step}")
        await until(pilot, lambda q=q: question(screen, q.step, q.kind) is not q,
                    f"{q.kind} of {q.step} answered")
    return done
