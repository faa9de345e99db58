"""Fixtures of the console's tests: a frozen clock, recorded runs, the test runbook folder."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from datetime import timedelta

import pytest
from ui_recorded import mid_run

from drp_console.ui.clock import FrozenClock
from drp_console.ui.factory import make_app


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests on a fresh event loop (no asyncio plugin is needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


@pytest.fixture
def replay_app():
    """Build a console replaying recorded events, with a frozen clock and no animations."""

    def build(recorder=None, *, after: float = 3.0, **kw):
        recorder = recorder or mid_run()
        clock = FrozenClock(recorder.at + timedelta(seconds=after))
        kw.setdefault("theme", "textual-dark")  # snapshots ignore DRP_THEME / DRP_TZ
        kw.setdefault("tz_name", "UTC")
        return make_app(events=recorder.events, clock=clock, still=True, operator="ana", **kw)

    return build


@pytest.fixture(autouse=True)
def close_sessions():
    """Close every run session a test opened (simulator, lock, journal), even on failure."""
    yield
    from ui_pilot import OPENED

    while OPENED:
        session = OPENED.pop()
        with contextlib.suppress(Exception):  # already closed by the console
            session.close()
