"""Templates and expressions in a run's scope: params, steps' outputs and statuses, run, result."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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
        """Names in scope for templates: params, steps (read from the book when a template
        names one), run (and result)."""
        run = {"mode": self._ctx.mode, "id": self._ctx.run_id, "operator": self._ctx.operator,
               "project": self._ctx.project or self._ctx.params.get("project") or ""}
        return templating.context(params=self._ctx.params, steps=_BookSteps(self._book),
                                  run=run, result=result)

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


class _BookSteps(Mapping[str, dict[str, Any]]):
    """The book's steps as `steps[id] -> {outputs, status}`, each built when it is read."""

    def __init__(self, book: StepBook) -> None:
        self._book = book

    def __getitem__(self, step_id: str) -> dict[str, Any]:
        return {"outputs": self._book.outputs.get(step_id, {}),
                "status": self._book.status[step_id]}

    def __iter__(self) -> Iterator[str]:
        return iter(self._book.status)

    def __len__(self) -> int:
        return len(self._book.status)


def _template(fn: Callable[[], T], source: str) -> T:
    try:
        return fn()
    except StepFailure:
        raise
    except Exception as exc:
        raise StepFailure(f"cannot evaluate {source!r}: {exc}", code="template",
                          hint="fix the expression in the runbook, or skip the step") from None
