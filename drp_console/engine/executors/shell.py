"""Shell steps: a local argv command, never through a shell, with a timeout and captured output."""

from __future__ import annotations

import asyncio
import os

from drp_console.engine.executors import process
from drp_console.engine.executors.base import StepFailure, StepResult, StepRun
from drp_console.engine.executors.gcp import confirm_live
from drp_console.journal.event_types import CallIntent, Output

OUTPUT_CAP = 64 * 1024
"""Bytes of each stream journaled as `output` events; the rest is counted, not kept."""
TAIL = 4096
"""Characters of stdout kept in the step's outputs (`steps['x'].outputs.stdout`)."""


async def run_shell(run: StepRun) -> StepResult:
    """Run the rendered argv; exit status 0 succeeds, anything else fails the attempt."""
    host, step = run.host, run.step
    argv = [str(host.render(str(a))) for a in step.run]
    if not argv or not argv[0]:
        raise StepFailure("the command is empty", code="badCommand", hint="fix `run:`")
    if any("\0" in a for a in argv):
        raise StepFailure("a command argument holds a NUL byte", code="badCommand",
                          hint="check the parameters used in `run:`")
    extra = getattr(step, "env", None)
    env = {**os.environ, **{k: str(host.render(str(v))) for k, v in extra.items()}} \
        if extra else None
    cwd = getattr(step, "cwd", None)
    if getattr(step, "confirm", None):
        await confirm_live(run, step.id)
    await host.emit(CallIntent(step=step.id, attempt=run.attempt, call="shell",
                      request_id=None, args={"argv": argv, "cwd": cwd}))
    try:
        child = await process.start(argv, env=env, cwd=host.render(cwd) if cwd else None)
    except (OSError, ValueError) as exc:
        raise StepFailure(f"cannot start {argv[0]!r}: {exc}", code="badCommand",
                          hint="install the command or fix `run:`/`cwd:`") from None
    kept: dict[str, list[str]] = {"stdout": [], "stderr": []}
    readers = [asyncio.create_task(_pump(run, child.stdout, "stdout", kept["stdout"])),
               asyncio.create_task(_pump(run, child.stderr, "stderr", kept["stderr"]))]
    left = run.time_left()
    try:
        await asyncio.wait_for(child.wait(host.call_blocking),
                               timeout=None if left is None else max(0.0, left))
    except TimeoutError:
        child.kill()
        await child.wait(host.call_blocking)
        await asyncio.gather(*readers, return_exceptions=True)
        run.check_deadline(f"running {argv[0]}")
        raise StepFailure(f"{argv[0]} timed out", code="timeout") from None
    except asyncio.CancelledError:
        child.kill()
        raise
    await asyncio.gather(*readers)
    stdout = "".join(kept["stdout"])
    if child.returncode != 0:
        stderr = "".join(kept["stderr"]).strip().splitlines()
        last = f": {stderr[-1][:300]}" if stderr else ""
        raise StepFailure(f"{argv[0]} exited with status {child.returncode}{last}",
                          code=f"exit{child.returncode}",
                          hint="read the step's output; fix the cause, then retry or skip")
    return StepResult(outputs={"exit_code": 0, "stdout": stdout[-TAIL:]}, changed=True)


async def _pump(run: StepRun, stream: asyncio.StreamReader | None, name: str,
                kept: list[str]) -> None:
    """Journal a stream line by line up to OUTPUT_CAP bytes, then note what was dropped."""
    if stream is None:
        return
    size = dropped = 0
    while True:
        line = await stream.readline()
        if not line:
            break
        if size + len(line) > OUTPUT_CAP:
            dropped += len(line)
            continue
        size += len(line)
        text = line.decode("utf-8", errors="replace")
        kept.append(text)
        await run.host.emit(Output(step=run.step.id, stream=name, text=text.rstrip("\n")))
    if dropped:
        await run.host.emit(Output(step=run.step.id, stream=name,
                              text=f"[{dropped} more bytes not kept]"))
