"""Google Cloud steps: one catalog call, journaled before it is sent, its operation polled."""

from __future__ import annotations

from typing import Any

from drp_console.engine.executors.base import StepFailure, StepResult, StepRun, cap_result
from drp_console.engine.responder import Question
from drp_console.journal.event_types import (
    CallCompleted,
    CallIntent,
    OperationProgress,
    OperationSubmitted,
    ResourceCreated,
    ResourceDeleted,
    RestorePoint,
    RunWarning,
)
from drp_console.runbook.catalog import CATALOG

POLL_FIRST, POLL_MAX = 0.25, 5.0
"""Operation polling backoff in seconds (divided by the run's speed)."""
ETA_FLOOR = 0.02
"""Shortest wait between two polls when the progress predicts the end (divided by speed)."""


async def confirm_live(run: StepRun, default_expected: str | None) -> None:
    """Live mode: the operator types the confirmation text before a step acts."""
    host = run.host
    if host.ctx.mode != "live":
        return
    confirm = getattr(run.step, "confirm", None)
    expected = host.render(confirm) if confirm else (default_expected or run.step.id)
    question = Question(step=run.step.id, kind="confirm", role=run.step.role,
                        prompt=f"Type {expected!r} to let step {run.step.id!r} act on "
                               f"project {host.ctx.project}",
                        options=("go", "cancel"), expected=expected)
    answer = await host.ask(question)
    if answer.value != "go":
        raise StepFailure("cancelled at the confirmation", code="cancelled",
                          hint="retry the step to be asked again, or skip it")


def refuse_outside_regions(run: StepRun, args: dict[str, Any]) -> None:
    """The residency guard, just before a call is sent: a zone or region outside the run's
    rules fails the step with the refusal, and nothing is sent."""
    from drp_console.runbook import residency

    rules = run.host.ctx.extra.get("residency")
    if rules is None:  # an engine built without a session: the runbook's own rule
        rules = residency.rules_for(run.host.runbook)
    refusal = residency.check(run.step.id, args, rules)  # type: ignore[arg-type]
    if refusal is not None:
        raise StepFailure(refusal, code="residency",
                          hint="nothing was sent; change the step's location or the rule")


async def run_gcp(run: StepRun) -> StepResult:
    """Render `with`, journal the intent, call, poll, then evaluate `check` and `outputs`."""
    from drp_console import actions

    host, step = run.host, run.step
    call = CATALOG[step.call]
    hint = run.resume
    pending: dict[str, Any] = {}
    if hint is not None and hint.kind == "completed":
        result = hint.result
    elif hint is not None and hint.kind == "poll":
        pending = hint.pending or {}
        op = actions.OperationRef.from_dict(hint.operation or {})
        result = await poll_operation(run, op)
    else:
        args = host.render_args(step.with_, call)
        refuse_outside_regions(run, args)
        rid = None
        if call.mutating:
            await confirm_live(run, str(args.get(call.resource) or ""))
            if call.request_id:
                rid = hint.request_id if hint is not None and hint.kind == "resend" \
                    else actions.request_id_for(host.ctx.run_id, step.id, run.attempt)
            await host.emit(CallIntent(step=step.id, attempt=run.attempt, call=call.name,
                              request_id=rid, args=args))
        run.check_deadline("before the call")
        sent = host.clock.monotonic()
        outcome = await _send(run, call, args, rid)
        pending = _pending_effects(outcome)
        if outcome.operation is not None:
            await host.emit(OperationSubmitted(step=step.id, attempt=run.attempt,
                              operation=outcome.operation.to_dict(), pending=pending))
            result = await poll_operation(run, outcome.operation, sent)
        else:
            result = outcome.result
        await _record_effects(run, pending)
        await host.emit(CallCompleted(step=step.id, attempt=run.attempt,
                          result=cap_result(result)))
    if hint is not None and hint.kind == "poll":
        await _record_effects(run, pending)
        await host.emit(CallCompleted(step=step.id, attempt=run.attempt,
                          result=cap_result(result)))
    return finish_call(run, result, changed=call.mutating)


AMBIGUOUS = frozenset({"timeout", "brokenResponse", "connectionError", "retryError"})
"""Error codes after which a sent request may have been applied anyway."""
RESENDS = 3
"""How often a Compute call is re-sent with its requestId after an ambiguous error."""


NOT_SENT = ("refused", "NewConnectionError", "Failed to resolve", "Name or service not known")
"""Connection errors that show the request never left (safe to retry like any transient)."""


def _maybe_sent(err: Any) -> bool:
    """Whether a failed request may have reached the API (and been applied)."""
    if err.code not in AMBIGUOUS:
        return False
    return not (err.code == "connectionError" and any(s in str(err.message) for s in NOT_SENT))


