"""Start-up: `drp run --headless` of a one-step shell runbook against `python -c pass` and invoke.

Each command runs N times after one warm-up (median wall time printed side by side); the drp run
gets its own temporary runs dir and template cache (the warm-up fills the cache, as a user's
first run does) and the `calm` scenario. Every command runs with its bytecode cached, as after
`pip install` (which compiles it): PYTHONDONTWRITEBYTECODE is dropped and the compiled files go
to a temporary PYTHONPYCACHEPREFIX, so the warm-up compiles each source once and the checkout is
left untouched (`--no-bytecode` measures a tree whose sources are compiled on every start). The
CPU column (user + system, median) is steadier than wall time on a busy machine. A further
`drp run` under `python -X importtime` shows whether any `google.*` module was imported and which
imports cost most. Prints, asserts nothing.
invoke comes with the `bench` extra (`pip install -e '.[bench]'`); without it its row says so.

    python benchmarks/bench_start.py [-n 7] [--tree CHECKOUT] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "runbooks" / "scenarios" / "calm.yaml"
RUNBOOK = """format: drp/v1
id: bench-start
title: One shell step
steps:
  - {id: only, title: Only step, type: shell, run: ["true"]}
"""
TASKS = """from invoke import task


@task
def only(c):
    c.run("true")
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str], n: int) -> tuple[float, float, float]:
    """(first run, median of the next n, their median CPU) seconds; exits when one fails."""
    times, cpu = [], []
    for _ in range(n + 1):
        c0, t0 = _children_cpu(), time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        cpu.append(_children_cpu() - c0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return times[0], statistics.median(times[1:]), statistics.median(cpu[1:])


def import_profile(cmd: list[str], env: dict[str, str]) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of every import of one run under `-X importtime`."""
    proc = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], env=env, check=False,
                          capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, _, rest = line.partition(":")
        parts = [p.strip() for p in rest.split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((int(parts[1]), parts[2]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=7, help="timed runs per command (median)")
    parser.add_argument("--tree", type=Path, default=ROOT,
                        help="the drp-console checkout to run (default: this one), to compare")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as it is set (sources compiled anew)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "runbook.yaml").write_text(RUNBOOK)
        (root / "tasks.py").write_text(TASKS)
        env = dict(os.environ, DRP_CACHE_DIR=str(root / "cache"),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(args.tree),
                                                            os.environ.get("PYTHONPATH")])))
        if not args.no_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        drp = [sys.executable, "-m", "drp_console", "run", str(root / "runbook.yaml"),
               "--headless", "--scenario", str(SCENARIO), "--runs-dir", str(root / "runs"),
               "--operator", "bench"]
        rows = [("python -c pass", timed([sys.executable, "-c", "pass"], env, args.n))]
        invoke = shutil.which("invoke", path=str(Path(sys.executable).parent)) \
            or shutil.which("invoke")
        if invoke:
            rows.append(("invoke only (c.run true)",
                         timed([invoke, "-r", str(root), "only"], env, args.n)))
        rows.append(("drp run --headless (1 shell step)", timed(drp, env, args.n)))
        imports = import_profile(drp, env)
    print(f"{'command':36} {'first':>8} {'median':>8} {'cpu':>8}   (n={args.n}, seconds"
          f"{', sources compiled on every start' if args.no_bytecode else ', bytecode cached'})")
    for name, (first, median, cpu) in rows:
        print(f"{name:36} {first:8.3f} {median:8.3f} {cpu:8.3f}")
    if not invoke:
        print("invoke: not installed (pip install -e '.[bench]')")
    else:
        print(f"drp / invoke: {rows[-1][1][1] / rows[1][1][1]:.2f}x wall, "
              f"{rows[-1][1][2] / rows[1][1][2]:.2f}x cpu")
    google = sorted({m for _, m in imports if m == "google" or m.startswith("google.")})
    print(f"google.* modules imported by the drp run: {len(google)}"
          + (f" ({', '.join(google[:6])}{', ...' if len(google) > 6 else ''})" if google else ""))
    top = sorted((r for r in imports if "." not in r[1]
                  or (r[1].startswith("google.") and r[1].count(".") <= 2)), reverse=True)[:8]
    print("costliest imports (cumulative ms): "
          + ", ".join(f"{m} {us / 1000:.0f}" for us, m in top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
