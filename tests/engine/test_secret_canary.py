"""A canary secret given with -p never appears anywhere: plan, validate, run, resume, report,
their stdout and stderr, error messages, the journal, the world file and the reports (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import warm_drp  # tests/ is on sys.path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
RUNBOOK = DATA / "crash-runbook.yaml"
CANARY = "canary-0c4d-SECRET-token"
pytestmark = pytest.mark.slow  # eleven `drp` processes, two whole runs


def drp(*args: str, cwd: Path) -> tuple[int, str]:
    """`drp ARGS` in a process of its own (forked warm, see `warm_drp`); status, stdout+stderr."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("DRP_TEST_CRASH_AT", None)
    done = warm_drp.run(list(args), env, 120, cwd=cwd)
    return done.returncode, done.stdout + done.stderr


def test_a_canary_secret_appears_nowhere(tmp_path: Path, sped_up) -> None:
    runs = tmp_path / "runs"
    base = ["--runs-dir", str(runs), "-p", f"token={CANARY}"]
    outputs: list[str] = []

    def call(*args: str, expect: int | tuple[int, ...]) -> str:
        code, out = drp(*args, cwd=tmp_path)
        assert code in ((expect,) if isinstance(expect, int) else expect), out
        assert "Traceback" not in out
        outputs.append(out)
        return out

    call("validate", str(RUNBOOK), expect=0)
    call("plan", str(RUNBOOK), "-p", f"token={CANARY}", expect=0)
    call("plan", str(RUNBOOK), "-p", f"token={CANARY}", "-p", "project=Bad Project!",
         expect=(0, 2))
    # stops at the manual step; its world (kept with the run) 10x the crash world's speed
    call("run", str(RUNBOOK), "--headless", "--scenario", str(sped_up(RUNBOOK, 500)), *base,
         expect=5)
    (run_dir,) = runs.iterdir()
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(b"declare: d\xffone\n")
    call("resume", run_dir.name, "--headless", "--answers", str(answers), *base, expect=2)
    call("resume", run_dir.name, "--headless", "--auto-approve", "--runs-dir", str(runs),
         expect=2)  # the secret is not kept: asked for again, not shown
    call("resume", run_dir.name, "--headless", "--auto-approve", *base, expect=0)
    call("resume", run_dir.name, "--headless", "--auto-approve", *base, expect=(0, 1))
    call("report", run_dir.name, "-f", "md", "-f", "html", "-f", "json", "-f", "csv",
         "--runs-dir", str(runs), expect=0)
    call("report", run_dir.name, "-f", "md", "--runs-dir", str(runs), "-o", "-", expect=(0, 2))
    call("runs", "--runs-dir", str(runs), expect=0)
    for out in outputs:
        assert CANARY not in out
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "journal.jsonl" for p in files)
    assert any(p.suffix == ".html" for p in files)
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path
