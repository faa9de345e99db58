"""Templates and expressions in a run's scope: params, steps' outputs and statuses, run, result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drp_console.engine.context import RunContext
from drp_console.engine.executors.base import StepFailure
from drp_console.engine.step_book import StepBook
from drp_console.runbook import templating
from drp_console.runbook.catalog import Call

T = TypeVar("T")


class TemplateScope:
    """Renders `with`/`run`/prompts and evaluates `check`/`until`/`when` against the run as it
    stands (the step book's statuses and outputs)."""

    def __init__(self, ctx: RunContext, book: StepBook) -> None:
        self._ctx = ctx
        self._book = book

    def template_context(self, result: Any = None) -> dict[str, Any]:
        """Names in scope for templates: params, steps, run (and result)."""
        book = self._book
        steps = {s.id: {"outputs": book.outputs.get(s.id, {}), "status": book.status[s.id]}
                 for s in book.runbook.steps}
        run = {"mode": self._ctx.mode, "id": self._ctx.run_id}
        return templating.context(params=self._ctx.params, steps=steps, run=run, result=result)

    def render(self, text: str) -> str:
        """A template rendered in the run's context."""
        if "{{" not in text and "{%" not in text:
            return text
        return _template(lambda: templating.render(text, self.template_context()), text)

    def render_value(self, value: Any) -> Any:
        """Every string inside a value (dicts, lists) rendered."""
        if isinstance(value, str):
            return self.render(value)
        if isinstance(value, dict):
            return {k: self.render_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.render_value(v) for v in value]
        return value

    def render_args(self, args: dict[str, Any] | None, call: Call) -> dict[str, Any]:
        """A step's `with`, rendered and converted to the call's argument types."""
        return _template(
            lambda: templating.render_args(dict(args or {}), self.template_context(), call),
            f"with of {call.name}")

    def evaluate(self, expr: str, result: Any = None) -> Any:
        """A bare expression evaluated in the run's context."""
        return _template(lambda: templating.evaluate(expr, self.template_context(result)), expr)


def _template(fn: Callable[[], T], source: str) -> T:
    try:
        return fn()
    except StepFailure:
        raise
    except Exception as exc:
        raise StepFailure(f"cannot evaluate {source!r}: {exc}", code="template",
                          hint="fix the expression in the runbook, or skip the step") from None
