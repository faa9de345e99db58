"""`drp join`: another person's console on a shared run that someone else drives."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from drp_console.cli.options import journal_option, operator_option, runs_dir_option
from drp_console.exit_codes import ExitCode


@click.command()
@click.argument("run_ref", metavar="RUN")
@journal_option
@operator_option
@runs_dir_option
@click.option("--watch", "watch_only", is_flag=True, help="Follow the run without acting.")
def join(run_ref: str, journal: str | None, operator: str | None, runs_dir: str | None,
         watch_only: bool) -> None:
    """Open the run screen of shared RUN (an id or unique prefix) that another console drives.

    Every event shows as it is committed; every action (tick, approve, decide, retry, skip,
    note, milestone, resolve) goes to the driver, which checks it and journals it under your
    name. When the driver's console is gone (its lease expired), the header says so and T
    takes the run over here (or `drp resume RUN` does)."""
    from drp_console.cli.run_cmds import _guarded, _journal_url

    url = _journal_url(journal)
    if url is None:
        raise click.UsageError("drp join needs the shared journal: --journal URL or DRP_JOURNAL")

    def body() -> int:
        from drp_console.engine.operator import guess_operator
        from drp_console.journal import default_runs_dir
        from drp_console.runner.joiner import JoinSession
        from drp_console.ui.factory import make_app
        from drp_console.ui.launch import exit_code

        who = guess_operator(operator)
        folder = Path(runs_dir).expanduser() if runs_dir else default_runs_dir()
        joined = JoinSession(url, run_ref, operator=who, runs_dir=folder,
                             role="watcher" if watch_only else "joiner")
        app = make_app(session=joined, operator=who, confirmed_project=True,
                       ask_operator=not watch_only, runs_dir=folder)
        joined.notify = lambda text: app.notify(text, severity="warning", timeout=10)
        try:
            code = app.run()
        finally:
            app.close_sessions()  # the run this console took over, if it did
            joined.close()
        if joined.taken_over and app.resume_hint:  # this console drove the run in the end
            click.echo(app.resume_hint)
        return exit_code(code if code is not None else app.return_code)

    sys.exit(_guarded(body))


@click.command()
@click.argument("run_ref", metavar="RUN")
@journal_option
@runs_dir_option
@click.option("--web", is_flag=True, required=True, help="Serve the run screen to browsers.")
@click.option("--host", default=None, help="Listen on this address instead of loopback "
              "(then the link carries a token).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def watch(run_ref: str, journal: str | None, runs_dir: str | None, web: bool, host: str | None,
          port: int) -> None:
    """Serve a read-only run screen of shared RUN to browsers (through textual-serve)."""

    from drp_console.cli.run_cmds import _guarded, _journal_url

    url = _journal_url(journal)
    if url is None:
        raise click.UsageError("drp watch needs the shared journal: --journal URL or DRP_JOURNAL")

    def body() -> int:
        from drp_console.journal.pg_store import PgStore
        from drp_console.ui.web_watch import serve

        with PgStore(url) as store:
            store.check_schema()
            run_id = store.find_run(run_ref)
        from drp_console.settings import pass_to_children

        pass_to_children("DRP_JOURNAL", url)  # for the watchers' processes; never on a command line
        serve(run_id, host=host, port=port, runs_dir=runs_dir, say=click.echo)
        return ExitCode.OK

    sys.exit(_guarded(body))
