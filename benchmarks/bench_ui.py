"""Console responsiveness: time to first frame against a bare Textual app, event-loop lag while
12 simulated operations poll, the idle run screen's CPU, dialog keystroke echo latency while 12
operations poll, paging a 1,000-step table. Measures and prints; asserts nothing.

The first frame is taken from the frames the app writes (`benchmarks/frame_probe.py`, a
driver that reads them as a terminal would): for `drp` started with no arguments, the frame in
which every bundled runbook's row is on screen, then the one in which all are validated.

    python benchmarks/bench_ui.py [--runs 5] [--first-frame]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello from a bare app")

Bare().run()
"""


def _one(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str, float]:
    """(seconds to the wanted frame, to the done frame, google modules, the process's CPU
    seconds at the wanted frame) of one start."""
    start = time.time()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)
    marks = {}
    for line in proc.stdout.splitlines():
        kind, _, rest = line.partition(" ")
        if kind in ("FRAME_LIST", "FRAME_DONE"):
            marks[kind] = rest.split()
    if "FRAME_LIST" not in marks or "FRAME_DONE" not in marks:
        saved = sorted(Path(env.get("DRP_RUNS_DIR", ".")).parent.glob("console-error-*.txt"))
        details = saved[-1].read_text()[-3000:] if saved else ""
        raise SystemExit(f"{' '.join(cmd)}: no frame seen\n{proc.stdout[-2000:]}\n"
                         f"{proc.stderr[-2000:]}\n{details}")
    listed = marks["FRAME_LIST"]
    return (float(listed[0]) - start, float(marks["FRAME_DONE"][0]) - start, listed[1],
            float(listed[2]))


def first_frames(runs: int, tree: Path = ROOT) -> dict[str, object]:
    """Medians over `runs` starts (after one warm-up each, bytecode cached as when installed)
    of: a bare Textual app's first frame; `drp`'s first frame listing every bundled runbook;
    the frame where they are all validated. Also the google.cloud modules loaded by then."""
    ids = sorted(p.stem for p in (tree / "runbooks").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        base = dict(os.environ, TEXTUAL_DRIVER="frame_probe:FrameProbe", DRP_FORCE_TUI="1",
                    DRP_RUNS_DIR=str(Path(tmp) / "runs"),
                    DRP_CACHE_DIR=str(Path(tmp) / "cache"),
                    PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"),
                    PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                             str(tree),
                                                             os.environ.get("PYTHONPATH")])))
        for name in ("PYTHONDONTWRITEBYTECODE", "DRP_OPERATOR"):  # the operator: as a user
            base.pop(name, None)                                   # starts it (git's name)
        bare_env = dict(base, BENCH_FRAME_WANT="hello from a bare app", BENCH_FRAME_DONE="")
        drp_env = dict(base, BENCH_FRAME_WANT="|".join(ids),
                       BENCH_FRAME_DONE=rf"\({len(ids)}, \d+ valid\)")
        bare_cmd = [sys.executable, "-c", BARE]
        drp_cmd = [sys.executable, "-m", "drp_console"]
        bare, drp = [], []
        for i in range(runs + 1):  # the first start of each compiles and fills caches
            b = _one(bare_cmd, bare_env, tree)
            d = _one(drp_cmd, drp_env, tree)
            if i:
                bare.append(b)
                drp.append(d)
    return {"bare": statistics.median(b[0] for b in bare),
            "bare_cpu": statistics.median(b[3] for b in bare),
            "listed": statistics.median(d[0] for d in drp),
            "listed_cpu": statistics.median(d[3] for d in drp),
            "checked": statistics.median(d[1] for d in drp),
            "google": drp[-1][2], "runbooks": len(ids), "runs": runs}


