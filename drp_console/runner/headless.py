"""Headless runs (`drp run --headless`): an answering policy, a progress printer, a summary."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TextIO

from drp_console.engine.responder import VALID_ANSWERS, Answer, NeedsOperator, Question
from drp_console.exit_codes import ExitCode
from drp_console.journal.event_types import EventType

HEADLESS = "headless"
"""The approver name `--auto-approve` records."""
MAX_RETRIES = 3
MAX_ANSWERS_BYTES = 1024 * 1024
"""Largest `--answers` file read."""
"""How often an `--answers` `retry` is honoured for one step before the step is failed."""


class AnswersError(ValueError):
    """An `--answers` file that cannot be used; the message says what to fix."""


def load_answers(path: str | Path) -> dict[str, str]:
    """The `--answers` YAML: a mapping step id -> answer, every answer a string."""
    import yaml

    file = Path(path)
    try:
        if file.exists() and not file.is_file():
            raise AnswersError(f"the answers file {path} is not a regular file: give a YAML file")
        raw = file.read_bytes()
    except OSError as exc:
        raise AnswersError(f"cannot read the answers file {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"the answers file {path} is over {MAX_ANSWERS_BYTES // 1024} KiB: "
                           "it maps step ids to answers, so it should be small")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswersError(f"the answers file {path} is not UTF-8 text (byte {exc.start}): "
                           "save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise AnswersError(f"{path}{where}: {problem}: write a mapping of step id to "
                           "answer, like `go-no-go: approve` (a reason after an answer needs "
                           "quotes: `go-no-go: \"reject: the backup is too old\"`)") from None
    except RecursionError:
        raise AnswersError(f"{path}: nested too deeply to read: write a flat mapping of step "
                           "id to answer, like `go-no-go: approve`") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersError(f"{path}: write a mapping of step id to answer, like `go-no-go: approve`")
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise AnswersError(f"{path}: the answer for {str(key)[:80]!r} is "
                               f"{str(value)[:80]!r}, not text: quote it (YAML reads "
                               "yes/no/on/off as true/false)")
        out[str(key)] = value
    return out


class HeadlessResponder:
    """Answers from `--answers` first, then `--auto-approve`; what neither covers stops the run.

    Auto-approve approves every approval (approver `headless`), ticks every checklist, takes
    each decision's first option and types each live confirmation. A failed step is answered
    `fail` (so `on_failure` applies) unless the answers say `retry` or `skip`. An UNKNOWN step
    needs an explicit `verified`, `rerun` or `skip`."""

    def __init__(self, auto_approve: bool = False, answers: dict[str, str] | None = None,
                 by: str | None = None) -> None:
        self.auto_approve = auto_approve
        """Approve, tick, decide and confirm everything not in `answers`."""
        self.answers = dict(answers or {})
        """Step id -> answer, from `--answers`."""
        self.by = by or HEADLESS
        """The name answers are recorded under: `--operator`, else `headless`."""
        self._retries: dict[str, int] = {}

    async def ask(self, q: Question) -> Answer:
        allowed = q.options if q.kind == "decision" else VALID_ANSWERS[q.kind]
        given, reason = split_answer(self.answers.get(q.step), allowed)
        if q.kind == "failed":
            if given in ("retry", "skip"):
                if given == "retry":
                    self._retries[q.step] = self._retries.get(q.step, 0) + 1
                    if self._retries[q.step] > MAX_RETRIES:
                        given = "fail"
                return Answer(given, by=self.by, reason=reason or (
                    f"skipped by the --answers file ({self.by})" if given == "skip" else None))
            return Answer("fail", by=self.by)
        if given is not None and given in allowed:
            if given == "reject" and not reason:
                reason = (f"rejected by the --answers file ({self.by}); no reason was written "
                          "there (write `reject: why`)")
            return self._answer(q, given, reason)
        if q.kind == "decision" and given is not None:  # never swap in another option
            raise NeedsOperator(q, _hint(q, given))
        if q.kind == "manual" and given == "approve" or q.kind == "confirm" and given in (
                "approve", "done"):
            return self._answer(q, "done" if q.kind == "manual" else "go")
        if self.auto_approve and q.kind != "unknown":
            value = {"manual": "done", "approval": "approve", "confirm": "go"}.get(q.kind) \
                or (q.options[0] if q.options else "")
            return self._answer(q, value)
        raise NeedsOperator(q, _hint(q, given))

    def _answer(self, q: Question, value: str, reason: str | None = None) -> Answer:
        return Answer(value, by=self.by, role=q.role, checklist=q.checklist, reason=reason,
                      typed=q.expected if q.kind == "confirm" else None)


def split_answer(given: str | None, allowed: Any) -> tuple[str | None, str | None]:
    """`reject: the backup is too old` -> (`reject`, `the backup is too old`): an answer of the
    `--answers` file with the reason after a colon (an answer that is itself allowed is whole)."""
    if given is None or given in allowed or ":" not in given:
        return given, None
    value, _, reason = given.partition(":")
    return value.strip(), " ".join(reason.split()) or None


def _hint(q: Question, given: str | None) -> str:
    choices = q.options if q.kind == "decision" else VALID_ANSWERS[q.kind]
    bad = f"{given!r} is not an answer to it; " if given is not None else ""
    if q.kind == "decision" and given is not None:
        bad = f"{given!r} is not offered (see the step's prompt); "
    extra = "" if q.kind == "unknown" else ", or pass --auto-approve"
    return (f"{bad}add `{q.step}: <{'|'.join(choices)}>` to the --answers file{extra}")


class EventPrinter:
    """One line per journaled event: time (UTC), step, what happened."""

    def __init__(self, out: TextIO, runbook: Any = None) -> None:
        self.out = out
        self.runbook = runbook
        """The runbook, to name a failed step's `on_failure` (optional)."""
        self._progress: dict[str, tuple[object, int]] = {}

    def __call__(self, event: dict[str, Any]) -> None:
        if event.get("type") == EventType.OPERATION_PROGRESS:  # a line per status or per quarter
            key = (event.get("status"), int(event.get("progress") or 0) // 25)
            if self._progress.get(str(event.get("operation"))) == key:
                return
            self._progress[str(event.get("operation"))] = key
        text = describe(event, self.runbook)
        if text is None:
            return
        ts = str(event.get("ts", ""))[11:19]
        self.out.write(f"{ts}  {str(event.get('step') or '-'):<22} {text}\n")
        self.out.flush()


_WAITING = {"manual": "work to be marked done", "approval": "an approval",
            "decision": "a decision", "confirm": "the typed confirmation",
            "failed": "what to do about the failure (retry, skip or fail)",
            "unknown": "a check of what the step did"}


TIMELINE_QUIET = frozenset({EventType.CALL_INTENT, EventType.CALL_COMPLETED,
                            EventType.OPERATION_PROGRESS, EventType.OUTPUT,
                            EventType.CHECKLIST_TICKED})
"""Events a timeline leaves out (a detail pane shows them; they would drown the rest)."""


def timeline_line(e: dict[str, Any], runbook: Any = None) -> tuple[str, str] | None:
    """(words, kind) of an event for a timeline — kind: event, note, milestone or error — or
    None when a timeline leaves it out. A printer of one event at a time, not a fold."""
    kind = e.get("type")
    if kind in TIMELINE_QUIET or (kind == EventType.STEP_STARTED and e.get("attempt") in (None, 1)):
        return None
    if kind == EventType.RUN_STARTED:
        text = f"run started by {e.get('operator')} ({e.get('mode')})"
    else:
        words = describe(e, runbook)
        if words is None:
            return None
        text = words
        if kind == EventType.RUN_RESUMED and e.get("operator"):
            text += f" by {e['operator']}"
    if e.get("step") and kind != EventType.MILESTONE:
        text = f"{e['step']}: {text}"
    return text, _line_kind(e)


def _line_kind(e: dict[str, Any]) -> str:
    kind = e.get("type")
    if kind == EventType.MILESTONE:
        return "milestone"
    if kind == EventType.NOTE:
        return "note"
    if kind in (EventType.ATTEMPT_FAILED, EventType.STEP_UNKNOWN, EventType.WARNING):
        return "error"
    if kind in (EventType.STEP_FINISHED, EventType.RUN_FINISHED) and e.get("status") in (
            "failed", "aborted"):
        return "error"
    return "event"


def describe(e: dict[str, Any], runbook: Any = None) -> str | None:
    """A short human description of an event (None: not worth a line)."""
    t = e.get("type")
    if t == EventType.ANSWERED and e.get("kind") == "failed":
        return _failed_answer(e, runbook)
    if t == EventType.STEP_STARTED:
        return f"started (attempt {e.get('attempt')})"
    if t == EventType.CALL_INTENT:
        rid = f", requestId {e['request_id']}" if e.get("request_id") else ""
        return f"calling {e.get('call')}{rid}"
    if t == EventType.OPERATION_SUBMITTED:
        return f"operation {(e.get('operation') or {}).get('name')} submitted"
    if t == EventType.OPERATION_PROGRESS:
        pct = f" {e['progress']}%" if e.get("progress") is not None else ""
        return f"operation {e.get('status')}{pct}"
    if t == EventType.ATTEMPT_FAILED:
        err = e.get("error") or {}
        kind = "transient" if err.get("transient") else "permanent"
        retry = f", retry in {e['retry_in']:g}s" if e.get("retry_in") is not None else ""
        return f"attempt {e.get('attempt')} failed ({kind}): {err.get('message')}{retry}"
    if t == EventType.WAITING:
        who = f" for {e['role']}" if e.get("role") else ""
        return f"waiting{who}: {_WAITING.get(str(e.get('kind')), e.get('kind'))}"
    if t == EventType.ANSWERED:
        role = f" ({e['role']})" if e.get("role") else ""
        why = f": {e['reason']}" if e.get("reason") else ""
        return f"{e.get('kind')}: {e.get('answer')} by {e.get('by')}{role}{why}"
    if t == EventType.STEP_UNKNOWN:
        return f"UNKNOWN: {e.get('reason')}"
    if t == EventType.OUTPUT:
        return f"| {e.get('text')}"
    if t == EventType.STEP_FINISHED:
        reason = f" ({e['reason']})" if e.get("reason") and e.get("status") != "succeeded" else ""
        return f"{e.get('status')}{reason}"
    if t == EventType.RESTORE_POINT:
        return f"restore point: {e.get('kind')} at {e.get('at')}"
    if t in (EventType.RESOURCE_CREATED, EventType.RESOURCE_DELETED):
        r = e.get("resource") or {}
        return f"{t.split('_')[1]} {r.get('kind')} {r.get('name')}"
    if t == EventType.MILESTONE:
        return f"milestone {e.get('name')} ({e.get('source')})"
    if t == EventType.NOTE:
        tag = f" ({e['tag']})" if e.get("tag") else ""
        return f"note{tag}: {e.get('text')}"
    if t == EventType.WARNING:
        return f"warning: {e.get('message')}"
    if t in (EventType.RUN_PAUSED, EventType.RUN_UNPAUSED, EventType.RUN_RESUMED):
        return str(t).replace("_", " ")
    if t == EventType.RUN_FINISHED:
        return f"run {e.get('status')}" + (f": {e['reason']}" if e.get("reason") else "")
    return None


def _failed_answer(e: dict[str, Any], runbook: Any) -> str:
    """`failed; headless policy: let it fail (on_failure: abort)` and the like."""
    who = "headless policy" if e.get("by") == HEADLESS else str(e.get("by"))
    answer = e.get("answer")
    if answer == "fail":
        policy = None
        if runbook is not None and e.get("step"):
            try:
                policy = runbook.step(e["step"]).on_failure
            except Exception:  # an unknown step: say less rather than nothing
                policy = None
        what = "let it fail" + (f" (on_failure: {policy})" if policy else "")
    elif answer == "retry":
        what = "retry it"
    elif answer == "skip":
        what = "skip it" + (f" ({e['reason']})" if e.get("reason") else "")
    else:
        what = str(answer)
    return f"failed; {who}: {what}"


def run_headless(session: Any, responder: Any, out: TextIO) -> int:
    """Run the session's engine to its end, printing progress; returns the exit code."""
    engine = session.engine(responder)
    engine.subscribe(EventPrinter(out, session.runbook))
    if getattr(session, "shared", False):
        session.journal.on_unreachable = _say_unreachable(out)
    ctx = session.ctx
    world = f", scenario {session.scenario.id}" if session.scenario else ""
    world += f" at {ctx.speed:g}x" if ctx.mode != "live" else f", project {ctx.project}"
    verb = "resuming" if getattr(session, "resumed", False) else "starting"
    out.write(f"{verb} run {ctx.run_id}: {session.runbook.title} ({ctx.mode}{world})\n")
    try:
        state = asyncio.run(engine.run())
    except KeyboardInterrupt:
        out.write(f"interrupted: resume with `drp resume {ctx.run_id} --headless`\n")
        return ExitCode.FAILED
    if engine.needs_operator is not None:
        q = engine.needs_operator.question
        out.write(f"stopped: step {q.step!r} needs an operator's {q.kind} answer: "
                  f"{engine.needs_operator.hint}. Then: drp resume {ctx.run_id} --headless "
                  "--answers FILE\n")
        return ExitCode.NEEDS_OPERATOR
    summary(state, session, out)
    return ExitCode.OK if state.status == "succeeded" else ExitCode.FAILED


def _say_unreachable(out: TextIO) -> Any:
    """What a headless driver prints when the shared journal stops and starts answering."""

    def say(error: Exception | None) -> None:
        if error is not None:
            out.write(f"paused: {error}\n")
        else:
            out.write("the journal database is back: the run continues\n")
        out.flush()

    return say


def summary(state: Any, session: Any, out: TextIO) -> None:
    """Result, step counts, RTO/RPO achieved against the objectives, where the report is."""
    from drp_console.runbook.durations import format_duration

    counts: dict[str, int] = {}
    for st in state.steps.values():
        counts[st.status] = counts.get(st.status, 0) + 1
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    out.write(f"result: {state.status}" + (f" ({state.reason})" if state.reason and
                                            state.status != "succeeded" else "") + "\n")
    out.write(f"steps: {len(state.steps)} ({parts})\n")
    speed = session.ctx.speed
    for name in ("rto", "rpo"):
        try:
            achieved = getattr(state, f"{name}_achieved")
            target = state.objectives.get(name)
        except Exception:  # a fold that cannot say must not hide the result
            achieved, target = None, None
        if achieved is None and target is None:
            continue
        got = format_duration(achieved) if achieved is not None else "not measured"
        line = f"{name.upper()}: {got}"
        if target is not None:
            line += f" (objective {format_duration(target)}"
            if achieved is None:
                line += ")"
            elif speed != 1 and name == "rto":  # run time; the RPO is data time, any speed
                line += f", not comparable at {speed:g}x)"
            else:
                line += ", met)" if achieved <= target else ", missed)"
        out.write(line + "\n")
    if getattr(session, "shared", False):
        out.write(f"journal: {session.journal.where} (run {session.ctx.run_id}); a copy in "
                  f"{session.run_dir / 'journal.jsonl'}\n")
    else:
        out.write(f"journal: {session.run_dir / 'journal.jsonl'}\n")
    report = write_reports(session.run_dir, out)
    if report is not None:
        out.write(f"report: {report}\n")


def write_reports(run_dir: Path, out: TextIO) -> Path | None:
    """Write the run's reports; their Markdown file (None, with a warning, when they fail)."""
    from drp_console.report.writer import write_reports as write_report_files

    try:
        write_report_files(run_dir)
    except Exception as exc:  # the run is done and journaled; the report can be redone
        out.write(f"warning: the report could not be written ({exc}); "
                  f"run `drp report {run_dir.name}` later\n")
        return None
    md = run_dir / "report.md"
    return md if md.exists() else run_dir
