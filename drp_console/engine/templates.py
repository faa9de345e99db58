"""Templates and expressions in a run's scope: params, steps' outputs and statuses, run, result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drp_console.engine.executors.base import StepFailure


class TemplateScope:
    """Mixed into Engine: renders `with`/`run`/prompts and evaluates `check`/`until`/`when`."""

    def template_context(self, result: Any = None) -> Any:
        """Names in scope for templates: params, steps, run (and result)."""
        from drp_console.runbook import templating

        steps = {s.id: {"outputs": self.outputs.get(s.id, {}), "status": self.status[s.id]}
                 for s in self.runbook.steps}
        run = {"mode": self.ctx.mode, "id": self.ctx.run_id, "operator": self.ctx.operator,
               "project": self.ctx.project or self.ctx.params.get("project") or ""}
        return templating.context(params=self.ctx.params, steps=steps, run=run, result=result)

    def render(self, text: str) -> str:
        """A template rendered in the run's context."""
        from drp_console.runbook import templating

        if "{{" not in text and "{%" not in text:
            return text
        return self._template(lambda: templating.render(text, self.template_context()), text)

    def render_value(self, value: Any) -> Any:
        """Every string inside a value (dicts, lists) rendered."""
        if isinstance(value, str):
            return self.render(value)
        if isinstance(value, dict):
            return {k: self.render_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.render_value(v) for v in value]
        return value

    def render_args(self, args: dict[str, Any] | None, call: Any) -> dict[str, Any]:
        """A step's `with`, rendered and converted to the call's argument types."""
        from drp_console.runbook import templating

        return self._template(
            lambda: templating.render_args(dict(args or {}), self.template_context(), call),
            f"with of {call.name}")

    def evaluate(self, expr: str, result: Any = None) -> Any:
        """A bare expression evaluated in the run's context."""
        from drp_console.runbook import templating

        return self._template(lambda: templating.evaluate(expr, self.template_context(result)),
                              expr)

    @staticmethod
    def _template(fn: Callable[[], Any], source: str) -> Any:
        try:
            return fn()
        except StepFailure:
            raise
        except Exception as exc:
            raise StepFailure(f"cannot evaluate {source!r}: {exc}", code="template",
                              hint="fix the expression in the runbook, or skip the step") from None