def bench_first_frame(runs: int, tree: Path = ROOT) -> None:
    """Print the first-frame lines."""
    r = first_frames(runs, tree)
    bare, listed, checked = r["bare"], r["listed"], r["checked"]
    assert isinstance(bare, float) and isinstance(listed, float) and isinstance(checked, float)
    print(f"time to first frame (process start -> frame written, 120x40, through `drp` with no "
          f"arguments), median of {runs}:")
    bare_cpu, listed_cpu = r["bare_cpu"], r["listed_cpu"]
    assert isinstance(bare_cpu, float) and isinstance(listed_cpu, float)
    print(f"  bare Textual app                              {bare * 1000:7.0f} ms   "
          f"(CPU {bare_cpu * 1000:.0f} ms)")
    print(f"  drp launcher, all {r['runbooks']} runbooks listed            "
          f"{listed * 1000:7.0f} ms   (CPU {listed_cpu * 1000:.0f} ms; {listed / bare:.2f}x the "
          f"bare app's wall time, {listed_cpu / bare_cpu:.2f}x its CPU)")
    print(f"  drp launcher, every runbook validated         {checked * 1000:7.0f} ms")
    print(f"  google.cloud modules loaded at the listed frame: {r['google']}")


RUNBOOK = """\
format: drp/v1
id: bench-twelve
title: Twelve operations at once
objectives: {rto: 30m}
parameters:
  project: {default: acme-prod}
steps:
"""

SCENARIO = """\
format: drp-sim/v1
id: bench-twelve
title: Twelve running VMs
project: acme-prod
speed: 1
compute:
  instances:
"""


def _twelve(folder: Path, seconds: float) -> tuple[Path, Path]:
    book = RUNBOOK
    for i in range(12):
        book += (f"  - id: stop-{i}\n    title: Stop web-{i}\n    type: gcp\n    needs: []\n"
                 f"    call: compute.instances.stop\n"
                 f"    with: {{project: \"{{{{ params.project }}}}\", zone: europe-west1-b, "
                 f"instance: web-{i}}}\n")
    world = SCENARIO + "".join(
        f"    - {{name: web-{i}, zone: europe-west1-b, status: RUNNING, "
        f"machineType: e2-standard-4}}\n" for i in range(12))
    world += f"latency:\n  compute.instances.stop: {seconds}\n"
    (folder / "bench.yaml").write_text(book)
    (folder / "bench-world.yaml").write_text(world)
    return folder / "bench.yaml", folder / "bench-world.yaml"


