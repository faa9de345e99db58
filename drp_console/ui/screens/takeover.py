"""T on a joiner's run screen: take a shared run over once its driver has gone silent.

The joiner's header says when the driver's lease has expired (or its console left without
finishing). T then opens `TakeoverDialog` (never one keystroke; a live run asks for the project
id typed), then the run's secret parameters if it has any, and resumes the run in this process
as `drp resume RUN --journal URL` does (`runner.takeover.take_over`, off the event loop). The
database decides who drives: when another console took the lease first, this one says so and
stays joined. Once the lease is taken, the joiner's screen is replaced by the driver's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drp_console.ui.screens.run_screen import RunScreen


def offer_takeover(screen: RunScreen) -> None:
    """Open the takeover dialog when this console may take the run over; else say why not."""
    session = screen.session
    role = getattr(session, "role", None)
    if session is None:
        screen.say("This is a replay of a journal: there is no run to take over.", "warning")
    elif role is None:
        screen.say("This console drives the run already.", "warning")
    elif role != "joiner":
        screen.say("This console only watches the run: take it over with `drp resume "
                   f"{session.ctx.run_id} --journal URL`.", "warning")
    elif screen.state.finished:
        screen.say("The run has finished: there is nothing to take over.", "warning")
    elif getattr(session, "silence", None) is None:
        screen.say("The driver's console is alive: T takes the run over only once its lease "
                   "has expired (the header says so).", "warning")
    else:
        _confirm(screen, session)


def _confirm(screen: RunScreen, joined: Any) -> None:
    from drp_console.runner.takeover import secret_names
    from drp_console.ui.dialogs.secrets_dialog import SecretsDialog
    from drp_console.ui.dialogs.takeover_dialog import TakeoverDialog

    run_id = joined.ctx.run_id
    live = joined.ctx.mode == "live"
    names = secret_names(screen.state)

    def confirmed(reply: Any) -> None:
        if reply is None:
            return
        if not names:
            _start(screen, joined, {})
            return

        def typed(secrets: dict[str, str] | None) -> None:
            if secrets is not None:
                _start(screen, joined, secrets)
        screen.app.push_screen(SecretsDialog(run_id, names, still=screen.still), typed)

    dialog = TakeoverDialog(run_id, joined.silence.text(), screen.operator,
                            project=str(joined.ctx.project) if live else None,
                            still=screen.still)
    screen.app.push_screen(dialog, confirmed)


def _start(screen: RunScreen, joined: Any, secrets: dict[str, str]) -> None:
    """Take the lease and reopen the run off the event loop; then drive it here."""
    from drp_console.journal.pg_lease import LeaseHeld, describe
    from drp_console.runner.takeover import take_over

    app = screen.app
    screen.say(f"Taking run {joined.ctx.run_id} over…")

    def work() -> None:
        try:
            session = take_over(joined, secrets)
        except LeaseHeld as exc:
            app.call_from_thread(screen.say, f"{describe(exc.holder)} took the run over first: "
                                 "they drive it now, and you stay joined.", "warning", 15)
            return
        except Exception as exc:  # noqa: BLE001 - said to the person, never a traceback
            app.call_from_thread(screen.say, f"The run could not be taken over: {exc}",
                                 "error", 20)
            return
        app.call_from_thread(_drive_here, screen, joined, session)

    screen.run_worker(work, thread=True, group="take-over", exclusive=True,
                      exit_on_error=False)


def _drive_here(screen: RunScreen, joined: Any, session: Any) -> None:
    """Replace the joiner's screen by the driver's run screen on the resumed session."""
    from drp_console.ui.screens.run_screen import RunScreen

    app = screen.app
    if not screen.is_attached:  # the console was closed meanwhile: give the run back
        session.close()
        return
    if screen.engine is not None:
        screen.engine.stop()
    if joined in app.sessions:
        app.sessions.remove(joined)
    joined.close()
    joined.taken_over = True
    app.sessions.append(session)
    app.switch_screen(RunScreen(session=session, operator=session.ctx.operator,
                                confirmed_project=True, operator_confirmed=True))
    app.notify(f"You drive run {session.ctx.run_id} now: it resumed from its journal.",
               timeout=10)
