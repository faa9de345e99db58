"""`drp sim serve` and `drp sim state`: the simulated Google Cloud on its own."""

from __future__ import annotations

import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import click

from drp_console.cli.options import scenario_option
from drp_console.exit_codes import ExitCode

DEFAULT_PORT = 8765


@click.group()
def sim() -> None:
    """Run the simulated Google Cloud and look at its world."""


@sim.command()
@scenario_option("Scenario file (drp-sim/v1).", required=True)
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 exposes the simulator.")
@click.option("--state-file", type=click.Path(dir_okay=False),
              help="Save the world here as it changes, and continue from it when it exists.")
def serve(scenario: str, port: int, host: str, state_file: str | None) -> None:
    """Serve a scenario's world until Ctrl-C; prints the endpoint for `drp run --sim-endpoint`."""
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.sim.scenario import load_scenario
    from drp_console.sim.server import SimServer

    try:
        world = load_scenario(scenario)
    except InvalidDocument as exc:
        for diag in exc.diagnostics:
            click.echo(str(diag), err=True)
        sys.exit(ExitCode.INVALID)
    try:
        server = SimServer(world, host=host, port=port, state_file=state_file)
        endpoint = server.start()
    except ValueError as exc:  # an unreadable or foreign state file; the message says what to do
        click.echo(f"drp sim serve: cannot start: {exc}.", err=True)
        sys.exit(ExitCode.FAILED)
    except OSError as exc:
        click.echo(f"drp sim serve: cannot listen on {host}:{port} ({exc.strerror or exc}). "
                   "Pick another --port (0 = any free port).", err=True)
        sys.exit(ExitCode.FAILED)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(endpoint)
    click.echo(f"scenario {world.id} at {world.speed:g}x; state at {endpoint}/_sim/state; "
               "Ctrl-C to stop", err=True)
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("simulator stopped", err=True)


@sim.command()
@click.option("--endpoint", default=f"http://127.0.0.1:{DEFAULT_PORT}", show_default=True,
              help="The simulator's endpoint, as `drp sim serve` printed it.")
@click.option("--state-file", type=click.Path(exists=True, dir_okay=False),
              help="Read a saved world (a run directory's world.json) instead of a live simulator.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole state as JSON.")
def state(endpoint: str, state_file: str | None, as_json: bool) -> None:
    """Show the simulated world as it is now: resources, operations, mutations applied."""
    from drp_console.sim.state_view import render_table

    if state_file:
        data = _state_from_file(Path(state_file))
    else:
        try:
            with urllib.request.urlopen(endpoint.rstrip("/") + "/_sim/state", timeout=10) as resp:
                data = json.loads(resp.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            click.echo(f"drp sim state: no simulator answers at {endpoint} ({reason}). Start one "
                       "with `drp sim serve --scenario FILE` or pass --endpoint.", err=True)
            sys.exit(ExitCode.FAILED)
    click.echo(json.dumps(data, indent=2) if as_json else render_table(data))


def _state_from_file(path: Path) -> dict:
    """The state view of a saved world, advanced to now in memory only (the file is not touched)."""
    import time

    from drp_console.sim import server  # noqa: F401  (registers the operations' effects)
    from drp_console.sim.operations import advance
    from drp_console.sim.state_view import world_snapshot
    from drp_console.sim.world import WORLD_VERSION, World

    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(saved, dict) or saved.get("version") != WORLD_VERSION:
            raise ValueError("no simulator world of this version")
        world, now = World(saved), time.time()
        advance(world, now)
        return world_snapshot(world, now)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        click.echo(f"drp sim state: {path} is not a saved simulator world ({exc}).", err=True)
        sys.exit(ExitCode.INVALID)
