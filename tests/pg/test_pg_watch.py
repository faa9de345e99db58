"""`drp watch RUN --web`: the read-only run screen served to browsers through textual-serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from drp_console.journal import Redactor
from drp_console.journal.pg import PgJournal

ROOT = Path(__file__).resolve().parents[2]
RUN_ID = "20261129T120000Z-demo-0a1b"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def serve(journal_url: str, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DRP_JOURNAL=journal_url, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "drp_console", "watch", RUN_ID[:20], "--web",
                             "--port", str(port), "--runs-dir", str(tmp_path), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=ROOT)
    return proc, port


def wait_listening(proc: subprocess.Popen, port: int) -> str:
    line = proc.stdout.readline()  # the link, printed before the server starts
    for _ in range(300):  # a guard against hanging, not a timing assertion
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return line
        if proc.poll() is not None:
            raise AssertionError(f"drp watch ended: {line}{proc.stdout.read()}")
        time.sleep(0.1)
    raise AssertionError("drp watch never listened")


@pytest.fixture
def shared_run(journal_url: str):
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice")
    yield journal
    journal.close()


def test_the_watch_page_is_served_on_loopback(journal_url: str, tmp_path: Path,
                                              shared_run) -> None:
    proc, port = serve(journal_url, tmp_path)
    try:
        line = wait_listening(proc, port)
        assert f"watching run {RUN_ID} read-only at http://127.0.0.1:{port}/ " in line
        assert "token" not in line and "postgresql" not in line
        status, page = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert f"drp-console: {RUN_ID}" in page and "/ws" in page  # the terminal's websocket
    finally:
        proc.terminate()
        proc.wait(30)


def test_beyond_loopback_the_page_needs_its_token(journal_url: str, tmp_path: Path,
                                                 shared_run) -> None:
    proc, port = serve(journal_url, tmp_path, "--host", "127.0.0.1")
    try:
        line = wait_listening(proc, port)
        link = line.split(" at ", 1)[1].split(" ", 1)[0]
        assert "?token=" in link
        assert fetch(f"http://127.0.0.1:{port}/")[0] == 403
        assert fetch(f"http://127.0.0.1:{port}/?token=wrong")[0] == 403
        status, page = fetch(link)
        assert status == 200 and f"drp-console: {RUN_ID}" in page
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.slow
def test_chromium_shows_the_run_screen_on_the_watch_page(journal_url: str, tmp_path: Path) -> None:
    """The Done-when check: a real browser opens the watch page, its terminal connects and draws
    the run screen (read from the terminal itself), and the screenshot is not blank."""
    import asyncio

    from chromium_page import SCREEN_TEXT, XTERM_HOOK, Page, find_chromium  # tests/pg is on sys.path
    from test_pg_session import shared_runbook

    from drp_console.runner.session import RunSession

    browser = find_chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (CI installs it: apt-get install chromium)")
    driver = RunSession.start(shared_runbook(tmp_path), operator="alice",
                              runs_dir=tmp_path / "alice", journal_url=journal_url)
    run_id = driver.ctx.run_id
    port = free_port()
    env = dict(os.environ, DRP_JOURNAL=journal_url, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "drp_console", "watch", run_id, "--web",
                             "--port", str(port), "--runs-dir", str(tmp_path / "web")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            cwd=ROOT)
    shot = tmp_path / "watch-page.png"

    async def look() -> tuple[str, tuple[int, int, int]]:
        async with Page(browser, tmp_path / "profile") as page:
            await page.open(f"http://127.0.0.1:{port}/", before=XTERM_HOOK)
            text = ""
            for _ in range(600):  # a guard against hanging, not a timing assertion
                text = await page.evaluate(SCREEN_TEXT)
                if "Steps 0/3" in text and "alice drives" in text:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # the terminal's renderer draws the last frame
            png = await page.screenshot(shot)
            return text, await page.png_colours(png)

    try:
        wait_listening(proc, port)
        text, (width, height, colours) = asyncio.run(look())
    finally:
        proc.terminate()
        proc.wait(30)
        driver.close()
    assert "SIMULATION" in text and "A drill for several people" in text  # the header
    assert "operator web watcher" in text and "alice drives" in text  # who is on the run
    for step in ("declare", "go", "check"):
        assert step in text  # the steps table
    assert "Steps 0/3" in text and "Timeline" in text
    assert "report" in text and "approve" not in text  # a watcher's key bar: only what it may do
    assert shot.read_bytes().startswith(b"\x89PNG") and (width, height) == (1280, 800)
    assert colours >= 8  # text in several colours on the screen's background, not a blank page