async def _lag_run(runbook: Path, scenario: Path, runs_dir: Path) -> dict:
    from drp_console.runner.session import RunSession
    from drp_console.ui.factory import make_app

    session = RunSession.start(runbook, mode="simulate", params={}, scenario_path=scenario,
                               operator="bench", runs_dir=runs_dir)
    session.cloud.warm_up()  # the console does this after its first frame; keep it out of the lag
    app = make_app(session=session, still=True, ask_operator=False)  # operator "bench"
    lags: list[float] = []
    spikes: list[tuple[float, float]] = []
    steady: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        loop = asyncio.get_running_loop()
        start = loop.time()
        while not screen.state.finished and loop.time() - start < 60:
            before = loop.time()
            await asyncio.sleep(0.005)
            lags.append(loop.time() - before - 0.005)
            if before - start > 1.0:
                steady.append(lags[-1])
            if lags[-1] > 0.1:
                spikes.append((round(before - start, 2), round(lags[-1], 3)))
        took = loop.time() - start
        polls = sum(1 for e in session.journal.events() if e["type"] == "operation_progress")
        status = screen.state.status
        await pilot.pause()
    session.close()
    lags.sort()
    steady.sort()
    return {"steady_p99": steady[int(len(steady) * 0.99)] if steady else 0.0,
            "steady_max": steady[-1] if steady else 0.0, "status": status, "seconds": took,
            "samples": len(lags), "progress_events": polls, "spikes_over_100ms": spikes,
            "p50": lags[len(lags) // 2], "p99": lags[int(len(lags) * 0.99)], "max": lags[-1]}


def bench_loop_lag(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runbook, scenario = _twelve(folder, seconds)
        result = asyncio.run(_lag_run(runbook, scenario, folder / "runs"))
    print(f"event-loop lag while 12 simulated operations ({seconds:g} s each) poll, "
          "console on screen (sampled every 5 ms):")
    print(f"  run {result['status']} in {result['seconds']:.1f} s, {result['samples']} samples, "
          f"{result['progress_events']} progress events")
    print(f"  lag p50 {result['p50'] * 1000:.1f} ms   p99 {result['p99'] * 1000:.1f} ms   "
          f"max {result['max'] * 1000:.1f} ms")
    print(f"  after the first second (screen built): p99 {result['steady_p99'] * 1000:.1f} ms   "
          f"max {result['steady_max'] * 1000:.1f} ms")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


IDLE_STEPS = """\
  - id: stop-0
    title: Stop web-0
    type: gcp
    call: compute.instances.stop
    with: {project: "{{ params.project }}", zone: europe-west1-b, instance: web-0}
  - id: go
    title: Go on?
    type: approval
    needs: [stop-0]
"""

APPROVAL_STEP = """\
  - id: go
    title: Go on?
    type: approval
    needs: []
"""


def _session(runbook: Path, scenario: Path, runs_dir: Path):
    from drp_console.runner.session import RunSession

    session = RunSession.start(runbook, mode="simulate", params={}, scenario_path=scenario,
                               operator="bench", runs_dir=runs_dir)
    session.cloud.warm_up()  # the console does this after its first frame
    return session


async def _until(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("bench_ui: the run never reached the state measured")
        await asyncio.sleep(0.02)


async def _idle_run(runbook: Path, scenario: Path, runs_dir: Path, seconds: float) -> dict:
    """A run waiting on an approval, console on screen (not still: as an operator sees it)."""
    from drp_console.ui.factory import make_app

    session = _session(runbook, scenario, runs_dir)
    app = make_app(session=session, ask_operator=False)
    frames: list[float] = []
    async with app.run_test(size=(120, 40)):
        screen = app.screen
        await _until(lambda: screen.responder is not None
                     and screen.responder.question("go") is not None)
        await asyncio.sleep(1.0)
        display = app._display
        app._display = lambda s, r: (frames.append(time.perf_counter()), display(s, r))[1]
        cpu, ui, wall = time.process_time(), time.thread_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu, ui = time.process_time() - cpu, time.thread_time() - ui
        wall = time.perf_counter() - wall
        app._display = display
    session.close()
    return {"cpu": cpu / wall, "ui": ui / wall, "frames": len(frames), "seconds": wall}


def bench_idle(seconds: float = 10.0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runbook, scenario = _twelve(folder, 0.2)
        runbook.write_text(RUNBOOK + IDLE_STEPS)
        result = asyncio.run(_idle_run(runbook, scenario, folder / "runs", seconds))
    print(f"idle run screen (a run waiting on an approval, 120x40), over {result['seconds']:.0f} s:")
    print(f"  process CPU {result['cpu'] * 100:.2f}% of a core (UI thread "
          f"{result['ui'] * 100:.2f}%), {result['frames']} frames drawn")


TYPING = (0.06, 0.09, 0.12, 0.07, 0.15, 0.8)
"""Pauses between keystrokes (s): bursts, then a pause to think, as people type."""


async def _echo_run(runbook: Path, scenario: Path, runs_dir: Path, seconds: float) -> dict:
    """Type into the approval dialog while 12 operations poll: key press -> frame with it."""
    from textual import events

    from drp_console.ui.factory import make_app

    session = _session(runbook, scenario, runs_dir)
    app = make_app(session=session, still=True, ask_operator=False)
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await _until(lambda: screen.responder is not None
                     and screen.responder.question("go") is not None)
        screen.query_one("StepTable").select("go")
        await pilot.pause()
        await pilot.press("a")
        await _until(lambda: bool(app.screen.query("#reason")))
        field = app.screen.query_one("#reason")
        field.focus()
        await pilot.pause()
        running = sum(1 for s in screen.state.steps.values() if s.status == "running")
        waiting: dict = {}
        display = app._display

        def frame(s, r):
            if waiting and field.value.endswith(waiting["text"]):
                latencies.append(time.perf_counter() - waiting.pop("at"))
                waiting.clear()
            return display(s, r)

        app._display = frame
        typed, start = "", time.perf_counter()
        while time.perf_counter() - start < seconds:
            char = "abcdefghij"[len(typed) % 10]
            typed += char
            waiting.update(text=typed, at=time.perf_counter())
            key = events.Key(char, char)
            key.set_sender(app)
            app._driver.send_message(key)  # as Pilot does, without waiting for idle
            await _until(lambda: not waiting, timeout=10)
            await asyncio.sleep(TYPING[len(typed) % len(TYPING)])
        still_running = sum(1 for s in screen.state.steps.values() if s.status == "running")
        app._display = display
    session.close()
    latencies.sort()
    return {"keys": len(latencies), "running": running, "still_running": still_running,
            "p50": latencies[len(latencies) // 2], "p99": latencies[int(len(latencies) * 0.99)],
            "max": latencies[-1]}


def bench_echo(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runbook, scenario = _twelve(folder, seconds + 6)
        runbook.write_text(runbook.read_text() + APPROVAL_STEP)
        result = asyncio.run(_echo_run(runbook, scenario, folder / "runs", seconds))
    print(f"approval dialog keystroke echo (key press -> the frame showing it), "
          f"{result['running']} operations polling ({result['still_running']} at the end):")
    print(f"  {result['keys']} keys: p50 {result['p50'] * 1000:.1f} ms   "
          f"p99 {result['p99'] * 1000:.1f} ms   max {result['max'] * 1000:.1f} ms")


def _thousand_events() -> list[dict]:
    """A journal of a 1,000-step run, 20 steps under way."""
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    steps = [{"id": f"step-{i:04d}", "title": f"Step number {i}", "type": "manual",
              "role": "dba", **({"needs": []} if i % 50 == 0 else {})} for i in range(1000)]
    doc = {"id": "big", "title": "A thousand steps", "objectives": {"rto": 3600.0},
           "steps": steps}
    events = [{"seq": 1, "ts": t0.isoformat(), "type": "run_started", "run_id": "big",
               "runbook": {"id": "big", "title": "A thousand steps"}, "runbook_doc": doc,
               "mode": "simulate", "operator": "bench", "params": {}}]
    for i in range(0, 1000, 50):
        events.append({"seq": len(events) + 1, "ts": (t0 + timedelta(seconds=i)).isoformat(),
                       "type": "step_started", "step": f"step-{i:04d}", "attempt": 1})
    return events


async def _thousand() -> dict:
    from drp_console.ui.factory import make_app

    events = _thousand_events()
    app = make_app(events=events, still=True)
    t0 = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        ready = time.perf_counter() - t0
        screen = app.screen
        flushes = []
        for _ in range(10):
            t = time.perf_counter()
            screen.flush()
            flushes.append(time.perf_counter() - t)
        table = screen.query_one("StepTable")
        loop = asyncio.get_running_loop()
        lags: list[float] = []
        for i in range(80):  # a page down (or up) every 50 ms, lag sampled every 5 ms
            (table.action_page_down if i < 40 else table.action_page_up)()
            end = loop.time() + 0.05
            while loop.time() < end:
                before = loop.time()
                await asyncio.sleep(0.005)
                lags.append(loop.time() - before - 0.005)
        await pilot.pause()
        lags.sort()
        row = table.cursor_row
    return {"ready": ready, "flush": statistics.median(flushes), "row": row,
            "p50": lags[len(lags) // 2], "p99": lags[int(len(lags) * 0.99)], "max": lags[-1]}


def bench_thousand() -> None:
    result = asyncio.run(_thousand())
    print("a 1,000-step runbook (20 steps under way) in one DataTable:")
    print(f"  screen ready {result['ready'] * 1000:.0f} ms, a 4 Hz refresh costs "
          f"{result['flush'] * 1000:.1f} ms")
    print(f"  paging through it (a page every 50 ms, 80 pages): loop lag p50 "
          f"{result['p50'] * 1000:.1f} ms, p99 {result['p99'] * 1000:.1f} ms, "
          f"max {result['max'] * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-ups to take the median of")
    parser.add_argument("--op-seconds", type=float, default=6.0, help="latency of each operation")
    parser.add_argument("--first-frame", action="store_true", help="only the first-frame lines")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the drp-console checkout whose first frame to time (default: this)")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="idle CPU window")
    parser.add_argument("--type-seconds", type=float, default=12.0, help="how long to type")
    args = parser.parse_args()
    bench_first_frame(args.runs, args.tree)
    if args.first_frame:
        return
    bench_loop_lag(args.op_seconds)
    bench_idle(args.idle_seconds)
    bench_echo(args.type_seconds)
    bench_thousand()


if __name__ == "__main__":
    main()
