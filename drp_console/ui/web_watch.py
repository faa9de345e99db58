"""`drp watch RUN --web`: a read-only run screen in a browser, served through textual-serve.

Each browser tab gets its own `drp join RUN --watch` process (the screen follows the run and
cannot act). The server listens on loopback unless a host is given; then every request needs
the token printed at start (in the URL's `?token=`, kept afterwards in a cookie), so a person
on the network who does not have the link sees nothing.
"""

from __future__ import annotations

import secrets
import shlex
import sys
from typing import Any

from aiohttp import web
from textual_serve.server import Server

LOOPBACK = "127.0.0.1"
COOKIE = "drp_watch"


def watch_command(run_id: str, runs_dir: str | None) -> str:
    """The command each browser tab runs: a watcher's run screen (the journal URL comes from
    DRP_JOURNAL in the environment, never from the command line, which `ps` shows)."""
    args = [sys.executable, "-m", "drp_console", "join", run_id, "--watch", "--operator",
            "web watcher"]
    if runs_dir:
        args += ["--runs-dir", runs_dir]
    return shlex.join(args)


class WatchServer(Server):
    """textual-serve's server, with a token check when it listens beyond loopback."""

    def __init__(self, command: str, *, host: str, port: int, token: str | None,
                 title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token
        """The secret every request must carry (None on loopback)."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        if self.token is not None:
            app.middlewares.append(self._guard)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        given = request.query.get("token")
        token = self.token or ""
        ok = secrets.compare_digest(given or "", token) or secrets.compare_digest(
            request.cookies.get(COOKIE, ""), token)
        if not ok:
            raise web.HTTPForbidden(text="this run's watch page needs the link with its token")
        response = await handler(request)
        if given and request.path == "/":
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response


def serve(run_id: str, *, host: str | None, port: int, runs_dir: str | None,
          say: Any = print) -> None:
    """Serve the watch page until interrupted (a token when `host` is given)."""
    token = secrets.token_urlsafe(16) if host else None
    where = host or LOOPBACK
    server = WatchServer(watch_command(run_id, runs_dir), host=where, port=port, token=token,
                         title=f"drp-console: {run_id}")
    link = f"http://{where}:{port}/" + (f"?token={token}" if token else "")
    say(f"watching run {run_id} read-only at {link} (Ctrl+C stops)")
    server.serve()
