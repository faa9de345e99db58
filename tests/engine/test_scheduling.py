"""Scheduling rules of RUNBOOK_FORMAT.md on small in-test runbooks, with people and shell steps."""

from __future__ import annotations

import sys

from engine_helpers import ScriptedResponder, engine_for, finished, run, runbook, types


def manual(id: str, **kw):
    return {"id": id, "title": id, "type": "manual", **kw}


def sh(id: str, code: str, **kw):
    return {"id": id, "title": id, "type": "shell", "run": [sys.executable, "-c", code], **kw}


def test_absent_needs_means_previous_step_and_run_succeeds(tmp_path):
    eng = engine_for(runbook(manual("a"), manual("b"), manual("c")), tmp_path, ScriptedResponder())
    state = run(eng)
    starts = [e["step"] for e in eng.journal.events() if e["type"] == "step_started"]
    assert starts == ["a", "b", "c"]
    assert state.status == "succeeded"
    assert types(eng)[-1] == "run_finished"


def test_parallel_branches_start_together(tmp_path):
    rb = runbook(manual("a"), manual("b", needs=[]), manual("c", needs=["a", "b"]))
    responder = ScriptedResponder()
    eng = engine_for(rb, tmp_path, responder)
    run(eng)
    ev = eng.journal.events()
    seq = {(e["type"], e.get("step")): e["seq"] for e in ev}
    # b was asked before a was answered: both waited at once
    assert seq[("waiting", "b")] < seq[("answered", "a")]
    assert seq[("step_started", "c")] > max(seq[("step_finished", "a")], seq[("step_finished", "b")])


def test_decision_runs_chosen_target_and_skips_the_other(tmp_path):
    rb = runbook(
        {"id": "pick", "title": "pick", "type": "decision", "options": {"promote": "p", "restore": "r"}},
        manual("p"), manual("r"), manual("after", needs=["p", "r"]))
    eng = engine_for(rb, tmp_path, ScriptedResponder({"pick": "restore"}))
    run(eng)
    done = finished(eng)
    assert done["p"] == ("skipped", "not chosen")
    assert done["r"][0] == "succeeded"
    assert done["after"][0] == "succeeded"


def test_when_false_and_modes_skip(tmp_path):
    rb = runbook(manual("a", when="params.go == 'no'"), manual("b", needs=[], modes=["live"]),
                 manual("c", needs=["a"]))
    eng = engine_for(rb, tmp_path, ScriptedResponder(), params={"go": "yes"})
    run(eng)
    done = finished(eng)
    assert done["a"][0] == "skipped" and "when" in done["a"][1]
    assert done["b"][0] == "skipped" and "live" in done["b"][1]
    assert done["c"] == ("skipped", "its needs were skipped")


def test_abort_starts_nothing_new_and_run_fails(tmp_path):
    rb = runbook(sh("bad", "raise SystemExit(3)"), manual("next"))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    state = run(eng)
    done = finished(eng)
    assert done["bad"][0] == "failed" and "status 3" in done["bad"][1]
    assert done["next"][0] == "skipped" and "aborted" in done["next"][1]
    assert "step_started" not in types(eng, "next")
    assert state.status == "failed"


def test_on_failure_continue_lets_dependents_run(tmp_path):
    rb = runbook(sh("bad", "raise SystemExit(1)", on_failure="continue"), manual("next"))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    state = run(eng)
    assert finished(eng)["next"][0] == "succeeded"
    assert state.status == "succeeded"


def test_on_failure_recovery_step_runs_only_when_chosen(tmp_path):
    rb = runbook(sh("bad", "raise SystemExit(1)", on_failure="fix"), manual("fix"),
                 sh("good", "pass", needs=[], on_failure="fix2"), manual("fix2", needs=["good"]))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    state = run(eng)
    done = finished(eng)
    assert done["fix"][0] == "succeeded"
    assert done["fix2"] == ("skipped", "not chosen")
    assert state.status == "succeeded"


def test_failed_question_retry_then_skip(tmp_path):
    rb = runbook(sh("flaky", "raise SystemExit(2)"), manual("next"))
    responder = ScriptedResponder({"flaky": ["retry", "skip"]})
    eng = engine_for(rb, tmp_path, responder)
    run(eng)
    kinds = [q.kind for q in responder.asked if q.step == "flaky"]
    assert kinds == ["failed", "failed"]
    starts = [e["attempt"] for e in eng.journal.events()
              if e["type"] == "step_started" and e["step"] == "flaky"]
    assert starts == [1, 2]
    assert finished(eng)["flaky"][0] == "skipped"
    assert finished(eng)["next"][0] == "succeeded"


def test_shell_timeout_fails_and_output_is_captured(tmp_path):
    rb = runbook(sh("say", "print('hello out')"),
                 sh("slow", "import time; time.sleep(30)", timeout="1s", on_failure="continue"))
    eng = engine_for(rb, tmp_path, ScriptedResponder(), speed=1.0)
    run(eng)
    outputs = [e["text"] for e in eng.journal.events() if e["type"] == "output"]
    assert "hello out" in outputs
    done = finished(eng)
    assert done["slow"][0] == "failed" and "timed out" in done["slow"][1]