async def _send(run: StepRun, call: Any, args: dict[str, Any], rid: str | None) -> Any:
    """Invoke the call. When a mutating call gets no clear answer, a call with a requestId is
    re-sent with the same id (applied once); one without is not repeated: it may have acted."""
    from drp_console import actions

    host = run.host
    for resend in range(RESENDS + 1):
        try:
            return await host.call_blocking(actions.invoke, host.cloud, call.name, args, rid)
        except actions.CloudError as err:
            if not (call.mutating and _maybe_sent(err)):
                raise StepFailure.from_cloud_error(err) from None
            if rid is None or resend == RESENDS:
                failure = StepFailure.from_cloud_error(err)
                failure.maybe_applied = True
                raise failure from None
            await host.emit(RunWarning(step=run.step.id,
                              message=f"no clear answer ({err.message}); sending again with "
                                      f"the same requestId {rid}"))
            await host.clock.sleep(POLL_FIRST * 2 ** resend / host.ctx.speed)
    raise AssertionError("unreachable")


def finish_call(run: StepRun, result: Any, *, changed: bool) -> StepResult:
    """Evaluate the step's `check` and `outputs` on the call's result."""
    host, step = run.host, run.step
    check = getattr(step, "check", None)
    if check and not host.evaluate(check, result=result):
        raise StepFailure(f"check failed: {check}", code="checkFailed",
                          hint="the resource is not in the state the runbook expects; "
                               "look at it, then retry, skip or fail the step")
    outputs = {name: host.evaluate(expr, result=result)
               for name, expr in (getattr(step, "outputs", None) or {}).items()}
    return StepResult(outputs=outputs, changed=changed)


def _pending_effects(outcome: Any) -> dict[str, Any]:
    """What a call will have done once its operation succeeds (journaled with the operation)."""
    def refs(items: Any) -> list[dict[str, Any]]:
        return [r.to_dict() if hasattr(r, "to_dict") else dict(r) if isinstance(r, dict)
                else {"kind": getattr(r, "kind", None), "name": getattr(r, "name", str(r)),
                      "location": getattr(r, "location", None)} for r in items or ()]

    point = getattr(outcome, "restore_point", None)
    if point is not None and not isinstance(point, dict):
        point = {"at": str(point)}
    return {"restore_point": point, "created": refs(getattr(outcome, "created", None)),
            "deleted": refs(getattr(outcome, "deleted", None))}


async def _record_effects(run: StepRun, pending: dict[str, Any]) -> None:
    host, step = run.host, run.step
    point = pending.get("restore_point")
    if point:
        args = step.with_ or {}
        kind = point.get("kind") or ("backup" if "backupRunId" in args else "point_in_time")
        backup = point.get("backup_run_id")
        if backup is None and kind == "backup":
            backup = host.render_value(args.get("backupRunId"))
        await host.emit(RestorePoint(step=step.id, kind=kind, at=point.get("at"),
                                     backup_run_id=None if backup is None else str(backup),
                                     lag_seconds=point.get("lag_seconds")))
    for ref in pending.get("created") or ():
        await host.emit(ResourceCreated(step=step.id, resource=ref))
    for ref in pending.get("deleted") or ():
        await host.emit(ResourceDeleted(step=step.id, resource=ref))


async def poll_operation(run: StepRun, op: Any, submitted: float | None = None) -> Any:
    """Poll an operation until DONE, journaling progress changes; its error fails the step."""
    from drp_console import actions

    host = run.host
    delay, last, failures = POLL_FIRST, None, 0
    # (time, progress) of a reading to measure the rate from: the submission (0%) when known
    first: tuple[float, int] | None = (submitted, 0) if submitted is not None else None
    eta: float | None = None
    while True:
        try:
            status = await host.call_blocking(actions.poll, host.cloud, op)
        except actions.CloudError as err:
            if not err.transient or failures >= 20:
                raise StepFailure.from_cloud_error(err) from None
            failures += 1
        else:
            failures = 0
            now = (status.status, status.progress)
            if now != last:
                last = now
                await host.emit(OperationProgress(step=run.step.id, operation=op.name,
                                  status=status.status, progress=status.progress))
            if status.status == "DONE":
                if status.error is not None:
                    raise StepFailure.from_cloud_error(status.error)
                return status.result
            eta, first = _eta(host.clock.monotonic(), status.progress, first)
        run.check_deadline(f"waiting for operation {op.name}")
        wait = delay / host.ctx.speed
        if eta is not None:  # poll again just after the operation should be done
            wait = max(ETA_FLOOR / host.ctx.speed, 0.005,
                       min(wait, eta - host.clock.monotonic()))
        left = run.time_left()
        if left is not None:
            wait = max(0.0, min(wait, left))
        await host.clock.sleep(wait)
        delay = min(delay * 2, POLL_MAX)


def _eta(now: float, progress: int | None,
         first: tuple[float, int] | None) -> tuple[float | None, tuple[float, int] | None]:
    """When an operation reporting steady progress should be done (Compute reports percent)."""
    if progress is None or progress <= 0 or progress >= 100:
        return None, first
    if first is None:
        return None, (now, progress)
    t0, p0 = first
    if progress <= p0 or now <= t0:
        return None, first
    return now + (100 - progress) * (now - t0) / (progress - p0), first
