"""Wait steps: repeat a read-only call until its `until` expression holds."""

from __future__ import annotations

from drp_console.engine.executors.base import StepFailure, StepResult, StepRun, cap_result
from drp_console.engine.executors.gcp import refuse_outside_regions
from drp_console.journal.event_types import CallCompleted
from drp_console.runbook.catalog import CATALOG

DEFAULT_INTERVAL = 10.0
"""Seconds between two reads when the step gives no `interval`."""


async def run_wait(run: StepRun) -> StepResult:
    """Read every `interval` (divided by speed) until `until` holds or the timeout runs out."""
    from drp_console import actions

    host, step = run.host, run.step
    call = CATALOG[step.call]
    args = host.render_args(step.with_, call)
    refuse_outside_regions(run, args)
    interval = (getattr(step, "interval", None) or DEFAULT_INTERVAL) / host.ctx.speed
    reads, last_error = 0, None
    while True:
        try:
            outcome = await host.call_blocking(actions.invoke, host.cloud, call.name, args, None)
        except actions.CloudError as err:
            if not err.transient:
                raise StepFailure.from_cloud_error(err) from None
            last_error = err
        else:
            reads += 1
            result = outcome.result
            if host.evaluate(step.until, result=result):
                await host.emit(CallCompleted(step=step.id, attempt=run.attempt,
                                  result=cap_result(result)))
                outputs = {name: host.evaluate(expr, result=result)
                           for name, expr in (getattr(step, "outputs", None) or {}).items()}
                return StepResult(outputs={"reads": reads, **outputs})
        left = run.time_left()
        if left is not None and left <= 0:
            extra = f" (last error: {last_error.message})" if last_error is not None else ""
            raise StepFailure(f"timed out: {step.until} still false after {reads} read(s){extra}",
                              code="timeout",
                              hint="look at the resource; retry the wait, skip it or fail")
        await host.clock.sleep(interval if left is None else max(0.0, min(interval, left)))