def test_shell_argv_is_not_run_through_a_shell(tmp_path):
    rb = runbook(sh("echo", "import sys; print(sys.argv[1])", run=[sys.executable, "-c",
                    "import sys; print(sys.argv[1])", "{{ params.name }}"]))
    eng = engine_for(rb, tmp_path, ScriptedResponder(), params={"name": "db; echo INJECTED"})
    run(eng)
    outputs = [e["text"] for e in eng.journal.events() if e["type"] == "output"]
    assert outputs == ["db; echo INJECTED"]


def test_manual_needs_every_checklist_item(tmp_path):
    rb = runbook(manual("a", checklist=["one", "two"]))

    class Lazy(ScriptedResponder):
        async def ask(self, q):
            answer = await super().ask(q)
            if q.kind == "manual":
                return type(answer)("done", by="x", checklist=("one",))
            return answer

    eng = engine_for(rb, tmp_path, Lazy())
    run(eng)
    assert finished(eng)["a"][0] == "failed"


def test_approval_records_approver_and_reject_fails(tmp_path):
    rb = runbook({"id": "gate", "title": "gate", "type": "approval", "role": "commander"},
                 {"id": "gate2", "title": "g2", "type": "approval", "needs": [],
                  "on_failure": "continue"},
                 roles={"commander": "IC"})
    eng = engine_for(rb, tmp_path, ScriptedResponder({"gate2": {"approval": "reject"}}))
    run(eng)
    answered = [e for e in eng.journal.events() if e["type"] == "answered" and e["step"] == "gate"]
    assert answered[0]["by"] == "tester" and answered[0]["role"] == "commander"
    assert finished(eng)["gate2"][0] == "failed"


def test_live_mode_asks_confirmation_with_expected_text(tmp_path):
    rb = runbook(sh("act", "pass", confirm="{{ params.name }}"))
    responder = ScriptedResponder()
    eng = engine_for(rb, tmp_path, responder, mode="live", params={"name": "orders-db"})
    run(eng)
    confirm = [q for q in responder.asked if q.kind == "confirm"]
    assert confirm and confirm[0].expected == "orders-db"
    assert finished(eng)["act"][0] == "succeeded"


def test_confirmation_typed_wrong_is_asked_again(tmp_path):
    rb = runbook(sh("act", "pass", confirm="orders-db"))

    class Typo(ScriptedResponder):
        n = 0

        async def ask(self, q):
            answer = await super().ask(q)
            if q.kind == "confirm":
                self.n += 1
                typed = "orders-dv" if self.n == 1 else q.expected
                return type(answer)("go", by="x", typed=typed)
            return answer

    eng = engine_for(rb, tmp_path, Typo(), mode="live")
    run(eng)
    assert [e["type"] for e in eng.journal.events() if e.get("step") == "act"].count("waiting") == 2
    assert finished(eng)["act"][0] == "succeeded"


def test_secret_param_never_reaches_the_journal(tmp_path):
    canary = "canary-5ecret-93f1"
    rb = runbook(sh("leak", "import sys; print(sys.argv[1])",
                    run=[sys.executable, "-c", "import sys; print(sys.argv[1])",
                         "{{ params.token }}"]))
    eng = engine_for(rb, tmp_path, ScriptedResponder(), params={"token": canary},
                     secrets=(canary,))
    run(eng)
    assert finished(eng)["leak"][0] == "succeeded"
    assert canary not in eng.journal.path.read_text()


def test_milestone_recorded_when_step_succeeds(tmp_path):
    eng = engine_for(runbook(manual("a", milestone="declared")), tmp_path, ScriptedResponder())
    state = run(eng)
    assert "declared" in state.milestones


def test_a_decision_offers_only_options_whose_target_can_run(tmp_path):
    rb = runbook(
        manual("first"),
        {"id": "pick", "title": "pick", "type": "decision", "recommended": "clone",
         "options": {"restore": "r", "clone": "c", "drill": "d", "later": "l"}},
        manual("r", needs=["pick"]), manual("c", needs=["pick"], when="params.at != ''"),
        manual("d", needs=["pick"], modes=["training"]),
        # reads a step that has not run when the decision asks: offered, decided later
        manual("l", needs=["pick"], when="steps['r'].status == 'succeeded'"))
    responder = ScriptedResponder({"pick": "later"})
    eng = engine_for(rb, tmp_path, responder, params={"at": ""})
    state = run(eng)
    (asked,) = [q for q in responder.asked if q.step == "pick"]
    assert asked.options == ("restore", "later")
    assert asked.recommended is None  # the recommended option is not offered
    assert ("Not offered: \u201cclone\u201d, because c does not apply to this run: the parameter "
            "at is not set") in asked.prompt
    assert "\u201cdrill\u201d, because it runs only in training mode" in asked.prompt
    assert "*" not in asked.prompt and "!=" not in asked.prompt  # words, not an expression
    done = finished(eng)
    assert done["l"][0] == "skipped"  # chosen, but its when turned out false: said loudly
    warnings = [e["message"] for e in eng.journal.events() if e["type"] == "warning"]
    assert any("l was chosen but is skipped" in w for w in warnings)
    assert state.status == "succeeded"


def test_a_decision_with_no_option_that_can_run_fails(tmp_path):
    rb = runbook({"id": "pick", "title": "pick", "type": "decision", "options": {"clone": "c"}},
                 manual("c", needs=["pick"], when="params.at != ''"))
    eng = engine_for(rb, tmp_path, ScriptedResponder(), params={"at": ""})
    state = run(eng)
    done = finished(eng)
    assert done["pick"][0] == "failed" and "no option of this decision can run" in done["pick"][1]
    assert state.status == "failed"
