"""A seeded, bounded fuzz over runbooks, scenarios, answers files and -p values (issue 11).

Every case ends with an expected exit code (0, 2 or 3 for validate and plan; a run may also
fail, 1, or stop for an operator, 5), within its time limit, with no traceback, no "unexpected
error" and no secret in any output. The seed is fixed, so a failure reproduces; raise
DRP_FUZZ_CASES for a longer hunt.
"""

from __future__ import annotations

import random
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.settings import settings

DATA = Path(__file__).parent / "data"
CANARY = "canary-9e2a-SECRET"
SEED = 20261129
CASES = settings().fuzz_cases or 50
CASE_SECONDS = 20

RUNBOOK = (DATA / "crash-runbook.yaml").read_text().replace(
    "scenario: crash-world.yaml", "scenario: world.yaml")
# the crash world at 10x its speed: the cases that run to the end wait less for its operations
SCENARIO = (DATA / "crash-world.yaml").read_text().replace("speed: 50\n", "speed: 500\n")
FRAGMENTS = ["{{", "}}", "{% for i in range(100000) %}", "{{ [[1]*60000]*60000 }}", "[", "]",
             ":", "- ", "&a ", "*a", "!!python/object:os.system ", "\t", "\x00", "\udcff",
             "é", "${HOME}", "'; rm -rf / #", "{{ params.token }}", "{{ run.nope }}",
             "[" * 300, "needs: [", "type: shell\n", "timeout: -1s", "10000000000000000000000"]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        how = rng.randrange(5)
        if how == 0:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif how == 2:
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + rng.choice(FRAGMENTS) + lines[i][at:]
        elif how == 3:
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        else:
            lines[i] = lines[i].replace(" ", rng.choice(["", "  ", ": "]), 1)
        if not lines:
            lines = [""]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def param_value(rng: random.Random) -> str:
    pool = [CANARY, CANARY + "\udcff", CANARY + "\x00", CANARY + "\n--help", "", "=",
            CANARY * 200, "-p", "{{ params.token }}", "é" + CANARY]
    return rng.choice(pool)


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow()


def check(res, allowed: tuple[int, ...], what: str) -> None:
    out = res.output
    assert not isinstance(res.exception, _Slow), f"{what}: took over {CASE_SECONDS} s"
    assert res.exception is None or isinstance(res.exception, SystemExit), (what, res.exception)
    assert res.exit_code in allowed, f"{what}: exit {res.exit_code}: {out[-2000:]}"
    assert "Traceback" not in out and "unexpected error" not in out, f"{what}: {out[-2000:]}"
    assert CANARY not in out, f"{what}: the secret was printed: {out[-2000:]}"


@pytest.mark.slow  # fifty hostile cases, some of them whole runs
@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM for the time limit")
def test_fuzzed_inputs_get_a_clear_answer(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    runner = CliRunner()
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for n in range(CASES):
            case = tmp_path / f"case{n}"
            case.mkdir()
            kind = rng.choice(["runbook", "runbook", "scenario", "answers", "param"])
            rb_text = mutate(RUNBOOK, rng) if kind == "runbook" else RUNBOOK
            sc_text = mutate(SCENARIO, rng) if kind == "scenario" else SCENARIO
            write(case / "rb.yaml", rb_text)
            write(case / "world.yaml", sc_text)
            token = param_value(rng) if kind == "param" else CANARY
            pairs = ["-p", f"token={token}"]
            runs = ["--runs-dir", str(case / "runs")]
            commands = [(["validate", str(case / "rb.yaml")], (0, 3)),
                        (["plan", str(case / "rb.yaml"), *pairs], (0, 2, 3))]
            if kind in ("scenario", "answers", "param") or n % 6 == 0:
                answers = []
                if kind == "answers":
                    write(case / "answers.yaml", mutate("declare: done\nnotify: rerun\n", rng))
                    answers = ["--answers", str(case / "answers.yaml")]
                commands.append((["run", str(case / "rb.yaml"), "--headless", "--auto-approve",
                                  *answers, *runs, *pairs], (0, 1, 2, 3, 5)))
            for args, allowed in commands:
                signal.alarm(CASE_SECONDS)
                try:
                    res = runner.invoke(cli, args)
                finally:
                    signal.alarm(0)
                check(res, allowed, f"case {n} ({kind}) drp {args[0]}")
    finally:
        signal.signal(signal.SIGALRM, old)
